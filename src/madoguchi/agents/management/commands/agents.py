"""The agents register from the command line: `madoguchi manage agents --user U
list|add|status|match|rekey`.

Writes go through `agents.services`, as from the web and the API. Acts as --user (their
organizations and their role apply)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from madoguchi.agents import services
from madoguchi.agents.models import Agent, AgentStatus, DetailKind
from madoguchi.agents.selectors import agents_for, searched_agents, similar_agents
from madoguchi.agents.texts import similar_line
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.orgs.types import AnyUser

# --address "…" --phone "…": one option per kind of detail, each may be repeated.
DETAIL_OPTIONS = {kind.value.replace("-", "_"): kind.value for kind in DetailKind}


class Command(BaseCommand):
    help = (
        "List and search sales agents, add one, set its status, or find the agents on "
        "record that resemble some details."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="act as this user")
        parser.add_argument("--org", default="", help="organization slug (if several)")
        parser.add_argument("--lang", default="ja", choices=["ja", "en"])
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="id, status, name and details, one agent a line")
        listing.add_argument("q", nargs="?", default="", help="a name, number or address")
        adding = sub.add_parser("add", help="add an agent and print what it resembles")
        adding.add_argument("name")
        matching = sub.add_parser("match", help="agents on record that resemble these details")
        matching.add_argument("--name", default="")
        for parser_ in (adding, matching):
            for option in DETAIL_OPTIONS:
                parser_.add_argument(f"--{option.replace('_', '-')}", action="append", default=[])
        adding.add_argument("--note", default="")
        adding.add_argument("--status", choices=AgentStatus.values, default=AgentStatus.OK)
        adding.add_argument("--reason", default="", help="needed for caution and refused")
        adding.add_argument("--since", type=dt.date.fromisoformat, default=None)
        sub.add_parser("rekey", help="recompute the matching keys after the rules changed")
        status = sub.add_parser("status", help="set an agent's status")
        status.add_argument("agent_id", type=int)
        status.add_argument("status", choices=AgentStatus.values)
        status.add_argument("--reason", default="")
        status.add_argument("--since", type=dt.date.fromisoformat, default=None)

    def handle(
        self, *args: Any, user: str, org: str, lang: str, action: str, **options: Any
    ) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        with translation.override(lang):
            try:
                getattr(self, f"do_{action}")(actor, org, **options)
            except ValidationError as exc:
                problems = [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
                raise CommandError("; ".join(problems)) from None

    def _organization(self, actor: AnyUser, slug: str, *, write: bool) -> Organization:
        choices = organizations_for(actor, write=write)
        if slug:
            organization = choices.filter(slug=slug).first()
            if organization is None:
                raise CommandError(
                    f"no organization {slug!r} this user may {'write' if write else 'read'}"
                )
            return organization
        found = list(choices[:2])
        if len(found) != 1:
            raise CommandError("give --org: the user belongs to several organizations, or none")
        return found[0]

    def _details(self, options: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (kind, value)
            for option, kind in DETAIL_OPTIONS.items()
            for value in options.get(option) or []
        ]

    def _flags(self, found: list[Any]) -> None:
        for similar in found:
            self.stdout.write(f"! {similar_line(similar)} [{similar.agent.pk}]")

    def do_list(self, actor: AnyUser, org: str, q: str, **_: Any) -> None:
        rows = searched_agents(actor, q)
        if org:
            rows = rows.filter(organization__slug=org)
        for agent in rows.iterator(chunk_size=500):
            details = " / ".join(d.value for d in agent.details.all())
            self.stdout.write(f"{agent.pk}\t{agent.status}\t{agent.name}\t{details}")

    def do_add(self, actor: AnyUser, org: str, name: str, note: str, **options: Any) -> None:
        organization = self._organization(actor, org, write=True)
        details = self._details(options)
        agent = services.create_agent(
            organization,
            name=name,
            details=details,
            note=note,
            status=options["status"],
            status_reason=options["reason"],
            status_since=options["since"],
        )
        self.stdout.write(f"{agent.pk}\t{agent.name}")
        self._flags(similar_agents(organization, details, name=name, exclude=agent))

    def do_status(
        self,
        actor: AnyUser,
        org: str,
        agent_id: int,
        status: str,
        reason: str,
        since: dt.date | None,
        **_: Any,
    ) -> None:
        agent: Agent | None = agents_for(actor).filter(pk=agent_id).first()
        if agent is None:
            raise CommandError(f"no agent {agent_id} for this user")
        if not can_write(actor, agent.organization_id):
            raise CommandError("this user may only read that agent")
        services.set_status(agent, status, reason=reason, since=since)
        self.stdout.write(f"{agent.pk}\t{agent.status}\t{agent.status_since or ''}\t{agent.name}")

    def do_rekey(self, actor: AnyUser, org: str, **_: Any) -> None:
        organization = self._organization(actor, org, write=True)
        self.stdout.write(f"{services.rekey(organization)} keys changed")

    def do_match(self, actor: AnyUser, org: str, name: str, **options: Any) -> None:
        organization = self._organization(actor, org, write=False)
        found = similar_agents(organization, self._details(options), name=name)
        if not found:
            self.stdout.write("no agent on record resembles these details")
        self._flags(found)
