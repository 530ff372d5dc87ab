"""The Django project: settings, URLs and WSGI for the desk server."""
