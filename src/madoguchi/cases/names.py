"""A case by words when it has no title (an imported site file may give none): what is down
and since when, "インターネット・電話がつながらない (2026年1月31日(土)から)", never its file
reference ("outage-0131"), which means nothing to the person reading the desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy

from madoguchi.engine.messages import day_text
from madoguchi.engine.model import TOKYO
from madoguchi.server.i18n import engine_lang

# What is down, as people say it, per service a case records (engine Service values); the
# contract-only kinds (option, equipment, support) say nothing a person would call "down".
DOWN = {
    "access": pgettext_lazy("what is down", "internet"),
    "isp": pgettext_lazy("what is down", "internet"),
    "phone": pgettext_lazy("what is down", "phone"),
    "tv": pgettext_lazy("what is down", "TV"),
    "mail": pgettext_lazy("what is down", "mail"),
}


def case_name(title: str, services: Iterable[str] | None, started: dt.datetime | None) -> str:
    """The case's title; without one, what is down and the day it started, in words."""
    if title:
        return title
    what: list[str] = []
    for service in services or ():
        word = str(DOWN[service]) if service in DOWN else ""
        if word and word not in what:
            what.append(word)
    if what:
        down = gettext("%(what)s down") % {
            "what": pgettext("joins what is down", " and ").join(what)
        }
        down = down[:1].upper() + down[1:]
    else:
        down = gettext("Service down")
    if started is None:
        return down
    local = started.astimezone(TOKYO) if timezone.is_aware(started) else started
    return gettext("%(what)s (since %(day)s)") % {
        "what": down,
        "day": day_text(engine_lang(), local.date()),
    }
