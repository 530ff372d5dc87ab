"""Secret tokens kept out of the logs.

A calendar feed (`/calendar/feed/<token>.ics`) and an agents' intake link
(`/intake/<token>/`) are reached by their token alone: whoever reads the token can read the
feed or send requests. Access logs and Django's request warnings ("Not Found: /intake/…")
wrote it in full for anyone with access to the log files. Both go through `redact`: the
gunicorn access log through `RedactingGunicornLogger` (`madoguchi serve` sets it), Django's
log records through `RedactTokensFilter` (settings.LOGGING).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

HIDDEN = "[token]"
_TOKEN_PATHS = re.compile(r"(/calendar/feed/|/intake/)[^/\s?#\"']+")


def redact(text: str) -> str:
    """`text` with the token of every calendar feed or intake path replaced by HIDDEN."""
    if "/calendar/feed/" not in text and "/intake/" not in text:
        return text  # most lines: two scans instead of a substitution (every access line's values)
    return _TOKEN_PATHS.sub(lambda m: m.group(1) + HIDDEN, text)


class RedactTokensFilter(logging.Filter):
    """Formats a record's message once and redacts it (a path may be any argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingGunicornLogger(Logger):
    """gunicorn's logger, with every value of an access line redacted (the request line,
    the path, the raw URI, the referrer and any header a format may name)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
