"""pos_app.ui.reports.dashboard."""
