"""The site file's data: pydantic models that are the engine's plain input.

Field names follow the public contract in SITE-FILE.md. Validation here is per field; the
checks that need the catalog (party slugs, option slugs, prefectures) or the whole file
(unique refs, references between sections) live in `sitefile.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
)

from madoguchi.engine import bounds
from madoguchi.engine.kinds import (
    LINK_PROBLEM as LINK_PROBLEM,
)
from madoguchi.engine.kinds import (
    LINK_SCHEMES as LINK_SCHEMES,
)
from madoguchi.engine.kinds import (
    Acquired as Acquired,
)
from madoguchi.engine.kinds import (
    Answers as Answers,
)
from madoguchi.engine.kinds import (
    Building as Building,
)
from madoguchi.engine.kinds import (
    Charge as Charge,
)
from madoguchi.engine.kinds import (
    ContractMethods,
    DeskMethods,
    assume_tokyo,
    bounded_date,
    bounded_line_yen,
    bounded_yen,
    none_to_dict,
    none_to_list,
    valid_hours,
    valid_link,
)
from madoguchi.engine.kinds import (
    EventKind as EventKind,
)
from madoguchi.engine.kinds import (
    Holder as Holder,
)
from madoguchi.engine.kinds import (
    Lamp as Lamp,
)
from madoguchi.engine.kinds import (
    PartyKind as PartyKind,
)
from madoguchi.engine.kinds import (
    PartyStatus as PartyStatus,
)
from madoguchi.engine.kinds import (
    Payment as Payment,
)
from madoguchi.engine.kinds import (
    PhoneFrom as PhoneFrom,
)
from madoguchi.engine.kinds import (
    Purpose as Purpose,
)
from madoguchi.engine.kinds import (
    Region as Region,
)
from madoguchi.engine.kinds import (
    Service as Service,
)
from madoguchi.engine.kinds import (
    Symptom as Symptom,
)
from madoguchi.engine.kinds import (
    link_problem as link_problem,
)
from madoguchi.engine.timezone import TOKYO as TOKYO  # re-exported: the apps import it from here


def _chars(limit: int, *, required: bool = False) -> StringConstraints:
    return StringConstraints(min_length=1 if required else None, max_length=limit)


# Every text is bounded by its field's limit in engine/bounds.py (the same for every door).
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=bounds.SLUG)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=bounds.REF, strip_whitespace=True)]
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7)]
Date = Annotated[dt.date, AfterValidator(bounded_date)]
Time = Annotated[dt.datetime, AfterValidator(assume_tokyo), AfterValidator(bounded_date)]
Hours = Annotated[str | None, _chars(bounds.HOURS), AfterValidator(valid_hours)]
Note = Annotated[str, _chars(bounds.NOTE)]
Name = Annotated[str, _chars(bounds.NAME)]
Phone = Annotated[str, _chars(bounds.PHONE)]
Url = Annotated[str, _chars(bounds.URL)]
IdLabel = Annotated[str, _chars(bounds.ID_LABEL)]  # what an ID is called, e.g. お客さまID
IdValue = Annotated[str, _chars(bounds.ID_VALUE)]
Link = Annotated[str | None, _chars(bounds.URL), AfterValidator(valid_link)]
Yen = Annotated[int, AfterValidator(bounded_yen)]
LineYen = Annotated[int, AfterValidator(bounded_line_yen)]


T = TypeVar("T")
# A list that may be written empty (`contracts:` with nothing after it reads as None).
ListOf = Annotated[list[T], BeforeValidator(none_to_list)]


class Record(BaseModel):
    """Base of every site-file record: unknown keys are kept so they can be reported."""

    model_config = ConfigDict(
        extra="allow",
        frozen=True,
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
    )


class Provenance(Record):
    """Where a catalog fact comes from; a site file's own parties may leave it out."""

    source: Url | None = None
    source_note: Note | None = None  # e.g. the dated copy an official page was read from
    checked: Date | None = None
    verified: bool = True


