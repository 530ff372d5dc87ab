"""The HTTP API (/api/v1/), with its OpenAPI schema at /api/v1/openapi.json and docs at
/api/v1/docs. Every object is looked up through the user's organizations: another
organization's object is a 404, and a viewer's write is a 403. Each app's router lives in its
own `api.py` beside its services; this module puts them together under one API object, keeps
their operation ids, and answers the errors every router may raise."""

from typing import Any

from django.db import DataError, IntegrityError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import ValidationError

from madoguchi.agents import api as agents
from madoguchi.bills import api as bills
from madoguchi.cases import api as cases
from madoguchi.cases.assessment import StoredSiteInvalid
from madoguchi.directory import api as directory
from madoguchi.incidents import api as incidents
from madoguchi.notifications import api as notifications
from madoguchi.orgs.api import AUTH
from madoguchi.receivables import api as receivables
from madoguchi.server.api_common import Invalid
from madoguchi.sites import api as site_document
from madoguchi.subcontracts import api as subcontracts

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


# Each router, in the order of the schema, with the module it lived in when all of them were
# in madoguchi.api: ninja names an operation after its module, and the published ids
# (`madoguchi_api_sites_list_sites`) are what clients generated code from, so they stay.
ROUTERS: tuple[tuple[Router, str], ...] = (
    (site_document.sites, "sites"),
    (site_document.records, "sites"),
    (site_document.parties, "directory"),
    (directory.router, "directory"),
    (cases.router, "cases"),
    (bills.router, "bills"),
    (agents.router, "agents"),
    (receivables.router, "receivables"),
    (subcontracts.router, "subcontracts"),
    (incidents.router, "incidents"),
    (notifications.router, "incidents"),
)


def _keep_operation_ids(router: Router, module: str) -> None:
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"madoguchi_api_{module}_{name}"


for _router, _module in ROUTERS:
    _keep_operation_ids(_router, _module)
    api.add_router("", _router)

__all__ = ["api"]
