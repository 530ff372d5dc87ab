from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "madoguchi.receivables"
    verbose_name = _("receivables")

    def ready(self) -> None:
        from madoguchi.cases.reminders import EXTRA_JOBS
        from madoguchi.receivables.reminders import send_receivable_reminders

        EXTRA_JOBS["receivable reminders"] = send_receivable_reminders
