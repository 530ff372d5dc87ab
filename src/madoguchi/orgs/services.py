"""Writes to organizations and memberships."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from madoguchi.orgs.models import Membership


@transaction.atomic
def remove_member(membership: Membership, *, by: Any = None) -> None:
    """End a membership. In the same transaction the person's open cases of the organization
    are unassigned, each with a timeline entry by `by` (see orgs/signals.py)."""
    membership.removed_by = by  # read by the post_delete receiver
    membership.delete()
