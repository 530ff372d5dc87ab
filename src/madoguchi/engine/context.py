"""Facts derived once per assessment and shared by every rule.

The rules never look at raw YAML or the database: they read a `Context`, which answers
questions such as "who holds the isp service today?" the same way for all of them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import field

from madoguchi.engine.catalog import Catalog
from madoguchi.engine.dialling import desk_for
from madoguchi.engine.kinds import EventKind, Lamp, PartyKind, Purpose, Region, Service, Symptom
from madoguchi.engine.messages import label, say
from madoguchi.engine.records import Record
from madoguchi.engine.timezone import TOKYO

if TYPE_CHECKING:
    from madoguchi.engine.model import Contract, Desk, Party, SiteFile


# Which services each symptom touches, in the order routes are listed (SITE-FILE.md).
SYMPTOM_SERVICES: dict[Symptom, tuple[Service, ...]] = {
    Symptom.INTERNET_DOWN: (Service.ACCESS, Service.ISP),
    Symptom.PHONE_DOWN: (Service.PHONE, Service.ACCESS),
    Symptom.FAX_DOWN: (Service.PHONE, Service.ACCESS),
    Symptom.TV_DOWN: (Service.TV, Service.ACCESS),
    Symptom.MAIL_ERROR: (Service.MAIL,),  # falls back to isp when no mail contract
    Symptom.SLOW: (Service.ISP, Service.ACCESS),
    Symptom.WIFI_WEAK: (Service.EQUIPMENT,),
    Symptom.UNKNOWN_CHARGE: (),
}

# Services whose end leaves the customer without something they use every day.
CORE_SERVICES = (Service.ACCESS, Service.ISP, Service.PHONE, Service.TV, Service.MAIL)

# Events that move or stop a service.
SWITCH_EVENTS = frozenset({EventKind.TENYO, EventKind.JIGYOSHA_HENKO})
STOPPING_EVENTS = frozenset(
    {EventKind.CANCEL_REQUEST, EventKind.NUMBER_PORT, EventKind.TENYO, EventKind.JIGYOSHA_HENKO}
)

FAULT_PURPOSES = (Purpose.FAULT, Purpose.INQUIRY)


def desk_label(lang: str, desk: Desk) -> str:
    """The desk's name in `lang`; a desk without one is the generic word (窓口, desk), which
    every page and sentence shows beside its party's name."""
    if lang == "en" and desk.name_en:
        return desk.name_en
    return desk.name or say(lang, "desk.unnamed")


def party_label(lang: str, party: Party | None, slug: str) -> str:
    """The party's name in `lang`; its slug when it is not on record."""
    if party is None:
        return slug
    if lang == "en" and party.name_en:
        return party.name_en
    return party.name


class Lamps(Record, frozen=True):
    """The ONU/HGW lamps read as line and session states (DOMAIN-FACTS §6)."""

    power: Lamp | None
    optical: Lamp | None
    auth: Lamp | None
    uni: Lamp | None
    ppp: Lamp | None

    @property
    def observed(self) -> bool:
        return any(v is not None for v in (self.power, self.optical, self.auth, self.uni, self.ppp))

    @property
    def line_unknown(self) -> bool:
        """Nothing tells whether the fiber itself is up (the optical lamp was not read)."""
        return self.optical is None and self.power != Lamp.OFF

    @property
    def session_unknown(self) -> bool:
        return self.auth is None and self.ppp is None

    @property
    def line_down(self) -> bool:
        return self.power == Lamp.OFF or self.optical in (Lamp.OFF, Lamp.RED)

    @property
    def line_flaky(self) -> bool:
        return not self.line_down and self.optical == Lamp.BLINKING

    @property
    def line_up(self) -> bool:
        return self.optical == Lamp.ON and self.power != Lamp.OFF

    @property
    def session_failed(self) -> bool:
        bad = (Lamp.OFF, Lamp.RED, Lamp.BLINKING)
        return self.auth in bad or self.ppp in bad

    @property
    def all_fine(self) -> bool:
        return self.line_up and not self.session_failed and self.uni != Lamp.OFF


