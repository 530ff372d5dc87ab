"""The call log form: one form to record a call's result, a status change and a promise
while still on the phone."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from madoguchi.cases.models import EntryKind, Outcome, PromiseKind, Status, TimelineEntry
from madoguchi.cases.services import OUTCOME_PROMISES, PromiseSpec
from madoguchi.engine import bounds
from madoguchi.server.bounds import BoundedForm


class MinuteInput(forms.DateTimeInput):
    """A date and time to the minute, as a phone's picker offers it: `step="60"`, so every
    whole minute is valid whatever minute the page was opened at (the browser refuses values
    off the step, and without a step it counts seconds from the initial value)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": "60", **(attrs or {})}, format="%Y-%m-%dT%H:%M")

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            value = minute(timezone.localtime(value) if timezone.is_aware(value) else value)
        return super().format_value(value)


def minute(value: dt.datetime) -> dt.datetime:
    """A time as people give it: to the minute."""
    return value.replace(second=0, microsecond=0)


def now_to_the_minute() -> dt.datetime:
    return minute(timezone.localtime())


class MinuteField(forms.DateTimeField):
    """A time typed by a person, kept to the minute (seconds a browser sends are dropped)."""

    widget = MinuteInput

    def to_python(self, value: Any) -> dt.datetime | None:
        found = super().to_python(value)
        return minute(found) if found is not None else None


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


class AnyPartyField(forms.ChoiceField):
    """The parties to choose from, but the service decides whether the site knows a party
    (cases.services.log_entry): a page posting another one gets the API's refusal."""

    def valid_value(self, value: str) -> bool:
        return len(value) <= TimelineEntry._meta.get_field("party").max_length  # type: ignore[operator]


class LogForm(BoundedForm, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=LOGGABLE, initial=EntryKind.CALL_OUT)
    at = MinuteField(label=_("when"), required=False, help_text=_("empty: now"))
    party = AnyPartyField(label=_("party"), required=False)
    person = forms.CharField(
        label=_("person (name as given)"), required=False, max_length=bounds.PERSON
    )
    reference = forms.CharField(
        label=_("reference number"), required=False, max_length=bounds.REFERENCE
    )
    said = forms.CharField(
        label=_("what was said"),
        required=False,
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
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
    promise_due = MinuteField(label=_("by"), required=False)
    promise_amount = forms.IntegerField(
        label=_("amount (yen)"), required=False, min_value=0, max_value=bounds.YEN_MAX
    )

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
            "at": data.get("at") or now_to_the_minute(),
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
    now = now_to_the_minute()
    return _blank_log_form(translation.get_language(), tuple(parties), party, now)


@functools.lru_cache(maxsize=256)
def _blank_log_form(
    language: str, parties: tuple[tuple[str, str], ...], party: str, now: dt.datetime
) -> SafeString:
    """Cached per minute too: the call's time and the promise's due time start at now."""
    with translation.override(language):
        initial = {"party": party, "at": now, "promise_due": now}
        return LogForm(parties=list(parties), initial=initial).as_p()


NOT_YET = _("That time has not come yet: choose yesterday or an earlier time.")

SINCE_CHOICES = [
    ("now", _("now")),
    ("today", _("today at")),
    ("yesterday", _("yesterday at")),
]


class OpenCaseForm(BoundedForm, forms.Form):
    """Opening a case from the site page: what is wrong and since when ("いつから？": now,
    today at 12:00, yesterday at 18:30, or any date and time)."""

    title = forms.CharField(label=_("title"), required=False, max_length=bounds.NAME)
    since = forms.ChoiceField(
        label=_("Since when?"), required=False, choices=SINCE_CHOICES, initial="now"
    )
    since_time = forms.TimeField(
        label=_("time"), required=False, widget=forms.TimeInput(attrs={"step": "60"})
    )
    outage_started = MinuteField(label=_("outage started"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        started = data.get("outage_started")
        at = data.get("since_time")
        since = data.get("since") or "now"
        now = now_to_the_minute()
        if started is None and at is not None:
            # A time typed with "now" still chosen means today at that time.
            day = now.date() - dt.timedelta(days=1 if since == "yesterday" else 0)
            started = timezone.make_aware(dt.datetime.combine(day, at.replace(second=0)))
        elif started is None and since in ("today", "yesterday"):
            self.add_error("since_time", _("Enter the time it started (HH:MM)."))
        if started is not None and started > now:
            field = "outage_started" if data.get("outage_started") else "since_time"
            self.add_error(
                field, _("That time has not come yet: choose yesterday or an earlier time.")
            )
        data["outage_started"] = started or now
        return data


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


class OutageForm(BoundedForm, forms.Form):
    """When the service went out and came back, as the person knows it (may be backdated)."""

    outage_started = MinuteField(label=_("outage started"), required=False)
    outage_ended = MinuteField(
        label=_("outage ended"), required=False, help_text=_("empty: still out")
    )


def outage_form(started: dt.datetime | None, ended: dt.datetime | None) -> SafeString:
    """The outage times form as HTML, filled with the case's times, for the case page.

    Rendered once per language, time zone and whether the outage has ended in a process,
    with stand-in times whose text is then replaced by the case's: through the form
    templates it was 2–3 ms of every case page, and still a tenth of a case page seen for the
    first time when it was kept per pair of times (issue 26). A time only shows as its text
    in an input's `value` (tests/cases/test_outage_form.py compares with the form's own)."""
    html: str = _outage_form(
        translation.get_language(), timezone.get_current_timezone_name(), ended is not None
    )
    for stand_in, value in ((_STARTED, started), (_ENDED, ended)):
        html = html.replace(_value_of(stand_in), _value_of(value))
    return mark_safe(html)


# Times no case has, written into the form in place of the case's: naive, so they are
# written as they are, whatever the time zone.
_STARTED = dt.datetime(1901, 2, 3, 4, 5)
_ENDED = dt.datetime(1901, 2, 3, 4, 6)
_INPUT = MinuteInput()


def _value_of(time: dt.datetime | None) -> str:
    """An input's `value` attribute as the form writes `time` (to the minute, local time)."""
    return f' value="{_INPUT.format_value(time)}"' if time is not None else ""


@functools.lru_cache(maxsize=64)
def _outage_form(language: str, zone: str, ended: bool) -> SafeString:
    with translation.override(language), timezone.override(zone):
        initial = {"outage_started": _STARTED, "outage_ended": _ENDED if ended else None}
        return OutageForm(initial=initial).as_p()


class SettleForm(BoundedForm, forms.Form):
    """When a promise was kept or broken (empty: now)."""

    at = MinuteField(label=_("when"), required=False)


class SenderForm(BoundedForm, forms.Form):
    """Who signs the letters of a site (申入書): asked once, kept on the site."""

    sender_name = forms.CharField(label=_("your name"), max_length=bounds.PERSON)
    sender_address = forms.CharField(label=_("your address"), max_length=bounds.ADDRESS)
    sender_phone = forms.CharField(label=_("your phone number"), max_length=bounds.PHONE)
