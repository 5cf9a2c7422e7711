"""pos_app.ui.reports.day_close."""
