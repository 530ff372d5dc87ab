"""The one conversion between a party's or desk's row and the engine's record.

The engine's `Party` and `Desk` say what a valid party is (the same rules as a site file's
parties); the rows are how they are stored. The field lists come from the records, so a
field added to the engine is added to the rows' conversion, the forms and the API at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from madoguchi.directory.models import Desk, Party
from madoguchi.engine import model as engine

# Everything a row stores beside its slug (a party's desks are rows of their own).
PARTY_FIELDS = tuple(name for name in engine.Party.model_fields if name not in ("slug", "desks"))
DESK_FIELDS = tuple(name for name in engine.Desk.model_fields if name != "slug")


def record_values(
    record_type: type[engine.Record], values: dict[str, Any], fields: Iterable[str]
) -> dict[str, Any]:
    """Row values as the record's: a blank column is an absent optional field."""
    optional = {n for n, f in record_type.model_fields.items() if not f.is_required()}
    return {
        name: None if values[name] == "" and name in optional else values[name]
        for name in fields
        if name in values
    }


def _link(value: str) -> str | None:
    """A stored link the engine accepts, or None: a row written before links were checked
    must not stop every page that reads the directory."""
    return value if value and not engine.link_problem(value) else None


def _stored(row: Party | Desk, fields: Iterable[str]) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in fields}
    values["url"] = _link(row.url)
    if isinstance(row, Desk):
        values["purposes"] = row.purpose_values
        values["services"] = row.service_values
        values["phone_from"] = row.phone_from_values
    return values


def to_record(party: Party) -> engine.Party:
    """A Party row (desks prefetched) as the engine's record."""
    desks = [
        engine.Desk(slug=d.slug, **record_values(engine.Desk, _stored(d, DESK_FIELDS), DESK_FIELDS))
        for d in party.desks.all()
    ]
    values = record_values(engine.Party, _stored(party, PARTY_FIELDS), PARTY_FIELDS)
    return engine.Party(slug=party.slug, desks=desks, **values)


def from_record(record: engine.Party | engine.Desk) -> dict[str, object]:
    """The row's column values (all but slug and place) for a record."""
    fields = PARTY_FIELDS if isinstance(record, engine.Party) else DESK_FIELDS
    values: dict[str, object] = {}
    for name in fields:
        value = getattr(record, name)
        if name in ("purposes", "services", "phone_from"):
            value = [str(p) for p in value]
        elif value is None:
            value = None if name == "checked" else ""
        else:
            value = str(value) if hasattr(value, "value") else value
        values[name] = value
    return values
