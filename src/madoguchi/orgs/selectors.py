"""Reads about organizations and their people that several callers share: which
organizations a user belongs to, with which role, and who their colleagues are."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

from madoguchi.orgs.models import WRITE_ROLES, ApiToken, CalendarFeed, Membership, Organization
from madoguchi.orgs.types import AnyUser
from madoguchi.server.prepared import Values, prepared_or_built

# The attribute that keeps a user's roles for the rest of the request (see roles_of).
_ROLES_MEMO = "_madoguchi_roles"


def roles_of(user: AnyUser) -> dict[int, str]:
    """{organization id: role} for the user, read once per request.

    Every scoped query, every permission check and every page asks this several times per
    request; the answer is kept on the user object (which lives for one request, or one
    command), so the memberships are read by one query instead of one per question. A change
    of membership is seen on the next request. Only this function and `user_with_roles`
    (which reads the memberships with the user) keep that memo.
    """
    if not user.is_authenticated:
        return {}
    roles: dict[int, str] | None = getattr(user, _ROLES_MEMO, None)
    if roles is None:
        memberships = Membership.objects.filter(user=user).order_by()
        roles = dict(memberships.values_list("organization_id", "role"))
        setattr(user, _ROLES_MEMO, roles)
    return roles


def user_with_roles(user_id: Any) -> Any:
    """The user with this id, their roles already read (`roles_of` then asks nothing), or
    None: what the session's login costs on every request, in one query.

    Why: every page asked for the user, then for their memberships, two queries and two
    compilations before any of its own work (~1 ms of a page's CPU; issue 26). One read
    (the user, joined to their memberships: a row each, or one for a user without any, such
    as an administrator) gives both, from a statement compiled once per process
    (`server.prepared.prepared_reads`): compiling it was most of its cost.
    """
    model = get_user_model()
    if not isinstance(user_id, int):
        user_id = model._meta.pk.to_python(user_id)
    (rows,) = prepared_or_built(
        ("user with roles",), _user_with_roles_read, {"user": user_id}, scope="user"
    )
    if not rows:
        return None
    names = _user_columns()
    user = model.from_db(connection.alias, names, [rows[0][name] for name in names])
    roles = {
        row[_MEMBER_ORGANIZATION]: row[_MEMBER_ROLE]
        for row in rows
        if row[_MEMBER_ORGANIZATION] is not None
    }
    setattr(user, _ROLES_MEMO, roles)
    return user


_MEMBER_ORGANIZATION = "memberships__organization_id"
_MEMBER_ROLE = "memberships__role"


def _user_columns() -> list[str]:
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _user_with_roles_read(values: Values) -> list[Any]:
    users = get_user_model()._default_manager.filter(pk=values["user"])
    return [users.values(*_user_columns(), _MEMBER_ORGANIZATION, _MEMBER_ROLE)]


def organization_ids(user: AnyUser) -> list[int]:
    """The user's organization ids.

    Filtering on the ids rather than joining memberships lets the database use the
    (organization, …) indexes for ordering: a sorted page instead of sorting every row.
    """
    return list(roles_of(user))


def can_write(user: AnyUser, organization_id: int) -> bool:
    """May the user change this organization's rows (owner or staff)?"""
    return roles_of(user).get(organization_id) in WRITE_ROLES


def organizations_for(user: AnyUser, *, write: bool = False) -> QuerySet[Organization]:
    """The user's organizations (with `write`, those where they are owner or staff)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    memberships = Membership.objects.filter(user=user)
    if write:
        memberships = memberships.filter(role__in=WRITE_ROLES)
    return Organization.objects.filter(id__in=memberships.values("organization_id"))


def colleagues(user: AnyUser) -> list[Any]:
    """Members of the user's organizations (the user included): whom the desk can be
    filtered by."""
    return members_of(*organization_ids(user))


def members_of(*organization_ids: int) -> list[Any]:
    """Users of these organizations, by name (their id, username and names only): who a case
    can be assigned to.

    Read from a statement compiled once per process (`prepared_reads`): the dashboard and
    the case page ask on every request (issue 26)."""
    (members,) = prepared_or_built(
        ("members",), _members_read, {"organization": list(organization_ids)}
    )
    return members


def _members_read(values: Values) -> list[Any]:
    members = Membership.objects.filter(organization_id__in=values["organization"])
    return [
        get_user_model()
        .objects.filter(pk__in=members.values("user"))
        .order_by("username")
        .only("id", "username", "first_name", "last_name")
    ]


def token_row(token: str) -> ApiToken | None:
    """The API token's row (with its user), or None for a token never issued."""
    return ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()


def calendar_feed_user(token: str) -> Any:
    """The user whose private calendar address carries `token`, or None (never issued, or
    revoked, or the user is no longer active)."""
    row = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=CalendarFeed.hash(token), user__is_active=True)
        .first()
    )
    return row.user if row else None
