"""A minimal Django project around django-helpdesk 2.6.1, for the side-by-side benchmark.

Nothing of Madoguchi is imported here; it runs in bench/helpdesk/.venv (setup.sh).
"""

from __future__ import annotations

import os
from pathlib import Path


def setup(data: str | Path, *, scope: str = "queue") -> None:
    """Point the settings at the SQLite file in `data` and start Django.

    scope "queue": a staff user sees the queues they hold a permission for (per-queue staff
    permission on), as a Madoguchi user sees their organization's cases; "all": every staff
    user sees every queue (django-helpdesk's default).
    """
    import django

    os.environ["HELPDESK_BENCH_DATA"] = str(Path(data).resolve())
    os.environ["HELPDESK_BENCH_SCOPE"] = scope
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
    django.setup()
