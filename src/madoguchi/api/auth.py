"""API authentication: a personal bearer token, or the browser's session (with CSRF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from madoguchi.orgs.models import ApiToken
from madoguchi.orgs.selectors import can_write

READ_ONLY = "your role in this organization cannot change it"


# How stale a token's `last_used` may get: a read must not write (on SQLite every write
# waits for the one writer), so a token in steady use is stamped at most once a minute.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def _stamp(row: ApiToken) -> None:
    """Record that the token was used, unless it was recorded less than a minute ago.
    Conditional, so two requests that both find it stale write once."""
    now = timezone.now()
    stale = now - LAST_USED_GRANULARITY
    if row.last_used is not None and row.last_used >= stale:
        return
    ApiToken.objects.filter(pk=row.pk).filter(
        Q(last_used__isnull=True) | Q(last_used__lt=stale)
    ).update(last_used=now)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if row is None or not row.user.is_active:
            return None
        _stamp(row)
        request.user = row.user
        return row.user


AUTH = [TokenAuth(), django_auth]


def require_write(request: HttpRequest, organization_id: int) -> None:
    """403 unless the user is owner or staff of the organization."""
    if not can_write(request.user, organization_id):
        raise HttpError(403, READ_ONLY)
