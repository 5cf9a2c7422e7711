"""pos_app.ui.kit."""
