"""A benchmark guard for CI: each desk page and `madoguchi assess`, as a ratio to a
reference loop, against the ratios recorded in `bench/guard.json`.

    .venv/bin/python bench/guard.py                      # build 10⁴ cases, measure, judge
    .venv/bin/python bench/guard.py --data /tmp/guard    # keep (and reuse) the database
    .venv/bin/python bench/guard.py --record "why the new figures are right"

Why ratios of CPU time: this machine's speed wanders by 2× within a minute (other work shares
its two cores), so a page's milliseconds say little; the CPU the same page takes (this
process's, and for the CLI its child's), divided by the CPU of a fixed pure-Python loop
measured in the same turns, in the same process, moves much less: waiting for a core counts
in neither. A page fails when its
ratio exceeds twice the recorded one: that catches a page that became twice as slow (an N+1,
a lost index, a query built per row) without failing on a busy machine. Timed unit tests stay
out of the suite; this runs as its own CI step (`.ci/run` can call it).

The recorded ratios change only deliberately: `--record REASON` writes the measured ones
with the reason and the day, to be committed with the change that explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import reference_loop

ROOT = Path(__file__).resolve().parent.parent
RECORDED = Path(__file__).resolve().parent / "guard.json"
EXAMPLE = ROOT / "examples" / "seed000-office-unknown-collabo.yaml"
CASES = 10_000
RUNS = 15
LIMIT = 2.0  # a ratio may reach twice its recorded value


def pages_of(mine: list[int], site: int | None = None) -> dict[str, str]:
    """The desk pages the guard measures, as bench-0 (the organization with a tenth of the
    cases) sees them; with `site`, that site's page too."""
    return {
        **({"site page": f"/sites/{site}/"} if site is not None else {}),
        "dashboard": "/cases/",
        "desk by party": "/cases/?party=ドコモ光",
        "case list": "/cases/all/?page=3",
        "all cases by party": "/cases/all/?party=ドコモ光",
        "case page": f"/cases/{mine[len(mine) // 2]}/",
        "search (reference no.)": f"/cases/all/?q=R{mine[7]}-1",
        "search (common word)": "/cases/all/?q=不通",
        "search (rare word)": "/cases/all/?q=受付 4321",
        "search (party name)": "/cases/all/?q=ドコモ",
        "sites by party name": "/sites/?q=ドコモ",
    }


def cpu_clock() -> float:
    """Seconds of CPU used so far by this process and its finished children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(
    steps: Mapping[str, Callable[[], Any]], runs: int = RUNS
) -> dict[str, dict[str, float]]:
    """Each step's median milliseconds of CPU and its ratio to the reference loop's median,
    all taken in turns (a step each, then the loop, again), so a slow spell weighs on all."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    loop: list[float] = []
    for step in steps.values():  # warm up
        step()
    for _ in range(runs):
        for name, step in steps.items():
            start = cpu_clock()
            step()
            times[name].append((cpu_clock() - start) * 1000)
        start = cpu_clock()
        reference_loop()
        loop.append((cpu_clock() - start) * 1000)
    reference = statistics.median(loop)
    answer = {
        name: {"ms": statistics.median(values), "ratio": statistics.median(values) / reference}
        for name, values in times.items()
    }
    answer["reference loop"] = {"ms": reference, "ratio": 1.0}
    return answer


