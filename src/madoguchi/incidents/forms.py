"""Forms of the incident pages: what a person types survives a refused form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.cases.models import PromiseKind
from madoguchi.engine import bounds
from madoguchi.server.bounds import BoundedForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})


class CallForm(BoundedForm, forms.Form):
    said = forms.CharField(
        label=_("what was said"), max_length=bounds.NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    person = forms.CharField(
        label=_("person (name as given)"), required=False, max_length=bounds.PERSON
    )
    reference = forms.CharField(
        label=_("reference number"), required=False, max_length=bounds.REFERENCE
    )
    promise_what = forms.ChoiceField(
        label=_("they promised"), required=False, choices=[("", "—"), *PromiseKind.choices]
    )
    promise_due = forms.DateTimeField(label=_("by"), required=False, widget=DATETIME)
    next_update_due = forms.DateTimeField(
        label=_("next update to customers by"), required=False, widget=DATETIME
    )
    public = forms.BooleanField(
        label=_("show on the customers' page"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("promise_what") and not data.get("promise_due"):
            self.add_error("promise_due", _("A promise needs the time it is due."))
        if data.get("promise_due") and not data.get("promise_what"):
            self.add_error("promise_what", _("Choose what was promised."))
        return data


class EndForm(BoundedForm, forms.Form):
    ended = forms.DateTimeField(
        label=_("restored at"), required=False, widget=DATETIME, help_text=_("empty: now")
    )
