"""Cases' answers to the deletion of a lower app's rows: when a membership ends, however it
is deleted (orgs.services.remove_member, the admin's inline, a queryset), the person's open
cases of the organization are unassigned in the same transaction. Django's own post_delete
of the model, heard here, so orgs knows nothing of cases.

Not when the organization or the user is deleted: their cases go with the organization,
and a deleted user is no one's assignee any more."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver

from madoguchi.cases.services import unassign_former_member
from madoguchi.orgs.models import Membership


def _direct(origin: Any) -> bool:
    """Was the membership itself deleted, rather than swept away with its organization/user?"""
    if isinstance(origin, QuerySet):
        return origin.model is Membership
    return isinstance(origin, Membership)


@receiver(post_delete, sender=Membership, dispatch_uid="cases-release-former-member")
def release_cases_of_former_member(
    sender: type[Membership], instance: Membership, **kwargs: Any
) -> None:
    if _direct(kwargs.get("origin")):
        unassign_former_member(
            instance.organization_id, instance.user_id, by=getattr(instance, "removed_by", None)
        )
