"""The project's own app, for what every page shares and no app owns: the `madoguchi` template
library (templatetags/madoguchi.py), the static files (static/madoguchi/), the base template,
the error pages, the delete confirmation and the login pages (templates/). No models."""

from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "madoguchi.server"
    label = "server"
    verbose_name = "Madoguchi"
