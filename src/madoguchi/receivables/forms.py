"""The forms of the receivable pages; they check the fields, the services the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from madoguchi.agents.models import Agent
from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.orgs.types import AnyUser
from madoguchi.receivables.services import YEN_MAX
from madoguchi.server.bounds import BoundedForm


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def _yen(label: Any, *, least: int, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=least,
        max_value=YEN_MAX,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


# The site and case pickers are plain <select>s: they list the latest this many (and the one
# chosen), while any site or case the user may write to is accepted. An installer's
# organization can hold thousands of sites and a million cases; a receivable is nearly always
# about a recent job.
SITES_LISTED = 300
CASES_LISTED = 100


def _listed(field: forms.ModelChoiceField, rows: QuerySet[Any], most: int, chosen: Any) -> None:
    """Show the first `most` of `rows` (and the chosen row, when it is not among them) in the
    field's widget; the field's queryset, which validates, stays whole."""
    shown = list(rows[:most])
    if chosen and str(chosen).isdigit() and all(str(row.pk) != str(chosen) for row in shown):
        shown += list(rows.filter(pk=int(chosen)))
    label = field.label_from_instance
    field.widget.choices = [("", "—"), *((row.pk, label(row)) for row in shown)]


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.name} — {obj}"


class ReceivableForm(BoundedForm, forms.Form):
    agent = forms.ModelChoiceField(label=_("Sales agent"), queryset=Agent.objects.none())
    description = forms.CharField(
        label=_("What for"),
        max_length=bounds.DESCRIPTION,
        help_text=_("The job, as you and the agent call it (e.g. 山本様 宅 設定サポート)."),
    )
    amount_yen = _yen(_("Amount promised (yen)"), least=1)
    due = forms.DateField(label=_("Due date"), widget=_date())
    site = forms.ModelChoiceField(
        label=_("Site (optional)"), queryset=Site.objects.none(), required=False
    )
    case = CaseChoiceField(label=_("Case (optional)"), queryset=Case.objects.none(), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agents = self.fields["agent"]
        sites = self.fields["site"]
        cases = self.fields["case"]
        assert isinstance(agents, forms.ModelChoiceField)
        assert isinstance(sites, forms.ModelChoiceField)
        assert isinstance(cases, forms.ModelChoiceField)
        agents.queryset = Agent.objects.writable_by(user).order_by("name", "pk")
        site_rows = Site.objects.writable_by(user).order_by("name", "pk")
        case_rows = (
            Case.objects.writable_by(user).select_related("site").order_by("-created", "-pk")
        )
        sites.queryset, cases.queryset = site_rows, case_rows
        for field in (agents, sites, cases):
            field.empty_label = "—"
        _listed(sites, site_rows, SITES_LISTED, self._chosen("site"))
        _listed(cases, case_rows, CASES_LISTED, self._chosen("case"))

    def _chosen(self, name: str) -> Any:
        return self.data.get(name) if self.is_bound else self.initial.get(name)


class PaymentForm(BoundedForm, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=_date())
    amount_yen = _yen(_("Amount received (yen)"), least=0)
    fee_yen = _yen(_("Bank transfer fee deducted (yen)"), least=0, required=False)
    other_yen = _yen(_("Other deduction (yen)"), least=0, required=False)
    other_what = forms.CharField(
        label=_("What the other deduction was for"), required=False, max_length=bounds.ITEM
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=bounds.NOTE)
