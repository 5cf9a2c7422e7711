"""pos_app.ui.reports.reconcile."""
