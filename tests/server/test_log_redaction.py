"""Calendar and intake tokens never reach a log line: neither Django's request warnings nor
gunicorn's access log."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from madoguchi.server.logs import HIDDEN, RedactingGunicornLogger, RedactTokensFilter, redact

FEED = "/calendar/feed/Zx9secretFeedToken.ics"
INTAKE = "/intake/Qy7secretIntakeToken/"


def test_tokens_in_paths_are_replaced() -> None:
    assert redact(f"GET {FEED} HTTP/1.1") == f"GET /calendar/feed/{HIDDEN} HTTP/1.1"
    assert redact(f"Not Found: {INTAKE}") == f"Not Found: /intake/{HIDDEN}/"
    assert redact("GET /cases/12/ HTTP/1.1") == "GET /cases/12/ HTTP/1.1"


def test_a_django_request_warning_is_redacted() -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", (INTAKE,), None
    )
    RedactTokensFilter().filter(record)
    assert "secretIntakeToken" not in record.getMessage()


def test_the_settings_attach_the_filter_to_the_console() -> None:
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    assert any(isinstance(f, RedactTokensFilter) for f in handler.filters)


def test_the_gunicorn_access_line_is_redacted() -> None:
    logger = RedactingGunicornLogger(Config())
    request = SimpleNamespace(
        method="GET", path=FEED, query="", version=(1, 1), headers=[("REFERER", INTAKE)]
    )
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": FEED,
        "PATH_INFO": FEED,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": INTAKE,
    }
    atoms = logger.atoms(response, request, environ, dt.timedelta(seconds=0.01))
    line = " ".join(str(v) for v in atoms.values())
    assert "secretFeedToken" not in line
    assert "secretIntakeToken" not in line
    assert f"/calendar/feed/{HIDDEN}" in atoms["r"]
