"""Request and response bodies derived from a model's columns, so a record's fields are
listed once (in the engine's record, see directory/records.py) and each body's limits are
the columns': nothing a client sends fails later in the database.

For each field: a slug has the engine's pattern; a choice is the engine's enum (the values a
site file accepts, "" too where the column may be blank); text is bounded by its column; a
required text must hold more than spaces.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from django.db import models
from ninja import Field, Schema
from pydantic import create_model

from madoguchi.api.schemas import Blank, Date, Slug, Text, unset

# The largest value of a PositiveSmallIntegerField on every database.
MAX_SMALL = 32767


def _accepted(column: models.Field, enums: dict[str, type[StrEnum]]) -> Any:
    """The type a client may send for the column."""
    name = column.name
    if name == "slug":
        return Slug
    if name in enums:
        return enums[name] | Blank if column.blank else enums[name]
    if isinstance(column, models.TextField):
        return Text
    if isinstance(column, models.CharField):
        if column.blank:
            return Annotated[str, Field(max_length=column.max_length)]
        return Annotated[str, Field(min_length=1, max_length=column.max_length, pattern=r"\S")]
    if isinstance(column, models.DateField):
        return Date
    if isinstance(column, models.PositiveSmallIntegerField):
        return Annotated[int, Field(ge=0, le=MAX_SMALL)]
    if isinstance(column, models.BooleanField):
        return bool
    raise TypeError(f"no body type for {column!r}")  # a new kind of column: say how to send it


def _shown(column: models.Field) -> Any:
    """The type the column is answered with."""
    if isinstance(column, models.DateField):
        return dt.date
    if isinstance(column, models.PositiveSmallIntegerField):
        return int
    if isinstance(column, models.BooleanField):
        return bool
    return str


def bodies(
    model: type[models.Model],
    fields: list[str],
    *,
    enums: dict[str, type[StrEnum]],
    special: dict[str, Any],
    described: dict[str, str],
    extra_in: dict[str, Any],
    extra_out: dict[str, Any],
) -> tuple[type[Schema], type[Schema], type[Schema]]:
    """(the create body, the PATCH body, the response) for `fields` of `model`.

    `special`: a type for a field the column cannot say (e.g. a JSON list of purposes), as
    (create type, default). In the create body a field with no default is required; in the
    PATCH body every field may be left out, and null is refused unless the column takes it.
    """
    create: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for name in fields:
        column = model._meta.get_field(name)
        assert isinstance(column, models.Field)
        if name in special:
            accepted, default = special[name]
            shown: Any = list[str]
        else:
            accepted = _accepted(column, enums)
            shown = _shown(column)
            if column.has_default():
                default = column.get_default()
            elif column.null:
                default = None
            elif column.blank:
                default = ""
            else:
                default = ...
        about = {"description": described[name]} if name in described else {}
        if column.null:
            create[name] = (accepted | None, Field(default, **about))
            patch[name] = (accepted | None, Field(None, **about))
            out[name] = (shown | None, ...)
        else:
            create[name] = (accepted, Field(default, **about))
            patch[name] = (accepted, unset(**about))
            out[name] = (shown, ...)
    title = model.__name__
    return (
        create_model(f"{title}In", __base__=Schema, **create, **extra_in),
        create_model(f"{title}Patch", __base__=Schema, **patch),
        create_model(f"{title}Out", __base__=Schema, id=(int, ...), **out, **extra_out),
    )
