"""Every write to the agents register (pages, API, CLI and the intake form call these).

A refusal is a `ValidationError` by field (`name`, `details[2].value`, `status_reason`), in
the user's language, and nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.agents.keys import MATCH_GROUPS, detail_key, match_group
from madoguchi.agents.models import Agent, AgentDetail, AgentStatus
from madoguchi.engine import bounds
from madoguchi.orgs.models import Organization

NAME_MAX = bounds.NAME
VALUE_MAX = bounds.ADDRESS


def _checked(
    *,
    name: str | None = None,
    details: list[tuple[str, str]] | None = None,
    status: str | None = None,
    reason: str = "",
) -> None:
    errors: dict[str, list[str]] = {}
    if name is not None:
        if not name.strip():
            errors["name"] = [_("Write the company's name.")]
        elif len(name.strip()) > NAME_MAX:
            errors["name"] = [_("At most %(max)d characters.") % {"max": NAME_MAX}]
    for i, (kind, value) in enumerate(details or []):
        if kind not in MATCH_GROUPS:
            errors[f"details[{i}].kind"] = [_("Choose what this detail is.")]
        elif len(value.strip()) > VALUE_MAX:
            errors[f"details[{i}].value"] = [_("At most %(max)d characters.") % {"max": VALUE_MAX}]
    if status is not None:
        if status not in AgentStatus.values:
            errors["status"] = [_("Choose one of the answers shown.")]
        elif status != AgentStatus.OK and not reason.strip():
            errors["status_reason"] = [
                _("Write why, so that a colleague knows before taking their call.")
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_details(agent: Agent, details: Iterable[tuple[str, str]]) -> list[AgentDetail]:
    """Record (kind, value as written) pairs, keyed for matching; blanks and repeats of a
    value already on record are skipped."""
    details = list(details)
    _checked(details=details)
    known = set(AgentDetail.objects.filter(agent=agent).values_list("match_group", "key"))
    rows = []
    for kind, value in details:
        value = value.strip()
        if not value:
            continue
        group, key = match_group(kind), detail_key(kind, value)
        if not key or (group, key) in known:
            continue
        known.add((group, key))
        rows.append(
            AgentDetail(
                organization_id=agent.organization_id,
                agent=agent,
                kind=kind,
                value=value,
                match_group=group,
                key=key,
            )
        )
    return AgentDetail.objects.bulk_create(rows)


@transaction.atomic
def create_agent(
    organization: Organization,
    *,
    name: str,
    details: Iterable[tuple[str, str]] = (),
    status: str = AgentStatus.OK,
    status_reason: str = "",
    status_since: dt.date | None = None,
    note: str = "",
) -> Agent:
    details = list(details)
    _checked(name=name, details=details, status=status, reason=status_reason)
    agent = Agent.objects.create(
        organization=organization,
        name=name.strip(),
        status=status,
        status_reason=status_reason.strip(),
        status_since=_since(status, status_since),
        note=note.strip(),
    )
    add_details(agent, details)
    return agent


def _since(status: str, since: dt.date | None) -> dt.date | None:
    """A refusal or a caution dates from today unless a date is given."""
    if since is None and status != AgentStatus.OK:
        return timezone.localdate()
    return since


@transaction.atomic
def update_agent(
    agent: Agent,
    *,
    name: str | None = None,
    details: Iterable[tuple[str, str]] | None = None,
    note: str | None = None,
) -> Agent:
    """Change what is given; `details` replaces all of the agent's details."""
    listed = None if details is None else list(details)
    _checked(name=name, details=listed)
    changed = []
    if name is not None:
        agent.name = name.strip()
        changed.append("name")
    if note is not None:
        agent.note = note.strip()
        changed.append("note")
    if changed:
        agent.save(update_fields=[*changed, "updated"])
    if listed is not None:
        AgentDetail.objects.filter(agent=agent).delete()
        add_details(agent, listed)
    return agent


@transaction.atomic
def set_status(
    agent: Agent, status: str, *, reason: str = "", since: dt.date | None = None
) -> Agent:
    """Refuse, caution or clear an agent, with the reason a colleague reads first and the day
    it dates from (today unless given)."""
    _checked(status=status, reason=reason)
    agent.status = status
    agent.status_reason = reason.strip()
    agent.status_since = _since(status, since) if status != AgentStatus.OK else since
    agent.save(update_fields=["status", "status_reason", "status_since", "updated"])
    return agent


def rekey(organization: Organization | None = None) -> int:
    """Recompute every detail's key with the current rules (after `agents.keys` changes, so
    that details recorded before match the same way as new ones); how many keys changed."""
    rows = (
        AgentDetail.objects.all()
        if organization is None
        else AgentDetail.objects.filter(organization=organization)
    )
    changed = []
    for row in rows.only("id", "kind", "value", "key", "match_group").iterator(chunk_size=2000):
        group, key = match_group(row.kind), detail_key(row.kind, row.value)
        if (group, key) != (row.match_group, row.key):
            row.match_group, row.key = group, key
            changed.append(row)
    AgentDetail.objects.bulk_update(changed, ["match_group", "key"], batch_size=500)
    return len(changed)
