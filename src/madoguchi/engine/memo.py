"""Answers about one record, worked out once per record instead of once per assessment.

A desk's call note, its numbers and the number to dial from a kind of phone depend on the
desk alone (and the language or the phone), and every assessment asks them again for the
same few catalog desks: routes, first call, the escalation ladder and the findings' desk
texts. Records are frozen, so an answer stays right as long as the record lives; the cache
keeps the record itself beside the answer, so its `id` cannot be reused by another object
while the entry is there (a site file's own desks come and go with each request).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import wraps

# Enough for every desk of the catalog and of a few hundred sites' own parties; past it the
# cache starts again (a long-running server sees many organizations' desks).
MAX_ENTRIES = 4096


def per_record[R, *Ts, T](fn: Callable[[R, *Ts], T]) -> Callable[[R, *Ts], T]:
    """Memoise `fn(record, *rest)` by the record's identity and `rest` (hashable values)."""
    cache: dict[tuple[Hashable, ...], tuple[R, T]] = {}

    @wraps(fn)
    def cached(record: R, *rest: *Ts) -> T:
        key = (id(record), *rest)
        hit = cache.get(key)
        if hit is not None and hit[0] is record:
            return hit[1]
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        value = fn(record, *rest)
        cache[key] = (record, value)
        return value

    cached.cache_clear = cache.clear  # type: ignore[attr-defined]
    return cached
