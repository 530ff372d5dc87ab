"""Django's database sessions, with each request's read from a statement compiled once.

`SESSION_ENGINE` names this module when the sessions live in the database alone (a laptop, or
a server without Redis; with Redis, `cached_db` reads them from Redis first).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from madoguchi.server.prepared import Values, prepared_or_built


def _session_read(values: Values) -> list[Any]:
    # Django's own read (db.SessionStore._get_session_from_db), the columns a store reads.
    live = Session.objects.filter(session_key=values["session"], expire_date__gt=values["now"])
    return [live.values("session_data", "expire_date")]


class SessionStore(DatabaseSessionStore):
    """Django's database session store, reading the session as Django does, from a statement
    compiled once per process (`server.prepared.prepared_reads`).

    Why: every request reads its session before anything else, and building and compiling
    the same `objects.get` each time was about 4 % of a server worker's busy time under the
    load test (issue 26), several times the read itself. Writes, expiry and the cookie are
    Django's.
    """

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:  # Django asks only with a key; nothing to read without one
            return None
        values = {"session": key, "now": timezone.now()}
        (rows,) = prepared_or_built(("session",), _session_read, values, scope="session")
        if not rows:
            self._session_key = None  # as Django: a fresh session from here on
            return None
        return Session(session_key=key, **rows[0])
