"""`member_removed`: sent whenever a membership ends, however it is deleted (the service, the
admin's inline, a queryset), so other apps can let go of the person without orgs importing
them (cases unassigns the person's cases: cases/receivers.py).

Not sent when the organization or the user is deleted: their cases go with the organization,
and a deleted user is no one's assignee any more.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from madoguchi.orgs.models import Membership

# Arguments: organization_id, user_id, by (the user who removed them, or None).
member_removed = Signal()


def _direct(origin: Any) -> bool:
    """Was the membership itself deleted, rather than swept away with its organization/user?"""
    if isinstance(origin, QuerySet):
        return origin.model is Membership
    return isinstance(origin, Membership)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    if _direct(kwargs.get("origin")):
        member_removed.send(
            sender=Membership,
            organization_id=instance.organization_id,
            user_id=instance.user_id,
            by=getattr(instance, "removed_by", None),
        )
