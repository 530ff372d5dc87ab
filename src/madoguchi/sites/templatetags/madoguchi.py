"""Template filters that speak the engine's language: labels and desk times."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from madoguchi.engine.messages import label as engine_label
from madoguchi.engine.render import when as engine_when

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


@register.filter
def label(value: object) -> str:
    """A service, course, lamp or severity code as a word in the page's language."""
    return engine_label(_lang(), value) if value not in (None, "") else "—"


@register.filter
def when(value: str | None) -> str:
    """An ISO time from the assessment, e.g. 2/2(月) 09:00."""
    return engine_when(_lang(), value) if value else ""
