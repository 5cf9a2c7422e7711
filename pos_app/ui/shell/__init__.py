"""pos_app.ui.shell."""
