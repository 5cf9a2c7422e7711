"""pos_app.ui.manage."""
