"""API authentication: a personal bearer token, or the browser's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from madoguchi.orgs.selectors import can_write, token_row
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


def require_write(request: HttpRequest, organization_id: int) -> None:
    """403 unless the user is owner or staff of the organization."""
    if not can_write(request.user, organization_id):
        raise HttpError(403, READ_ONLY)
