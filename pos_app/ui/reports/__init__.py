"""pos_app.ui.reports."""
