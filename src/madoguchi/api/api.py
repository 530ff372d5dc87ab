"""The HTTP API (/api/v1/), with its OpenAPI schema at /api/v1/openapi.json and docs at
/api/v1/docs. Every object is looked up through the user's organizations: another
organization's object is a 404, and a viewer's write is a 403."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError, IntegrityError, transaction
from django.db.models import Model, ProtectedError, Q, QuerySet
from django.forms import BaseForm, model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from madoguchi.api import schemas as s
from madoguchi.api.auth import AUTH, READ_ONLY, require_write
from madoguchi.api.cases import router as cases_router
from madoguchi.api.common import ERRORS, Invalid, Pages, PathId, answers
from madoguchi.directory.forms import DeskForm, PartyForm
from madoguchi.directory.models import Desk, Party
from madoguchi.engine import SiteFileError, limits
from madoguchi.orgs.models import Organization, organizations_for
from madoguchi.server.uploads import declared_length, refused_uploads
from madoguchi.sites.adapter import assess_site, site_directory, with_site_file_rows
from madoguchi.sites.forms import ContractForm, EventForm
from madoguchi.sites.integrity import (
    SiteWouldBreak,
    field_of,
    keeping_site_valid,
    row_prefix,
    site_problems,
    sites_naming,
)
from madoguchi.sites.models import Contract, Event, Site
from madoguchi.sites.siteio import export_site_text, import_site_text

api = NinjaAPI(
    title="Madoguchi API",
    version="1.0.0",
    urls_namespace="api",
    auth=AUTH,
    description="Sites, their contracts and events, parties and desks, and assessments.",
)


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, "errors": exc.errors}, status=422)


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


def _broken(exc: SiteWouldBreak, *prefixes: str) -> Invalid:
    """A write refused because the site would no longer read as a site file."""
    errors = [{"path": field_of(p.path, *prefixes), "message": p.message} for p in exc.problems]
    return Invalid("the site would no longer be a valid site file", errors)


sites = Router(tags=["sites"])
records = Router(tags=["contracts and events"])
directory = Router(tags=["parties and desks"])


# --- access ------------------------------------------------------------------------------


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


def _organization(request: HttpRequest, slug: str | None) -> Organization:
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


def _form_or_422(form: BaseForm) -> Any:
    if not form.is_valid():
        errors = [
            {"path": field, "message": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise Invalid("invalid input", errors)
    return form.save()


def _save_in_site(form: BaseForm, site_id: int, section: str) -> Any:
    """Save a contract or event form, refusing what would make its site unreadable."""
    if not form.is_valid():
        _form_or_422(form)
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


def _merged(instance: Model, payload: Any, fields: list[str]) -> dict[str, Any]:
    data = model_to_dict(instance, fields=fields)
    data.update(payload.dict(exclude_unset=True))
    return data


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
    organization = _organization(request, payload.organization)
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
    organization = _organization(request, slug)
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
    data = _merged(contract, payload, CONTRACT_FIELDS)
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
    data = _merged(event, payload, EVENT_FIELDS)
    form = EventForm(data, instance=event, site=event.site, known_parties=_known(event.site))
    return _save_in_site(form, event.site_id, "events")


@records.delete("/events/{event_id}", response=answers(204, None))
def delete_event(request: HttpRequest, event_id: PathId) -> Status[None]:
    event = _child(request, Event, event_id, write=True)
    _delete_in_site(event, event.site_id)
    return Status(204, None)


# --- parties and desks -------------------------------------------------------------------


def _visible_parties(request: HttpRequest) -> QuerySet[Party]:
    mine = organizations_for(request.user)
    return Party.objects.filter(Q(organization__isnull=True) | Q(organization__in=mine))


def _own_party(request: HttpRequest, pk: int) -> Party:
    party = get_object_or_404(_visible_parties(request).select_related("organization"), pk=pk)
    if party.organization is None:
        raise HttpError(403, "catalog parties are read-only; create your own with the same slug")
    require_write(request, party.organization_id)
    return party


@directory.get("/parties", response=answers(200, list[s.PartyOut]))
@paginate(Pages, page_size=100)
def list_parties(
    request: HttpRequest,
    kind: str = Query("", max_length=20),
    q: str = Query("", max_length=200),
    own: bool = False,
) -> QuerySet[Party]:
    rows = _visible_parties(request).select_related("organization").prefetch_related("desks")
    if own:
        rows = rows.filter(organization__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(slug__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return rows.order_by("slug", "id")


@directory.post("/parties", response=answers(201, s.PartyOut))
def create_party(request: HttpRequest, payload: s.PartyIn) -> Status[Party]:
    organization = _organization(request, payload.organization)
    form = PartyForm(
        payload.dict(exclude={"organization"}),
        instance=Party(organization=organization),
        organization=organization,
    )
    return Status(201, _form_or_422(form))


@directory.get("/parties/{party_id}", response=answers(200, s.PartyOut))
def get_party(request: HttpRequest, party_id: PathId) -> Party:
    return get_object_or_404(_visible_parties(request).prefetch_related("desks"), pk=party_id)


@directory.patch("/parties/{party_id}", response=answers(200, s.PartyOut))
def update_party(request: HttpRequest, party_id: PathId, payload: s.PartyPatch) -> Party:
    party = _own_party(request, party_id)
    data = _merged(party, payload, list(s.PartyPatch.model_fields))
    if data["slug"] != party.slug:
        _refuse_if_used(party)
    return _form_or_422(PartyForm(data, instance=party, organization=party.organization))


def _refuse_if_used(party: Party) -> None:
    """A party that sites name (and the catalog does not also define) must stay: without it
    those sites would no longer read as site files."""
    if used := sites_naming(party):
        raise HttpError(
            409,
            f"{len(used)} site(s) name this party (e.g. site {used[0]}); "
            "change them first, or keep the slug",
        )


@directory.delete("/parties/{party_id}", response=answers(204, None))
def delete_party(request: HttpRequest, party_id: PathId) -> Status[None]:
    party = _own_party(request, party_id)
    _refuse_if_used(party)
    party.delete()
    return Status(204, None)


@directory.post("/parties/{party_id}/desks", response=answers(201, s.DeskOut))
def create_desk(request: HttpRequest, party_id: PathId, payload: s.DeskIn) -> Status[Desk]:
    party = _own_party(request, party_id)
    return Status(201, _form_or_422(DeskForm(payload.dict(), instance=Desk(party=party))))


def _own_desk(request: HttpRequest, pk: int) -> Desk:
    desk = get_object_or_404(Desk.objects.filter(party__in=_visible_parties(request)), pk=pk)
    _own_party(request, desk.party_id)
    return desk


@directory.patch("/desks/{desk_id}", response=answers(200, s.DeskOut))
def update_desk(request: HttpRequest, desk_id: PathId, payload: s.DeskPatch) -> Desk:
    desk = _own_desk(request, desk_id)
    data = _merged(desk, payload, list(s.DeskPatch.model_fields))
    return _form_or_422(DeskForm(data, instance=desk))


@directory.delete("/desks/{desk_id}", response=answers(204, None))
def delete_desk(request: HttpRequest, desk_id: PathId) -> Status[None]:
    _own_desk(request, desk_id).delete()
    return Status(204, None)


api.add_router("", sites)
api.add_router("", records)
api.add_router("", directory)
api.add_router("", cases_router)

__all__ = ["api"]
