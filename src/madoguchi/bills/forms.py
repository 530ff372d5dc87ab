"""The bill-file upload, and the answers to shared payee names on the preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.bills.parsing import ColumnMap, normalize
from madoguchi.bills.services import Unanswered
from madoguchi.bills.uploads import BILL_MAX_MB

NOT_TELECOM = "-"


class BillFileForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "A CSV from Money Forward ME (マネーフォワード ME) or Zaim, Madoguchi's bill "
            "CSV, or any bank's or card's statement (CSV or Excel): you will be asked which "
            "column is what. Nothing is saved before you confirm the preview."
        ),
    )

    def __init__(self, *args: Any, refused: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused = refused or []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.refused:
            self.add_error(
                "file",
                _("The file %(name)s is larger than %(size)s MB and was not read.")
                % {"name": self.refused[0], "size": BILL_MAX_MB},
            )
        return data


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


SAMPLE_MAX = 24


class ColumnsForm(forms.Form):
    """Which of the file's own columns is the date, the payee and the amount (and, if the
    file has them, the item, the billing month and the service): one select per role listing
    the header with a sample value each, for a statement no preset knows."""

    ROLES = {
        "date": (_("Which column is the date of the charge?"), True),
        "payee": (_("Which column is the shop or company charged?"), True),
        "amount": (_("Which column is the amount?"), True),
        "item": (_("Which column says what it was for? (if any)"), False),
        "month": (_("Which column is the billing month? (if any)"), False),
        "service": (_("Which column is the kind of service? (if any)"), False),
    }

    def __init__(self, *args: Any, header: list[str], sample: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns: list[tuple[str, str]] = []
        for n, name in enumerate(header):
            key = normalize(name)
            if not key or key in dict(columns):
                continue
            value = normalize(sample[n]) if n < len(sample) else ""
            if len(value) > SAMPLE_MAX:
                value = value[: SAMPLE_MAX - 1] + "…"
            label = (
                str(_("%(column)s (e.g. %(sample)s)") % {"column": key, "sample": value})
                if value
                else key
            )
            columns.append((key, label))
        for role, (question, required) in self.ROLES.items():
            blank = ("", "—") if required else ("", _("Not in this file"))
            self.fields[f"col_{role}"] = forms.ChoiceField(
                label=question, choices=[blank, *columns], required=required
            )
            if role == "amount":
                self.fields["col_expenses"] = forms.ChoiceField(
                    label=_("How is money spent written?"),
                    choices=[
                        ("positive", _("As a plus amount (1,320)")),
                        ("negative", _("As a minus amount (-1,320)")),
                    ],
                    widget=forms.RadioSelect,
                    initial="positive",
                )

    def column_map(self) -> ColumnMap:
        data = self.cleaned_data
        return ColumnMap(
            expenses_negative=data["col_expenses"] == "negative",
            **{role: data[f"col_{role}"] for role in self.ROLES},
        )


class OrganizationForm(forms.Form):
    """Which organization a sheet with a site column is for (when the person writes to
    several)."""

    organization = forms.ChoiceField(label=_("Organization"))

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.slug, o.name) for o in organizations]
