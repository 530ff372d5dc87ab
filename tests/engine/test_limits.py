"""Hostile site files are refused quickly, with a short message naming what is too much."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from madoguchi.engine import SiteFileError, load_catalog, parse_site
from madoguchi.engine.limits import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    quote,
    record_problems,
    size_problem,
)
from tests.engine.factories import contract, dump, fiber_site, site
from tests.hostile import alias_bomb, many_contracts, nested, run_bounded, unknown_refs


def problems(text: str | bytes) -> list[str]:
    with pytest.raises(SiteFileError) as caught:
        parse_site(text, load_catalog())
    return [str(p) for p in caught.value.problems]


def test_nesting_is_refused_naming_the_line() -> None:
    assert problems(nested(100)) == ["line 3, column 26: nested more than 20 levels deep"]


@pytest.mark.parametrize("levels", [30_000, 50_000])
def test_deep_nesting_does_not_crash_the_process(tmp_path: Path, levels: int) -> None:
    # In a child: before the bound, libyaml's composer recursion was a segfault.
    path = tmp_path / "deep.yaml"
    path.write_text(nested(levels), encoding="utf-8")
    code = (
        "import sys\nfrom madoguchi.engine import SiteFileError, load_catalog, parse_site\n"
        "try:\n    parse_site(open(sys.argv[1]).read(), load_catalog())\n"
        "except SiteFileError as exc:\n    print(exc)\n"
    )
    run = run_bounded(["-c", code, str(path)], timeout=20)
    assert run.returncode == 0, run.stderr[-500:]
    assert "nested more than 20 levels deep" in run.stdout


def test_alias_bomb_is_refused_before_it_expands() -> None:
    started = time.process_time()
    [problem] = problems(alias_bomb(levels=7))  # 9**7 strings, a few MB if quoted
    assert "more than 250,000 values once aliases are expanded" in problem
    assert time.process_time() - started < 2


def test_full_alias_bomb_is_refused_in_a_bounded_child(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(levels=9), encoding="utf-8")
    assert path.stat().st_size < 500
    run = run_bounded(["-m", "madoguchi.cli", "assess", str(path)], timeout=20)
    assert run.returncode == 2
    assert "once aliases are expanded" in run.stderr
    assert len(run.stderr) < 300


def test_a_few_aliases_still_work() -> None:
    data = fiber_site()
    text = dump(data).replace("site:\n", "x-shared: &who テスト\nsite:\n")
    text = text.replace("name: テスト邸", "name: *who")
    loaded = parse_site(text, load_catalog())
    assert loaded.site.site.name == "テスト"


def test_too_many_aliases_are_refused() -> None:
    text = "x: &a 1\ny: [" + ", ".join(["*a"] * 101) + "]\nsite:\n  name: x\n"
    assert problems(text) == ["line 2, column 405: more than 100 aliases (*name)"]


def test_an_oversize_file_is_refused_before_parsing() -> None:
    started = time.process_time()
    raw = b"[" * (MAX_FILE_BYTES + 1)  # would be deep nesting too, were it parsed
    assert problems(raw) == ["the file is 1,000,001 bytes; at most 1,000,000 bytes are accepted"]
    assert time.process_time() - started < 0.5


def test_oversize_text_counts_utf8_bytes() -> None:
    assert size_problem("あ" * 400_000) is not None  # 1.2 MB in UTF-8
    assert size_problem("a" * 400_000) is None


def test_bytes_that_are_not_utf8_are_named() -> None:
    assert problems(b"site:\n  name: \xff\n") == ["not UTF-8 text"]


def test_too_many_contracts_are_refused_naming_the_section() -> None:
    assert problems(many_contracts(501)) == ["contracts: 501 entries; at most 500 are accepted"]


def test_too_many_nested_records_are_named() -> None:
    desks = [{"slug": f"d{i}"} for i in range(51)]
    data = site(parties=[{"slug": "mine", "name": "自社", "kind": "agent", "desks": desks}])
    assert problems(dump(data)) == ["parties[0].desks: 51 entries; at most 50 are accepted"]


def test_record_limits_are_reusable_for_other_files() -> None:
    # A bill importer passes its own sections.
    assert record_problems({"bills": [{}] * 3}, {"bills": 2}) == [
        ("bills", "3 entries; at most 2 are accepted")
    ]
    assert record_problems({"bills": [{}] * 2}, {"bills": 2}) == []


def test_a_long_value_is_not_quoted_in_full() -> None:
    [problem] = problems(dump(site(site={"name": "x", "prefecture": "東" * 100_000})))
    assert problem.startswith("site.prefecture: String should have at most 20 characters")
    assert len(problem) < 300


def test_a_long_unknown_key_is_shortened_in_the_path() -> None:
    data = fiber_site()
    data["contracts"][0]["k" * 10_000] = 1
    loaded = parse_site(dump(data), load_catalog())
    assert all(len(str(w)) < 300 for w in loaded.warnings)


def test_a_long_duplicate_key_is_shortened() -> None:
    key = "k" * 10_000
    [problem] = problems(f"? {key}\n: 1\n? {key}\n: 2\nsite:\n  name: x\n")
    assert problem.startswith("YAML syntax: line 3: duplicate key 'kkk")
    assert len(problem) < 300


def test_unknown_refs_cost_linear_time() -> None:
    text = unknown_refs()
    assert len(text) > 250_000
    started = time.process_time()
    found = problems(text)
    assert time.process_time() - started < 4  # quadratic suggestions took over a minute
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == "… and more problems; fix these first"


def test_suggestions_survive_the_bounds() -> None:
    data = site(contracts=[contract("line-1", "access", "so-net")])
    data["events"] = [{"date": "2026-01-01", "kind": "other", "contract": "line-l"}]
    [problem] = problems(dump(data))
    assert problem == "events[0].contract: no contract has ref 'line-l'; did you mean 'line-1'?"


def test_quote_is_bounded_for_any_value() -> None:
    huge: list[object] = ["x" * 1000] * 1000
    for _ in range(5):
        huge = [huge] * 1000  # 10**18 strings if walked
    assert len(quote(huge)) < 200
    assert quote("short") == "'short'"
    assert quote("y" * 1000).endswith("… (1,000 characters)")
