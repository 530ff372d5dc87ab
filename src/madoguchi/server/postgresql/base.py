"""Django's PostgreSQL backend, reading `timestamptz` columns with psycopg's C loader.

Why: Django registers its own loader for `timestamptz` on every connection, a subclass of
psycopg's pure-Python one (to set the time zone it wants on each value), so with
psycopg[binary] every timestamp read is parsed in Python: 5.4 µs a value against 1.7 through
the C loader, about 9 % of the dashboard's CPU on a team server under load (py-spy, issue
26). Django only needs that loader when the connection's time zone is not the one it wants.
With `USE_TZ` (always here) it wants UTC and sets the session's `TimeZone` to UTC when it
connects, and psycopg's loader then gives `datetime.timezone.utc`, the very tzinfo Django's
would set: the values are the same objects' equals, only read faster.

`settings.database` names this backend for a PostgreSQL URL; everything else is Django's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.postgresql import base
from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format

# psycopg's best loader for timestamptz as text: the C one with psycopg[binary] installed,
# else its pure-Python one (then nothing is gained, and nothing changes).
_FASTEST: Any = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)


class UtcTimestamptzLoader(Loader):
    """psycopg's fastest timestamptz loader (the C one cannot be subclassed), marked with
    the time zone it loads in as Django's loaders are: Django's `create_cursor` compares that
    with the connection's and keeps this loader when they agree. 1.7 µs a value here."""

    timezone = dt.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._loader = _FASTEST(oid, context)

    def load(self, data: Any) -> Any:
        return self._loader.load(data)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if self.timezone == dt.UTC:  # USE_TZ without a database TIME_ZONE: the session is UTC
            connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
        return connection
