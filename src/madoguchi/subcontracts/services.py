"""Every write to subcontract requests and intake links (the staff pages, the public intake
form, the API and the CLI call these)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.agents.models import Agent
from madoguchi.agents.services import add_details, create_agent
from madoguchi.cases.services import log_entry, open_case
from madoguchi.contracts.forms import prefecture_in
from madoguchi.contracts.models import Contract, Customer
from madoguchi.contracts.services import create_customer, create_site_with_holders, save_row
from madoguchi.engine import model as engine
from madoguchi.engine.catalog import load_catalog
from madoguchi.engine.messages import yen
from madoguchi.orgs.models import Organization
from madoguchi.orgs.types import AnyUser
from madoguchi.receivables.models import Receivable
from madoguchi.receivables.services import create_receivable
from madoguchi.server.i18n import engine_lang
from madoguchi.subcontracts.checks import agent_details, find_resemblances, run_checks
from madoguchi.subcontracts.models import Channel, IntakeLink, RequestStatus, SubcontractRequest
from madoguchi.subcontracts.records import site_file

# The fields a request is made of (the form, the API and the CLI fill the same ones).
FIELDS = (
    "job",
    "customer_name",
    "customer_address",
    "customer_phone",
    "line_product",
    "course",
    "building",
    "holders",
    "includes_isp",
    "ids",
    "promised",
    "agent_name",
    "agent_address",
    "agent_phone",
    "agent_fax",
    "agent_email",
    "caller_name",
    "payer",
    "amount_yen",
    "pay_by",
    "note",
)


class RequestError(ValueError):
    """A change the request's state does not allow (e.g. accepting it twice)."""


def _user(user: AnyUser | None) -> Any:
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def receive_request(
    organization: Organization,
    *,
    values: dict[str, Any],
    channel: str = Channel.STAFF,
    intake_link: IntakeLink | None = None,
    now: dt.datetime | None = None,
) -> SubcontractRequest:
    """Record a request, link it to the agent on record with the same name (or a new one,
    with its address, numbers and caller), and check it."""
    request = SubcontractRequest(
        organization=organization,
        channel=channel,
        intake_link=intake_link,
        **{name: values[name] for name in FIELDS if name in values},
    )
    request.save()
    found = find_resemblances(request)
    agent = next((r.agent for r in found if r.group == "name"), None)
    if agent is None:
        agent = create_agent(organization, name=request.agent_name, details=agent_details(request))
    else:
        add_details(agent, agent_details(request))
    request.agent = agent
    _store_checks(request, agent, [r for r in found if r.agent.pk != agent.pk], now=now)
    return request


def _store_checks(
    request: SubcontractRequest, agent: Agent | None, found: list[Any], *, now: Any
) -> None:
    request.checks = run_checks(request, agent, found, now=now)
    request.checked = now or timezone.now()
    request.save()


@transaction.atomic
def recheck(request: SubcontractRequest, *, now: dt.datetime | None = None) -> SubcontractRequest:
    """Run the checks again (an agent refused since, a party added to the directory)."""
    agent = Agent.objects.filter(pk=request.agent_id).first() if request.agent_id else None
    _store_checks(request, agent, find_resemblances(request, exclude=agent), now=now)
    return request


def _pending(request: SubcontractRequest) -> None:
    if request.status != RequestStatus.NEW:
        raise RequestError(_("This request has already been decided."))


def _customer(request: SubcontractRequest, customer: Customer | None) -> Customer:
    """The customer picked, else the organization's customer of the same name, else a new one."""
    if customer is not None:
        if customer.organization_id != request.organization_id:
            raise RequestError(_("Choose a customer of this organization."))
        return customer
    same = Customer.objects.filter(
        organization_id=request.organization_id, name=request.customer_name.strip()
    ).first()
    return same or create_customer(organization=request.organization, name=request.customer_name)


def _case_note(request: SubcontractRequest) -> str:
    lang = engine_lang()
    lines = [
        _("Subcontract request from %(agent)s (%(caller)s).")
        % {"agent": request.agent_name, "caller": request.caller_name},
        _("Job: %(job)s") % {"job": request.job},
        _("Promised to the customer: %(promised)s") % {"promised": request.promised},
        _("%(payer)s pays %(amount)s by %(day)s.")
        % {
            "payer": request.payer,
            "amount": yen(lang, request.amount_yen),
            "day": request.pay_by.strftime("%Y/%m/%d"),
        },
    ]
    return "\n".join(lines)


