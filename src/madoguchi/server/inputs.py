"""Query strings and request bodies checked once, before any view reads them.

Why here and not in each view: a NUL character in a search word made SQLite's full-text
search fail ("unterminated string") and PostgreSQL refuses NUL in any text parameter, so one
`?q=a%00b` turned a list page into a server error. No person types a NUL (or a query value
thousands of characters long); such a request comes from a script or a mangled link, and the
right answer is a 400 that says why, on every page and API route alike, rather than one guard
per view that the next view forgets.

The API gets the same checks as a 422 in its own error body ({detail, errors: [{path,
message}]}), and one more: a JSON body must be an object (every operation takes named fields),
so a list, a number or a string is refused before ninja reads it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

#: Characters of one query-string value. The longest a page reads is a search of 200
#: characters; a value ten times that is no person's.
MAX_QUERY_VALUE = 2_000
#: The highest page number any list answers (a page past the end shows an empty list with a
#: way back). Keeps `page × page size` far inside what a database offset holds.
MAX_PAGE = 100_000

API_PREFIX = "/api/"
JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})


def page_number(query: QueryDict, name: str = "page") -> int:
    """The page `name` asks for: 1 unless it is a whole number from 1 to MAX_PAGE."""
    value = query.get(name, "1")
    if value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PAGE)):
        number = int(value)
        if 1 <= number <= MAX_PAGE:
            return number
    return 1


def query_problem(query: QueryDict, *, api: bool = False) -> tuple[str, str] | None:
    """(name, message) of the first query-string value no page accepts, or None. The API
    speaks English; pages speak the person's language."""
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", ""), nul_message(api)
        if any(len(value) > MAX_QUERY_VALUE for value in values):
            message = "A value in the address is too long: at most %(limit)s characters."
            return name, (message if api else _(message)) % {"limit": f"{MAX_QUERY_VALUE:,}"}
    return None


def nul_message(api: bool = False) -> str:
    message = "A value holds a NUL character, which is not accepted."
    return message if api else _(message)


def _nul_paths(data: Any, path: str = "") -> Iterator[str]:
    """Where in a parsed JSON body a key or string holds a NUL character."""
    if isinstance(data, str):
        if "\x00" in data:
            yield path or "body"
    elif isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield here
            else:
                yield from _nul_paths(value, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _nul_paths(item, f"{path}[{index}]")


def json_body_problem(request: HttpRequest) -> tuple[str, str] | None:
    """(path, message) when an API request's JSON body is not an object or holds a NUL."""
    if request.method not in JSON_METHODS:
        return None
    if not request.content_type or "json" not in request.content_type:
        return None
    body = _body(request)
    if body is None or not body.strip():
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None  # ninja answers malformed JSON itself
    if not isinstance(data, dict):
        return "body", "the body must be a JSON object with named fields"
    if b"\\u0000" not in body:  # a NUL inside a JSON string is always written \u0000
        return None
    path = next(_nul_paths(data), None)
    return None if path is None else (path, nul_message(api=True))


class InputGuardMiddleware:
    """Refuses a request whose query string (or form body, or API JSON body) holds a value
    no page reads: a NUL, or a query value over MAX_QUERY_VALUE characters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        problem = query_problem(request.GET, api=api)
        if problem is None and request.content_type == "application/x-www-form-urlencoded":
            # Typed text cannot hold a NUL; form fields refuse it too, this guards views
            # that read a posted value directly (multipart is left to the form fields, so
            # that upload handlers still apply).
            problem = _posted_nul(request, api)
        if problem is not None:
            name, message = problem
            if api:
                errors = [{"path": name, "message": message}]
                return JsonResponse({"detail": "invalid query", "errors": errors}, status=422)
            return render(request, "400.html", {"reason": message}, status=400)
        if api and (body_problem := json_body_problem(request)) is not None:
            path, message = body_problem
            errors = [{"path": path, "message": message}]
            return JsonResponse({"detail": "invalid input", "errors": errors}, status=422)
        return self.get_response(request)


def _body(request: HttpRequest) -> bytes | None:
    """The request's body, or None when it is larger than the request limit: such a body is
    left unread, for the view to refuse naming its field (the site import's `content`: a 422
    that says how large) or for Django's own limit to answer, instead of this guard's read
    turning every oversize API request into an HTML 400 before the view could say why."""
    try:
        return request.body
    except RequestDataTooBig:
        return None


def _posted_nul(request: HttpRequest, api: bool) -> tuple[str, str] | None:
    if request.method != "POST":
        return None
    body = _body(request)
    if body is None or (b"%00" not in body and b"\x00" not in body):
        return None
    for name, values in request.POST.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", ""), nul_message(api)
    return None
