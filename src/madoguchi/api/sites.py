"""Sites, their contracts and events, site files in and out, and assessments."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from madoguchi.api import schemas as s
from madoguchi.api.auth import require_write
from madoguchi.api.common import (
    ERRORS,
    Invalid,
    Pages,
    PathId,
    answers,
    form_or_422,
    merged,
    target_organization,
)
from madoguchi.engine import SiteFileError, limits
from madoguchi.orgs.models import Organization
from madoguchi.server.uploads import declared_length, refused_uploads
from madoguchi.sites.adapter import assess_site, site_directory, with_site_file_rows
from madoguchi.sites.forms import ContractForm, EventForm
from madoguchi.sites.integrity import (
    SiteWouldBreak,
    field_of,
    keeping_site_valid,
    row_prefix,
    site_problems,
)
from madoguchi.sites.models import Contract, Event, Site
from madoguchi.sites.siteio import export_site_text, import_site_text

sites = Router(tags=["sites"])
records = Router(tags=["contracts and events"])


def _broken(exc: SiteWouldBreak, *prefixes: str) -> Invalid:
    """A write refused because the site would no longer read as a site file."""
    errors = [{"path": field_of(p.path, *prefixes), "message": p.message} for p in exc.problems]
    return Invalid("the site would no longer be a valid site file", errors)


def _site(request: HttpRequest, pk: int, *, write: bool = False) -> Site:
    site = get_object_or_404(
        Site.objects.for_user(request.user).select_related("organization"), pk=pk
    )
    if write:
        require_write(request, site.organization_id)
    return site


def _child(request: HttpRequest, model: type[Model], pk: int, *, write: bool = False) -> Any:
    row = get_object_or_404(model.objects.for_user(request.user).select_related("site"), pk=pk)
    _site(request, row.site_id, write=write)
    return row


def _save_in_site(form: BaseModelForm, site_id: int, section: str) -> Any:
    """Save a contract or event form, refusing what would make its site unreadable."""
    if not form.is_valid():
        form_or_422(form)
    prefix = ""
    try:
        with keeping_site_valid(site_id):
            row = form.save()
            prefix = row_prefix(site_id, type(row), row.pk, section)
    except SiteWouldBreak as exc:
        raise _broken(exc, prefix) from None
    return row


def _delete_in_site(row: Model, site_id: int) -> None:
    try:
        with keeping_site_valid(site_id):
            row.delete()
    except SiteWouldBreak as exc:
        raise _broken(exc) from None


# --- sites -------------------------------------------------------------------------------


@sites.get("/sites", response=answers(200, list[s.SiteOut]))
@paginate(Pages, page_size=50)
def list_sites(
    request: HttpRequest,
    q: str = Query("", max_length=200),
    organization: str = Query("", max_length=50),
) -> QuerySet[Site]:
    rows = Site.objects.for_user(request.user).select_related("organization")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(prefecture__icontains=q))
    if organization:
        rows = rows.filter(organization__slug=organization)
    return rows.order_by("name", "id")


@sites.post("/sites", response=answers(201, s.SiteOut))
def create_site(request: HttpRequest, payload: s.SiteIn) -> Status[Site]:
    organization = target_organization(request, payload.organization)
    data = payload.dict(exclude={"organization"})
    data["region"] = data["region"] or ""
    data["building"] = data["building"] or ""
    try:
        with transaction.atomic():
            site = Site.objects.create(organization=organization, **data)
            if problems := site_problems(site.pk):
                raise SiteWouldBreak(problems)
    except SiteWouldBreak as exc:
        raise _broken(exc, "site.", "observations.") from None
    return Status(201, site)


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": s.SiteImportIn.model_json_schema()},
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


def _too_large(field: str, message: str) -> Invalid:
    return Invalid("site file too large", [{"path": field, "message": message}])


def _read(request: HttpRequest, field: str, part: str) -> Any:
    """request.body or request.FILES, the request's size checked first (engine.limits)."""
    if (declared := declared_length(request)) > limits.MAX_REQUEST_BYTES:
        raise _too_large(
            field,
            f"the request is {declared:,} bytes; a site file may hold at most "
            f"{limits.MAX_FILE_BYTES:,} bytes",
        )
    try:
        return getattr(request, part)
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        raise _too_large(field, "the request holds more than one site file") from None


