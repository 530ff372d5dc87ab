"""Request and response bodies. Enums come from the engine, so the OpenAPI schema lists
exactly the values a site file accepts; lengths and ranges are the database columns', so
nothing a client sends fails later in the database or makes a stored site unreadable."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from madoguchi.engine import bounds
from madoguchi.engine.model import (
    TOKYO,
    Building,
    Holder,
    Lamp,
    Region,
    Symptom,
)

# The largest value of a PositiveIntegerField on every database (PostgreSQL's integer).
MAX_INT = 2**31 - 1
# The largest id a database hands out (a bigint); larger ones cannot name a row.
MAX_ID = 2**63 - 1
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def sane_time(value: dt.datetime) -> dt.datetime:
    """A time without an offset is Japanese local time, as in a site file."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=TOKYO)
    if problem := bounds.date_problem(value):
        raise ValueError(problem)
    return value


def _sane_date(value: dt.date) -> dt.date:
    if problem := bounds.date_problem(value):
        raise ValueError(problem)
    return value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=bounds.SLUG)]
# A slug or nothing ("" clears it).
MaybeSlug = Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9-]*)?$", max_length=bounds.SLUG)]
Ref = Annotated[str, Field(min_length=1, max_length=bounds.REF, pattern=r"\S")]
Name = Annotated[str, Field(min_length=1, max_length=bounds.NAME, pattern=r"\S")]
TEXT_MAX = bounds.NOTE  # a note, what was said
Text = Annotated[str, Field(max_length=TEXT_MAX)]
Url = Annotated[str, Field(max_length=bounds.URL)]
Yen = Annotated[int, Field(ge=0, le=bounds.YEN_MAX)]
Time = Annotated[dt.datetime, AfterValidator(sane_time)]
Date = Annotated[dt.date, AfterValidator(_sane_date)]
LampName = Literal["power", "optical", "auth", "uni", "ppp"]
Blank = Literal[""]


def unset(**constraints: Any) -> Any:
    """A PATCH field: left out means unchanged; null is refused (the column is not nullable)."""
    return Field(None, **constraints)


class Problem(Schema):
    path: str
    message: str


OnExisting = Literal["update", "new"]


class SiteRef(Schema):
    id: int
    name: str


class Errors(Schema):
    """Every 4xx answer: what went wrong, and per field (`path`) when a field is at fault."""

    detail: str
    errors: list[Problem] = []
    existing: SiteRef | None = Field(
        None, description="409 on import: the site the file is for, which already exists"
    )


class SiteIn(Schema):
    name: Name
    organization: str | None = Field(
        None, max_length=50, description="organization slug; needed if you belong to several"
    )
    prefecture: str = Field("", max_length=bounds.PREFECTURE, description="e.g. 東京都")
    region: Region | Blank | None = None
    building: Building | Blank | None = None
    holder: Holder = Field(Holder.PERSON, description="who holds the contracts")
    symptoms: list[Symptom] = Field([], max_length=20)
    onu: dict[LampName, Lamp] = {}
    said_no_contract: list[Slug] = Field([], max_length=50)


class SitePatch(Schema):
    name: Name = unset()
    prefecture: str = unset(max_length=bounds.PREFECTURE)
    region: Region | Blank | None = None
    building: Building | Blank | None = None
    holder: Holder = unset(description="who holds the contracts")
    symptoms: list[Symptom] = unset(max_length=20)
    onu: dict[LampName, Lamp] = unset()
    said_no_contract: list[Slug] = unset(max_length=50)


class SiteOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    name: str
    prefecture: str
    region: str
    building: str
    holder: str
    symptoms: list[str]
    onu: dict[str, str]
    said_no_contract: list[str]
    assess_at: dt.datetime | None
    updated: dt.datetime


class ImportOut(Schema):
    id: int
    name: str
    warnings: list[Problem]


IdLabel = Annotated[str, Field(max_length=bounds.ID_LABEL)]
IdValue = Annotated[str, Field(max_length=bounds.ID_VALUE)]
Ids = Annotated[dict[IdLabel, IdValue], Field(max_length=bounds.IDS)]


class SiteImportIn(Schema):
    content: str = Field(description="the site file (YAML text)")
    organization: str | None = None
    keep_time: bool = Field(
        False, description="keep the file's `now:` as the site's fixed time (default: the clock)"
    )
    existing: OnExisting | None = Field(
        None,
        description="if the site already exists: `update` it, add a `new` one; "
        "absent: answer 409 naming the existing site",
    )


PhoneKind = Literal[
    "fixed", "hikari-denwa", "mobile", "docomo-mobile", "au-mobile", "softbank-mobile"
]


class DeskOverrideIn(Schema):
    """An organization's correction of a catalog desk (blank or left out: the catalog's)."""

    organization: str | None = Field(
        None, max_length=50, description="organization slug; needed if you belong to several"
    )
    party: Slug
    desk: Slug
    phone: Annotated[str, Field(max_length=bounds.PHONE)] = ""
    mobile_phone: Annotated[str, Field(max_length=bounds.PHONE)] = ""
    hours: Annotated[
        str, Field(max_length=bounds.HOURS, description="opening_hours, e.g. 24/7")
    ] = ""
    phone_from: list[PhoneKind] | None = Field(
        None, max_length=6, description="the phones the number works from; [] any; null: keep"
    )
    reason: Annotated[str, Field(min_length=1, max_length=bounds.NOTE, pattern=r"\S")]


class DeskOverrideOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    party: str
    desk: str
    phone: str
    mobile_phone: str
    hours: str
    phone_from: list[str] | None
    reason: str
    changed_by: str | None = None
    changed: dt.datetime

    @staticmethod
    def resolve_changed_by(row: Any) -> str | None:
        """Who changed it (their user name); None once that user is gone."""
        return row.changed_by.username if row.changed_by else None
