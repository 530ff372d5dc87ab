"""Gunicorn's hooks for `madoguchi serve` (`--config python:madoguchi.server.gunicorn`).

Options stay on the command line (madoguchi.cli.cmd_serve), so a person reads them there;
this module only holds what gunicorn can take as code."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Ready a worker before its first request, then keep its start-up objects out of the
    garbage collector's way.

    Why: Django imports the URL conf and every view module on the first request, which made
    each worker's first pages 10–20× slower than the rest; and a full collection walks every
    object the worker holds (Django, the catalog, compiled templates: ~100 ms every few
    dozen pages, measured on the dashboard, issue 26), which showed as the team server's
    slowest 1 %. `gc.freeze()` moves what exists after start-up to a generation the
    collector never walks; objects made by requests are collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    gc.collect()
    gc.freeze()
