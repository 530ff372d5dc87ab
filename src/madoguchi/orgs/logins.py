"""Wrong passwords earn a growing wait, counted per client address and per (address,
username), never per account alone: failures from one address never delay the same person
logging in from another, so a stranger cannot lock a colleague out.

After LOGIN_FREE_FAILURES wrong passwords for one username from one address (or
LOGIN_ADDRESS_FREE_FAILURES for any usernames from one address) the next attempt from that
address has to wait 1 second, then 2, 4, … doubling with each further failure up to
LOGIN_MAX_WAIT seconds. An attempt during the wait is refused without its password being
checked (so guessing gets no faster by hammering) and is not counted. A successful login
from an address clears that address's count and its count for that username. A count is
forgotten a day after its last failure.

The counts live in the `shared` cache (settings.py): Redis on a team server, a database table
otherwise, so every worker process sees the same counts. Keys are keyed hashes: the cache
holds neither addresses nor usernames. A username that does not exist is counted exactly like
one that does, and the wait page is the same, so the wait says nothing about who has an
account.

`BackoffBackend` does the counting for every login form (the login page and the admin's);
`LoginBackoffMiddleware` turns a refused attempt into the 429 page that says how long to wait.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madoguchi.orgs.selectors import user_with_roles

FORGET_AFTER = 24 * 60 * 60  # seconds after the last failure that a count is kept


def client_ip(request: HttpRequest) -> str | None:
    """The connection's address, or the one the proxy names in MADOGUCHI_CLIENT_IP_HEADER.

    Of X-Forwarded-For only the last entry is used: the one our proxy added. Earlier entries
    come from the client and could be anything, so an attacker cannot spread their attempts
    over made-up addresses.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = value.split(",")[-1].strip()
        if last:
            return last[:100]
    return request.META.get("REMOTE_ADDR")


def _cache() -> BaseCache:
    return caches["shared"]


def wait_after(failures: int, *, free: int, cap: int) -> int:
    """Seconds to wait after `failures` wrong passwords: none below `free`, then 1 s at
    `free`, doubling with each further failure, never more than `cap`."""
    if failures < free:
        return 0
    return min(cap, 2 ** min(failures - free, 40))


def _keys(address: str, username: str) -> list[tuple[str, int]]:
    """The two counts an attempt is judged by, each with its number of free failures."""

    def key(kind: str, value: str) -> str:
        return f"login:{kind}:" + salted_hmac("madoguchi.logins", value).hexdigest()[:40]

    name = username.strip().casefold()
    return [
        (key("pair", f"{address}\0{name}"), settings.LOGIN_FREE_FAILURES),
        (key("address", address), settings.LOGIN_ADDRESS_FREE_FAILURES),
    ]


def seconds_to_wait(address: str, username: str, *, now: float | None = None) -> int:
    """How long an attempt for `username` from `address` must wait (0: it may try now)."""
    now = time.time() if now is None else now
    keys = _keys(address, username)
    counts = _cache().get_many([key for key, _free in keys])
    wait = 0.0
    for key, free in keys:
        failures, last = counts.get(key, (0, 0.0))
        until = last + wait_after(failures, free=free, cap=settings.LOGIN_MAX_WAIT)
        wait = max(wait, until - now)
    return math.ceil(wait) if wait > 0 else 0


def record_failure(address: str, username: str, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    cache = _cache()
    keys = [key for key, _free in _keys(address, username)]
    counts = cache.get_many(keys)
    cache.set_many(
        {key: (counts.get(key, (0, 0.0))[0] + 1, now) for key in keys},
        timeout=max(FORGET_AFTER, 2 * settings.LOGIN_MAX_WAIT),
    )


def record_success(address: str, username: str) -> None:
    """A right password from `address`: its count and its count for `username` start over."""
    _cache().delete_many([key for key, _free in _keys(address, username)])


class BackoffBackend(ModelBackend):
    """Django's password check, refused while the attempt's wait runs and counted after;
    the logged-in user read with their roles (`orgs.selectors.user_with_roles`)."""

    def get_user(self, user_id: Any) -> Any:
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        address = client_ip(request) or "unknown"
        if wait := seconds_to_wait(address, username):
            request.login_wait = wait  # type: ignore[attr-defined]  # read by the middleware
            return None
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            record_failure(address, username)
        else:
            record_success(address, username)
        return user


def wait_text(seconds: int) -> str:
    """ "3 seconds", "2 minutes": how long, in the person's language."""
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def wait_response(request: HttpRequest, seconds: int) -> HttpResponse:
    """429 with a page that says how long to wait, instead of the login form."""
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {"wait": wait_text(seconds), "title": _("Too many failed logins")},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response.render()


class LoginBackoffMiddleware:
    """A login refused by BackoffBackend gets the wait page (the login page's and the
    admin's alike) rather than "wrong password"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        wait = getattr(request, "login_wait", 0)
        if wait:
            return wait_response(request, wait)
        return response
