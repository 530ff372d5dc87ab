"""The API's side of organizations: who is calling (a personal bearer token, or the
browser's session with CSRF), whether their role may write, and the organization a create
goes to."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for, token_row
from madoguchi.orgs.services import record_token_use

READ_ONLY = "your role in this organization cannot change it"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = token_row(token)
        if row is None or not row.user.is_active:
            return None
        record_token_use(row)
        request.user = row.user
        return row.user


AUTH = [TokenAuth(), django_auth]


def owned_row[M: Model](
    request: HttpRequest, rows: QuerySet[M], pk: int, *, write: bool = False
) -> M:
    """Row `pk` among `rows` (the user's, scoped already): 404 when it is not one of them
    (another organization's row looks like no row), 403 when `write` and the user's role in
    the row's organization cannot change it."""
    row = get_object_or_404(rows, pk=pk)
    if write:
        require_write(request, row.organization_id)  # type: ignore[attr-defined]
    return row


def require_write(request: HttpRequest, organization_id: int) -> None:
    """403 unless the user is owner or staff of the organization."""
    if not can_write(request.user, organization_id):
        raise HttpError(403, READ_ONLY)


def target_organization(request: HttpRequest, slug: str | None) -> Organization:
    """The organization to create in: the one named, or the user's only writable one."""
    choices = organizations_for(request.user, write=True)
    if slug:
        organization = choices.filter(slug=slug).first()
        if organization is None:
            if organizations_for(request.user).filter(slug=slug).exists():
                raise HttpError(403, READ_ONLY)
            raise HttpError(404, "no such organization")
        return organization
    organizations = list(choices[:2])
    if not organizations:
        raise HttpError(403, "you cannot create anything in any organization")
    if len(organizations) > 1:
        raise HttpError(422, "you belong to several organizations: give 'organization'")
    return organizations[0]
