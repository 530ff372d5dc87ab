"""The HTTP API (/api/v1/), with its OpenAPI schema at /api/v1/openapi.json and docs at
/api/v1/docs. Every object is looked up through the user's organizations: another
organization's object is a 404, and a viewer's write is a 403. Each router lives in its own
module; this one holds the API object and the answers to errors every module may raise."""

from typing import Any

from django.db import DataError, IntegrityError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from madoguchi.api.agents import agents_router
from madoguchi.api.auth import AUTH
from madoguchi.api.bills import bills_router
from madoguchi.api.cases import router as cases_router
from madoguchi.api.common import Invalid
from madoguchi.api.directory import directory
from madoguchi.api.incidents import incidents_router, notifications_router
from madoguchi.api.receivables import receivables_router
from madoguchi.api.sites import records, sites
from madoguchi.api.subcontracts import router as subcontracts_router
from madoguchi.cases.assessment import StoredSiteInvalid

api = NinjaAPI(
    title="Madoguchi API",
    version="1.0.0",
    urls_namespace="api",
    auth=AUTH,
    description=(
        "Sites, their contracts and events, parties and desks, assessments, and the "
        "register of sales agents."
    ),
)


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    body = {"detail": exc.detail, "errors": exc.errors, **exc.extra}
    return api.create_response(request, body, status=exc.status)


def _path(loc: tuple[Any, ...] | list[Any]) -> str:
    """ninja's location (`body`, `payload`, `ids`, 0) as a field path (`ids[0]`)."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    if parts and parts[0] in ("payload", "pagination", "filters"):
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "literal[", "enum[")):
            path += f".{part}" if path else str(part)
    return path


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The same body as every other 422: {detail, errors: [{path, message}]}."""
    errors = [
        {"path": _path(error.get("loc", ())), "message": str(error.get("msg", "invalid"))[:300]}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


@api.exception_handler(StoredSiteInvalid)
def _stored_site_invalid(request: HttpRequest, exc: StoredSiteInvalid) -> HttpResponse:
    """A stored site that does not read as a site file (rare: see cases migration 0021)."""
    errors = [{"path": p.path, "message": p.message} for p in exc.problems]
    body = {"detail": "the stored site is not a valid site file", "errors": errors}
    return api.create_response(request, body, status=409)


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A database constraint the validation did not foresee (e.g. a race): never a 500."""
    return api.create_response(
        request,
        {"detail": "conflicts with data already stored", "errors": _constraint_fields(exc)},
        status=409,
    )


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "a value is too long or out of range", "errors": []}, status=422
    )


@api.exception_handler(ProtectedError)
def _protected_error(request: HttpRequest, exc: ProtectedError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "other records still refer to this one", "errors": []}, status=409
    )


# Unique constraints and the field a client should change (PostgreSQL names the constraint,
# SQLite the columns).
UNIQUE_FIELDS = {
    "contract_ref_unique_per_site": "ref",
    "sites_contract.ref": "ref",
    "party_slug_unique_per_org": "slug",
    "directory_party.slug": "slug",
    "desk_slug_unique_per_party": "slug",
    "directory_desk.slug": "slug",
    "case_ref_unique_per_site": "ref",
}


def _constraint_fields(exc: IntegrityError) -> list[dict[str, str]]:
    text = str(exc)
    return [
        {"path": field, "message": "is already used"}
        for name, field in UNIQUE_FIELDS.items()
        if name in text
    ][:1]


api.add_router("", sites)
api.add_router("", records)
api.add_router("", directory)
api.add_router("", cases_router)
api.add_router("", bills_router)
api.add_router("", agents_router)
api.add_router("", receivables_router)
api.add_router("", subcontracts_router)
api.add_router("", incidents_router)
api.add_router("", notifications_router)

__all__ = ["api"]