def _site_file_from(request: HttpRequest) -> tuple[str, str | None]:
    """(YAML text, organization slug) from a JSON body, an uploaded file or a raw YAML body.

    Sizes are checked before anything is read or decoded (engine.limits), naming the field."""
    organization = request.GET.get("organization") or None
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            payload = s.SiteImportIn.model_validate_json(_read(request, "content", "body"))
        except ValueError as exc:
            raise Invalid(
                "invalid JSON body", [{"path": "content", "message": str(exc)[:300]}]
            ) from None
        if too_big := limits.size_problem(payload.content):
            raise _too_large("content", too_big)
        return payload.content, payload.organization or organization
    if content_type == "multipart/form-data":
        files = _read(request, "file", "FILES")
        upload = files.get("file") or next(iter(files.values()), None)
        if refused_uploads(request):
            raise _too_large(
                "file",
                f"larger than {limits.MAX_FILE_BYTES:,} bytes, the most a site file may hold",
            )
        if upload is None:
            raise Invalid(
                "no file", [{"path": "file", "message": "upload the site file as 'file'"}]
            )
        if upload.size is not None and upload.size > limits.MAX_FILE_BYTES:
            raise _too_large("file", limits.size_message(upload.size))
        raw, organization = upload.read(), request.POST.get("organization") or organization
    else:
        raw = _read(request, "body", "body")
    if too_big := limits.size_problem(raw):
        raise _too_large("body", too_big)
    try:
        return raw.decode("utf-8"), organization
    except UnicodeDecodeError:
        raise Invalid("invalid site file", [{"path": "", "message": "not UTF-8 text"}]) from None


@sites.post("/sites/import", response=answers(201, s.ImportOut), openapi_extra=IMPORT_BODY)
def import_site(request: HttpRequest) -> Status[Any]:
    """Create a site from a site file: JSON {"content": YAML}, a YAML body, or a file upload
    ('organization' in the body or the query when you belong to several). All or nothing."""
    content, slug = _site_file_from(request)
    organization = target_organization(request, slug)
    return Status(201, _import(request, organization, content, None))


@sites.get("/sites/{site_id}", response=answers(200, s.SiteOut))
def get_site(request: HttpRequest, site_id: PathId) -> Site:
    return _site(request, site_id)


@sites.patch("/sites/{site_id}", response=answers(200, s.SiteOut))
def update_site(request: HttpRequest, site_id: PathId, payload: s.SitePatch) -> Site:
    site = _site(request, site_id, write=True)
    try:
        with keeping_site_valid(site.pk):
            for name, value in payload.dict(exclude_unset=True).items():
                setattr(site, name, "" if value is None else value)
            site.save()
    except SiteWouldBreak as exc:
        raise _broken(exc, "site.", "observations.") from None
    return site


@sites.delete("/sites/{site_id}", response=answers(204, None))
def delete_site(request: HttpRequest, site_id: PathId) -> Status[None]:
    _site(request, site_id, write=True).delete()
    return Status(204, None)


@sites.get("/sites/{site_id}/assessment", response=answers(200, dict[str, Any]))
def site_assessment(
    request: HttpRequest,
    site_id: PathId,
    now: dt.datetime | None = None,
    lang: Literal["ja", "en"] = "ja",
) -> dict[str, Any]:
    """The same JSON as `madoguchi assess --json` on the site's exported file."""
    if now is not None:
        try:
            now = s.sane_time(now)
        except ValueError as exc:
            raise Invalid("invalid input", [{"path": "now", "message": str(exc)}]) from None
    site = get_object_or_404(with_site_file_rows(Site.objects.for_user(request.user)), pk=site_id)
    return assess_site(site, now=now, lang=lang).to_dict()


SITE_FILE_SCHEMA = {
    "type": "object",
    "required": ["version", "site"],
    "description": "a site file (SITE-FILE.md), as YAML",
}


