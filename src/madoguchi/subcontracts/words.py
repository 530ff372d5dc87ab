"""The stored checks in the reader's language (pages, the template tag, the CLI, the API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from madoguchi.engine.messages import day_text
from madoguchi.server.i18n import engine_lang

GROUP_WORDS = {
    "name": gettext_lazy("the same company name"),
    "address": gettext_lazy("the same address"),
    "number": gettext_lazy("the same phone or FAX number"),
    "domain": gettext_lazy("the same web domain"),
    "person": gettext_lazy("the same caller"),
}
STATUS_WORDS = {
    "ok": gettext_lazy("no concerns on record"),
    "caution": gettext_lazy("to be careful with"),
    "refused": gettext_lazy("refused before"),
}
ID_WORDS = {
    "customer_id": gettext_lazy("the line's customer ID (お客さまID, CAF…)"),
    "isp_user_id": gettext_lazy("the provider's user ID"),
}
SEVERITY_WORDS = {
    "critical": pgettext_lazy("subcontract check", "Stop"),
    "warn": pgettext_lazy("subcontract check", "Check"),
    "info": pgettext_lazy("subcontract check", "Note"),
}


def _day(value: str) -> str:
    try:
        return day_text(engine_lang(), dt.date.fromisoformat(value))
    except ValueError:
        return ""


def check_text(check: dict[str, Any]) -> str:
    """One check as a sentence."""
    code = check.get("code", "")
    if code in ("agent-refused", "agent-caution"):
        parts = [
            (
                _("%(agent)s was refused.")
                if code == "agent-refused"
                else _("%(agent)s needs caution.")
            )
            % {"agent": check.get("agent_name", "")}
        ]
        if check.get("since"):
            parts.append(_("Since %(day)s.") % {"day": _day(check["since"])})
        if check.get("reason"):
            parts.append(_("Reason: %(reason)s") % {"reason": check["reason"]})
        return " ".join(parts)
    if code == "agent-resembles":
        return _("%(what)s as %(agent)s (%(status)s): %(value)s.") % {
            "what": GROUP_WORDS.get(check.get("group", ""), _("something in common")),
            "agent": check.get("agent_name", ""),
            "status": STATUS_WORDS.get(check.get("status", ""), ""),
            "value": check.get("value", ""),
        }
    if code in ("course-mismatch", "line-provider-split"):
        why = check.get("why") or {}
        return str(why.get(engine_lang()) or why.get("ja") or "")
    if code == "id-missing":
        return _("Missing: %(id)s.") % {"id": ID_WORDS.get(check.get("id", ""), _("an ID"))}
    if code == "id-unknown":
        return _("An ID the shop may not know: %(label)s.") % {"label": check.get("label", "")}
    return _("Something to check.")


def check_rows(checks: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each check as {severity word, severity, sentence} for a page."""
    return [
        {
            "severity": str(c.get("severity", "info")),
            "word": str(SEVERITY_WORDS.get(c.get("severity", "info"), "")),
            "text": check_text(c),
        }
        for c in checks
    ]


def summary(checks: list[dict[str, Any]]) -> str:
    """The checks in one line for a list: the most serious first, or that all is clear."""
    serious = [c for c in checks if c.get("severity") in ("critical", "warn")]
    if not serious:
        return _("No problems found.")
    first = check_text(serious[0])
    if len(serious) == 1:
        return first
    return _("%(first)s And %(count)s more.") % {"first": first, "count": len(serious) - 1}
