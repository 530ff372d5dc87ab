"""The agents register's words for templates: a status with its icon, a detail's kind."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import template

from madoguchi.agents.forms import kind_choices
from madoguchi.agents.models import AgentStatus
from madoguchi.agents.texts import STATUS_CLASSES, STATUS_ICONS, status_word

register = template.Library()


def _status(value: str) -> AgentStatus | None:
    return AgentStatus(value) if value in AgentStatus.values else None


@register.filter(name="status_word")
def status_word_filter(value: str) -> str:
    status = _status(value)
    return status_word(status) if status else "—"


@register.filter
def status_icon(value: str) -> str:
    status = _status(value)
    return STATUS_ICONS[status] if status else ""


@register.filter
def status_class(value: str) -> str:
    status = _status(value)
    return STATUS_CLASSES[status] if status else ""


@register.filter
def detail_kind(value: str) -> str:
    return str(dict(kind_choices()).get(value, "—"))


@register.filter
def tel(value: str) -> str:
    """A number as a tel: link target (digits and a leading +)."""
    return re.sub(r"[^0-9+]", "", unicodedata.normalize("NFKC", value))


# The order a person answering the phone reads an agent's details in.
KIND_ORDER = ("phone", "fax", "address", "person", "domain", "former-name")


@register.filter
def phone_first(details: Iterable[Any]) -> list[Any]:
    """Details (already fetched) ordered phone, FAX, address, callers, domains, old names."""
    return sorted(
        details, key=lambda d: KIND_ORDER.index(d.kind) if d.kind in KIND_ORDER else len(KIND_ORDER)
    )
