"""Logins: wrong passwords earn a growing wait per address and per (address, username), never
for an account everywhere; passwords must pass Django's full set of validators."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from madoguchi.orgs.logins import _keys, wait_after
from madoguchi.sitefiles.management.commands.load_demo import DEMO_PASSWORD
from tests.factories import UserFactory

RIGHT = "pw-for-tests"  # the factories' password
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def _fail(client: Client, username: str, times: int) -> None:
    for n in range(times):
        _login(client, username, f"wrong-{n}")


def _fail_spaced(clock: Any, client: Client, username: str, times: int) -> None:
    """`times` wrong passwords, each after the wait the one before earned (so each counts)."""
    for n in range(times):
        clock.shift(dt.timedelta(minutes=15))
        _login(client, username, f"wrong-{n}")


FREE = 5  # settings.LOGIN_FREE_FAILURES
ADDRESS_FREE = 20  # settings.LOGIN_ADDRESS_FREE_FAILURES


@pytest.fixture
def bob(db: Any) -> Any:
    return UserFactory(username="bob")


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.LOGIN_FREE_FAILURES = FREE
    settings.LOGIN_ADDRESS_FREE_FAILURES = ADDRESS_FREE
    settings.LOGIN_MAX_WAIT = 15 * 60


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (14, 512), (15, 900), (16, 900), (500, 900)],
)
def test_the_wait_starts_at_one_second_and_doubles_up_to_the_cap(failures: int, wait: int) -> None:
    assert wait_after(failures, free=5, cap=900) == wait


def test_a_wrong_password_leaves_the_form_for_another_try(bob: Any) -> None:
    response = _login(Client(), "bob", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_below_the_free_failures_the_right_password_still_logs_in(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        _fail(client, "bob", FREE - 1)
        assert _login(client, "bob", RIGHT).status_code == 302


def test_after_the_free_failures_even_the_right_password_waits_with_a_clear_page(
    bob: Any,
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    with time_machine.travel(START, tick=False):
        _fail(client, "bob", FREE)
        response = _login(client, "bob", RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "1秒待って" in page
    assert "Traceback" not in page
    assert int(response["Retry-After"]) == 1


def test_the_wait_doubles_with_each_further_failure(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail(client, "bob", FREE)
        waits = []
        for _ in range(3):
            response = _login(client, "bob", "still-wrong")
            waits.append(int(response["Retry-After"]))
            clock.shift(dt.timedelta(seconds=waits[-1]))
            assert _login(client, "bob", "still-wrong").status_code == 200  # counted
    assert waits == [1, 2, 4]


def test_an_attempt_during_the_wait_is_not_counted(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail(client, "bob", FREE)
        for _ in range(10):
            assert _login(client, "bob", "x").status_code == 429
        clock.shift(dt.timedelta(seconds=1))
        assert _login(client, "bob", RIGHT).status_code == 302


def test_the_wait_never_exceeds_the_cap_and_says_minutes_in_japanese(bob: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    with time_machine.travel(START, tick=False) as clock:
        _fail_spaced(clock, client, "bob", FREE + 30)
        response = _login(client, "bob", RIGHT)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "15分待って" in response.content.decode()


def test_the_wait_page_speaks_english_on_request(bob: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(START, tick=False) as clock:
        _fail_spaced(clock, client, "bob", FREE + 2)
        response = _login(client, "bob", RIGHT)
    assert response.status_code == 429
    assert "Please wait 4 seconds" in response.content.decode()


def test_the_wait_page_is_the_same_for_a_username_that_does_not_exist(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        pages = []
        for name, address in (("bob", "10.0.0.7"), ("nobody", "10.0.0.8")):
            client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="ja")
            _fail(client, name, FREE)
            response = _login(client, name, "guess")
            alert = response.content.decode().split('id="login-wait"')[1].split("</p>")[0]
            pages.append((response.status_code, response["Retry-After"], alert))
    assert pages[0] == pages[1]


def test_a_stranger_cannot_make_the_owner_wait_from_another_address(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail(Client(REMOTE_ADDR="203.0.113.5"), "bob", FREE + 30)
        owner = Client(REMOTE_ADDR="10.0.0.2")
        response = _login(owner, "bob", RIGHT)
        assert response.status_code == 302, response.get("Location")
        assert owner.session["_auth_user_id"] == str(bob.pk)


def test_the_strangers_address_waits_for_the_account(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail(Client(REMOTE_ADDR="203.0.113.5"), "bob", FREE)
        response = _login(Client(REMOTE_ADDR="203.0.113.5"), "bob", RIGHT)
    assert response.status_code == 429


def test_guessing_across_accounts_from_one_address_waits_too(bob: Any) -> None:
    UserFactory(username="carol")
    with time_machine.travel(START, tick=False):
        for n in range(ADDRESS_FREE):
            _login(Client(REMOTE_ADDR="10.0.0.1"), f"guess{n}", "wrong")
        response = _login(Client(REMOTE_ADDR="10.0.0.1"), "carol", RIGHT)
    assert response.status_code == 429


def test_other_accounts_from_other_addresses_are_unaffected(bob: Any) -> None:
    UserFactory(username="carol")
    with time_machine.travel(START, tick=False):
        _fail(Client(REMOTE_ADDR="10.0.0.1"), "bob", FREE + 10)
        carol = Client(REMOTE_ADDR="10.0.0.2")
        response = _login(carol, "carol", RIGHT)
        assert response.status_code == 302
        assert carol.session["_auth_user_id"]


def test_a_successful_login_starts_the_address_count_over(bob: Any) -> None:
    UserFactory(username="carol")
    client = Client(REMOTE_ADDR="10.0.0.1")
    with time_machine.travel(START, tick=False) as clock:
        for n in range(ADDRESS_FREE - 1):
            _login(client, f"guess{n}", "wrong")
        _fail(client, "bob", 1)  # the address's count reaches its free failures here
        clock.shift(dt.timedelta(seconds=1))
        assert _login(client, "bob", RIGHT).status_code == 302
        client.logout()
        _login(client, "carol", "wrong")  # would wait 2 s had the count gone on
        assert _login(client, "carol", RIGHT).status_code == 302


def test_a_successful_login_starts_the_pair_count_over(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        _fail(client, "bob", FREE - 1)
        assert _login(client, "bob", RIGHT).status_code == 302
        client.logout()
        _fail(client, "bob", FREE - 1)
        assert _login(client, "bob", RIGHT).status_code == 302


def test_the_wait_ends_after_its_time(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _fail_spaced(clock, client, "bob", FREE + 3)  # 8 s
        clock.shift(dt.timedelta(seconds=7))
        assert _login(client, "bob", RIGHT).status_code == 429
        clock.shift(dt.timedelta(seconds=1))
        response = _login(client, "bob", RIGHT)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(bob.pk)


def test_the_admin_login_waits_too(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        _fail(client, "bob", FREE)
        response = client.post(reverse("admin:login"), {"username": "bob", "password": RIGHT})
    assert response.status_code == 429


def test_the_username_is_counted_whatever_its_case(bob: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        for n in range(FREE):
            _login(client, "BOB" if n % 2 else "bob", "wrong")
        assert _login(client, "bob", RIGHT).status_code == 429


def test_the_cache_holds_no_address_or_username(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail(Client(REMOTE_ADDR="198.51.100.23"), "bob", 1)
        keys = [key for key, _free in _keys("198.51.100.23", "bob")]
        assert caches["shared"].get(keys[0]) is not None
    assert all("198.51.100.23" not in key and "bob" not in key for key in keys)


def test_behind_a_proxy_the_address_comes_from_the_configured_header(
    bob: Any, settings: Any
) -> None:
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    UserFactory(username="carol")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    with time_machine.travel(START, tick=False):
        for n in range(ADDRESS_FREE):  # one client, made-up earlier hops
            _login(Client(HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9", **proxy), f"g{n}", "x")
        carol = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
        assert _login(carol, "carol", RIGHT).status_code == 302
        mallory = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
        assert _login(mallory, "carol", RIGHT).status_code == 429


def test_without_a_configured_header_a_forwarded_address_is_ignored(bob: Any) -> None:
    with time_machine.travel(START, tick=False):
        for n in range(ADDRESS_FREE):
            _login(Client(HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"), f"guess{n}", "x")
        assert _login(Client(HTTP_X_FORWARDED_FOR="9.9.9.9"), "bob", RIGHT).status_code == 429


def test_api_tokens_are_not_throttled(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        _fail(Client(), world.org_a.memberships.first().user.username, FREE + 5)
        for _ in range(3):
            assert world.api("get", "/api/v1/sites").status_code == 200


@pytest.mark.skipif(not os.environ.get("MADOGUCHI_REDIS_URL"), reason="no Redis to count in")
def test_the_counts_work_in_redis(bob: Any, settings: Any) -> None:
    settings.CACHES = settings.CACHES | {
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["MADOGUCHI_REDIS_URL"],
            "KEY_PREFIX": f"madoguchi-test-{uuid.uuid4().hex}",
        }
    }
    client = Client()
    try:
        with time_machine.travel(START, tick=False) as clock:
            _fail(client, "bob", FREE)
            assert _login(client, "bob", RIGHT).status_code == 429
            clock.shift(dt.timedelta(seconds=1))
            assert _login(client, "bob", RIGHT).status_code == 302
            assert caches["shared"].get(_keys("127.0.0.1", "bob")[0][0]) is None
    finally:
        caches["shared"].delete_many([key for key, _free in _keys("127.0.0.1", "bob")])


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
