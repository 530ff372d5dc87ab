"""The benchmark guard (`bench/guard.py`) itself: it fails a page whose ratio to the
reference loop exceeds twice the recorded one, and it catches a page slowed on purpose.
The guard's figures are judged in CI by the guard, never here: these tests check its
verdicts, with a slowdown far beyond the machine's noise."""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path
from typing import Any

import pytest

from madoguchi.cases import selectors
from tests.conftest import World

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _guard() -> Any:
    spec = importlib.util.spec_from_file_location("bench_guard", BENCH / "guard.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_ratio_above_twice_the_recorded_one_fails() -> None:
    guard = _guard()
    recorded = {"dashboard": {"ratio": 1.5}, "case page": {"ratio": 2.0}}
    measured = {
        "dashboard": {"ms": 40.0, "ratio": 3.1},
        "case page": {"ms": 30.0, "ratio": 3.9},
        "reference loop": {"ms": 10.0, "ratio": 1.0},
    }
    failures = guard.judge(measured, recorded)
    assert len(failures) == 1
    assert failures[0].startswith("dashboard:")


def test_a_step_without_a_recorded_ratio_is_not_judged() -> None:
    guard = _guard()
    assert guard.judge({"new page": {"ms": 99.0, "ratio": 50.0}}, {}) == []


def test_every_recorded_step_is_one_the_guard_measures() -> None:
    guard = _guard()
    recorded = json.loads((BENCH / "guard.json").read_text(encoding="utf-8"))["ratios"]
    assert set(recorded) == {*guard.pages_of([1] * 10, 1), "madoguchi assess"}
    assert all(entry["ratio"] > 0 for entry in recorded.values())


@pytest.mark.parametrize("slowed", ["dashboard"])
def test_the_guard_fails_a_page_slowed_on_purpose(
    world: World, monkeypatch: pytest.MonkeyPatch, slowed: str
) -> None:
    """The dashboard measured, recorded, then slowed by three times its own CPU (a query
    per row would do that): the guard fails it."""
    guard = _guard()
    pages = {"dashboard": "/cases/", "case list": "/cases/all/"}
    steps = guard.client_steps(world.clients["alice"], pages)
    recorded = guard.measure(steps, runs=5)
    assert guard.judge(recorded, recorded) == []

    delay = 3 * recorded[slowed]["ms"] / 1000
    site_choices = selectors.site_choices

    def slow_site_choices(*args: Any, **kwargs: Any) -> Any:
        spent = time.process_time() + delay  # the guard counts CPU, so spend CPU
        while time.process_time() < spent:
            pass
        return site_choices(*args, **kwargs)

    monkeypatch.setattr(selectors, "site_choices", slow_site_choices)
    failures = guard.judge(guard.measure(steps, runs=5), recorded)
    assert slowed in [failure.split(":")[0] for failure in failures]


def _spend(ms: float) -> None:
    until = time.process_time() + ms / 1000
    while time.process_time() < until:
        pass


@pytest.mark.parametrize(("slow_turns", "verdict"), [(1, 0), (10_000, 1)])
def test_a_failure_counts_only_when_measuring_again_confirms_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow_turns: int, verdict: int
) -> None:
    """A step five times slower during the first measurement only (a slow spell) passes; one
    that stays five times slower fails."""
    guard = _guard()
    recorded = guard.measure({"page": lambda: _spend(5)}, runs=3)
    monkeypatch.setattr(guard, "RECORDED", tmp_path / "guard.json")
    (tmp_path / "guard.json").write_text(json.dumps({"ratios": recorded}), encoding="utf-8")
    calls = {"n": 0}

    def page() -> None:
        calls["n"] += 1
        _spend(25 if calls["n"] <= 1 + slow_turns * 3 else 5)

    args = argparse.Namespace(runs=3, record=None)
    assert guard._verdict({"page": page}, args, 0.0) == verdict
