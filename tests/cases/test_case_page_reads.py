"""The case page's reads from statements compiled once (`server.prepared.prepared_reads`
with model querysets): the same objects as the ORM's, their related objects in them, and
only the user's own organizations' case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.cases import selectors
from madoguchi.cases.models import Case, EntryKind, Promise, TimelineEntry
from madoguchi.cases.services import PromiseSpec, correct_entry, log_entry
from madoguchi.orgs.models import Membership, Role
from madoguchi.orgs.selectors import members_of
from madoguchi.server import prepared
from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory


def _owner(world: World, organization: Any) -> Any:
    return Membership.objects.get(organization=organization, role=Role.OWNER).user


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a query compiled by the ORM fails the test."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled by the ORM")

    monkeypatch.setattr(SQLCompiler, "as_sql", refused)


def test_the_case_is_the_orms_with_its_site_organization_and_assignee(world: World) -> None:
    alice = _owner(world, world.org_a)
    Case.objects.filter(pk=world.case_a.pk).update(assignee=alice)
    orm = Case.objects.select_related("site", "organization", "assignee").get(pk=world.case_a.pk)
    case = selectors.case_for_page(alice, world.case_a.pk)
    with CaptureQueriesContext(connection) as captured:
        assert [getattr(case, f.attname) for f in Case._meta.concrete_fields] == [
            getattr(orm, f.attname) for f in Case._meta.concrete_fields
        ]
        assert (case.site, case.organization, case.assignee) == (orm.site, orm.organization, alice)
        assert case.site.name == orm.site.name
        assert case.assignee.username == alice.username
    assert len(captured) == 0


def test_the_promises_are_kept_as_a_prefetch_keeps_them(world: World) -> None:
    alice = _owner(world, world.org_a)
    later = timezone.now() + dt.timedelta(hours=5)
    log_entry(
        world.case_a,
        user=None,
        kind=EntryKind.CALL_OUT,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=later),
    )
    case = selectors.case_for_page(alice, world.case_a.pk)
    with CaptureQueriesContext(connection) as captured:
        promises = list(case.promises.all())
        assert all(promise.case is case for promise in promises)
    assert len(captured) == 0
    assert promises == list(Promise.objects.filter(case=world.case_a))
    assert len(promises) == 2


def test_another_organizations_case_is_not_found(world: World) -> None:
    mallory = _owner(world, world.org_b)
    with pytest.raises(Case.DoesNotExist):
        selectors.case_for_page(mallory, world.case_a.pk)
    with pytest.raises(Case.DoesNotExist):
        selectors.case_for_page(mallory, 987_654)


def test_once_prepared_the_case_page_compiles_no_query(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = _owner(world, world.org_a)
    selectors.timeline(selectors.case_for_page(alice, world.case_a.pk))
    members_of(world.org_a.pk)
    _no_compiling(monkeypatch)
    case = selectors.case_for_page(alice, world.case_a.pk)
    assert case.pk == world.case_a.pk
    assert selectors.timeline(case) is not None
    assert members_of(world.org_a.pk)


def test_the_timeline_is_the_orms_with_authors_and_corrections(world: World) -> None:
    alice = _owner(world, world.org_a)
    first = log_entry(world.case_a, user=alice, kind=EntryKind.NOTE, said="最初のメモ")
    correct_entry(first, user=alice, said="訂正")
    case = selectors.case_for_page(alice, world.case_a.pk)
    entries = selectors.timeline(case)
    assert entries == list(TimelineEntry.objects.filter(case=world.case_a).order_by("at", "id"))
    with CaptureQueriesContext(connection) as captured:
        authors = [entry.author for entry in entries]
        corrected = [entry.corrects for entry in entries if entry.corrects_id]
        cases = {entry.case for entry in entries}
    assert len(captured) == 0
    assert alice in authors
    assert [entry.pk for entry in corrected] == [first.pk]
    assert cases == {case}


def test_the_members_are_the_organizations_own_by_name(world: World) -> None:
    extra = MembershipFactory(
        organization=world.org_a, role=Role.STAFF, user=UserFactory(username="aaa-first")
    ).user
    found = members_of(world.org_a.pk)
    assert found[0] == extra
    assert [u.pk for u in found] == list(
        Membership.objects.filter(organization=world.org_a)
        .order_by("user__username")
        .values_list("user_id", flat=True)
    )
    assert not {u.pk for u in found} & set(
        Membership.objects.filter(organization=world.org_b).values_list("user_id", flat=True)
    )


def test_a_model_read_with_a_prefetch_is_not_prepared(world: World) -> None:
    def build(values: Any) -> list[Any]:
        return [
            Case.objects.filter(organization_id__in=values["organization"]).prefetch_related(
                "promises"
            )
        ]

    assert (
        prepared.prepared_reads(("test prefetch",), build, {"organization": [world.org_a.pk]})
        is None
    )


def test_a_user_of_no_organization_finds_no_case_without_reading_cases(world: World) -> None:
    nobody = UserFactory()
    with CaptureQueriesContext(connection) as captured, pytest.raises(Case.DoesNotExist):
        selectors.case_for_page(nobody, world.case_a.pk)
    assert [q["sql"] for q in captured if "orgs_membership" not in q["sql"]] == []
    assert members_of() == []
    assert prepared.prepared_reads(("test nobody",), lambda v: [], {"organization": []}) is None
