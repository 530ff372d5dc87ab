"""The site file's data: pydantic models that are the engine's plain input.

Field names follow the public contract in SITE-FILE.md. Validation here is per field; the
checks that need the catalog (party slugs, option slugs, prefectures) or the whole file
(unique refs, references between sections) live in `sitefile.py`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
)

from madoguchi.engine import bounds
from madoguchi.engine.hours import hours_problem
from madoguchi.engine.timezone import TOKYO as TOKYO  # re-exported: the apps import it from here


class Service(StrEnum):
    ACCESS = "access"
    ISP = "isp"
    PHONE = "phone"
    TV = "tv"
    MAIL = "mail"
    OPTION = "option"
    EQUIPMENT = "equipment"
    SUPPORT = "support"


class PartyKind(StrEnum):
    WHOLESALER = "wholesaler"
    COLLABO = "collabo"
    ISP = "isp"
    INDEPENDENT = "independent"
    CATV = "catv"
    AGENT = "agent"
    INSTALLER = "installer"
    PUBLIC = "public"


class PartyStatus(StrEnum):
    ACTIVE = "active"
    CEASED = "ceased"


class Purpose(StrEnum):
    FAULT = "fault"
    INQUIRY = "inquiry"
    BILLING = "billing"
    CANCEL = "cancel"
    COMPLAINT = "complaint"
    SALES = "sales"
    CONSENT = "consent"  # 転用/事業者変更 承諾番号 (an addition to the public contract)


class Answers(StrEnum):
    """How a desk answers a call."""

    PERSON = "person"  # a person answers
    RECORDING = "recording"  # a recorded message takes the call; the desk calls back


class Charge(StrEnum):
    """What a call to a desk costs the caller, as its source states it."""

    FREE = "free"
    CHARGED = "charged"


class PhoneFrom(StrEnum):
    """A kind of phone a number is dialled from (SITE-FILE.md "Dialling from the phone in
    hand"): a short code reaches a different desk, or none, from other phones."""

    FIXED = "fixed"  # a copper 加入電話 line
    HIKARI_DENWA = "hikari-denwa"  # ひかり電話 on the fiber line
    MOBILE = "mobile"  # any mobile, whatever its carrier
    DOCOMO_MOBILE = "docomo-mobile"
    AU_MOBILE = "au-mobile"
    SOFTBANK_MOBILE = "softbank-mobile"
    IP = "ip"  # IP (050) and prepaid phones (an addition to the public contract)


class Building(StrEnum):
    DETACHED = "detached"
    MULTI_UNIT = "multi-unit"


class Region(StrEnum):
    EAST = "east"
    WEST = "west"


class Acquired(StrEnum):
    NEW = "new"
    TENYO = "tenyo"
    JIGYOSHA_HENKO = "jigyosha-henko"
    PHONE_SALES = "phone-sales"
    VISIT_SALES = "visit-sales"
    STORE = "store"
    WEB = "web"


class Payment(StrEnum):
    CARD = "card"
    BANK = "bank"
    CONVENIENCE_STORE = "convenience-store"
    INVOICE = "invoice"
    BUNDLED = "bundled"


class EventKind(StrEnum):
    APPLICATION = "application"
    TENYO = "tenyo"
    JIGYOSHA_HENKO = "jigyosha-henko"
    CANCEL_REQUEST = "cancel-request"
    NUMBER_PORT = "number-port"
    SALES_CALL = "sales-call"
    CONSENT_NUMBER_ISSUED = "consent-number-issued"
    OTHER = "other"


class Symptom(StrEnum):
    INTERNET_DOWN = "internet-down"
    PHONE_DOWN = "phone-down"
    FAX_DOWN = "fax-down"
    TV_DOWN = "tv-down"
    MAIL_ERROR = "mail-error"
    SLOW = "slow"
    WIFI_WEAK = "wifi-weak"
    UNKNOWN_CHARGE = "unknown-charge"


class Holder(StrEnum):
    """Who holds a site's contracts: a person (consumer rules apply) or a business."""

    PERSON = "person"
    BUSINESS = "business"


class Lamp(StrEnum):
    ON = "on"
    OFF = "off"
    BLINKING = "blinking"
    RED = "red"


def _none_to_list(value: Any) -> Any:
    return [] if value is None else value


def _none_to_dict(value: Any) -> Any:
    return {} if value is None else value


def _assume_tokyo(value: dt.datetime) -> dt.datetime:
    """A time written without an offset is Japanese local time."""
    return value.replace(tzinfo=TOKYO) if value.tzinfo is None else value


def _valid_hours(value: str | None) -> str | None:
    if value is None:
        return None
    problem = hours_problem(value)
    if problem:
        raise ValueError(problem)
    return value


LINK_SCHEMES = ("http", "https", "tel", "mailto")
LINK_PROBLEM = "only http, https, tel and mailto links are allowed"


def link_problem(value: str) -> str | None:
    """Why `value` may not be a link on a page (None: it may). Anything but http(s), tel and
    mailto (javascript:, data:, a bare path) could run or mislead when a person clicks it.

    urlsplit drops what browsers drop too (leading spaces and controls, tabs and newlines
    inside), so `java\tscript:` is seen as the javascript: scheme it is.
    """
    parts = urlsplit(value)
    if parts.scheme.lower() not in LINK_SCHEMES:
        return LINK_PROBLEM
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        return f"{LINK_PROBLEM}; an http(s) link needs a host"
    return None


def _valid_link(value: str | None) -> str | None:
    if value is not None and (problem := link_problem(value)):
        raise ValueError(problem)
    return value


def _bounded_date(value: dt.date) -> dt.date:
    if problem := bounds.date_problem(value):
        raise ValueError(problem)
    return value


def _bounded_yen(value: int) -> int:
    if problem := bounds.yen_problem(value):
        raise ValueError(problem)
    return value


def _bounded_line_yen(value: int) -> int:
    if problem := bounds.yen_problem(value, negative=True):
        raise ValueError(problem)
    return value


def _chars(limit: int, *, required: bool = False) -> StringConstraints:
    return StringConstraints(min_length=1 if required else None, max_length=limit)


# Every text is bounded by its field's limit in engine/bounds.py (the same for every door).
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=bounds.SLUG)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=bounds.REF, strip_whitespace=True)]
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7)]
Date = Annotated[dt.date, AfterValidator(_bounded_date)]
Time = Annotated[dt.datetime, AfterValidator(_assume_tokyo), AfterValidator(_bounded_date)]
Hours = Annotated[str | None, _chars(bounds.HOURS), AfterValidator(_valid_hours)]
Note = Annotated[str, _chars(bounds.NOTE)]
Name = Annotated[str, _chars(bounds.NAME)]
Phone = Annotated[str, _chars(bounds.PHONE)]
Url = Annotated[str, _chars(bounds.URL)]
IdLabel = Annotated[str, _chars(bounds.ID_LABEL)]  # what an ID is called, e.g. お客さまID
IdValue = Annotated[str, _chars(bounds.ID_VALUE)]
Link = Annotated[str | None, _chars(bounds.URL), AfterValidator(_valid_link)]
Yen = Annotated[int, AfterValidator(_bounded_yen)]
LineYen = Annotated[int, AfterValidator(_bounded_line_yen)]

T = TypeVar("T")
# A list that may be written empty (`contracts:` with nothing after it reads as None).
ListOf = Annotated[list[T], BeforeValidator(_none_to_list)]


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


class Desk(Provenance):
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

    def handles(self, service: Service | None) -> bool:
        """A desk without `services` handles every service."""
        return service is None or not self.services or service in self.services


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


class Contract(Record):
    ref: Ref
    service: Service
    party: Slug
    product: Name | None = None
    option: Slug | None = None
    course: Building | None = None
    includes_isp: bool = False
    ids: Annotated[dict[IdLabel, IdValue], BeforeValidator(_none_to_dict)] = {}
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

    def is_active(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def holds(self, service: Service) -> bool:
        """An access contract that includes the ISP also holds the isp service (a set)."""
        if self.service == service:
            return True
        return service == Service.ISP and self.service == Service.ACCESS and self.includes_isp

    @property
    def services(self) -> tuple[Service, ...]:
        if self.service == Service.ACCESS and self.includes_isp:
            return (Service.ACCESS, Service.ISP)
        return (self.service,)


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
    observations: Annotated[Observations, BeforeValidator(_none_to_dict)] = Observations()
    bills: ListOf[BillLine] = []
    cases: ListOf[Case] = []
