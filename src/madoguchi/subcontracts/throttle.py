"""How many intake submissions one client address may send a minute.

Counted in the `shared` cache (settings.py), like the login wait: Redis on a team server, else
a table in the database, so every worker process counts the same submissions.
The limit is MADOGUCHI_INTAKE_PER_MINUTE in settings (default 10)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from madoguchi.orgs.logins import client_ip

DEFAULT_PER_MINUTE = 10


def _cache() -> BaseCache:
    return caches["shared"]


def per_minute() -> int:
    return int(getattr(settings, "MADOGUCHI_INTAKE_PER_MINUTE", DEFAULT_PER_MINUTE))


def allow_submission(request: HttpRequest, *, now: float | None = None) -> bool:
    """Count this submission; False once the address has sent more than the limit this minute."""
    minute = int((now if now is not None else time.time()) // 60)
    key = f"subcontracts:intake:{client_ip(request) or 'unknown'}:{minute}"
    cache = _cache()
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= per_minute()
