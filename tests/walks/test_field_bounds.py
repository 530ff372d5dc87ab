"""One length per field, at every door (engine/bounds.py): the site file's records, the
database columns, the web forms and the API bodies agree on every text, amount and date, so a
value one door accepts, every door accepts and the database stores whole.

Each test walks the code (every model, every form class, every API body, every field of the
site-file records), so a new field is covered without being named here."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections import defaultdict
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

import madoguchi
from madoguchi.api.api import api
from madoguchi.cases import models as cases
from madoguchi.contracts import models as sites
from madoguchi.directory import models as directory
from madoguchi.engine import bounds
from madoguchi.engine import model as engine
from madoguchi.server.bounds import BoundedForm

# Columns no person or client types: written by the code (keys, digests, copies of what a
# file said, delivery records), never taken from a form or a body.
INTERNAL = {
    "orgs.ApiToken.digest",
    "orgs.ApiToken.prefix",
    "orgs.CalendarFeed.digest",
    "orgs.CalendarFeed.prefix",
    "subcontracts.IntakeLink.digest",
    "subcontracts.IntakeLink.prefix",
    "sites.CardPrint.fingerprint",
    "sites.OfflineCopy.fingerprint",
    "agents.AgentDetail.match_group",
    "agents.AgentDetail.key",
    "bills.BillImport.name",  # the uploaded file's name, cut to fit
    "bills.BillImport.columns",
    "bills.BillImport.error",
    "bills.BillImport.task_id",
    "bills.BillImport.token",
    "bills.BillImport.worker",
    "bills.ColumnMapping.signature",
    "bills.ColumnMapping.month",  # a statement's column headers, not a month
    "bills.ColumnMapping.date",
    "bills.ColumnMapping.payee",
    "bills.ColumnMapping.amount",
    "bills.ColumnMapping.item",
    "bills.ColumnMapping.service",
    "bills.PayeeChoice.payee",  # a statement's payee as the file wrote it
    "cases.DeadlineReminder.key",
    "directory.FactConfirmation.key",
    "money.SiteMoney.top_code",
    "money.SiteMoney.top_party_name",
    "money.SiteMoney.top_party_name_en",
    "notifications.Delivery.event_key",
    "notifications.Delivery.recipient",
    "notifications.Delivery.subject",
    "notifications.Delivery.text",
    "notifications.Delivery.url",
    "notifications.Delivery.last_error",
    "notifications.Channel.secret",
    "incidents.Incident.status_seed",
    "incidents.Incident.status_digest",
    "receivables.ReceivableReminder.state",
}
# A name that means another thing in these columns, with the length of that thing.
OTHER_MEANING = {
    "orgs.ApiToken.name": bounds.LABEL,  # a label given to a token
    "subcontracts.IntakeLink.name": bounds.LABEL,
    "notifications.Channel.name": bounds.LABEL,
    "notifications.SiteContact.name": bounds.PERSON,
    "orgs.Organization.slug": 50,  # an organization's slug (the API's `organization`)
}
# Site-file records and the tables that store them.
STORED = [
    (engine.SiteInfo, sites.Site),
    (engine.Contract, sites.Contract),
    (engine.Event, sites.Event),
    (engine.BillLine, sites.BillLine),
    (engine.Party, directory.Party),
    (engine.Desk, directory.Desk),
    (engine.Case, cases.Case),
    (engine.Promise, cases.Promise),
]


def _name(column: models.Field[Any, Any]) -> str:
    return f"{column.model._meta.label}.{column.name}"


def _text_columns() -> Iterator[models.Field[Any, Any]]:
    """Every text column a person or a client can write (choices aside: those are enums)."""
    for model in apps.get_models():
        if not model.__module__.startswith("madoguchi."):
            continue
        for column in model._meta.get_fields():
            if (
                isinstance(column, models.CharField | models.TextField)
                and column.editable
                and not column.choices
                and not isinstance(column, models.EmailField)
                and _name(column) not in INTERNAL
            ):
                yield column


def _lengths() -> dict[str, set[int]]:
    """Each column name's lengths (OTHER_MEANING aside)."""
    found: dict[str, set[int]] = defaultdict(set)
    for column in _text_columns():
        if _name(column) not in OTHER_MEANING and column.max_length is not None:
            found[column.name].add(column.max_length)
    return found


def _allowed() -> dict[str, set[int]]:
    """The lengths a form field or an API property of each name may have."""
    allowed = _lengths()
    for name, length in OTHER_MEANING.items():
        allowed[name.rsplit(".", 1)[1]].add(length)
    return allowed


def test_every_text_column_has_a_length() -> None:
    unbounded = [_name(c) for c in _text_columns() if c.max_length is None]
    assert unbounded == []


def test_a_column_name_has_one_length_in_every_table() -> None:
    several = {name: lengths for name, lengths in _lengths().items() if len(lengths) > 1}
    assert several == {}


def test_the_named_exceptions_still_exist() -> None:
    named = {_name(c) for m in apps.get_models() for c in m._meta.get_fields() if c.concrete}
    assert (INTERNAL | set(OTHER_MEANING)) - named == set()
    for name, length in OTHER_MEANING.items():
        label, field = name.rsplit(".", 1)
        assert apps.get_model(label)._meta.get_field(field).max_length == length


def _adapter(record: type[engine.Record], name: str) -> TypeAdapter[Any]:
    info = record.model_fields[name]
    if info.metadata:
        return TypeAdapter(Annotated[(info.annotation, *info.metadata)])  # type: ignore[arg-type]
    return TypeAdapter(info.annotation)


