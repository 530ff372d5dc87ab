"""Model choices from the engine's enums, so a form or the admin can hold only values the
engine understands."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from madoguchi.engine.model import Symptom

#: The days of the week as Python numbers them (Monday 0), for the forms that build desk hours
#: from ticked days (engine.hours.build_hours).
WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


def enum_choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


# What people read for each value of the engine's enums that the web shows or offers (the
# engine's own LABELS cover services, lamps and severities in its two languages).
CHOICE_NAMES: dict[str, Promise] = {
    # how a contract was acquired (Acquired)
    "new": _("new contract"),
    "tenyo": _("conversion from FLET'S"),
    "jigyosha-henko": _("change of operator"),
    "phone-sales": _("telephone sales"),
    "visit-sales": _("door-to-door sales"),
    "store": _("at a store"),
    "web": _("online"),
    # payment (Payment)
    "card": _("credit card"),
    "bank": _("bank transfer"),
    "convenience-store": _("convenience store slip"),
    "invoice": _("invoice"),
    "bundled": _("billed with another service"),
    # events (EventKind)
    "application": _("application"),
    "cancel-request": _("cancellation requested"),
    "number-port": _("number porting"),
    "sales-call": _("sales call"),
    "consent-number-issued": _("consent number issued"),
    "other": _("other"),
    # buildings (Building)
    "detached": _("detached house"),
    "multi-unit": _("multi-unit building"),
}

# The event kinds whose value is also an Acquired value read differently as an event.
EVENT_NAMES: dict[str, Promise] = {
    "tenyo": _("conversion"),
    "jigyosha-henko": _("change of operator"),
}


def choice_name(value: object, *, event: bool = False) -> str:
    """The words for an enum value; the value itself when it has none."""
    text = str(value)
    names = (EVENT_NAMES | CHOICE_NAMES) if event else CHOICE_NAMES
    name = names.get(text)
    return str(name) if name is not None else text


def named_choices(
    choices: Iterable[tuple[Any, Any]], *, event: bool = False
) -> list[tuple[Any, str]]:
    """A form field's (value, value) choices with the words people read."""
    return [(value, choice_name(value, event=event) if value else text) for value, text in choices]


# A symptom and an ONU lamp in words (the trouble form, the pages' filters symptom_name and
# lamp_name).
SYMPTOM_NAMES = {
    Symptom.INTERNET_DOWN: _("internet down"),
    Symptom.PHONE_DOWN: _("phone down"),
    Symptom.FAX_DOWN: _("FAX down"),
    Symptom.TV_DOWN: _("TV down"),
    Symptom.MAIL_ERROR: _("mail errors"),
    Symptom.SLOW: _("slow"),
    Symptom.WIFI_WEAK: _("weak Wi-Fi"),
    Symptom.UNKNOWN_CHARGE: _("unknown charge on a bill"),
}


LAMP_NAMES = {
    "power": _("ONU power"),
    "optical": _("ONU optical"),
    "auth": _("ONU auth"),
    "uni": _("ONU UNI"),
    "ppp": _("ONU PPP"),
}
