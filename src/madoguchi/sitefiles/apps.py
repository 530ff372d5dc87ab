from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteFilesConfig(AppConfig):
    name = "madoguchi.sitefiles"
    verbose_name = _("Site files")

    def ready(self) -> None:
        from madoguchi.cases.reminders import EXTRA_JOBS
        from madoguchi.sitefiles.deadline_reminders import send_deadline_reminders

        EXTRA_JOBS["deadline reminders"] = send_deadline_reminders