def _accepts(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except PydanticError:
        return False
    return True


def _too_long(adapter: TypeAdapter[Any], value: str) -> bool:
    """Whether the record refuses `value` for its length (a pattern may refuse it too)."""
    try:
        adapter.validate_python(value)
    except PydanticError as exc:
        return any(error["type"] == "string_too_long" for error in exc.errors())
    return False


def _column_accepts(column: models.Field[Any, Any], value: Any) -> bool:
    try:
        column.clean(value, None)
    except ValidationError:
        return False
    return True


def _stored_fields() -> Iterator[tuple[str, TypeAdapter[Any], models.Field[Any, Any]]]:
    for record, model in STORED:
        for name in record.model_fields:
            try:
                column = model._meta.get_field(name)
            except Exception:
                continue  # kept elsewhere (a case's reports, a party's desks)
            yield f"{record.__name__}.{name}", _adapter(record, name), column


def test_site_file_texts_have_their_columns_length() -> None:
    differ = []
    for where, adapter, column in _stored_fields():
        if not isinstance(column, models.CharField | models.TextField) or column.choices:
            continue
        limit = column.max_length
        assert limit is not None, where
        if _too_long(adapter, "a" * limit) or not _too_long(adapter, "a" * (limit + 1)):
            differ.append(where)
    assert differ == [], differ


def test_site_file_amounts_have_their_columns_range() -> None:
    differ = []
    for where, adapter, column in _stored_fields():
        if not isinstance(column, models.IntegerField) or where.endswith("position"):
            continue
        for value in (
            -bounds.YEN_MAX - 1,
            -bounds.YEN_MAX,
            -1,
            0,
            bounds.YEN_MAX,
            bounds.YEN_MAX + 1,
        ):
            if _accepts(adapter, value) != _column_accepts(column, value):
                differ.append((where, value))
    assert differ == [], differ


def test_site_file_dates_have_their_columns_range() -> None:
    differ = []
    days = [dt.date(1989, 12, 31), bounds.EARLIEST, bounds.LATEST, dt.date(2101, 1, 1)]
    for where, adapter, column in _stored_fields():
        if not isinstance(column, models.DateField):
            continue
        for day in days:
            value: Any = day
            if isinstance(column, models.DateTimeField):
                value = dt.datetime.combine(day, dt.time(12), tzinfo=engine.TOKYO)
            expected = bounds.EARLIEST <= day <= bounds.LATEST
            if _accepts(adapter, value) != expected or _column_accepts(column, value) != expected:
                differ.append((where, day))
    assert differ == [], differ


def _form_classes() -> Iterator[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(madoguchi.__path__, "madoguchi."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
                and hasattr(cls, "base_fields")
            ):
                yield cls


def test_every_form_text_has_the_length_of_its_column() -> None:
    lengths = _allowed()
    wrong = []
    for form in _form_classes():
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.CharField) or isinstance(
                field, forms.EmailField | forms.JSONField
            ):
                continue
            if field.max_length is None and not isinstance(field, forms.URLField):
                wrong.append((form.__name__, name, None))
            elif name in lengths and field.max_length not in lengths[name]:
                wrong.append((form.__name__, name, field.max_length))
    assert wrong == [], wrong


def test_every_form_with_texts_or_dates_names_its_limits() -> None:
    typed = (forms.CharField, forms.DateField, forms.DateTimeField)
    plain = [
        form.__name__
        for form in _form_classes()
        if any(
            isinstance(f, typed) and not isinstance(f, forms.EmailField | forms.JSONField)
            for f in form.base_fields.values()
        )
        and not issubclass(form, BoundedForm)
    ]
    assert plain == []


def _request_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema["components"]["schemas"]
    seen: set[str] = set()

    def walk(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    yield name, components[name]
                    yield from walk(components[name])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for item in schema["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                yield from walk(operation["requestBody"])


def _strings(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The string schemas a property may be (a union lists several)."""
    options = node.get("anyOf") or [node]
    return [o for o in options if o.get("type") == "string"]


def test_every_api_text_has_the_length_of_its_column() -> None:
    lengths = _allowed()
    wrong = []
    for schema_name, schema in _request_schemas():
        for name, prop in (schema.get("properties") or {}).items():
            for option in _strings(prop):
                if "enum" in option or "const" in option or "format" in option:
                    continue
                limit = option.get("maxLength")
                key = "slug" if "a-z0-9" in option.get("pattern", "") else name
                if limit is None or (key in lengths and limit not in lengths[key]):
                    wrong.append((schema_name, name, limit))
    assert wrong == [], wrong


def test_every_api_amount_is_bounded() -> None:
    wrong = []
    for schema_name, schema in _request_schemas():
        for name, prop in (schema.get("properties") or {}).items():
            options = prop.get("anyOf") or [prop]
            for option in options:
                if (
                    name.endswith("_yen")
                    and option.get("type") == "integer"
                    and (
                        option.get("maximum") != bounds.YEN_MAX
                        or option.get("minimum", -1) < -bounds.YEN_MAX
                    )
                ):
                    wrong.append((schema_name, name, option))
    assert wrong == [], wrong


@pytest.mark.parametrize(
    "day", [dt.date(1989, 12, 31), dt.date(2101, 1, 1)], ids=["before-1990", "after-2100"]
)
def test_the_engine_refuses_a_date_outside_the_bounds(day: dt.date) -> None:
    with pytest.raises(PydanticError, match="between 1990-01-01 and 2100-12-31"):
        engine.Event(date=day, kind=engine.EventKind.OTHER)
