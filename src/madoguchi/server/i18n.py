"""The engine speaks ja or en; the page's language decides which."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, gettext


def engine_lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def duration_text(value: dt.timedelta | None) -> str:
    """A span in its two largest units (3日4時間, 2時間5分, 40分): outages, ages, medians.

    Cheaper than Django's timesince (one catalog lookup, no plural forms), which matters on
    a dashboard that shows sixty of these per page.
    """
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)d min") % {"minutes": minutes}