def judge(
    measured: Mapping[str, Mapping[str, float]], recorded: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """The steps whose ratio exceeds LIMIT times the recorded one, as sentences (none: pass).
    A step without a recorded ratio is not judged (record it)."""
    failures = []
    for name, figures in measured.items():
        if name == "reference loop" or name not in recorded:
            continue
        allowed = LIMIT * float(recorded[name]["ratio"])
        if figures["ratio"] > allowed:
            failures.append(
                f"{name}: {figures['ratio']:.2f} × the reference loop, more than {LIMIT:g} × "
                f"its recorded {recorded[name]['ratio']:.2f} (limit {allowed:.2f})"
            )
    return failures


def _failed(name: str, failures: list[str]) -> bool:
    return any(failure.startswith(f"{name}:") for failure in failures)


def client_steps(client: Any, pages: Mapping[str, str]) -> dict[str, Callable[[], Any]]:
    def get(url: str) -> Callable[[], Any]:
        def step() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return step

    return {name: get(url) for name, url in pages.items()}


def assess_step() -> Callable[[], Any]:
    """One `madoguchi assess --json` of a public example, a whole process, as a person runs
    it: with Python's bytecode cache (an installed package has one; the warm-up run writes
    it even where PYTHONDONTWRITEBYTECODE is set for the tests) and the catalog's cache."""
    command = [sys.executable, "-m", "madoguchi.cli", "assess", str(EXAMPLE), "--json"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def step() -> Any:
        return subprocess.run(command, check=True, capture_output=True, env=env)

    return step


def _setup(data: Path) -> None:
    os.environ["MADOGUCHI_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
    os.environ.setdefault("MADOGUCHI_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()


def _build(cases: int) -> None:
    """The bench data (generate.py), unless this database has it already."""
    from django.core.management import call_command

    from madoguchi.orgs.models import Organization

    call_command("migrate", verbosity=0)
    if Organization.objects.filter(slug="bench-0").exists():
        return
    import generate  # bench/generate.py

    call_command("sync_catalog", verbosity=0)
    generate.generate(cases, 10, 2026)
    call_command("optimize_db", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="data directory to build in (or reuse)")
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--record", metavar="REASON", help="write the measured ratios")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="madoguchi-guard-") as scratch:
        data = args.data or Path(scratch)
        data.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        _setup(data)
        _build(args.cases)
        built = time.perf_counter() - started

        from django.contrib.auth import get_user_model
        from django.test import Client

        from madoguchi.cases.models import Case

        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-0"))
        mine = list(
            Case.objects.filter(organization__slug="bench-0")
            .order_by("pk")
            .values_list("pk", flat=True)[:1000]
        )
        site = Case.objects.filter(pk=mine[len(mine) // 2]).values_list("site_id", flat=True).get()
        steps = client_steps(client, pages_of(mine, site))
        steps["madoguchi assess"] = assess_step()
        return _verdict(steps, args, built)


def _verdict(steps: Mapping[str, Callable[[], Any]], args: argparse.Namespace, built: float) -> int:
    """Measure, print, and record (`--record`) or judge; a failure is confirmed by measuring
    the steps that failed once more."""
    measured = measure(steps, args.runs)
    recorded = json.loads(RECORDED.read_text(encoding="utf-8")) if RECORDED.exists() else {}
    load = os.getloadavg()[0]
    print(f"built in {built:.0f} s; load {load:.1f}; {args.runs} runs each")
    _print(measured, recorded.get("ratios", {}))
    if args.record:
        ratios = {
            name: {"ratio": round(figures["ratio"], 2), "ms": round(figures["ms"], 1)}
            for name, figures in measured.items()
            if name != "reference loop"
        }
        history = recorded.get("history", [])
        day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        reference = round(measured["reference loop"]["ms"], 1)
        history.append({"when": day, "reason": args.record, "load": round(load, 1)})
        history[-1]["reference loop ms"] = reference
        RECORDED.write_text(
            json.dumps({"ratios": ratios, "history": history}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        print(f"recorded in {RECORDED.relative_to(ROOT)}")
        return 0
    failures = judge(measured, recorded.get("ratios", {}))
    if failures:
        # A slow spell can push a step over once; a regression stays over. The steps that
        # failed are measured again (in turns with the loop) and judged on that.
        again = {name: step for name, step in steps.items() if _failed(name, failures)}
        print(f"over the limit, measuring again: {', '.join(again)}")
        remeasured = measure(again, args.runs)
        _print(remeasured, recorded.get("ratios", {}))
        failures = judge(remeasured, recorded.get("ratios", {}))
    for failure in failures:
        print(f"SLOWER: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _print(measured: Mapping[str, Mapping[str, float]], recorded: Mapping[str, Any]) -> None:
    for name, figures in measured.items():
        was = recorded.get(name, {}).get("ratio")
        limit = f"limit {LIMIT * was:5.2f}" if was else "not recorded"
        print(f"{name:24} {figures['ms']:7.1f} ms CPU  ratio {figures['ratio']:5.2f}  {limit}")


if __name__ == "__main__":
    sys.exit(main())
