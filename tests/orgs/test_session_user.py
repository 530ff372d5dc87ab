"""Each request reads the logged-in user with their roles in one query
(`orgs.selectors.user_with_roles`), and still sees every change to either at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from madoguchi.orgs.models import Membership, Role
from madoguchi.orgs.selectors import roles_of, user_with_roles
from tests.conftest import World
from tests.factories import UserFactory


def test_a_member_and_their_roles_are_one_query(world: World) -> None:
    alice = Membership.objects.get(organization=world.org_a, role=Role.OWNER).user
    with CaptureQueriesContext(connection) as captured:
        user = user_with_roles(alice.pk)
        roles = roles_of(user)
    assert len(captured) == 1
    assert user == alice
    assert roles == {world.org_a.pk: Role.OWNER}


def test_a_user_without_a_membership_is_read_with_no_roles(db: object) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = user_with_roles(admin.pk)
    assert user == admin
    assert roles_of(user) == {}


def test_an_unknown_id_is_nobody(db: object) -> None:
    assert user_with_roles(987_654) is None


def test_a_membership_ended_is_seen_on_the_next_request(world: World) -> None:
    client = world.clients["alice"]
    case_url = reverse("cases:detail", args=[world.case_a.pk])
    assert client.get(case_url).status_code == 200
    Membership.objects.filter(organization=world.org_a, role=Role.OWNER).delete()
    assert client.get(case_url).status_code == 404


def test_a_deactivated_user_is_logged_out_on_the_next_request(world: World) -> None:
    client = world.clients["bob"]
    assert client.get(reverse("cases:dashboard")).status_code == 200
    get_user_model().objects.filter(
        pk__in=Membership.objects.filter(role=Role.STAFF).values("user")
    ).update(is_active=False)
    response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_once_prepared_the_user_is_read_without_building_a_query(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = Membership.objects.get(organization=world.org_a, role=Role.OWNER).user
    user_with_roles(alice.pk)

    def no_query_built(*args: object, **kwargs: object) -> None:
        raise AssertionError("the user was read through the ORM")

    monkeypatch.setattr(QuerySet, "filter", no_query_built)
    user = user_with_roles(alice.pk)
    assert (user.pk, user.username, user.is_active, user.password) == (
        alice.pk,
        alice.username,
        alice.is_active,
        alice.password,
    )
    assert roles_of(user) == {world.org_a.pk: Role.OWNER}


def test_a_member_of_two_organizations_has_both_roles(world: World) -> None:
    alice = Membership.objects.get(organization=world.org_a, role=Role.OWNER).user
    Membership.objects.create(organization=world.org_b, user=alice, role=Role.VIEWER)
    assert roles_of(user_with_roles(alice.pk)) == {
        world.org_a.pk: Role.OWNER,
        world.org_b.pk: Role.VIEWER,
    }


def test_the_session_s_user_id_as_text_is_the_same_user(world: World) -> None:
    alice = Membership.objects.get(organization=world.org_a, role=Role.OWNER).user
    assert user_with_roles(str(alice.pk)) == alice
