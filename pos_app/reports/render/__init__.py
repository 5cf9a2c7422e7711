"""Qt-free text and HTML of the receipt, the Z report and the sales report.

The ui, :mod:`pos_app.printing` and the CLI all render through here, so a receipt reads the
same on screen, on paper, in a PDF and in a terminal. Nothing here imports Qt or the ui.
"""
