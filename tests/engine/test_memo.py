"""Answers kept per record (engine/memo.py) and the assessment's plain form (to_dict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from madoguchi.engine import assess, load_catalog, parse_site
from madoguchi.engine.memo import per_record

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if not p.name.startswith("invalid"))


class _Record:
    def __init__(self, name: str) -> None:
        self.name = name


def _counting():  # type: ignore[no-untyped-def]
    calls: list[str] = []

    @per_record
    def shout(record: _Record, suffix: str) -> str:
        calls.append(record.name)
        return record.name.upper() + suffix

    return shout, calls


def test_a_record_is_answered_once_per_value_asked() -> None:
    shout, calls = _counting()
    record = _Record("desk")
    assert [shout(record, "!"), shout(record, "!"), shout(record, "?")] == [
        "DESK!",
        "DESK!",
        "DESK?",
    ]
    assert calls == ["desk", "desk"]


def test_an_equal_but_different_record_is_answered_for_itself() -> None:
    shout, calls = _counting()
    first, second = _Record("desk"), _Record("desk")
    shout(first, "!")
    second.name = "other"  # same id never reused while cached; a new object is asked anew
    assert shout(second, "!") == "OTHER!"
    assert calls == ["desk", "other"]


def _json_types(value: object) -> set[type]:
    """Every type in `value`, walking its dicts and lists."""
    if isinstance(value, dict):
        return {dict}.union(*(_json_types(k) | _json_types(v) for k, v in value.items()))
    if isinstance(value, list):
        return {list}.union(*(_json_types(item) for item in value))
    return {type(value)}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_to_dict_is_plain_json_data_with_every_field(path: Path) -> None:
    catalog = load_catalog()
    result = assess(parse_site(path.read_bytes(), catalog).site, lang="en", catalog=catalog)
    data = result.to_dict()
    # No record, enumeration member or tuple left: what json and the API's schema take.
    assert _json_types(data) <= {dict, list, str, int, float, bool, type(None)}
    assert list(data) == list(result.__struct_fields__)
    assert [f["code"] for f in data["findings"]] == [f.code for f in result.findings]
    assert [f["severity"] for f in data["findings"]] == [str(f.severity) for f in result.findings]
    assert [h["service"] for h in data["hypotheses"]] == [
        str(h.service) if h.service else None for h in result.hypotheses
    ]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    # New lists: a reader that changes them changes nothing of the result.
    assert all(
        plain["contracts"] is not finding.contracts
        for plain, finding in zip(data["findings"], result.findings, strict=True)
    )
