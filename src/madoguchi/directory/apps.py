from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "madoguchi.directory"
    verbose_name = _("Parties and desks")
