"""Cases' answers to other apps' signals (orgs does not import cases)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from madoguchi.cases.services import unassign_former_member
from madoguchi.orgs.signals import member_removed
from madoguchi.orgs.types import AnyUser


@receiver(member_removed)
def release_cases_of_former_member(
    sender: Any, organization_id: int, user_id: int, by: AnyUser | None = None, **kwargs: Any
) -> None:
    unassign_former_member(organization_id, user_id, by=by)
