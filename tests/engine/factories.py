"""Builders for site-file data: a plain dict per record, overridable field by field."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from madoguchi.engine import Assessment, assess, load_catalog, parse_site

NOW = "2026-03-04T10:00:00+09:00"  # a Wednesday, not a holiday


def contract(ref: str, service: str, party: str, **fields: Any) -> dict[str, Any]:
    return {"ref": ref, "service": service, "party": party, **fields}


def site(**sections: Any) -> dict[str, Any]:
    """A minimal valid site file; keyword arguments replace whole sections."""
    data: dict[str, Any] = {
        "version": 1,
        "now": NOW,
        "site": {"name": "テスト邸", "prefecture": "東京都", "building": "detached"},
        "contracts": [],
    }
    data.update(copy.deepcopy(sections))
    return data


def fiber_site(**sections: Any) -> dict[str, Any]:
    """A converted (転用) line with ISP included at ドコモ光: the common healthy case."""
    base = {
        "contracts": [
            contract(
                "line",
                "access",
                "docomo-hikari",
                course="detached",
                includes_isp=True,
                start="2020-04-01",
                acquired="tenyo",
                monthly_yen=5720,
                payment="card",
            )
        ],
    }
    base.update(sections)
    return site(**base)


#: libyaml's emitter where PyYAML was built with it: the property tests dump a generated file
#: per example, and the pure-Python emitter was a fifth of their time.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


def run(data: dict[str, Any], **kwargs: Any) -> Assessment:
    """Assess through the same path as the CLI: YAML text → validation → engine."""
    loaded = parse_site(dump(data), load_catalog())
    return assess(loaded.site, **kwargs)


def codes(items: list[Any]) -> list[str]:
    return [item.code for item in items]


def finding(result: Assessment, code: str) -> Any:
    return next(f for f in result.findings if f.code == code)


def route(result: Assessment, service: str) -> Any:
    return next(r for r in result.routes if r.service == service)
