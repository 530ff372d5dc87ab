"""Property tests: any valid site file assesses; any mangled one fails cleanly."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madoguchi.engine import SiteFileError, assess, load_catalog, parse_site
from madoguchi.engine.model import (
    Acquired,
    Building,
    EventKind,
    Lamp,
    Payment,
    Service,
    Symptom,
)
from tests.engine.factories import dump

CATALOG = load_catalog()
PARTIES = [*sorted(CATALOG.parties), "local-isp"]
LOCAL_PARTY = {
    "slug": "local-isp",
    "name": "地元プロバイダ",
    "kind": "isp",
    "status": "ceased",
    "desks": [
        {
            "slug": "local-desk",
            "purposes": ["fault", "cancel"],
            "phone": "011-000-0000",
            "hours": "Mo-Sa 10:00-19:00; PH off",
        }
    ],
}

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
times = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 12, 31)).map(
    lambda t: t.replace(microsecond=0).isoformat() + "+09:00"
)
maybe = lambda s: st.none() | s  # noqa: E731


@st.composite
def contracts(draw: st.DrawFn, count: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        service = draw(st.sampled_from(list(Service)))
        start = draw(maybe(days))
        end = draw(maybe(days))
        if start and end and end < start:
            start, end = end, start
        item: dict[str, Any] = {
            "ref": f"c{i}",
            "service": service.value,
            "party": draw(st.sampled_from(PARTIES)),
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "course": draw(maybe(st.sampled_from([b.value for b in Building]))),
            "acquired": draw(maybe(st.sampled_from([a.value for a in Acquired]))),
            "document_received": draw(maybe(days.map(dt.date.isoformat))),
            "monthly_yen": draw(maybe(st.integers(0, 20000))),
            "payment": draw(maybe(st.sampled_from([p.value for p in Payment]))),
            "wanted": draw(st.booleans()),
            "ids": draw(
                st.dictionaries(
                    st.sampled_from(["customer_id", "caf"]), st.text(max_size=8), max_size=2
                )
            ),
        }
        if service == Service.ACCESS:
            item["includes_isp"] = draw(st.booleans())
        if service == Service.OPTION:
            item["option"] = draw(maybe(st.sampled_from(sorted(CATALOG.options))))
        out.append(item)
    return out


@st.composite
def site_files(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 10))
    refs = [f"c{i}" for i in range(n)]
    ref = st.none() | st.sampled_from(refs) if refs else st.none()
    lamp = maybe(st.sampled_from([lamp.value for lamp in Lamp]))
    return {
        "version": 1,
        "now": draw(times),
        "site": {
            "name": draw(st.text(min_size=1, max_size=20).filter(str.strip)),
            "prefecture": draw(maybe(st.sampled_from([p.name for p in CATALOG.prefectures]))),
            "building": draw(maybe(st.sampled_from([b.value for b in Building]))),
        },
        "parties": [LOCAL_PARTY],
        "contracts": draw(contracts(n)),
        "events": [
            {
                "date": d.isoformat(),
                "kind": k.value,
                "contract": r,
                "effective": e.isoformat() if e else None,
            }
            for d, k, r, e in draw(
                st.lists(
                    st.tuples(days, st.sampled_from(list(EventKind)), ref, maybe(days)), max_size=20
                )
            )
        ],
        "symptoms": draw(st.lists(st.sampled_from([s.value for s in Symptom]), max_size=4)),
        "observations": {
            "onu": {
                "power": draw(lamp),
                "optical": draw(lamp),
                "auth": draw(lamp),
                "uni": draw(lamp),
            },
            "said_no_contract": draw(st.lists(st.sampled_from(PARTIES), max_size=2)),
        },
        "bills": [
            {
                "party": p,
                "month": f"{d.year}-{d.month:02d}",
                "yen": y,
                "item": item,
                "service": s.value if s else None,
            }
            for p, d, y, item, s in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(PARTIES),
                        days,
                        st.integers(-5000, 50000),
                        maybe(st.sampled_from(["ウイルスクリア", "基本料", "光iフレーム"])),
                        maybe(st.sampled_from(list(Service))),
                    ),
                    max_size=10,
                )
            )
        ],
        "cases": [
            {
                "ref": "c",
                "promises": [
                    {
                        "by": draw(st.sampled_from(PARTIES)),
                        "what": "callback",
                        "due": draw(times),
                        "kept": draw(maybe(times)),
                    }
                ],
            }
        ],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_files(), st.sampled_from(["ja", "en"]))
def test_any_valid_site_file_assesses(data: dict[str, Any], lang: str) -> None:
    loaded = parse_site(dump(data), CATALOG)
    result = assess(loaded.site, lang=lang)
    json.dumps(result.to_dict())
    confidences = [h.confidence for h in result.hypotheses]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences)
    assert [r.service for r in result.routes] == list(
        dict.fromkeys(r.service for r in result.routes)
    )
    assert bool(result.hypotheses) == any(s != "unknown-charge" for s in data["symptoms"])


JUNK = st.one_of(
    st.integers(),
    st.text(max_size=10),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.just("2026-02-30"),
    st.just({"nested": "map"}),
    st.floats(allow_nan=True),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_files(), st.data())
def test_a_mangled_site_file_fails_cleanly(data: dict[str, Any], draw: st.DataObject) -> None:
    # Mangle a copy: strategies may hand out shared objects (st.just, sampled_from), and
    # changing one in place makes later examples differ from what Hypothesis recorded.
    data = copy.deepcopy(data)
    path = draw.draw(st.sampled_from(_paths(data)))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if draw.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw.draw(JUNK)
    try:
        loaded = parse_site(dump(data), CATALOG)
    except SiteFileError as exc:
        problems = exc.problems
    else:
        assess(loaded.site)  # a mangling that stays valid must still assess
        return
    assert problems
    assert all(str(p) for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises_anything_but_a_site_file_error(text: str) -> None:
    with contextlib.suppress(SiteFileError):
        parse_site(text, CATALOG)
