"""The one converter from a subcontract request to plain engine records: the checks run the
engine's rules on them, and accepting a request makes the site's contracts from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from madoguchi.engine import model as engine

# The services a request names, the contract ref each gets on the site (a person's own name
# for a contract, as the guided site pages use), and the IDs that belong to each.
SERVICES: tuple[tuple[engine.Service, str], ...] = (
    (engine.Service.ACCESS, "インターネット回線"),
    (engine.Service.ISP, "プロバイダ"),
    (engine.Service.PHONE, "ひかり電話"),
    (engine.Service.TV, "テレビ"),
)
REQUIRED_SERVICES = (engine.Service.ACCESS, engine.Service.ISP)
# Where an ID goes: every kind not named here belongs to the line.
ID_SERVICE = {
    "isp_user_id": engine.Service.ISP,
    "phone_number": engine.Service.PHONE,
}
# The course is what the agent sold: it applies to the line and the provider contracts.
COURSED = (engine.Service.ACCESS, engine.Service.ISP)


def contracts(
    *,
    holders: Mapping[str, str],
    includes_isp: bool,
    course: str,
    ids: Mapping[str, str],
) -> list[engine.Contract]:
    """One contract per service with a holder; with the provider in the line's set and no
    other provider named, the provider needs no contract of its own."""
    rows: list[engine.Contract] = []
    for service, ref in SERVICES:
        party = holders.get(service.value) or ""
        if not party:
            continue
        line = holders.get(engine.Service.ACCESS.value)
        if service == engine.Service.ISP and includes_isp and party == line:
            continue  # the set's own provider: no contract apart from the line's
        mine = {k: v for k, v in ids.items() if ID_SERVICE.get(k, engine.Service.ACCESS) == service}
        values: dict[str, Any] = {"ref": ref, "service": service, "party": party, "ids": mine}
        if service in COURSED and course:
            values["course"] = engine.Building(course)
        if service == engine.Service.ACCESS:
            values["includes_isp"] = includes_isp
        rows.append(engine.Contract(**values))
    return rows


def site_file(request: Any, *, prefecture: str | None = None) -> engine.SiteFile:
    """The request as a site file: the customer's place and the contracts as sold."""
    return engine.SiteFile(
        site=engine.SiteInfo(
            name=request.customer_name or "?",
            prefecture=prefecture,
            building=engine.Building(request.building) if request.building else None,
        ),
        contracts=contracts(
            holders=request.holders or {},
            includes_isp=request.includes_isp,
            course=request.course,
            ids=request.ids or {},
        ),
    )
