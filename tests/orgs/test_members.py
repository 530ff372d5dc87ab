"""A person removed from an organization is no longer assignee of its cases and gets no
reminders for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

from madoguchi.cases.models import Case, EntryKind, Status
from madoguchi.cases.reminders import send_reminders
from madoguchi.cases.services import PromiseSpec, assign, change_status, log_entry, open_case
from madoguchi.orgs.models import Membership, Organization
from madoguchi.orgs.services import remove_member
from tests.conftest import World
from tests.factories import UserFactory


def _user(world: World, role: str) -> Any:
    return world.org_a.memberships.get(role=role).user


def _bobs_case(world: World, **kwargs: Any) -> Case:
    alice, bob = _user(world, "owner"), _user(world, "staff")
    case = open_case(world.site_a, user=alice, assignee=bob, **kwargs)
    return case


def test_removing_a_member_unassigns_their_cases_with_an_entry(world: World) -> None:
    alice, bob = _user(world, "owner"), _user(world, "staff")
    case = _bobs_case(world)
    remove_member(Membership.objects.get(organization=world.org_a, user=bob), by=alice)
    case.refresh_from_db()
    assert case.assignee is None
    entry = case.entries.order_by("-pk").first()
    assert entry.kind == EntryKind.NOTE
    assert entry.author == alice
    assert bob.username in entry.said


def test_a_closed_case_keeps_its_assignee(world: World) -> None:
    bob = _user(world, "staff")
    case = _bobs_case(world)
    change_status(case, user=None, to=Status.RESOLVED)
    change_status(case, user=None, to=Status.CLOSED)
    remove_member(Membership.objects.get(organization=world.org_a, user=bob))
    case.refresh_from_db()
    assert case.assignee == bob


def test_other_assignees_are_left_alone(world: World) -> None:
    alice, bob = _user(world, "owner"), _user(world, "staff")
    case = _bobs_case(world)
    assign(case, user=alice, to=alice)
    entries = case.entries.count()
    remove_member(Membership.objects.get(organization=world.org_a, user=bob))
    case.refresh_from_db()
    assert case.assignee == alice
    assert case.entries.count() == entries


def test_deleting_a_member_in_the_admin_unassigns_their_cases(world: World) -> None:
    bob = _user(world, "staff")
    case = _bobs_case(world)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    memberships = list(world.org_a.memberships.order_by("pk"))
    data = {
        "name": world.org_a.name,
        "slug": world.org_a.slug,
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(memberships):
        data |= {
            f"memberships-{i}-id": str(m.pk),
            f"memberships-{i}-organization": str(world.org_a.pk),
            f"memberships-{i}-user": str(m.user_id),
            f"memberships-{i}-role": m.role,
        }
        if m.user_id == bob.pk:
            data[f"memberships-{i}-DELETE"] = "on"
    response = admin.post(f"/admin/orgs/organization/{world.org_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Membership.objects.filter(organization=world.org_a, user=bob).exists()
    case.refresh_from_db()
    assert case.assignee is None
    assert case.entries.order_by("-pk").first().author == root


def test_no_reminder_goes_to_someone_outside_the_organization(world: World) -> None:
    bob = _user(world, "staff")
    bob.email = "bob@example.jp"
    bob.save()
    case = _bobs_case(world)
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=timezone.now()),
    )
    Membership.objects.filter(user=bob).update(organization=world.org_b)  # moved, no signal
    assert send_reminders(timezone.now() + dt.timedelta(minutes=1)) == (0, 0)
    assert mail.outbox == []


def test_deleting_an_organization_or_a_user_still_works(world: World) -> None:
    _bobs_case(world)
    bob = _user(world, "staff")
    bob.delete()
    Organization.objects.filter(pk=world.org_a.pk).delete()
    assert not Case.objects.filter(organization=world.org_a).exists()
