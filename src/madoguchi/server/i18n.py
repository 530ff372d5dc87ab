"""The engine speaks ja or en; the page's language decides which."""

from __future__ import annotations

from django.utils.translation import get_language


def engine_lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"
