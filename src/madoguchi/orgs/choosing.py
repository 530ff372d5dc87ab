"""Which organization a page writes to, for a user who may write to several."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import organizations_for


def organization_to_write(request: HttpRequest) -> tuple[Organization, list[Organization]]:
    """The organization named by the form's or the address's `organization` (a slug) among
    those the user writes to, else the first of them by name; and all of them, for the
    form's choice. Someone who writes to none gets 403."""
    writable = list(organizations_for(request.user, write=True).order_by("name"))
    if not writable:
        raise PermissionDenied
    chosen = request.POST.get("organization") or request.GET.get("organization")
    return next((o for o in writable if o.slug == chosen), writable[0]), writable