class Context(msgspec.Struct, dict=True):
    """One assessment's site, catalog, time and language, with what its rules look up
    more than once kept for the run (a mutable struct, `dict=True` for the cached
    properties)."""

    site: SiteFile
    catalog: Catalog
    now: dt.datetime
    lang: str = "ja"
    # checks.matching_contracts by (party, item, service, contract): bill lines repeat.
    _matches: dict[tuple[object, ...], tuple[Contract, ...]] = field(default_factory=dict)
    # Answers worked out once per assessment though several rules ask (by the asker's key).
    # Values are typed where they are read (`known: T | None = ctx.memo.get(key)`), not
    # through typing.cast: a call per read, and the rules read it a hundred times.
    memo: dict[object, Any] = field(default_factory=dict)
    _party_names: dict[str, str] = field(default_factory=dict)
    _desks: dict[tuple[object, ...], Desk | None] = field(default_factory=dict)

    @cached_property
    def today(self) -> dt.date:
        return self.now.astimezone(TOKYO).date()

    @cached_property
    def parties(self) -> dict[str, Party]:
        """Catalog parties, replaced by the site file's own entry with the same slug."""
        merged = dict(self.catalog.parties)
        merged.update((p.slug, p) for p in self.site.parties)
        return merged

    @cached_property
    def region(self) -> Region | None:
        info = self.site.site
        if info.region is not None:
            return info.region
        if info.prefecture:
            pref = self.catalog.prefecture(info.prefecture)
            if pref is not None:
                return pref.region
        # No address: a contract with one NTT company tells the region.
        for contract in self.site.contracts:
            party = self.parties.get(contract.party)
            if party is not None and party.kind == PartyKind.WHOLESALER and party.region:
                return party.region
        return None

    @cached_property
    def wholesaler(self) -> str | None:
        """The NTT company whose line area the site is in."""
        if self.region is None:
            return None
        for slug, party in self.catalog.parties.items():
            if party.kind == PartyKind.WHOLESALER and party.region == self.region:
                return slug
        return None

    @cached_property
    def lamps(self) -> Lamps:
        onu = self.site.observations.onu
        return Lamps(onu.power, onu.optical, onu.auth, onu.uni, onu.ppp)

    @cached_property
    def active(self) -> list[Contract]:
        return [c for c in self.site.contracts if c.is_active(self.today)]

    @cached_property
    def contracts_by_ref(self) -> dict[str, Contract]:
        return {c.ref: c for c in self.site.contracts}

    @cached_property
    def said_no_contract(self) -> frozenset[str]:
        return frozenset(self.site.observations.said_no_contract)

    @cached_property
    def symptoms(self) -> tuple[Symptom, ...]:
        return tuple(dict.fromkeys(self.site.symptoms))

    @cached_property
    def touched(self) -> tuple[Service, ...]:
        """Services the reported symptoms touch, in a stable order, without repeats."""
        services: list[Service] = []
        for symptom in self.symptoms:
            for service in SYMPTOM_SERVICES[symptom]:
                if service == Service.MAIL and self.holding_contract(Service.MAIL) is None:
                    service = Service.ISP
                if service not in services:
                    services.append(service)
        return tuple(services)

    def is_wholesaler(self, slug: str | None) -> bool:
        party = self.parties.get(slug) if slug else None
        return party is not None and party.kind == PartyKind.WHOLESALER

    def holding_contract(self, service: Service) -> Contract | None:
        """The active contract on record for a service.

        A contract whose party has not said "no contract with us" beats one whose party has
        (the real holder, once found and recorded, is the one to call); then a contract for
        the service itself beats an access set that includes the ISP (the customer signed
        for that ISP separately); among equals, the latest start wins.
        """
        return self._holding.get(service)

    @cached_property
    def _holding(self) -> dict[Service, Contract]:
        """`holding_contract` for every service held, in one pass over the active contracts
        (a contract holds exactly its `services`); the first of the best, in the file's
        order, as a stable sort from the best would put first."""
        candidates: dict[Service, list[Contract]] = {}
        for contract in self.active:
            for service in contract.services:
                candidates.setdefault(service, []).append(contract)
        denied = self.said_no_contract
        return {
            service: max(
                contracts,
                key=lambda c: (c.party not in denied, c.service == service, c.start or dt.date.min),
            )
            for service, contracts in candidates.items()
        }

    def ended_contract(self, service: Service) -> Contract | None:
        """The last contract of a service that has ended, when no active one holds it: its
        party cut the service and can say why (SITE-FILE.md `routes`)."""
        if self.holding_contract(service) is not None:
            return None
        ended = [
            c for c in self.site.contracts if c.holds(service) and c.end and c.end < self.today
        ]
        if not ended:
            return None
        return max(ended, key=lambda c: (c.end or dt.date.min, c.start or dt.date.min))

    def last_holder(self, service: Service) -> str | None:
        """The party to call for a service: its holder, else the holder of its last ended
        contract; None when neither is known (or that party said "no contract")."""
        holder = self.holder(service)
        if holder is not None or self.holding_contract(service) is not None:
            return holder
        ended = self.ended_contract(service)
        if ended is None or ended.party in self.said_no_contract:
            return None
        return ended.party

    def holder(self, service: Service) -> str | None:
        """The party to call for a service, or None when nobody is known to hold it."""
        contract = self.holding_contract(service)
        if contract is None or contract.party in self.said_no_contract:
            return None
        return contract.party

    def party_name(self, slug: str | None) -> str:
        if slug is None:
            return "?"
        name = self._party_names.get(slug)
        if name is None:  # every route, rung and finding names its party: once per slug
            name = self._party_names[slug] = self._party_name(slug)
        return name

    def _party_name(self, slug: str) -> str:
        return party_label(self.lang, self.parties.get(slug), slug)

    def contract_name(self, contract: Contract, *, quoted: bool = True) -> str:
        """A contract as people know it, quoted: 「ドコモ光 1ギガ」, 「フレッツ・ウイルスクリア」 or
        「NTT東日本のひかり電話」; never its ref (a name only the file uses).

        Two contracts of a site that go by the same name (two ISP contracts applied for twice
        on the web) get what tells them apart: the day each started, else an ID on record,
        else which one it is ("2件目"), so that no two sentences about them read the same."""
        name = self._contract_names.get(id(contract))
        if name is None:  # not one of the site's contracts: no twins to tell it from
            name = self._plain_contract_name(contract)
        if not quoted:
            return name
        return f"‘{name}’" if self.lang == "en" else f"「{name}」"

    def option_name(self, slug: str) -> str:
        """A catalog option by its name, quoted like a contract: 「フレッツ・スポット」."""
        option = self.catalog.options[slug]
        name = option.name_en if self.lang == "en" else option.name
        return f"‘{name}’" if self.lang == "en" else f"「{name}」"

    def _plain_contract_name(self, contract: Contract) -> str:
        if contract.option and contract.option in self.catalog.options:
            option = self.catalog.options[contract.option]
            return option.name_en if self.lang == "en" else option.name
        if contract.product:
            return contract.product
        if self.lang == "en":
            return f"{self.party_name(contract.party)} {label(self.lang, contract.service)}"
        return f"{self.party_name(contract.party)}の{label(self.lang, contract.service)}"

    @cached_property
    def _contract_names(self) -> dict[int, str]:
        """Each of the site's contracts by name, with what tells it apart from the contracts
        of the same name; worked out once for the site (one pass, even for 500 twins)."""
        by_name: dict[str, list[Contract]] = {}
        for contract in self.site.contracts:
            by_name.setdefault(self._plain_contract_name(contract), []).append(contract)
        names: dict[int, str] = {}
        for name, twins in by_name.items():
            if len(twins) == 1:
                names[id(twins[0])] = name
                continue
            starts = Counter(c.start for c in twins)
            ids = Counter(tuple(sorted(c.ids.items())) for c in twins)
            for position, contract in enumerate(twins, 1):
                apart = self._telling_apart(contract, starts, ids, position)
                names[id(contract)] = f"{name} {apart}"
        return names

    def _telling_apart(
        self,
        contract: Contract,
        starts: Counter[dt.date | None],
        ids: Counter[tuple[tuple[str, str], ...]],
        position: int,
    ) -> str:
        """What distinguishes `contract` among the contracts of its name, in brackets."""
        if contract.start is not None and starts[contract.start] == 1:
            return say(self.lang, "contract.started-on", date=contract.start)
        if contract.ids and ids[tuple(sorted(contract.ids.items()))] == 1:
            kind, value = next(iter(contract.ids.items()))
            return say(self.lang, "contract.with-id", kind=label(self.lang, kind), value=value)
        return say(self.lang, "contract.nth", n=position)

    def desk_for(
        self, slug: str | None, purposes: tuple[Purpose, ...], service: Service | None = None
    ) -> Desk | None:
        """The party's first desk for the first purpose in `purposes` that it has, among its
        desks that handle `service` (a desk without `services` handles all of them)."""
        key = (slug, purposes, service)
        if key in self._desks:  # the routes, the ladder and the findings ask the same ones
            return self._desks[key]
        desk = self._desks[key] = desk_for(
            self.parties.get(slug) if slug else None, purposes, service
        )
        return desk

    def desk_name(self, desk: Desk | None) -> str | None:
        """The desk's name in the context's language; a desk without one is the generic word
        (窓口, desk), which every page and sentence shows beside its party's name."""
        return None if desk is None else desk_label(self.lang, desk)

    @cached_property
    def line_left_wholesaler(self) -> bool:
        """The line moved from NTT to another holder by 転用 or 事業者変更."""
        access = self.holding_contract(Service.ACCESS)
        if access is None or self.is_wholesaler(access.party):
            return False
        if access.acquired is not None and access.acquired.value in {"tenyo", "jigyosha-henko"}:
            return True
        return any(e.kind in SWITCH_EVENTS for e in self.site.events)
