"""Template filters that speak the page's language: labels, desk times and ages."""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from madoguchi.engine import bounds
from madoguchi.engine.catalog import load_catalog
from madoguchi.engine.dialling import from_words
from madoguchi.engine.dialling import other_numbers as dialling_other_numbers
from madoguchi.engine.messages import day_text, month_text, time_text
from madoguchi.engine.messages import label as engine_label
from madoguchi.engine.messages import yen as engine_yen
from madoguchi.engine.model import TOKYO, Party, link_problem
from madoguchi.server.choices import choice_name
from madoguchi.server.i18n import duration_text, engine_lang
from madoguchi.server.id_kinds import id_kind_name

register = template.Library()


@register.simple_tag
def choice_input(option: Any) -> SafeString:
    """One radio button's or checkbox's <input> (a BoundWidget), the same HTML as
    `{{ option.tag }}`, written here rather than through Django's widget templates: a
    template render per option was about a fifth of the site page's CPU (its trouble form
    has some forty options)."""
    data = option.data
    attrs: dict[str, Any] = {"type": data["type"], "name": data["name"]}
    if data["value"] is not None:
        attrs["value"] = data["value"]
    attrs.update(data["attrs"])
    html_attrs = "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )
    return SafeString(f"<input{html_attrs}>")


@register.filter
def clip(value: object, limit: int = bounds.PRINT_TEXT) -> str:
    """A text cut at `limit` characters for a printed page, saying how much is left out."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    more = _("…(%(count)s more characters)") % {"count": f"{len(text) - limit:,}"}
    return text[:limit] + more


@register.filter
def printed(rows: Any, limit: int = bounds.PRINT_ROWS) -> Any:
    """The first `limit` rows (a list or a mapping's items) a printed page shows."""
    items = list(rows.items()) if isinstance(rows, Mapping) else list(rows or ())
    return items[:limit]


@register.filter
def left_out(rows: Any, limit: int = bounds.PRINT_ROWS) -> str:
    """How many rows a printed page leaves out, written 1,980 ("" for none)."""
    count = len(rows or ()) - limit
    return f"{count:,}" if count > 0 else ""


@register.filter
def label(value: object) -> str:
    """A service, course, lamp or severity code as a word in the page's language."""
    return engine_label(engine_lang(), value) if value not in (None, "") else "—"


@register.filter
def when(value: str | dt.datetime | dt.date | None) -> str:
    """A time as people read it, in the page's language: 2026年1月31日(土) 09:05 or
    Sat 31 Jan 2026 09:05; a date alone as 2026年1月31日(土) or Sat 31 Jan 2026. Takes the
    assessment's ISO strings and the database's aware datetimes (shown in Japan's time)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = (
                dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
            )
        except ValueError:
            return text
    if isinstance(value, dt.datetime):
        return time_text(engine_lang(), value)
    return day_text(engine_lang(), value)


@register.filter
def day(value: str | dt.datetime | dt.date | None) -> str:
    """The date alone, in the page's language: 2026年1月31日(土) or Sat 31 Jan 2026."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(TOKYO).date() if timezone.is_aware(value) else value.date()
    return when(value[:10] if isinstance(value, str) else value)


@register.filter
def month(value: str | None) -> str:
    """A bill month '2026-02' as 2026年2月 or Feb 2026."""
    if not value:
        return ""
    try:
        return month_text(engine_lang(), value[:7])
    except ValueError:
        return value


@register.filter
def id_name(key: str) -> str:
    """An ID's kind in words: お客さまID, ひかり電話番号; an unknown key as plain words
    (sonet_id → sonet ID)."""
    known = id_kind_name(key)
    if known is not None:
        return known
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:-2] + "ID" if words.lower().endswith(" id") else words


@register.filter
def age(since: dt.datetime | None, now: dt.datetime) -> str:
    """How long ago `since` was at `now`, e.g. 3日4時間; — when unknown."""
    return duration_text(now - since) if since else "—"


@register.filter
def party_name(slug: str | None, parties: Mapping[str, Party] | None = None) -> str:
    """A party by its name in the page's language (ドコモ光, not docomo-hikari), from
    `parties` (a site's directory, with the organization's and the site's own parties) when
    given, else from the shipped catalog; a party found in neither keeps its slug."""
    if not slug:
        return "—"
    if parties is not None and (party := parties.get(slug)) is not None:
        return party.name_en if engine_lang() == "en" and party.name_en else party.name
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
def event_name(kind: str | None) -> str:
    """An event's kind in words (転用, 解約の申込み), never its code."""
    return choice_name(kind, event=True) if kind else "—"


@register.filter
def choice(value: str | None) -> str:
    """A value of the engine's enums (how a contract was acquired, a payment) in words."""
    return choice_name(value) if value else "—"


