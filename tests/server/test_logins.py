"""Logins: wrong passwords are throttled per address (an account from that address, and the
address for every account); passwords must pass Django's full set of validators."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from madoguchi.sitefiles.management.commands.load_demo import DEMO_PASSWORD
from tests.server.factories import UserFactory

RIGHT = "pw-for-tests"  # the factories' password
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def _fail_until_locked(client: Client, username: str) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username, f"wrong-{n}")


@pytest.fixture
def bob(db: Any) -> Any:
    return UserFactory(username="bob")


def test_a_wrong_password_leaves_the_form_for_another_try(bob: Any) -> None:
    response = _login(Client(), "bob", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_after_the_limit_even_the_right_password_is_refused_with_a_clear_page(bob: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    with time_machine.travel(START, tick=False):
        _fail_until_locked(client, "bob")
        response = _login(client, "bob", RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "ログインを一時停止" in page
    assert "15分後" in page
    assert int(response["Retry-After"]) == 15 * 60


def test_the_lockout_page_speaks_english_on_request(bob: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(START, tick=False):
        _fail_until_locked(client, "bob")
        response = _login(client, "bob", RIGHT)
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()


def test_a_stranger_cannot_lock_the_account_for_its_owner(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail_until_locked(Client(REMOTE_ADDR="203.0.113.5"), "bob")
        owner = Client(REMOTE_ADDR="10.0.0.2")
        response = _login(owner, "bob", RIGHT)
        assert response.status_code == 302, response.get("Location")
        assert owner.session["_auth_user_id"] == str(bob.pk), response.get("Location")


def test_the_strangers_address_stays_locked_for_the_account(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail_until_locked(Client(REMOTE_ADDR="203.0.113.5"), "bob")
        response = _login(Client(REMOTE_ADDR="203.0.113.5"), "bob", RIGHT)
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(bob: Any) -> None:
    UserFactory(username="carol")
    with time_machine.travel(START, tick=False):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _login(Client(REMOTE_ADDR="10.0.0.1"), f"guess{n}", "wrong")
        response = _login(Client(REMOTE_ADDR="10.0.0.1"), "carol", RIGHT)
    assert response.status_code == 429


def test_other_accounts_from_other_addresses_are_unaffected(bob: Any) -> None:
    UserFactory(username="carol")
    with time_machine.travel(START, tick=False):
        _fail_until_locked(Client(REMOTE_ADDR="10.0.0.1"), "bob")
        carol = Client(REMOTE_ADDR="10.0.0.2")
        response = _login(carol, "carol", RIGHT)
        assert response.status_code == 302
        assert carol.session["_auth_user_id"]


def test_the_lockout_ends_after_the_cool_off(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail_until_locked(client, "bob")
        clock.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=30))
        assert _login(client, "bob", RIGHT).status_code == 429  # tries in a lockout: not counted
        clock.shift(dt.timedelta(seconds=31))
        response = _login(client, "bob", RIGHT)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(bob.pk)


def test_behind_a_proxy_the_address_comes_from_the_configured_header(
    bob: Any, settings: Any
) -> None:
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    UserFactory(username="carol")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    with time_machine.travel(START, tick=False):
        for n in range(settings.AXES_FAILURE_LIMIT):  # one client, made-up earlier hops
            _login(Client(HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9", **proxy), "bob", "x")
        carol = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
        assert _login(carol, "carol", RIGHT).status_code == 302
        mallory = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
        assert _login(mallory, "carol", RIGHT).status_code == 429


def test_without_a_configured_header_a_forwarded_address_is_ignored(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _login(Client(HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"), f"guess{n}", "x")
        assert _login(Client(HTTP_X_FORWARDED_FOR="9.9.9.9"), "bob", RIGHT).status_code == 429


def test_api_tokens_are_not_throttled(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail_until_locked(Client(), world.org_a.memberships.first().user.username)
        for _ in range(3):
            assert world.api("get", "/api/v1/sites").status_code == 200


@pytest.mark.parametrize("password", ["98127364", "bob-password", "password1", "short7"])
def test_weak_passwords_are_refused(bob: Any, password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, bob)


def test_a_good_password_is_accepted(bob: Any) -> None:
    validate_password("kanda-river-7-lantern", bob)


def test_the_admin_password_form_refuses_a_password_with_the_username(bob: Any) -> None:
    admin = Client(HTTP_ACCEPT_LANGUAGE="ja")
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[bob.pk]),
        {"password1": "bob-password", "password2": "bob-password", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "パスワードにユーザー名を含めることはできません。" in response.content.decode()
    bob.refresh_from_db()
    assert bob.check_password(RIGHT)


def test_the_demo_user_logs_in_with_the_documented_password(db: Any) -> None:
    """load_demo sets it directly, so the validators (which would refuse it) do not apply."""
    call_command("load_demo", stdout=StringIO())
    client = Client()
    response = _login(client, "demo", DEMO_PASSWORD)
    assert response.status_code == 302
