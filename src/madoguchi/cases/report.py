"""The case report a customer can attach to a complaint: facts, timeline, promises, outage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from madoguchi.cases.models import Case
from madoguchi.cases.selectors import timeline
from madoguchi.server.i18n import duration_text


def report_context(case: Case, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    promises = list(case.promises.all())
    return {
        "case": case,
        "site": case.site,
        "now": now,
        "entries": timeline(case),
        "promises": promises,
        "overdue": [p for p in promises if p.is_overdue(now)],
        "kept": sum(1 for p in promises if p.state == "kept"),
        "outage": duration_text(case.outage(now)),
        "first_call": case.assessment.get("first_call") or {},
        "findings": case.assessment.get("findings") or [],
    }


def report_markdown(case: Case, now: dt.datetime | None = None) -> str:
    return render_to_string("cases/report.md", report_context(case, now))


def report_pdf(case: Case, now: dt.datetime | None = None) -> bytes:
    from weasyprint import HTML  # heavy: only when a PDF is asked for

    html = render_to_string("cases/report.html", report_context(case, now))
    return HTML(string=html).write_pdf()
