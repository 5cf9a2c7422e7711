"""pos_app.ui.payments."""
