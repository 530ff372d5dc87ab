from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "madoguchi.receivables"
    verbose_name = _("receivables")

    def ready(self) -> None:
        from madoguchi.receivables.services import receivable_for_request
        from madoguchi.subcontracts.signals import request_accepted

        request_accepted.connect(receivable_for_request, dispatch_uid="receivable_for_request")
