from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "madoguchi.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from madoguchi.cases import receivers  # noqa: F401  (connects the receivers)
        from madoguchi.cases.sqlite_search import after_migrate

        # Whatever a migration rebuilt, SQLite's search triggers are back after `migrate`.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="cases-sqlite-search")
