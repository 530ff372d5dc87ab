"""Request and response bodies. Enums come from the engine, so the OpenAPI schema lists
exactly the values a site file accepts; lengths and ranges are the database columns', so
nothing a client sends fails later in the database or makes a stored site unreadable."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal, get_args

from django.db import models
from ninja import Field, Schema
from pydantic import AfterValidator, create_model

from madoguchi.engine import model as engine
from madoguchi.engine.model import (
    TOKYO,
    Building,
    Lamp,
    Region,
    Symptom,
)
from madoguchi.sites.records import CONTRACTS, EVENTS, RowKind

# The largest value of a PositiveIntegerField on every database (PostgreSQL's integer).
MAX_INT = 2**31 - 1
# The largest id a database hands out (a bigint); larger ones cannot name a row.
MAX_ID = 2**63 - 1
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
# Times outside this range cannot be stored or shown (and overflow on conversion to UTC).
EARLIEST, LATEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def sane_time(value: dt.datetime) -> dt.datetime:
    """A time without an offset is Japanese local time, as in a site file."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=TOKYO)
    if not EARLIEST <= value <= LATEST:
        raise ValueError("must be between 1900 and 2200")
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError("must be between 1900 and 2200")
    return value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
# A slug or nothing ("" clears it).
MaybeSlug = Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9-]*)?$", max_length=80)]
Ref = Annotated[str, Field(min_length=1, max_length=80, pattern=r"\S")]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
TEXT_MAX = 2000  # engine/model.py Text
Text = Annotated[str, Field(max_length=TEXT_MAX)]
Url = Annotated[str, Field(max_length=500)]
Yen = Annotated[int, Field(ge=0, le=MAX_INT)]
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


class Errors(Schema):
    """Every 4xx answer: what went wrong, and per field (`path`) when a field is at fault."""

    detail: str
    errors: list[Problem] = []


class SiteIn(Schema):
    name: Name
    organization: str | None = Field(
        None, max_length=50, description="organization slug; needed if you belong to several"
    )
    prefecture: str = Field("", max_length=20, description="e.g. 東京都")
    region: Region | Blank | None = None
    building: Building | Blank | None = None
    symptoms: list[Symptom] = Field([], max_length=20)
    onu: dict[LampName, Lamp] = {}
    said_no_contract: list[Slug] = Field([], max_length=50)


class SitePatch(Schema):
    name: Name = unset()
    prefecture: str = unset(max_length=20)
    region: Region | Blank | None = None
    building: Building | Blank | None = None
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
    symptoms: list[str]
    onu: dict[str, str]
    said_no_contract: list[str]
    assess_at: dt.datetime | None
    updated: dt.datetime


class ImportOut(Schema):
    id: int
    name: str
    warnings: list[Problem]


Ids = Annotated[dict[Annotated[str, Field(max_length=100)], Text], Field(max_length=50)]


def _enum_in(annotation: Any) -> type[Enum] | None:
    """The enum inside an engine field's annotation (`Service`, `Building | None`)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return next(filter(None, map(_enum_in, get_args(annotation))), None)


def _body_type(record: type[engine.Record], name: str, column: models.Field[Any, Any]) -> Any:
    """The API's type for one field of a site's row: the value the engine record accepts,
    bounded by the column that stores it ("" for nothing in a text column, as stored)."""
    required = record.model_fields[name].is_required()
    if isinstance(column, models.BooleanField):
        return bool
    if isinstance(column, models.JSONField):
        return Ids
    if isinstance(column, models.DateField):
        return Date | None if column.null else Date
    if isinstance(column, models.IntegerField):
        low = 0 if isinstance(column, models.PositiveIntegerField) else -MAX_INT - 1
        number = Annotated[int, Field(ge=low, le=MAX_INT)]
        return number | None if column.null else number
    if enum := _enum_in(record.model_fields[name].annotation):
        return enum if required else enum | Blank
    if isinstance(column, models.SlugField):
        return Slug if required else MaybeSlug
    length = column.max_length or TEXT_MAX
    if required:
        return Annotated[str, Field(min_length=1, max_length=length, pattern=r"\S")]
    return Annotated[str, Field(max_length=length)]


def _out_type(column: models.Field[Any, Any]) -> Any:
    if isinstance(column, models.JSONField):
        return dict[str, str]
    kind = {models.BooleanField: bool, models.DateField: dt.date, models.IntegerField: int}
    value = next((t for base, t in kind.items() if isinstance(column, base)), str)
    return value | None if column.null else value


def row_schemas(kind: RowKind) -> tuple[type[Schema], type[Schema], type[Schema]]:
    """(In, Patch, Out) for a kind of a site's rows, derived from its engine record (which
    fields, which values) and its table (lengths, what "nothing" is): one definition.

    In a Patch, a left-out field is unchanged, and null is refused where the column cannot
    hold it (`unset`)."""
    name = kind.record.__name__
    body: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    out: dict[str, Any] = {"id": (int, ...), "site": (int, Field(alias="site_id"))}
    for field in kind.fields:
        column = kind.model._meta.get_field(field)
        info = kind.record.model_fields[field]
        value = _body_type(kind.record, field, column)
        if info.is_required():
            body[field] = (value, ...)
        else:  # the engine's default, as the column stores it
            default = info.get_default()
            body[field] = (value, column.get_default() if default is None else default)
        patch[field] = (value, None) if column.null else (value, unset())
        out[field] = (_out_type(column), ...)
    return (
        create_model(f"{name}In", __base__=Schema, **body),
        create_model(f"{name}Patch", __base__=Schema, **patch),
        create_model(f"{name}Out", __base__=Schema, **out),
    )


ContractIn, ContractPatch, ContractOut = row_schemas(CONTRACTS)
EventIn, EventPatch, EventOut = row_schemas(EVENTS)


class SiteImportIn(Schema):
    content: str = Field(description="the site file (YAML text)")
    organization: str | None = None
