"""pos_app.ui.day."""
