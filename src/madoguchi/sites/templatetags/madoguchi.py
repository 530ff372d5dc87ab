"""Template filters that speak the page's language: labels, desk times and ages."""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from madoguchi.engine.catalog import load_catalog
from madoguchi.engine.messages import label as engine_label
from madoguchi.engine.messages import yen as engine_yen
from madoguchi.engine.model import TOKYO, link_problem
from madoguchi.engine.render import WEEKDAYS
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


@register.filter
def party_name(slug: str | None) -> str:
    """A party by its name in the page's language (ドコモ光, not docomo-hikari), from the
    shipped catalog; an organization's own party keeps its slug."""
    if not slug:
        return "—"
    names = _shipped_party_names().get(slug)
    if names is None:
        return slug
    return names[1] if engine_lang() == "en" and names[1] else names[0]


@functools.cache
def _shipped_party_names() -> dict[str, tuple[str, str | None]]:
    return {slug: (p.name, p.name_en) for slug, p in load_catalog().parties.items()}


@register.filter
def link(url: str | None, text: str | None = None) -> SafeString:
    """A party's or desk's link as <a href> with `text` (default: the link itself); as plain
    text if it is not http(s), tel or mailto. Such links are refused when stored: this is
    the second lock, for a row that got in before."""
    if not url:
        return format_html("")
    if link_problem(url):
        return format_html("{}", url)
    return format_html('<a href="{}">{}</a>', url, text or url)


@register.filter
def clock(value: str | dt.datetime | None) -> str:
    """The time an assessment was made, short: 1月31日(土) 09:05 (Sat 31 Jan 09:05)."""
    if not value:
        return ""
    at = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    at = at.astimezone(TOKYO)
    if engine_lang() == "en":
        return at.strftime("%a %-d %b %H:%M")
    return f"{at.month}月{at.day}日({WEEKDAYS[at.weekday()]}) {at:%H:%M}"


@register.filter
def yen(amount: int | None) -> str:
    """An amount of money as people read it: 5,280円 (¥5,280)."""
    return engine_yen(engine_lang(), amount)


@register.inclusion_tag("sites/open_now.html")
def open_now(
    is_open: bool | None, next_open: str | None, now: str, fixed: bool = False
) -> dict[str, object]:
    """A desk's open-now badge with the time it is true for: 「いま 1月31日(土) 09:05 現在
    受付中」, or 「1月31日(土) 09:05 (固定) 現在」 for a site whose time is fixed."""
    return {"is_open": is_open, "next_open": next_open, "now": now, "fixed": fixed}
