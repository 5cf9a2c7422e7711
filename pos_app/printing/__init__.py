"""Qt paging, printing and PDF output shared by the receipt, the Z report and the sales report.

Nothing here imports :mod:`pos_app.ui`; the CLI prints through this package without a window.
"""
