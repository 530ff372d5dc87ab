"""What every benchmark here measures beside its own work: a fixed pure-Python loop (its
time is the machine's speed, not the code's) and the p50/p95 of a list of times. Plain
Python, so bench/helpdesk/bench.py can use it from django-helpdesk's own venv."""

from __future__ import annotations

import statistics


def reference_loop() -> None:
    """Work that never changes: its spread is the machine's, not the code's."""
    total = 0
    for number in range(200_000):
        total += number % 7


def percentiles(times: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile of `times`."""
    times = sorted(times)
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]
