"""pos_app.ui.people."""