class Desk(DeskMethods, Provenance):
    slug: Slug
    name: Name | None = None
    name_en: Name | None = None
    purposes: ListOf[Purpose] = []
    services: ListOf[Service] = []  # the services this desk handles; empty: all of them
    phone: Phone | None = None
    # The phones `phone` reaches this desk from; empty: any phone.
    phone_from: ListOf[PhoneFrom] = []
    hours: Hours = None
    url: Link = None
    note: Note | None = None
    # How a call is taken and what it costs (additions to the public contract, all optional).
    answers: Answers | None = None
    repair_hours: Hours = None  # when repairs happen, if not when calls are taken
    charge: Charge | None = None  # as the source states it; else derived from the number
    mobiles: bool | None = None  # the number works from mobile phones
    ip_phones: bool | None = None  # the number works from IP (050) phones
    mobile_phone: Phone | None = None  # the number to dial from any mobile
    ip_phone: Phone | None = None  # the number to call from IP or prepaid phones instead
    third_party_number: bool = False  # the number was seen only on third-party pages


class Party(Provenance):
    slug: Slug
    name: Name
    name_en: Name | None = None
    kind: PartyKind
    status: PartyStatus = PartyStatus.ACTIVE
    region: Region | None = None
    desks: ListOf[Desk] = []
    url: Link = None
    note: Note | None = None


class SiteInfo(Record):
    name: Annotated[str, _chars(bounds.NAME, required=True)]
    prefecture: Annotated[str, _chars(bounds.PREFECTURE)] | None = None
    region: Region | None = None
    building: Building | None = None
    holder: Holder = Holder.PERSON


class Contract(ContractMethods, Record):
    ref: Ref
    service: Service
    party: Slug
    product: Name | None = None
    option: Slug | None = None
    course: Building | None = None
    includes_isp: bool = False
    ids: Annotated[dict[IdLabel, IdValue], BeforeValidator(none_to_dict)] = {}
    start: Date | None = None
    end: Date | None = None
    # The day the contract was made (申込・契約日); a renewal or change keeps the first one.
    signed: Date | None = None
    acquired: Acquired | None = None
    document_received: Date | None = None
    monthly_yen: Yen | None = None
    # The early-termination fee (違約金/解約金) the contract states or the holder demands.
    cancellation_fee_yen: Yen | None = None
    payment: Payment | None = None
    wanted: bool = True
    note: Note | None = None


class Event(Record):
    date: Date
    kind: EventKind
    contract: Ref | None = None
    effective: Date | None = None
    party: Slug | None = None
    note: Note | None = None


class OnuLamps(Record):
    power: Lamp | None = None
    optical: Lamp | None = None
    auth: Lamp | None = None
    uni: Lamp | None = None
    ppp: Lamp | None = None


class Observations(Record):
    onu: OnuLamps = OnuLamps()
    said_no_contract: ListOf[Slug] = []
    outage_notice: ListOf[Slug] = []  # parties whose outage page lists this area (an addition)
    note: Note | None = None


class BillLine(Record):
    party: Slug
    month: Month
    item: Annotated[str, _chars(bounds.ITEM)] | None = None
    yen: LineYen
    service: Service | None = None
    contract: Ref | None = None


class Promise(Record):
    by: Slug
    what: Annotated[str, _chars(bounds.PROMISE)]
    due: Time
    kept: Time | None = None
    note: Note | None = None


class Report(Record):
    """When a party was told of a case's trouble (the first call to it)."""

    party: Slug
    at: Time


class Case(Record):
    ref: Ref
    services: ListOf[Service] = []  # the services that were out; empty: those symptoms touch
    outage_started: Time | None = None
    outage_ended: Time | None = None  # None: still out at `now`
    reports: ListOf[Report] = []
    promises: ListOf[Promise] = []
    note: Note | None = None


class SiteFile(Record):
    version: Literal[1] = 1
    now: Time | None = None
    site: SiteInfo
    parties: ListOf[Party] = []
    contracts: ListOf[Contract] = []
    events: ListOf[Event] = []
    symptoms: ListOf[Symptom] = []
    observations: Annotated[Observations, BeforeValidator(none_to_dict)] = Observations()
    bills: ListOf[BillLine] = []
    cases: ListOf[Case] = []
