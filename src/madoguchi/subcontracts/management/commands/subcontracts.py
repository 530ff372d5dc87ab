"""Subcontract requests from the command line: `madoguchi manage subcontracts --user U
list|show|accept|decline|intake-link create|revoke`.

Writes go through `subcontracts.services`, as from the pages and the API; acts as --user
(the organization's rules apply to them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Customer
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.orgs.types import AnyUser
from madoguchi.subcontracts import selectors, services
from madoguchi.subcontracts.models import IntakeLink, RequestStatus, SubcontractRequest
from madoguchi.subcontracts.words import check_text, summary


class Command(BaseCommand):
    help = "List, show, accept and decline subcontract requests; make and revoke intake links."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="act as this user")
        parser.add_argument("--lang", default="en", choices=["en", "ja"])
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="requests, newest first")
        listing.add_argument("--status", default="", choices=["", *RequestStatus.values])
        listing.add_argument("--limit", type=int, default=50)
        showing = sub.add_parser("show", help="one request with its checks")
        showing.add_argument("request_id", type=int)
        accepting = sub.add_parser("accept", help="make the customer, site and case")
        accepting.add_argument("request_id", type=int)
        accepting.add_argument("--customer", type=int, default=None, help="an existing customer")
        declining = sub.add_parser("decline")
        declining.add_argument("request_id", type=int)
        declining.add_argument("--reason", required=True)
        link = sub.add_parser("intake-link", help="make or revoke an intake link")
        link_sub = link.add_subparsers(dest="link_action", required=True)
        creating = link_sub.add_parser("create")
        creating.add_argument("name")
        creating.add_argument("--org", default="", help="the organization's slug")
        revoking = link_sub.add_parser("revoke")
        revoking.add_argument("link_id", type=int)

    def handle(self, *args: Any, user: str, action: str, lang: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        with translation.override(lang):
            handler = getattr(self, "do_" + action.replace("-", "_"))
            try:
                handler(actor, **options)
            except (services.RequestError, SiteWouldBreak) as exc:
                raise CommandError(str(exc)) from None

    def _request(self, actor: AnyUser, pk: int, *, write: bool = False) -> SubcontractRequest:
        row = selectors.requests_for(actor).filter(pk=pk).first()
        if row is None:
            raise CommandError(f"no request {pk} for this user")
        if write and not can_write(actor, row.organization_id):
            raise CommandError("this user may only read that request")
        return row

    def do_list(self, actor: AnyUser, status: str, limit: int, **_: Any) -> None:
        for row in selectors.listed_requests(actor, status=status)[: max(limit, 0)]:
            self.stdout.write(
                f"{row.pk}\t{row.created:%Y-%m-%d}\t{row.status}\t{row.agent_name}\t"
                f"{row.customer_name}\t{summary(row.checks)}"
            )

    def do_show(self, actor: AnyUser, request_id: int, **_: Any) -> None:
        row = self._request(actor, request_id)
        lines = [
            f"request {row.pk}: {row.status} ({row.channel}), {row.created:%Y-%m-%d %H:%M}",
            f"agent: {row.agent_name}, {row.agent_address}, {row.agent_phone}, {row.caller_name}",
            f"customer: {row.customer_name}, {row.customer_address}",
            f"line: {row.line_product}; course sold {row.course}, building {row.building}",
            f"holders: {row.holders}; set with provider: {row.includes_isp}",
            f"ids: {row.ids}",
            f"promised: {row.promised}",
            f"payment: {row.payer} pays {row.amount_yen} yen by {row.pay_by}",
            "checks:",
            *(f"  [{c.get('severity')}] {check_text(c)}" for c in row.checks),
        ]
        if not row.checks:
            lines.append("  none found")
        if row.status == RequestStatus.ACCEPTED:
            lines.append(
                f"made: customer {row.customer_id}, site {row.site_id}, case {row.case_id}"
            )
        if row.status == RequestStatus.DECLINED:
            lines.append(f"declined: {row.decline_reason}")
        self.stdout.write("\n".join(lines))

    def do_accept(self, actor: AnyUser, request_id: int, customer: int | None, **_: Any) -> None:
        row = self._request(actor, request_id, write=True)
        chosen = None
        if customer is not None:
            chosen = Customer.objects.filter(
                organization_id=row.organization_id, pk=customer
            ).first()
            if chosen is None:
                raise CommandError(f"no customer {customer} in the request's organization")
        done = services.accept(row, user=actor, customer=chosen)
        self.stdout.write(
            f"accepted request {done.pk}: customer {done.customer_id}, site {done.site_id}, "
            f"case {done.case_id}"
        )

    def do_decline(self, actor: AnyUser, request_id: int, reason: str, **_: Any) -> None:
        row = self._request(actor, request_id, write=True)
        services.decline(row, user=actor, reason=reason)
        self.stdout.write(f"declined request {row.pk}")

    def do_intake_link(self, actor: AnyUser, link_action: str, **options: Any) -> None:
        if link_action == "create":
            writable = organizations_for(actor, write=True)
            if options.get("org"):
                writable = writable.filter(slug=options["org"])
            choices = list(writable[:2])
            if not choices:
                raise CommandError("this user cannot make links in that organization")
            if len(choices) > 1:
                raise CommandError("the user writes to several organizations: give --org")
            link, token = services.issue_intake_link(choices[0], name=options["name"], user=actor)
            self.stdout.write(f"intake link {link.pk} (shown once): /intake/{token}/")
            return
        found = IntakeLink.objects.for_user(actor).filter(pk=options["link_id"]).first()
        if found is None:
            raise CommandError(f"no intake link {options['link_id']} for this user")
        if not can_write(actor, found.organization_id):
            raise CommandError("this user may only read that link")
        services.revoke_intake_link(found)
        self.stdout.write(f"revoked intake link {found.pk}")
