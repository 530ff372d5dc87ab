"""The site file's vocabulary without pydantic: its enumerations, the checks its fields run
and the methods its records share.

`model.py` builds the pydantic models from these; the CLI's light path (`light.py`) reads a
site file with them alone, so `madoguchi assess` starts without importing pydantic.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from madoguchi.engine import bounds
from madoguchi.engine.hours import hours_problem
from madoguchi.engine.timezone import TOKYO


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


def none_to_list(value: Any) -> Any:
    return [] if value is None else value


def none_to_dict(value: Any) -> Any:
    return {} if value is None else value


def assume_tokyo(value: dt.datetime) -> dt.datetime:
    """A time written without an offset is Japanese local time."""
    return value.replace(tzinfo=TOKYO) if value.tzinfo is None else value


def bounded_date(value: dt.date) -> dt.date:
    """A date (or time) inside the years any door accepts (engine/bounds.py)."""
    if problem := bounds.date_problem(value):
        raise ValueError(problem)
    return value


def bounded_yen(value: int) -> int:
    """An amount no door refuses: 0 to bounds.YEN_MAX."""
    if problem := bounds.yen_problem(value):
        raise ValueError(problem)
    return value


def bounded_line_yen(value: int) -> int:
    """A bill line's amount, which may be a credit (negative)."""
    if problem := bounds.yen_problem(value, negative=True):
        raise ValueError(problem)
    return value


def valid_hours(value: str | None) -> str | None:
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
    # Imported here: urllib.parse (with ipaddress) is 3.5 ms of every `madoguchi assess`
    # start, and most site files hold no link.
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme.lower() not in LINK_SCHEMES:
        return LINK_PROBLEM
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        return f"{LINK_PROBLEM}; an http(s) link needs a host"
    return None


def valid_link(value: str | None) -> str | None:
    if value is not None and (problem := link_problem(value)):
        raise ValueError(problem)
    return value


class DeskMethods:
    """What a desk answers, on the pydantic model and the light record alike."""

    __slots__ = ()
    if TYPE_CHECKING:  # the record's fields (never annotations at run time: pydantic takes them)
        services: list[Service]

    def handles(self, service: Service | None) -> bool:
        """A desk without `services` handles every service."""
        return service is None or not self.services or service in self.services


class ContractMethods:
    """When a contract is in force and what it holds, on both kinds of record."""

    __slots__ = ()
    if TYPE_CHECKING:  # the record's fields (never annotations at run time: pydantic takes them)
        service: Service
        includes_isp: bool
        start: dt.date | None
        end: dt.date | None

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
