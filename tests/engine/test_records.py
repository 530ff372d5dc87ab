"""The engine's records (`engine.records.Record`) behave as the frozen dataclasses they replaced."""

from __future__ import annotations

import copy
import pickle

import pytest
from msgspec import field
from msgspec.structs import replace

from madoguchi.engine import load_catalog
from madoguchi.engine.phonebook import Span
from madoguchi.engine.records import Record
from madoguchi.engine.results import Finding, Severity


class _Record(Record, frozen=True):
    """A record of the shapes the engine's have: required, defaulted and list fields."""

    name: str
    count: int = 3
    items: list[str] = field(default_factory=list)


def test_a_record_takes_its_fields_in_order_or_by_name_with_their_defaults() -> None:
    first, second = _Record("a"), _Record(name="b", count=4, items=["x"])
    assert (first.name, first.count, first.items) == ("a", 3, [])
    assert second == _Record("b", 4, ["x"])


def test_each_record_gets_its_own_default_list() -> None:
    assert _Record("c").items is not _Record("c").items


def test_a_record_is_frozen() -> None:
    with pytest.raises(AttributeError):
        _Record("a").name = "b"  # type: ignore[misc]


def test_replace_gives_a_changed_copy() -> None:
    first = _Record("a")
    assert replace(first, count=5) == _Record("a", 5, [])
    assert first.count == 3


def test_records_compare_and_hash_by_value() -> None:
    one = Finding("code", Severity.WARN, ["c1"], "why", "action")
    assert one == Finding("code", Severity.WARN, ["c1"], "why", "action")
    assert one != Finding("code", Severity.INFO, ["c1"], "why", "action")
    assert len({Span("09:00", "17:00"), Span("09:00", "17:00"), Span("09:00", "18:00")}) == 2


def test_a_record_survives_pickling_and_copying() -> None:
    record = _Record("a", 2, ["x"])
    assert pickle.loads(pickle.dumps(record)) == record
    assert copy.deepcopy(record) == record


def test_the_catalog_builds_its_indexes_once_after_pickling() -> None:
    catalog = load_catalog()
    again = pickle.loads(pickle.dumps(catalog))
    assert again == catalog
    assert again._option_names == catalog._option_names
    assert again.prefecture("東京") == catalog.prefecture("東京都")
