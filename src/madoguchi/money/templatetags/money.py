from __future__ import annotations

from django import template

from madoguchi.engine.messages import label
from madoguchi.server.i18n import engine_lang

register = template.Library()


@register.filter
def finding_title(code: str) -> str:
    """A money finding's code as a short title in the page's language (二重請求)."""
    return label(engine_lang(), f"finding:{code}") if code else "—"
