"""The light path of `madoguchi assess` (engine/light.py): a valid file read without pydantic
gives the same assessment as the pydantic path, and anything it cannot vouch for goes back
to pydantic (never an answer of its own)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from madoguchi.engine import assess, load_catalog, parse_site
from madoguchi.engine.catalog import load_light_catalog
from madoguchi.engine.lightspec import compile_spec
from madoguchi.engine.model import SiteFile
from madoguchi.engine.sitefile import read_site_light

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if not p.name.startswith("invalid"))
VALID = """\
version: 1
now: 2026-03-04T10:00+09:00
site: {name: ベンチ邸, prefecture: 東京都}
contracts:
  - {ref: line, service: access, party: ntt-east, start: 2020-01-01, monthly_yen: 5000}
symptoms: [internet-down]
"""


def _light():  # type: ignore[no-untyped-def]
    light = load_light_catalog()
    assert light is not None
    return light


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_example_assesses_the_same_on_both_paths(path: Path, lang: str) -> None:
    raw = path.read_bytes()
    light = _light()
    quick = read_site_light(raw, light)
    assert quick is not None, "the light path fell back on a shipped example"
    full = parse_site(raw, load_catalog())
    assert quick.warnings == full.warnings == []
    fast = assess(quick.site, lang=lang, catalog=light.catalog).to_dict()
    slow = assess(full.site, lang=lang, catalog=load_catalog()).to_dict()
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)


def _plain(value: object) -> object:
    """A record of either kind as plain data, its types kept in view."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return (type(value).__name__, value.isoformat())
    return (type(value).__name__, value)


@pytest.mark.parametrize("text", [VALID, *(p.read_text(encoding="utf-8") for p in EXAMPLES)])
def test_the_light_records_hold_what_pydantic_reads(text: str) -> None:
    quick = read_site_light(text, _light())
    assert quick is not None
    assert _plain(quick.site) == _plain(parse_site(text, load_catalog()).site)


@pytest.mark.parametrize(
    "change",
    [
        ("prefecture: 東京都", "prefecture: 東京府"),
        ("monthly_yen: 5000", "monthly_yen: '5000'"),  # pydantic reads it; its call
        ("monthly_yen: 5000", "monthly_yen: -1"),
        ("start: 2020-01-01", "start: 2020-02-30"),
        ("start: 2020-01-01", "start: 20200101"),
        ("party: ntt-east", "party: ntt-easst"),
        ("service: access", "service: acess"),
        ("symptoms: [internet-down]", "symptoms: [internet-down]\nx-tool: {a: 1}"),
        ("symptoms: [internet-down]", "symptoms: [internet-down]\nsymptom: [slow]"),
        ("now: 2026-03-04T10:00+09:00", "now: 2026-03-04 10:00:00.5+09:00"),
        ("ref: line", "ref: '  '"),
    ],
)
def test_what_the_light_path_cannot_vouch_for_goes_to_pydantic(change: tuple[str, str]) -> None:
    text = VALID.replace(*change)
    assert text != VALID
    assert read_site_light(text, _light()) is None


def test_the_spec_describes_every_field_of_the_models() -> None:
    from madoguchi.engine.catalogfile import CatalogFile

    spec = compile_spec(SiteFile, CatalogFile)

    def unknown(node: object) -> bool:
        return isinstance(node, tuple) and (
            node[:1] in (("unknown",), ("unknown-default",)) or any(unknown(n) for n in node)
        )

    assert [
        (name, field[0])
        for name, model in spec.items()
        for field in model["fields"]
        if unknown(tuple(field[1:]))
    ] == []


def test_assess_does_not_import_pydantic_for_a_valid_file() -> None:
    example = ROOT / "examples" / "seed004-sonet-cut-before-end.yaml"
    code = (
        "import sys\n"
        "from madoguchi.cli import main\n"
        f"code = main(['assess', {str(example)!r}, '--json'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('pydantic')))\n"
        "sys.exit(code)\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, timeout=60)
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "[]"
