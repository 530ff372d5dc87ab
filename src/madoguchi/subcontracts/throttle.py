"""How many intake submissions one client address may send a minute.

Counted in a cache: on a team server the Redis cache that also holds the sessions (shared by
every worker), else the process's own local-memory cache (an SQLite setup runs one process).
The limit is MADOGUCHI_INTAKE_PER_MINUTE in settings (default 10)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from madoguchi.orgs.logins import client_ip

DEFAULT_PER_MINUTE = 10


def _cache() -> BaseCache:
    return caches["sessions"] if "sessions" in settings.CACHES else caches["default"]


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