def download(media_type: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI description of a 200 answer that is a file, not JSON."""
    content = {media_type: {"schema": schema}}
    return {"responses": {200: {"description": description, "content": content}}}


@sites.get(
    "/sites/{site_id}/export",
    response=ERRORS,
    openapi_extra=download("application/yaml", "the site file", SITE_FILE_SCHEMA),
)
def export_site(request: HttpRequest, site_id: PathId) -> HttpResponse:
    """The site as a site file (YAML)."""
    site = get_object_or_404(with_site_file_rows(Site.objects.for_user(request.user)), pk=site_id)
    return HttpResponse(export_site_text(site), content_type="application/yaml; charset=utf-8")


def _import(
    request: HttpRequest, organization: Organization, content: str, site: Site | None
) -> Any:
    try:
        # Not inside a transaction: the file is parsed and checked first, and only the save
        # (atomic on its own) holds the database's write lock.
        stored, warnings = import_site_text(organization, content, site=site)
    except SiteFileError as exc:
        errors = [{"path": p.path, "message": p.message} for p in exc.problems]
        raise Invalid("invalid site file", errors) from None
    return {
        "id": stored.pk,
        "name": stored.name,
        "warnings": [{"path": w.path, "message": w.message} for w in warnings],
    }


@sites.put("/sites/{site_id}/import", response=answers(200, s.ImportOut), openapi_extra=IMPORT_BODY)
def replace_site(request: HttpRequest, site_id: PathId) -> Any:
    """Replace a site's contents with a site file (same bodies as import). All or nothing."""
    site = _site(request, site_id, write=True)
    content, _slug = _site_file_from(request)
    return _import(request, site.organization, content, site)


# --- contracts and events ----------------------------------------------------------------

CONTRACT_FIELDS = list(s.ContractIn.model_fields)
EVENT_FIELDS = list(s.EventIn.model_fields)


def _known(site: Site) -> set[str]:
    return set(site_directory(site))


@records.get("/sites/{site_id}/contracts", response=answers(200, list[s.ContractOut]))
@paginate(Pages, page_size=100)
def list_contracts(
    request: HttpRequest, site_id: PathId, service: str = "", party: str = ""
) -> QuerySet[Contract]:
    rows = Contract.objects.filter(site=_site(request, site_id))
    if service:
        rows = rows.filter(service=service)
    if party:
        rows = rows.filter(party=party)
    return rows


@records.post("/sites/{site_id}/contracts", response=answers(201, s.ContractOut))
def create_contract(
    request: HttpRequest, site_id: PathId, payload: s.ContractIn
) -> Status[Contract]:
    site = _site(request, site_id, write=True)
    instance = Contract(site=site, organization=site.organization, position=site.contracts.count())
    form = ContractForm(payload.dict(), instance=instance, site=site, known_parties=_known(site))
    return Status(201, _save_in_site(form, site.pk, "contracts"))


@records.get("/contracts/{contract_id}", response=answers(200, s.ContractOut))
def get_contract(request: HttpRequest, contract_id: PathId) -> Contract:
    return _child(request, Contract, contract_id)


@records.patch("/contracts/{contract_id}", response=answers(200, s.ContractOut))
def update_contract(
    request: HttpRequest, contract_id: PathId, payload: s.ContractPatch
) -> Contract:
    contract = _child(request, Contract, contract_id, write=True)
    data = merged(contract, payload, CONTRACT_FIELDS)
    form = ContractForm(
        data, instance=contract, site=contract.site, known_parties=_known(contract.site)
    )
    return _save_in_site(form, contract.site_id, "contracts")


@records.delete("/contracts/{contract_id}", response=answers(204, None))
def delete_contract(request: HttpRequest, contract_id: PathId) -> Status[None]:
    contract = _child(request, Contract, contract_id, write=True)
    _delete_in_site(contract, contract.site_id)
    return Status(204, None)


@records.get("/sites/{site_id}/events", response=answers(200, list[s.EventOut]))
@paginate(Pages, page_size=100)
def list_events(request: HttpRequest, site_id: PathId, kind: str = "") -> QuerySet[Event]:
    rows = Event.objects.filter(site=_site(request, site_id))
    return rows.filter(kind=kind) if kind else rows


@records.post("/sites/{site_id}/events", response=answers(201, s.EventOut))
def create_event(request: HttpRequest, site_id: PathId, payload: s.EventIn) -> Status[Event]:
    site = _site(request, site_id, write=True)
    instance = Event(site=site, organization=site.organization, position=site.events.count())
    form = EventForm(payload.dict(), instance=instance, site=site, known_parties=_known(site))
    return Status(201, _save_in_site(form, site.pk, "events"))


@records.get("/events/{event_id}", response=answers(200, s.EventOut))
def get_event(request: HttpRequest, event_id: PathId) -> Event:
    return _child(request, Event, event_id)


@records.patch("/events/{event_id}", response=answers(200, s.EventOut))
def update_event(request: HttpRequest, event_id: PathId, payload: s.EventPatch) -> Event:
    event = _child(request, Event, event_id, write=True)
    data = merged(event, payload, EVENT_FIELDS)
    form = EventForm(data, instance=event, site=event.site, known_parties=_known(event.site))
    return _save_in_site(form, event.site_id, "events")


@records.delete("/events/{event_id}", response=answers(204, None))
def delete_event(request: HttpRequest, event_id: PathId) -> Status[None]:
    event = _child(request, Event, event_id, write=True)
    _delete_in_site(event, event.site_id)
    return Status(204, None)
