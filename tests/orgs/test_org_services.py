"""The writes of orgs/services.py and the one memo of orgs/selectors.py."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.orgs.models import ApiToken, Membership, Organization, Role
from madoguchi.orgs.selectors import can_write, organization_ids
from madoguchi.orgs.services import add_member, ensure_organization, issue_token
from tests.conftest import World
from tests.factories import UserFactory


def test_ensure_organization_run_twice_keeps_one(db: object) -> None:
    first = ensure_organization(slug="demo", name="デモ")
    assert ensure_organization(slug="demo", name="別名") == first
    assert Organization.objects.get(slug="demo").name == "デモ"


def test_adding_a_member_gives_them_the_role(world: World) -> None:
    user = UserFactory()
    add_member(world.org_a, user, role=Role.VIEWER)
    assert not can_write(user, world.org_a.pk)
    assert organization_ids(user) == [world.org_a.pk]


def test_adding_an_existing_member_keeps_their_role(world: World) -> None:
    alice = Membership.objects.get(organization=world.org_a, role=Role.OWNER).user
    add_member(world.org_a, alice, role=Role.VIEWER)
    assert Membership.objects.get(organization=world.org_a, user=alice).role == Role.OWNER


def test_an_issued_token_is_stored_only_as_its_hash(world: World) -> None:
    user = UserFactory()
    row, token = issue_token(user, name="cli")
    assert token.startswith("mdg_")
    assert ApiToken.objects.get(pk=row.pk).digest == ApiToken.hash(token) != token


def test_the_roles_are_read_once_per_user_object(world: World) -> None:
    user = Membership.objects.get(organization=world.org_a, role=Role.STAFF).user
    with CaptureQueriesContext(connection) as queries:
        assert can_write(user, world.org_a.pk)
        assert organization_ids(user) == [world.org_a.pk]
    assert len(queries) == 1
