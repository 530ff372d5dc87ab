"""The assessment for a person under stress: who to call first, then why, then the rest.

Rich lays it out with colour on a terminal and degrades to plain text in a pipe.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from madoguchi.engine.messages import day_text, label, time_text
from madoguchi.engine.yearly import yearly_line

if TYPE_CHECKING:
    from rich.console import Console

    from madoguchi.engine.catalog import Fact
    from madoguchi.engine.catalogfile import CatalogOption
    from madoguchi.engine.model import Party
    from madoguchi.engine.results import Assessment, Route

UI: dict[str, tuple[str, str]] = {
    "call-first": ("まず電話するところ", "Call first"),
    "no-first-call": (
        "連絡先が分かりません。下の指摘事項を見て、まず契約先を探してください。",
        "No desk to call yet: see the findings below and find the holder first.",
    ),
    "no-symptoms": ("症状の報告はありません。", "No symptoms reported."),
    "open": ("受付中", "open now"),
    "closed": ("受付時間外", "closed"),
    "opens": ("次の受付開始", "opens"),
    "hours-unknown": ("受付時間不明", "hours unknown"),
    "unverified": ("要確認", "unverified"),
    "have-ready": ("用意するもの", "Have ready"),
    "causes": ("考えられる原因", "Likely causes"),
    "routes": ("サービスごとの連絡先", "Who holds each service"),
    "unknown-holder": ("契約先不明", "holder unknown"),
    "findings": ("指摘事項", "Findings"),
    "deadlines": ("期限", "Deadlines"),
    "escalation": ("解決しないとき", "If it is not resolved"),
    "past": ("期限切れ", "past"),
    "fact-what": ("項目", "Fact"),
    "fact-detail": ("番号・時間・内容", "Number, hours, rule"),
    "fact-source": ("出典", "Source"),
    "fact-checked": ("確認日", "Checked"),
    "fact-party": ("会社・機関", "Party"),
    "fact-desk": ("窓口", "Desk"),
    "fact-option": ("NTTのオプション", "NTT option"),
    "fact-outage-rule": ("障害時の返金の規定", "Outage compensation rule"),
    "fact-fee-cap": ("解約金の上限", "Cancellation fee cap"),
    "fact-payment-fee": ("支払い方法の手数料", "Payment fee"),
    "fact-count": ("要確認の項目: {count} 件", "Unverified facts: {count}"),
    "east": ("NTT東日本エリア", "NTT East area"),
    "west": ("NTT西日本エリア", "NTT West area"),
    "none": ("なし", "none"),
}

SEVERITY_STYLE = {"critical": "bold red", "warn": "yellow", "info": "cyan"}


def ui(lang: str, key: str) -> str:
    return UI[key][1 if lang == "en" else 0]


def when(lang: str, iso: str) -> str:
    """'2026年2月2日(月) 09:00' in Japanese, 'Mon 2 Feb 2026 09:00' in English."""
    return time_text(lang, dt.datetime.fromisoformat(iso))


def _status(lang: str, open_now: bool | None, next_open: str | None) -> tuple[str, str]:
    if open_now:
        return ui(lang, "open"), "bold green"
    if open_now is None:
        return ui(lang, "hours-unknown"), "dim"
    text = ui(lang, "closed")
    if next_open:
        text += f" — {ui(lang, 'opens')} {when(lang, next_open)}"
    return text, "bold red"


def print_assessment(console: Console, result: Assessment) -> None:
    from rich.text import Text

    lang = result.lang
    region = f"  {ui(lang, result.region)}" if result.region else ""
    console.print(Text(f"{result.site} — {when(lang, result.now)}{region}", style="bold"))
    console.print()

    console.rule(ui(lang, "call-first"), align="left")
    routes = {r.service: r for r in result.routes}
    first = result.first_call
    if first is None:
        console.print(ui(lang, "no-symptoms") if not result.routes else ui(lang, "no-first-call"))
    else:
        route = routes.get(first.service)
        line = Text()
        line.append(f"{first.party_name}", style="bold")
        if first.desk_name:
            line.append(f"  {first.desk_name}")
        if first.phone:
            line.append(f"  ☎ {first.phone}", style="bold")
        status, style = _status(lang, first.open_now, first.next_open)
        line.append(f"  [{status}]", style=style)
        if route is not None and not route.verified:
            line.append(f"  ({ui(lang, 'unverified')})", style="yellow")
        console.print(line)
        if first.call_note:
            console.print(f"  {first.call_note}")
        if route is not None:
            if route.url and not first.phone:
                console.print(f"  {route.url}")
            if route.have_ready:
                ready = ", ".join(f"{k}: {v}" for k, v in route.have_ready.items())
                console.print(f"  {ui(lang, 'have-ready')}: {ready}")
    console.print()

    if result.hypotheses:
        console.rule(ui(lang, "causes"), align="left")
        for number, hyp in enumerate(result.hypotheses, start=1):
            console.print(f"{number}. [{round(hyp.confidence * 100)}%] {hyp.code}: {hyp.why}")
        console.print()

    if result.routes:
        console.rule(ui(lang, "routes"), align="left")
        for route in result.routes:
            console.print(_route_line(lang, route))
        console.print()

    console.rule(ui(lang, "findings"), align="left")
    if not result.findings:
        console.print(ui(lang, "none"))
    for finding in result.findings:
        head = Text(f"[{label(lang, finding.severity)}] ", style=SEVERITY_STYLE[finding.severity])
        head.append(f"{finding.code}: {finding.why}")
        console.print(head)
        if finding.yearly_yen is not None and finding.yearly_basis is not None:
            console.print(f"  {yearly_line(lang, finding.yearly_yen, finding.yearly_basis)}")
        console.print(f"  → {finding.action}")
    console.print()

    if result.deadlines:
        console.rule(ui(lang, "deadlines"), align="left")
        for deadline in result.deadlines:
            due = deadline.due if len(deadline.due) == 10 else when(lang, deadline.due)
            past = f" ({ui(lang, 'past')})" if deadline.past else ""
            console.print(f"{due}{past}  {deadline.code}: {deadline.why}")
        console.print()

    if result.escalation:
        console.rule(ui(lang, "escalation"), align="left")
        for step in result.escalation:
            phone = f" ☎ {step.phone}" if step.phone else ""
            status, _style = _status(lang, step.open_now, step.next_open)
            check = f" ({ui(lang, 'unverified')})" if not step.verified else ""
            console.print(f"{step.step}. {step.party_name}{phone} [{status}]{check} — {step.why}")
            if step.call_note:
                console.print(f"   {step.call_note}")
    for warning in result.warnings:
        console.print(Text(f"! {warning}", style="yellow"))


def _route_line(lang: str, route: Route) -> str:
    service = label(lang, route.service)
    if route.party is None:
        return f"{service}: {ui(lang, 'unknown-holder')} — {route.why}"
    status, _style = _status(lang, route.open_now, route.next_open)
    contact = route.phone or route.url or ""
    check = f" ({ui(lang, 'unverified')})" if not route.verified else ""
    line = f"{service}: {route.party_name} / {route.desk_name or '-'} {contact} [{status}]{check}"
    return f"{line}\n  {route.call_note}" if route.call_note else line


def print_catalog(
    console: Console, lang: str, parties: list[Party], options: list[CatalogOption]
) -> None:
    from rich.table import Table

    table = Table(show_lines=False, box=None, pad_edge=False)
    for column in ("slug", "name", "kind", "desks"):
        table.add_column(column)
    for party in parties:
        name = party.name_en if lang == "en" and party.name_en else party.name
        desks = []
        for desk in party.desks:
            desk_name = desk.name_en if lang == "en" and desk.name_en else desk.name
            contact = desk.phone or desk.url or ""
            hours = f" [{desk.hours}]" if desk.hours else ""
            check = f" ({ui(lang, 'unverified')})" if not desk.verified else ""
            desks.append(f"{desk_name} {contact}{hours}{check}")
        table.add_row(party.slug, name, str(party.kind), "\n".join(desks))
    for option in options:
        name = option.name_en if lang == "en" else option.name
        check = f" ({ui(lang, 'unverified')})" if not option.verified else ""
        table.add_row(option.slug, name + check, "option", "")
    console.print(table)


def print_facts(console: Console, lang: str, facts: list[Fact]) -> None:
    """The catalog's unverified facts: what, the number or rule, the source and its date."""
    from rich.table import Table

    table = Table(show_lines=True, box=None, pad_edge=False)
    for key in ("fact-what", "fact-detail", "fact-source", "fact-checked"):
        table.add_column(ui(lang, key))
    for fact in facts:
        name = fact.name_en if lang == "en" else fact.name
        what = f"{ui(lang, 'fact-' + fact.kind)} {name}".strip()
        source = fact.source + (f"\n{fact.source_note}" if fact.source_note else "")
        table.add_row(what, fact.detail, source, day_text(lang, fact.checked))
    console.print(table)
    console.print(ui(lang, "fact-count").format(count=len(facts)))
