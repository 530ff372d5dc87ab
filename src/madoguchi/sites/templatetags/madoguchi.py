"""Template filters that speak the page's language: labels, desk times and ages."""

from __future__ import annotations

import datetime as dt

from django import template

from madoguchi.engine.messages import label as engine_label
from madoguchi.engine.render import when as engine_when
from madoguchi.server.i18n import duration_text, engine_lang

register = template.Library()


@register.filter
def label(value: object) -> str:
    """A service, course, lamp or severity code as a word in the page's language."""
    return engine_label(engine_lang(), value) if value not in (None, "") else "—"


@register.filter
def when(value: str | None) -> str:
    """An ISO time from the assessment, e.g. 2/2(月) 09:00."""
    return engine_when(engine_lang(), value) if value else ""


@register.filter
def age(since: dt.datetime | None, now: dt.datetime) -> str:
    """How long ago `since` was at `now`, e.g. 3日4時間; — when unknown."""
    return duration_text(now - since) if since else "—"
