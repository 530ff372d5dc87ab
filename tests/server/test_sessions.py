"""Sessions in the database are read as Django reads them, from a statement compiled once
(`server.sessions`): a session ended or expired anywhere is gone on the next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from madoguchi.server.sessions import SessionStore
from tests.conftest import World

# With Redis the server's sessions are Django's cached_db (read from Redis first); the store
# is still tested on its own.
in_the_database_alone = pytest.mark.skipif(
    "not __import__('django.conf').conf.settings.SESSION_ENGINE.endswith('server.sessions')",
    reason="sessions through Redis",
)


def _logged_in(world: World) -> tuple[object, str]:
    client = world.clients["alice"]
    assert client.get(reverse("cases:dashboard")).status_code == 200
    return client, client.cookies["sessionid"].value


def test_a_session_is_read_with_what_was_saved_in_it(world: World) -> None:
    _client, key = _logged_in(world)
    saved = Session.objects.get(session_key=key).get_decoded()
    assert SessionStore(key).load() == saved
    assert saved  # the logged-in user's id, at least


def test_once_prepared_the_read_builds_no_query(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _client, key = _logged_in(world)
    saved = SessionStore(key).load()

    def no_query_built(*args: object, **kwargs: object) -> None:
        raise AssertionError("the session was read through the ORM")

    monkeypatch.setattr(QuerySet, "filter", no_query_built)
    assert SessionStore(key).load() == saved


@in_the_database_alone
def test_a_session_ended_elsewhere_is_logged_out_on_the_next_request(world: World) -> None:
    client, key = _logged_in(world)
    Session.objects.filter(session_key=key).delete()
    response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_expired_session_is_not_read(world: World) -> None:
    _client, key = _logged_in(world)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None  # as Django's: a fresh session from here on


@in_the_database_alone
def test_an_expired_session_is_logged_out_on_the_next_request(world: World) -> None:
    client, key = _logged_in(world)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(reverse("cases:dashboard")).status_code == 302


def test_the_session_read_carries_its_expiry(world: World) -> None:
    _client, key = _logged_in(world)
    store = SessionStore(key)
    found = store._get_session_from_db()
    assert found is not None
    assert found.expire_date == Session.objects.get(session_key=key).expire_date
