"""What every app's API router shares: the bounded types of ids, slugs, texts and dates
(enums come from the engine, so the OpenAPI schema lists exactly the values a site file
accepts; lengths and ranges are the database columns', so nothing a client sends fails later
in the database), the error body every 4xx answers with, the answers each operation
documents, page numbers, and forms and services' refusals as 422s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm, model_to_dict
from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator

from madoguchi.engine import bounds
from madoguchi.engine.model import TOKYO

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


IdLabel = Annotated[str, Field(max_length=bounds.ID_LABEL)]
IdValue = Annotated[str, Field(max_length=bounds.ID_VALUE)]
Ids = Annotated[dict[IdLabel, IdValue], Field(max_length=bounds.IDS)]


class Invalid(Exception):
    """Input that names fields and problems: answered as 422 {detail, errors: [{path, message}]}."""

    def __init__(
        self,
        detail: str,
        errors: list[dict[str, str]],
        *,
        status: int = 422,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.status = status  # 409 for a conflict (e.g. the site already exists)
        self.extra = extra or {}


# Every operation may answer these, always with an `Errors` body.
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), Errors)


def answers(code: int, schema: Any) -> dict[int, Any]:
    return {code: schema, **ERRORS}


# An id in the path: one the database can hold (a larger one is a 422, not a 500).
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Pages(PageNumberPagination):
    """Page numbers bounded so that no offset overflows the database."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1000)


def invalid_form(form: BaseForm) -> Invalid:
    """A bound form's errors as the 422 body, one error per field and message."""
    errors = [
        {"path": field, "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    return Invalid("invalid input", errors)


def merged(instance: Model, payload: Any, fields: list[str]) -> dict[str, Any]:
    data = model_to_dict(instance, fields=fields)
    data.update(payload.dict(exclude_unset=True))
    return data


@contextmanager
def as_422() -> Iterator[None]:
    """A service's refusal (ValidationError by field) as the API's 422."""
    try:
        yield
    except ValidationError as error:
        errors = [
            {"path": field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        raise Invalid("invalid input", errors) from None