@transaction.atomic
def accept(
    request: SubcontractRequest,
    *,
    user: AnyUser | None,
    customer: Customer | None = None,
    now: dt.datetime | None = None,
) -> SubcontractRequest:
    """Take the job: the customer (picked, found by name or new), the site with the
    contracts as sold (through the sites services), and a case, all or nothing."""
    request = SubcontractRequest.objects.select_for_update().get(pk=request.pk)
    _pending(request)
    organization = request.organization
    chosen = _customer(request, customer)
    prefecture = prefecture_in(request.customer_address) or ""
    found = load_catalog().prefecture(prefecture) if prefecture else None
    record = site_file(request, prefecture=prefecture or None)
    holders = {c.service: (c.ref, c.party) for c in record.contracts}
    site = create_site_with_holders(
        organization=organization,
        values={
            "name": request.customer_name,
            "prefecture": prefecture,
            "region": found.region.value if found and found.region else "",
            "building": request.building,
            "holder": engine.Holder.PERSON,
        },
        holders=holders,
        includes_isp=request.includes_isp,
        customer=chosen,
    )
    by_ref = {c.ref: c for c in Contract.objects.filter(site=site)}
    for contract in record.contracts:
        row = by_ref[contract.ref]
        save_row(
            row,
            values={
                "product": request.line_product if contract.service == "access" else "",
                "course": contract.course.value if contract.course else "",
                "ids": dict(contract.ids),
            },
        )
    case = open_case(
        site,
        user=user,
        title=_("Subcontract job for %(agent)s") % {"agent": request.agent_name},
        now=now,
    )
    log_entry(case, user=user, kind="note", said=_case_note(request))
    request.status = RequestStatus.ACCEPTED
    request.customer, request.site, request.case = chosen, site, case
    request.decided = now or timezone.now()
    request.decided_by = _user(user)
    request.receivable = _promised_payment(request)
    request.save()
    return request


def _promised_payment(request: SubcontractRequest) -> Receivable | None:
    """An accepted job's promised payment becomes a receivable from its agent, so that a late,
    short or missing payment shows without anyone typing the amount twice (None when the
    request names no agent or no amount)."""
    if request.agent is None or not request.amount_yen:
        return None
    description = request.job.strip().splitlines()[0][:300] if request.job.strip() else ""
    return create_receivable(
        request.organization,
        agent=request.agent,
        description=description or request.customer_name,
        amount_yen=request.amount_yen,
        due=request.pay_by,
        site=request.site,
        case=request.case,
    )


@transaction.atomic
def decline(
    request: SubcontractRequest,
    *,
    user: AnyUser | None,
    reason: str,
    now: dt.datetime | None = None,
) -> SubcontractRequest:
    request = SubcontractRequest.objects.select_for_update().get(pk=request.pk)
    _pending(request)
    if not reason.strip():
        raise RequestError(_("Write why the request is declined."))
    request.status = RequestStatus.DECLINED
    request.decline_reason = reason.strip()
    request.decided = now or timezone.now()
    request.decided_by = _user(user)
    request.save()
    return request


@transaction.atomic
def issue_intake_link(
    organization: Organization, *, name: str, user: AnyUser | None = None
) -> tuple[IntakeLink, str]:
    """A new intake address: (its row, the token, shown once). Only the hash is stored."""
    token = "sub_" + secrets.token_urlsafe(24)
    link = IntakeLink.objects.create(
        organization=organization,
        name=name.strip() or _("Intake form"),
        digest=IntakeLink.hash(token),
        prefix=token[:8],
        created_by=_user(user),
    )
    return link, token


def revoke_intake_link(link: IntakeLink, *, now: dt.datetime | None = None) -> IntakeLink:
    """The link stops working at once (its address then answers 404)."""
    if link.revoked is None:
        link.revoked = now or timezone.now()
        link.save(update_fields=["revoked"])
    return link
