"""How django-axes sees a login: the client's address, and the page a locked-out person gets.

Axes counts wrong passwords per username and per address (settings.py); these two hooks
make the address right behind a proxy and the refusal readable, in Japanese or English.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


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


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """429 with a page that says why and for how long, instead of the login form."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = TemplateResponse(
        request, "registration/locked_out.html", {"minutes": minutes}, status=429
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response.render()
