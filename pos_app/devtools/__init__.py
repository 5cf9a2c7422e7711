"""pos_app.devtools."""
