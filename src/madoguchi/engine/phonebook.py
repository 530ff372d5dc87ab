"""A site's desks as entries for the phone in hand: one per company and purpose, with every
number and the phones it works from, the hours, and the IDs to read out.

The phone's address book and the offline page are read when the line is down and the
server may be out of reach, so everything a person needs to make the call is in the entry
itself; the server turns entries into a vCard file or a saved page.
"""

from __future__ import annotations

import datetime as dt

from msgspec import field
from msgspec.structs import replace

from madoguchi.engine.assess import resolve_now
from madoguchi.engine.catalog import Catalog, load_catalog
from madoguchi.engine.context import Context
from madoguchi.engine.dialling import desk_numbers, number_to_dial
from madoguchi.engine.hours import hours_words, open_intervals
from madoguchi.engine.messages import say
from madoguchi.engine.model import Desk, Observations, PhoneFrom, Purpose, SiteFile
from madoguchi.engine.records import Record
from madoguchi.engine.results import Route
from madoguchi.engine.routes import contract_map


class Number(Record, frozen=True):
    """A number of a desk and the phones it reaches the desk from (None: any phone), in the
    words of the format's `phone_from`: fixed, hikari-denwa, mobile, docomo-mobile, …"""

    number: str
    works_from: tuple[str, ...] | None = None


class RouteNumbers(Record, frozen=True):
    """A desk's numbers, and the one to dial from the phone the entry is read on."""

    dial: str | None  # the number to dial now; None: no number of the desk fits
    numbers: list[Number]


def contact_numbers(route: Route, desk: Desk | None) -> RouteNumbers:
    """The desk's numbers with the phones each works from, and the one to dial from the phone
    these entries live on (a mobile), both from the engine's one dialling rule
    (`engine/dialling.py`): the phonebook, the offline page and the card's QR code never pick
    a number themselves, so a short code that reaches another company from a mobile is never
    the number they dial."""
    listed = route.numbers or desk_numbers(desk)
    numbers = [Number(n["number"], None if n["from"] is None else tuple(n["from"])) for n in listed]
    return RouteNumbers(dial=number_to_dial(desk, PhoneFrom.MOBILE), numbers=numbers)


class Span(Record, frozen=True):
    """A time a desk is open, from `start` to `end`."""

    start: str  # ISO 8601, Tokyo
    end: str


class PhonebookEntry(Record, frozen=True):
    """One company's desk for one purpose, as a contact: `name` is how the phone lists it
    (ドコモ光 故障 (石田家))."""

    name: str
    party: str
    party_name: str
    purpose: str  # in words: 故障, 問い合わせ
    services: list[str]
    desk_name: str | None
    dial: str | None
    numbers: list[Number]
    hours: str | None  # the opening_hours expression
    hours_words: str | None
    repair_hours_words: str | None
    url: str | None
    verified: bool
    ids: dict[str, str] = field(default_factory=dict)
    # When the desk is open, from the moment the entries were made, for `days` days; None
    # when its hours are not known.
    open_spans: list[Span] | None = None

    @property
    def unconfirmed(self) -> bool:
        return not self.verified or self.hours_words is None or self.dial is None

    def note_lines(self, lang: str = "ja") -> list[str]:
        """The hours and the 要確認 lines, as the contact's note shows them (the IDs are
        named by the server, which knows their words)."""
        lines = []
        if self.hours_words:
            lines.append(say(lang, "phonebook.hours", hours=self.hours_words))
        else:
            lines.append(say(lang, "phonebook.hours-unknown"))
        if self.repair_hours_words and self.repair_hours_words != self.hours_words:
            lines.append(say(lang, "phonebook.repair-hours", hours=self.repair_hours_words))
        if self.dial is None:
            key = "phonebook.no-mobile-number" if self.numbers else "phonebook.no-number"
            lines.append(say(lang, key))
        if not self.verified:
            lines.append(say(lang, "phonebook.unverified"))
        return lines


def phonebook(
    site: SiteFile,
    *,
    now: dt.datetime | None = None,
    lang: str = "ja",
    catalog: Catalog | None = None,
    days: int = 14,
) -> list[PhonebookEntry]:
    """The desks of every company holding a service at the site (the contract map's
    routes), one entry per company and desk, in the map's order. Worked out with no
    symptom and no lamp, like the card: made before the day it is needed."""
    catalog = catalog or load_catalog()
    at = resolve_now(site, now)
    calm = site.model_copy(update={"symptoms": [], "observations": Observations()})
    ctx = Context(site=calm, catalog=catalog, now=at, lang=lang)
    entries: dict[tuple[str, str | None], PhonebookEntry] = {}
    for route in contract_map(ctx):
        if route.party is None:
            continue
        key = (route.party, route.desk)
        if key in entries:
            known = entries[key]
            entries[key] = _merged(known, route)
            continue
        desk = _desk(ctx, route)
        numbers = contact_numbers(route, desk)
        purpose = say(
            lang,
            "phonebook.inquiry"
            if desk and Purpose.FAULT not in desk.purposes
            else "phonebook.fault",
        )
        spans = open_intervals(route.hours, at, days)
        entries[key] = PhonebookEntry(
            name=say(
                lang,
                "phonebook.contact",
                party=route.party_name or route.party,
                purpose=purpose,
                site=site.site.name,
            ),
            party=route.party,
            party_name=route.party_name or route.party,
            purpose=purpose,
            services=[route.service],
            desk_name=route.desk_name,
            dial=numbers.dial,
            numbers=numbers.numbers,
            hours=route.hours,
            hours_words=hours_words(route.hours, lang),
            repair_hours_words=hours_words(route.repair_hours, lang),
            url=route.url,
            verified=route.verified,
            ids=dict(route.have_ready),
            open_spans=None
            if spans is None
            else [Span(start.isoformat(), end.isoformat()) for start, end in spans],
        )
    return list(entries.values())


def _desk(ctx: Context, route: Route) -> Desk | None:
    party = ctx.parties.get(route.party) if route.party else None
    if party is None or route.desk is None:
        return None
    return next((d for d in party.desks if d.slug == route.desk), None)


def _merged(entry: PhonebookEntry, route: Route) -> PhonebookEntry:
    """One desk reached for several services (the line and the ISP of a set): one contact,
    with the IDs of every contract behind it."""
    ids = dict(entry.ids)
    for name, value in route.have_ready.items():
        ids.setdefault(name, value)
    return replace(entry, ids=ids, services=[*entry.services, route.service])
