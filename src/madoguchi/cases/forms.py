"""The call log form: one form to record a call's result, a status change and a promise
while still on the phone."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from madoguchi.cases.models import EntryKind, Outcome, PromiseKind, Status
from madoguchi.cases.services import OUTCOME_PROMISES, PromiseSpec

# What a person can say a call came to (a broken promise is marked on the promise).
OUTCOME_CHOICES = [
    ("", "—"),
    *((o.value, o.label) for o in Outcome if o != Outcome.BROKEN),
]

LOGGABLE = [
    (k.value, k.label)
    for k in (
        EntryKind.CALL_OUT,
        EntryKind.CALL_IN,
        EntryKind.VISIT,
        EntryKind.LETTER,
        EntryKind.EMAIL,
        EntryKind.NOTE,
    )
]


class LogForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=LOGGABLE, initial=EntryKind.CALL_OUT)
    at = forms.DateTimeField(
        label=_("when"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("empty: now"),
    )
    party = forms.ChoiceField(label=_("party"), required=False)
    person = forms.CharField(label=_("person (name as given)"), required=False, max_length=100)
    reference = forms.CharField(label=_("reference number"), required=False, max_length=100)
    said = forms.CharField(
        label=_("what was said"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.IntegerField(label=_("minutes"), required=False, min_value=0)
    outcome = forms.ChoiceField(label=_("outcome"), required=False, choices=OUTCOME_CHOICES)
    settle_callbacks = forms.BooleanField(
        label=_("This call is their callback: mark their callback promise kept"),
        required=False,
        initial=True,
    )
    status = forms.ChoiceField(
        label=_("new status"), required=False, choices=[("", "—"), *Status.choices]
    )
    promise_what = forms.ChoiceField(
        label=_("they promised"), required=False, choices=[("", "—"), *PromiseKind.choices]
    )
    promise_due = forms.DateTimeField(
        label=_("by"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    promise_amount = forms.IntegerField(label=_("amount (yen)"), required=False, min_value=0)

    def __init__(self, *args: Any, parties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party"]
        assert isinstance(party, forms.ChoiceField)
        party.choices = [("", "—"), *parties]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome in OUTCOME_PROMISES and not data.get("promise_what"):
            data["promise_what"] = OUTCOME_PROMISES[outcome]
        if outcome == Outcome.NO_CONTRACT and not data.get("party"):
            self.add_error("party", _("Which company said there is no contract?"))
        if data.get("promise_what") and not data.get("promise_due"):
            self.add_error("promise_due", _("A promise needs the time it is due."))
        if data.get("promise_what") and not data.get("party"):
            self.add_error("party", _("Who made the promise?"))
        return data

    def promise(self) -> PromiseSpec | None:
        data = self.cleaned_data
        if not data.get("promise_what"):
            return None
        return PromiseSpec(
            by=data["party"],
            what=data["promise_what"],
            due=data["promise_due"],
            amount_yen=data.get("promise_amount"),
        )

    def entry_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "at": data.get("at") or timezone.now(),
            "party": data.get("party") or "",
            "person": data.get("person") or "",
            "reference": data.get("reference") or "",
            "said": data.get("said") or "",
            "minutes": data.get("minutes"),
            "status": data.get("status") or None,
            "promise": self.promise(),
            "outcome": data.get("outcome") or "",
            "settle_callbacks": bool(data.get("settle_callbacks")),
        }


def party_choices(directory: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The log form's party choices from a directory (`parties_for`), by name in the page's
    language (ドコモ光; docomo Hikari in English)."""
    english = translation.get_language() == "en"
    names = [
        (slug, (party.name_en if english else None) or party.name)
        for slug, party in directory.items()
    ]
    return sorted(names, key=lambda item: (item[1].casefold(), item[0]))


def blank_log_form(parties: list[tuple[str, str]], party: str) -> SafeString:
    """The empty call log form as HTML, for the case page.

    Its HTML depends only on the language, the parties and the one preselected, so each such
    combination is rendered once per process: rendering it costs about 7 ms, a quarter of
    the case page.
    """
    return _blank_log_form(translation.get_language(), tuple(parties), party)


@functools.lru_cache(maxsize=256)
def _blank_log_form(language: str, parties: tuple[tuple[str, str], ...], party: str) -> SafeString:
    with translation.override(language):
        return LogForm(parties=list(parties), initial={"party": party}).as_p()


class OpenCaseForm(forms.Form):
    title = forms.CharField(label=_("title"), required=False, max_length=200)
    outage_started = forms.DateTimeField(
        label=_("outage started"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ReminderSettingsForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Reminders go here. Leave it empty to get no mail."),
    )
    deadlines = forms.BooleanField(
        label=_("Deadlines of my sites: 7 days, 1 day and on the day"), required=False
    )
    contract_ends = forms.BooleanField(
        label=_("Contract ends: 90, 60 and 30 days before, with what to do"), required=False
    )


class OutageForm(forms.Form):
    """When the service went out and came back, as the person knows it (may be backdated)."""

    outage_started = forms.DateTimeField(
        label=_("outage started"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    outage_ended = forms.DateTimeField(
        label=_("outage ended"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("empty: still out"),
    )


class SettleForm(forms.Form):
    """When a promise was kept or broken (empty: now)."""

    at = forms.DateTimeField(
        label=_("when"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