@register.filter
def option_name(slug: str | None) -> str:
    """An NTT option by its name (フレッツ・ウイルスクリア), not its slug."""
    if not slug:
        return ""
    option = load_catalog().options.get(slug)
    if option is None:
        return slug
    return option.name_en if engine_lang() == "en" else option.name


@register.filter
def yen(amount: int | None) -> str:
    """An amount of money as people read it: 5,280円 (¥5,280); nothing when unknown."""
    return engine_yen(engine_lang(), amount) if amount is not None else ""


@register.inclusion_tag("sites/open_now.html")
def open_now(
    is_open: bool | None, next_open: str | None, now: str, fixed: bool = False
) -> dict[str, object]:
    """A desk's open-now badge with the time it is true for: 「いま 1月31日(土) 09:05 現在
    受付中」, or 「1月31日(土) 09:05 (固定) 現在」 for a site whose time is fixed."""
    return {"is_open": is_open, "next_open": next_open, "now": now, "fixed": fixed}


@register.filter
def symptom_name(code: str) -> str:
    """A symptom in words (ネットにつながらない), not its code."""
    from madoguchi.server.choices import SYMPTOM_NAMES

    name = SYMPTOM_NAMES.get(code)  # type: ignore[call-overload]
    return str(name) if name is not None else code


@register.filter
def lamp_name(lamp: str) -> str:
    """An ONU lamp in words (ONU 光回線ランプ)."""
    from madoguchi.server.choices import LAMP_NAMES

    name = LAMP_NAMES.get(lamp)
    return str(name) if name is not None else lamp


@register.filter
def card_symptom(key: str, names: Mapping[str, str]) -> str:
    """A card line's symptom in words (インターネット, 電話・FAX), from the names passed in."""
    return names.get(key, "")


@register.filter
def phones_from(phones: list[str] | None) -> str:
    """Where a number works from, in words (携帯電話から / 固定電話から / ドコモの携帯電話から)."""
    return from_words(engine_lang(), phones)


@register.filter
def desk_note(notes: Mapping[str, Any] | None, route: Any) -> Any:
    """The page's note on a route's or first call's desk (its organization's correction
    and where to correct it), from the view's `desk_notes`; None when there is none."""
    if not notes or route is None:
        return None
    return notes.get(f"{getattr(route, 'party', None)}/{getattr(route, 'desk', None)}")


@register.filter
def other_numbers(numbers: list[dict[str, Any]] | None, dial: str | None) -> list[dict[str, Any]]:
    """The numbers of a desk other than the one its big button dials."""
    return dialling_other_numbers(dial, list(numbers or []))


@register.simple_tag
def options(choices: Iterable[tuple[object, object]], chosen: object) -> SafeString:
    """`<option>`s of (value, label) pairs, the one whose value is `chosen` (as the query
    string gives it) selected: what a `{% for %}` of options renders, without a template
    loop. Why: the desk's site picker lists up to 300 sites, and rendering them through
    the template language (a loop, an `if`, a filter per option) was a sixth of the
    dashboard's CPU; the same list is rendered once per process (`_options`)."""
    texts = tuple((str(value), str(text)) for value, text in choices)
    return SafeString(_options(texts, "" if chosen is None else str(chosen)))


@functools.lru_cache(maxsize=128)
def _options(choices: tuple[tuple[str, str], ...], chosen: str) -> str:
    """`options` of texts (a lazy label is already the active language's), kept for the
    next page with the same list: escaping 300 sites' names was 1–2 ms of every dashboard
    (issue 26)."""
    return "".join(
        f'<option value="{html.escape(value)}"'
        f"{' selected' if value == chosen else ''}>{html.escape(text)}</option>"
        for value, text in choices
    )


# The desk's rows, rendered without the template language. Why: the dashboard shows up to
# sixty rows, each with translated phrases and filters; through `{% for %}`, `{% include %}`
# and `{% blocktranslate %}` they were most of its rendering (issue 26). The markup is the
# template's as it was, character for character (tests/cases/test_desk_rows.py).


