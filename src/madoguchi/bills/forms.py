"""The bill-file upload, and the answers to shared payee names on the preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.bills.services import Unanswered

NOT_TELECOM = "-"


class BillFileForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "A CSV from Money Forward ME (マネーフォワード ME) or Zaim, Madoguchi's bill "
            "CSV, or an installer's sheet (CSV or Excel). Nothing is saved before you "
            "confirm the preview."
        ),
    )


class PayeeForm(forms.Form):
    """One select per shared payee name met in the file: which company, or not telecom."""

    def __init__(
        self,
        *args: Any,
        unanswered: dict[str, Unanswered],
        party_name: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names: dict[str, str] = {}
        for n, (key, entry) in enumerate(sorted(unanswered.items())):
            field = f"payee_{n}"
            self.names[field] = entry.name
            choices = [(slug, party_name(slug)) for slug in entry.candidates]
            choices.append((NOT_TELECOM, _("Not a telephone or internet charge")))
            self.fields[field] = forms.ChoiceField(
                label=_("「%(name)s」 (%(lines)d lines) bills for")
                % {
                    "name": entry.name,
                    "lines": entry.lines,
                },
                choices=[("", "—"), *choices],
            )
            del key

    def answers(self) -> dict[str, str]:
        """Payee name → party slug ("" = not telecom)."""
        return {
            self.names[f]: ("" if v == NOT_TELECOM else v) for f, v in self.cleaned_data.items()
        }
