from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "madoguchi.directory"
    verbose_name = _("Parties and desks")

    def ready(self) -> None:
        from madoguchi.directory import signals  # noqa: F401  (connects the receivers)
