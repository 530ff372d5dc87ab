"""A stored site that does not read as a valid site file, on any page that reads it.

The writes keep every site valid and cases migration 0021 repaired older rows once, so this
is rare (e.g. a row naming a party removed since). Every page of such a site (the site, its
cases, its letters) then shows one page naming what must be repaired, instead of a server
error; the API answers the same with a 409 (api.api)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from madoguchi.cases.assessment import StoredSiteInvalid
from madoguchi.sitefiles.problems import message_text


class UnreadableSiteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, StoredSiteInvalid):
            return None
        context = {"site": exc.site, "problems": [message_text(p.message) for p in exc.problems]}
        return render(request, "sites/unreadable.html", context, status=409)
