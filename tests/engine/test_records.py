"""Records built by `quick_init` are the records `dataclass` would build."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field

import pytest

from madoguchi.engine import checks, context, dialling, hours, owed, results, routes, yearly
from madoguchi.engine.records import quick_init

QUICK = [
    cls
    for module in (results, routes, dialling, hours, yearly, owed, context, checks)
    for cls in vars(module).values()
    if isinstance(cls, type)
    and cls.__module__ == module.__name__
    and dataclasses.is_dataclass(cls)
    and cls.__init__.__code__.co_filename == "<string>"
    and any(name.startswith("_set_") for name in cls.__init__.__code__.co_names)
]


def test_the_assessment_records_are_built_quickly() -> None:
    names = {cls.__name__ for cls in QUICK}
    assert {"Finding", "Route", "Step", "Deadline", "Hypothesis", "Dialling", "DeskStatus"} <= names


@pytest.mark.parametrize("cls", QUICK, ids=lambda cls: cls.__name__)
def test_quick_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in parameters] == [f.name for f in dataclasses.fields(cls)]
    for parameter, f in zip(parameters, dataclasses.fields(cls), strict=True):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if f.default is not dataclasses.MISSING:
            assert parameter.default is f.default
        elif f.default_factory is dataclasses.MISSING:
            assert parameter.default is inspect.Parameter.empty


@quick_init
@dataclass(frozen=True, slots=True)
class _Record:
    name: str
    count: int = 3
    items: list[str] = field(default_factory=list)


def test_a_quick_record_has_its_values_defaults_and_own_lists() -> None:
    first, second = _Record("a"), _Record(name="b", count=4, items=["x"])
    assert (first.name, first.count, first.items) == ("a", 3, [])
    assert second == _Record("b", 4, ["x"])
    assert _Record("c").items is not _Record("c").items
    assert dataclasses.replace(first, count=5) == _Record("a", 5, [])


def test_a_quick_record_stays_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _Record("a").name = "b"  # type: ignore[misc]


def test_quick_init_refuses_a_class_it_cannot_build() -> None:
    with pytest.raises(TypeError, match="frozen dataclasses with slots"):
        quick_init(dataclass(type("Loose", (), {"__annotations__": {"a": int}})))