def _e(value: object) -> str:
    """What `{{ value }}` writes: the text of the value, escaped unless marked safe
    (`html.escape` is what Django's `escape` calls, without its lazy wrapper; called ~500
    times a dashboard)."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


@register.simple_tag
def overdue_rows(promises: Iterable[Any], now: dt.datetime) -> SafeString:
    """The dashboard's overdue promises (PromiseRow), or the sentence for none."""
    parts = []
    for p in promises:
        late = gettext("%(age)s late") % {"age": _e(age(p.due, now))}
        promised = gettext("%(party)s promised %(what)s by %(due)s.") % {
            "party": _e(party_name(p.by)),
            "what": _e(label(p.what)),
            "due": _e(when(p.due)),
        }
        extra = f" ({_e(yen(p.amount_yen))})" if p.amount_yen else ""
        if p.case.assignee_name:
            extra += f" · {_e(p.case.assignee_name)}"
        call = ""
        if p.call and p.call.dial:  # the desk to chase, by the engine's one dialling rule
            call = (
                f'\n      <br><span class="phone">{_e(p.call.desk_name)} '
                f'<a href="tel:{_e(p.call.dial)}"><span aria-hidden="true">☎</span> '
                f"{_e(p.call.dial)}</a> "
                f'<span class="muted">{_e(gettext("from a mobile"))}</span></span>'
            )
        parts.append(
            '\n    <div class="finding critical">\n'
            f'      <span class="badge critical">{late}</span>\n'
            f'      <a href="{_e(p.case.url)}">{_e(p.case.site_name)} — {_e(p.case)}</a><br>\n'
            f"      {promised}{extra}{call}\n"
            "    </div>\n  "
        )
    if not parts:
        return SafeString(f'<p class="muted">{_e(gettext("No overdue promises."))}</p>')
    return SafeString("".join(parts))


@register.simple_tag
def due_soon_rows(promises: Iterable[Any]) -> SafeString:
    """The dashboard's promises due in the next day (PromiseRow) as `<li>`s."""
    parts = [
        f'<li><strong>{_e(when(p.due))}</strong> <a href="{_e(p.case.url)}">'
        f"{_e(p.case.site_name)}</a>: {_e(party_name(p.by))} — {_e(label(p.what))}</li>"
        for p in promises
    ]
    if not parts:
        return SafeString(f'<li class="muted">{_e(gettext("Nothing due soon."))}</li>')
    return SafeString("".join(parts))


def _waits_on(case: Any, holder: str) -> str:
    """What cases/_waits_on.html writes after a row's status (`holder`: its escaped
    sentence for a case still finding who holds the line)."""
    if case.finding_holder:
        return f' <span class="waits-on">({holder})</span>'
    if case.waiting_on:
        return f' <span class="waits-on">({_e(party_name(case.waiting_on))})</span>'
    return ""


@register.simple_tag
def open_case_rows(cases: Iterable[Any], now: dt.datetime) -> SafeString:
    """The dashboard's open cases (CaseRow) as table rows."""
    site, status, opened = gettext("Site"), gettext("Status"), gettext("Opened")
    outage, assignee = gettext("Outage"), gettext("Assignee")
    holder = _e(gettext("next: find who holds the line"))
    parts: list[str] = []
    for c in cases:
        waits = _waits_on(c, holder)
        ago = gettext("%(age)s ago") % {"age": _e(age(c.created, now))}
        parts.append(
            f'\n      <tr><td class="main"><a href="{_e(c.url)}">{_e(c)}</a></td>'
            f'<td data-label="{_e(site)}">{_e(c.site_name)}</td>'
            f'<td data-label="{_e(status)}">{_e(c.status_label)}{waits}</td>\n'
            f'          <td data-label="{_e(opened)}">{ago}</td>'
            f'<td data-label="{_e(outage)}">{_e(age(c.outage_started, now))}</td>'
            f'<td data-label="{_e(assignee)}">{_e(c.assignee_name or "—")}</td></tr>\n    '
        )
    if not parts:
        empty = _e(gettext("No open cases."))
        return SafeString(f'<tr><td colspan="6">{empty}</td></tr>')
    return SafeString("".join(parts))


@register.simple_tag
def case_list_rows(cases: Iterable[Any]) -> SafeString:
    """The all-cases page's rows (CaseRow), newest first, as table rows: the search's
    results, written as the dashboard's are (above says why)."""
    site, status, opened = gettext("Site"), gettext("Status"), gettext("Opened")
    assignee = _e(gettext("Assignee"))
    holder = _e(gettext("next: find who holds the line"))
    parts: list[str] = []
    for c in cases:
        waits = _waits_on(c, holder)
        parts.append(
            f'\n    <tr><td class="main"><a href="{_e(c.url)}">{_e(c)}</a></td>'
            f'<td data-label="{_e(site)}">{_e(c.site_name)}</td>'
            f'<td data-label="{_e(status)}">{_e(c.status_label)}{waits}</td>'
            f'<td data-label="{_e(opened)}">{_e(when(c.created))}</td>'
            f'<td data-label="{assignee}">{_e(c.assignee_name or "—")}</td></tr>\n  '
        )
    if not parts:
        return SafeString(f'<tr><td colspan="5">{_e(gettext("No cases."))}</td></tr>')
    return SafeString("".join(parts))
