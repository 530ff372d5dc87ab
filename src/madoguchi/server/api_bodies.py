"""The request and response bodies of the records the API writes, derived in one way from the
engine's record (which fields, which values, which are required) and the row's columns
(lengths, ranges, what "nothing" is): a record's fields are listed once, and nothing a client
sends fails later in the database or makes a stored site unreadable.

Per field: an enum is the engine's (the values a site file accepts; "" too where the column
stores "" for nothing); text is bounded by its column, and a required text must hold more
than spaces; a slug has the engine's pattern; a number fits its column; a date is one the
database can store. In a create body a field the record requires is required and any other
takes the record's default (as the column stores it); in a PATCH body a left-out field is
unchanged and null is refused unless the column holds it.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from types import GenericAlias
from typing import Annotated, Any, NamedTuple, get_args, get_origin

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from ninja import Field, Schema
from pydantic import create_model

from madoguchi.engine import model as engine
from madoguchi.server.api_common import (
    MAX_INT,
    TEXT_MAX,
    Blank,
    Date,
    Ids,
    MaybeSlug,
    Slug,
    unset,
)

# The largest value of a SmallIntegerField on every database.
MAX_SMALL = 32767


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The column that stores a record's field `name` (never a relation's reverse side)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


class Bodies(NamedTuple):
    create: type[Schema]
    patch: type[Schema]
    out: type[Schema]


def _enum_in(annotation: Any) -> type[Enum] | None:
    """The enum inside a record field's annotation (`Service`, `Building | None`)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return next(filter(None, map(_enum_in, get_args(annotation))), None)


def _accepted(annotation: Any, column: models.Field[Any, Any], required: bool) -> Any:
    """The type a client may send for one field (None aside: see `derive`)."""
    if isinstance(column, models.BooleanField):
        return bool
    if isinstance(column, models.JSONField):
        if get_origin(annotation) is list and (item := _enum_in(annotation)):
            return Annotated[list[item], Field(max_length=len(item))]  # type: ignore[valid-type]
        return Ids
    if isinstance(column, models.DateField):
        return Date
    if isinstance(column, models.IntegerField):
        unsigned = models.PositiveIntegerField | models.PositiveSmallIntegerField
        positive = isinstance(column, unsigned)
        high = MAX_SMALL if isinstance(column, models.SmallIntegerField) else MAX_INT
        low = 0 if positive else -MAX_INT - 1
        # The column's own range (an amount's, engine/bounds.py) where it is narrower.
        for check in column.validators:
            if isinstance(check, MinValueValidator) and isinstance(check.limit_value, int):
                low = max(low, check.limit_value)
            elif isinstance(check, MaxValueValidator) and isinstance(check.limit_value, int):
                high = min(high, check.limit_value)
        return Annotated[int, Field(ge=low, le=high)]
    if enum := _enum_in(annotation):
        return enum | Blank if column.blank else enum
    if isinstance(column, models.SlugField):
        return Slug if required else MaybeSlug
    length = column.max_length or TEXT_MAX  # every text column has one (test_field_bounds)
    if required:
        return Annotated[str, Field(min_length=1, max_length=length, pattern=r"\S")]
    return Annotated[str, Field(max_length=length)]


def _shown(annotation: Any, column: models.Field[Any, Any]) -> Any:
    """The type a field is answered with."""
    if isinstance(column, models.JSONField):
        return list[str] if get_origin(annotation) is list else dict[str, str]
    kind = {models.BooleanField: bool, models.DateField: dt.date, models.IntegerField: int}
    return next((t for base, t in kind.items() if isinstance(column, base)), str)


def derive(
    model: type[models.Model],
    record: type[engine.Record],
    fields: list[str],
    *,
    described: dict[str, str] | None = None,
    extra_in: dict[str, Any] | None = None,
    extra_out: dict[str, Any] | None = None,
) -> Bodies:
    """The create, PATCH and response bodies for `fields` of `model`, whose values are those
    of `record`. A field the record lacks (a desk's position) is required unless its column
    has a default or may be blank. `extra_in`/`extra_out` add what is not a field of the
    record (the organization to create in; the row's site; a party's desks)."""
    described = described or {}
    create: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    out: dict[str, Any] = {"id": (int, ...)}
    for name in fields:
        column = _column(model, name)
        info = record.model_fields.get(name)
        annotation = info.annotation if info else None
        if info:
            required = info.is_required()
            default = None if required else info.get_default(call_default_factory=True)
        else:
            required = not (column.has_default() or column.blank or column.null)
            default = None
        accepted = _accepted(annotation, column, required)
        shown = _shown(annotation, column)
        about = described.get(name)
        if required:
            default = ...
        elif default is None:  # the record's "nothing", as the column stores it
            default = column.get_default()
        if column.null:
            create[name] = (accepted | None, Field(default, description=about))
            patch[name] = (accepted | None, Field(None, description=about))
            out[name] = (shown | None, ...)
        else:
            create[name] = (accepted, Field(default, description=about))
            patch[name] = (accepted, unset(description=about))
            out[name] = (shown, ...)
    title = record.__name__
    return Bodies(
        create_model(f"{title}In", __base__=Schema, **create, **(extra_in or {})),
        create_model(f"{title}Patch", __base__=Schema, **patch),
        create_model(f"{title}Out", __base__=Schema, **out, **(extra_out or {})),
    )


def list_of(body: type[Schema]) -> Any:
    """list[body] for a body made at run time (mypy reads `list[x]` as a type, and a
    variable cannot be one)."""
    return GenericAlias(list, (body,))
