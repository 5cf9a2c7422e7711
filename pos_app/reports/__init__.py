"""Reports and printed documents that are not screens: see :mod:`pos_app.reports.render`."""
