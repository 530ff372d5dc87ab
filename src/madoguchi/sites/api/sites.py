"""Sites, their contracts and events, site files in and out, and assessments."""

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import create_model

from madoguchi.cases.assessment import assess_site, with_site_file_rows
from madoguchi.contracts import selectors, services
from madoguchi.contracts.forms import BillForm, ContractForm, EventForm
from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import BILLS, CONTRACTS, EVENTS, RowKind, site_directory
from madoguchi.engine import SiteFileError, bounds, limits
from madoguchi.engine.model import Building, Holder, Lamp, Region, Symptom
from madoguchi.orgs.api import require_write, target_organization
from madoguchi.orgs.models import Organization
from madoguchi.server.api_bodies import Bodies, derive, list_of
from madoguchi.server.api_common import (
    ERRORS,
    Blank,
    Invalid,
    LampName,
    Name,
    Pages,
    PathId,
    Problem,
    Slug,
    answers,
    invalid_form,
    merged,
    sane_time,
    unset,
)
from madoguchi.server.uploads import declared_length, refused_uploads
from madoguchi.sitefiles.contacts import site_phonebook, vcard_file
from madoguchi.sitefiles.siteio import (
    OnExisting,
    SiteExists,
    export_site_text,
    import_site_text,
)

sites = Router(tags=["sites"])
records = Router(tags=["contracts, events and bill lines"])


class SiteIn(Schema):
    name: Name
    organization: str | None = Field(
        None, max_length=50, description="organization slug; needed if you belong to several"
    )
    prefecture: str = Field("", max_length=bounds.PREFECTURE, description="e.g. 東京都")
    region: Region | Blank | None = None
    building: Building | Blank | None = None
    holder: Holder = Field(Holder.PERSON, description="who holds the contracts")
    symptoms: list[Symptom] = Field([], max_length=20)
    onu: dict[LampName, Lamp] = {}
    said_no_contract: list[Slug] = Field([], max_length=50)


class SitePatch(Schema):
    name: Name = unset()
    prefecture: str = unset(max_length=bounds.PREFECTURE)
    region: Region | Blank | None = None
    building: Building | Blank | None = None
    holder: Holder = unset(description="who holds the contracts")
    symptoms: list[Symptom] = unset(max_length=20)
    onu: dict[LampName, Lamp] = unset()
    said_no_contract: list[Slug] = unset(max_length=50)


class SiteOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    name: str
    prefecture: str
    region: str
    building: str
    holder: str
    symptoms: list[str]
    onu: dict[str, str]
    said_no_contract: list[str]
    assess_at: dt.datetime | None
    updated: dt.datetime


class ImportOut(Schema):
    id: int
    name: str
    warnings: list[Problem]


class SiteImportIn(Schema):
    content: str = Field(description="the site file (YAML text)")
    organization: str | None = None
    keep_time: bool = Field(
        False, description="keep the file's `now:` as the site's fixed time (default: the clock)"
    )
    existing: Literal["update", "new"] | None = Field(
        None,
        description="if the site already exists: `update` it, add a `new` one; "
        "absent: answer 409 naming the existing site",
    )


ON_SITE = {"site": (int, Field(alias="site_id"))}
CONTRACT = derive(CONTRACTS.model, CONTRACTS.record, CONTRACTS.fields, extra_out=ON_SITE)
EVENT = derive(EVENTS.model, EVENTS.record, EVENTS.fields, extra_out=ON_SITE)
BILL = derive(BILLS.model, BILLS.record, BILLS.fields, extra_out=ON_SITE)


def _broken(exc: SiteWouldBreak, *prefixes: str) -> Invalid:
    """A write refused because the site would no longer read as a site file."""
    errors = [{"path": field, "message": message} for field, message in exc.fields(*prefixes)]
    return Invalid("the site would no longer be a valid site file", errors)


def _site(request: HttpRequest, pk: int, *, write: bool = False) -> Site:
    site = selectors.user_site(request.user, pk)
    if write:
        require_write(request, site.organization_id)
    return site


def _blank(values: dict[str, Any]) -> dict[str, Any]:
    """null clears a column that stores "" for nothing (region, building)."""
    return {name: "" if value is None else value for name, value in values.items()}


# --- sites -------------------------------------------------------------------------------


@sites.get("/sites", response=answers(200, list[SiteOut]))
@paginate(Pages, page_size=50)
def list_sites(
    request: HttpRequest,
    q: str = Query("", max_length=200),
    organization: str = Query("", max_length=50),
) -> QuerySet[Site]:
    """The user's sites whose name, customer, prefecture or a contract ID contains `q` (the
    same search as the web's site list)."""
    return selectors.searched_sites(request.user, q=q, organization=organization)


@sites.post("/sites", response=answers(201, SiteOut))
def create_site(request: HttpRequest, payload: SiteIn) -> Status[Site]:
    organization = target_organization(request, payload.organization)
    values = _blank(payload.dict(exclude={"organization"}))
    try:
        site = services.create_site(organization=organization, values=values)
    except SiteWouldBreak as exc:
        raise _broken(exc, "site.", "observations.") from None
    return Status(201, site)


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": SiteImportIn.model_json_schema()},
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


@dataclass(frozen=True)
class SiteFileSent:
    """A site file sent to import, and what the request says to do with it."""

    content: str
    organization: str | None
    keep_time: bool  # keep the file's `now:` as the site's fixed time
    existing: OnExisting | None  # update | new | None (ask: 409 if the site exists)


TRUE = ("1", "true", "yes", "on")


def _options(values: Any) -> tuple[bool, OnExisting | None]:
    """keep_time and existing from the query string or a form body."""
    keep_time = str(values.get("keep_time", "")).lower() in TRUE
    existing = values.get("existing") or None
    if existing is None:
        return keep_time, None
    if existing not in ("update", "new"):
        raise Invalid(
            "invalid input", [{"path": "existing", "message": "must be 'update' or 'new'"}]
        )
    return keep_time, "update" if existing == "update" else "new"


def _site_file_from(request: HttpRequest) -> SiteFileSent:
    """The YAML text, organization slug and options from a JSON body, an uploaded file or a
    raw YAML body (options in the query string, or in the JSON or form body).

    Sizes are checked before anything is read or decoded (engine.limits), naming the field."""
    organization = request.GET.get("organization") or None
    keep_time, existing = _options(request.GET)
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            payload = SiteImportIn.model_validate_json(_read(request, "content", "body"))
        except ValueError as exc:
            raise Invalid(
                "invalid JSON body", [{"path": "content", "message": str(exc)[:300]}]
            ) from None
        if too_big := limits.size_problem(payload.content):
            raise _too_large("content", too_big)
        return SiteFileSent(
            payload.content,
            payload.organization or organization,
            payload.keep_time or keep_time,
            payload.existing or existing,
        )
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
        posted_keep_time, posted_existing = _options(request.POST)
        keep_time, existing = keep_time or posted_keep_time, posted_existing or existing
    else:
        raw = _read(request, "body", "body")
    if too_big := limits.size_problem(raw):
        raise _too_large("body", too_big)
    try:
        return SiteFileSent(raw.decode("utf-8"), organization, keep_time, existing)
    except UnicodeDecodeError:
        raise Invalid("invalid site file", [{"path": "", "message": "not UTF-8 text"}]) from None


@sites.post("/sites/import", response=answers(201, ImportOut), openapi_extra=IMPORT_BODY)
def import_site(request: HttpRequest) -> Status[Any]:
    """Create a site from a site file: JSON {"content": YAML}, a YAML body, or a file upload
    ('organization' in the body or the query when you belong to several). All or nothing.

    A file for a site the organization already has (its export's `x-madoguchi.site_id`, or
    the same name for the same customer) answers 409 naming that site, unless `existing`
    says to `update` it (all its rows replaced) or to add a `new` one. The file's `now:`
    fixes the site's time only with `keep_time=true`; otherwise the site follows the clock."""
    sent = _site_file_from(request)
    organization = target_organization(request, sent.organization)
    try:
        answer = _import(
            request,
            organization,
            sent.content,
            None,
            keep_time=sent.keep_time,
            existing=sent.existing or "ask",
        )
    except SiteExists as exc:
        site = exc.site
        raise Invalid(
            "this site already exists",
            [
                {
                    "path": "site.name",
                    "message": f"site {site.pk} ({site.name}) already exists: send "
                    "existing=update to update it, or existing=new to add another",
                }
            ],
            status=409,
            extra={"existing": {"id": site.pk, "name": site.name}},
        ) from None
    return Status(201, answer)


@sites.get("/sites/{site_id}", response=answers(200, SiteOut))
def get_site(request: HttpRequest, site_id: PathId) -> Site:
    return _site(request, site_id)


@sites.patch("/sites/{site_id}", response=answers(200, SiteOut))
def update_site(request: HttpRequest, site_id: PathId, payload: SitePatch) -> Site:
    site = _site(request, site_id, write=True)
    try:
        services.update_site(site, values=_blank(payload.dict(exclude_unset=True)))
    except SiteWouldBreak as exc:
        raise _broken(exc, "site.", "observations.") from None
    return site


@sites.delete("/sites/{site_id}", response=answers(204, None))
def delete_site(request: HttpRequest, site_id: PathId) -> Status[None]:
    services.delete_site(_site(request, site_id, write=True))
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
            now = sane_time(now)
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


@sites.get(
    "/sites/{site_id}/phonebook",
    response=ERRORS,
    openapi_extra=download(
        "text/vcard",
        "the site's desks as phone contacts (vCard 3.0, UTF-8)",
        {"type": "string"},
    ),
)
def site_phonebook_file(request: HttpRequest, site_id: PathId) -> HttpResponse:
    """The site's desks as contacts to import into a phone: one per company and purpose,
    each number labelled with the phones it works from, the hours and the IDs to read out.
    Not at /contacts: that path holds the site's customer contacts for incident updates."""
    site = get_object_or_404(with_site_file_rows(Site.objects.for_user(request.user)), pk=site_id)
    response = HttpResponse(
        vcard_file([(site, site_phonebook(site))]), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contacts-{site.pk}.vcf"'
    return response


def _import(
    request: HttpRequest,
    organization: Organization,
    content: str,
    site: Site | None,
    *,
    keep_time: bool = False,
    existing: OnExisting = "new",
) -> Any:
    try:
        # Not inside a transaction: the file is parsed and checked first, and only the save
        # (atomic on its own) holds the database's write lock.
        stored, warnings = import_site_text(
            organization, content, site=site, keep_time=keep_time, existing=existing
        )
    except SiteFileError as exc:
        errors = [{"path": p.path, "message": p.message} for p in exc.problems]
        raise Invalid("invalid site file", errors) from None
    return {
        "id": stored.pk,
        "name": stored.name,
        "warnings": [{"path": w.path, "message": w.message} for w in warnings],
    }


@sites.put("/sites/{site_id}/import", response=answers(200, ImportOut), openapi_extra=IMPORT_BODY)
def replace_site(request: HttpRequest, site_id: PathId) -> Any:
    """Replace a site's contents with a site file (same bodies as import). All or nothing."""
    site = _site(request, site_id, write=True)
    sent = _site_file_from(request)
    return _import(request, site.organization, sent.content, site, keep_time=sent.keep_time)


@sites.post("/sites/{site_id}/live-clock", response=answers(200, SiteOut))
def live_clock(request: HttpRequest, site_id: PathId) -> Site:
    """Assess the site at the current time again (drop a fixed time kept from a file)."""
    return services.use_live_clock(_site(request, site_id, write=True))


# --- contracts and events ----------------------------------------------------------------


@dataclass(frozen=True)
class RowApi:
    """How the API serves one kind of a site's rows (contracts, events)."""

    kind: RowKind
    name: str  # singular, as in the paths (`/contracts/{contract_id}`) and operation names
    form: type[ContractForm | EventForm | BillForm]
    bodies: Bodies
    filters: tuple[str, ...]  # columns a list may be filtered on by equality


def _named[F: Callable[..., Any]](
    name: str, row_id: str = "", **annotations: Any
) -> Callable[[F], F]:
    """Give a generated handler its own name and its kind's types: ninja derives operation
    ids and URL names from the name, so each kind keeps the ids it had when written out by
    hand. `row_id` names the path parameter that the handler's `**ids` receives
    (`contract_id`); `annotations` replace parameters' annotations with the kind's bodies,
    which are classes made at run time (server/api_bodies.py) and so cannot be written in the
    handler's own annotations."""

    def rename(handler: F) -> F:
        handler.__name__ = handler.__qualname__ = name
        signature = inspect.signature(handler)
        params = [
            p.replace(annotation=annotations.get(p.name, p.annotation))
            for p in signature.parameters.values()
            if p.kind != p.VAR_KEYWORD
        ]
        if row_id:
            params.append(
                inspect.Parameter(row_id, inspect.Parameter.KEYWORD_ONLY, annotation=PathId)
            )
        handler.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        return handler

    return rename


def _save(rows: RowApi, row: Any, data: dict[str, Any]) -> Any:
    """Validate `data` with the web's form, then save through the service."""
    form = rows.form(data, instance=row, site=row.site, directory=site_directory(row.site))
    if not form.is_valid():
        raise invalid_form(form)
    values = {name: form.cleaned_data[name] for name in rows.kind.fields}
    try:
        return services.save_row(form.instance, values=values)
    except SiteWouldBreak as exc:
        raise _broken(exc) from None


def register_rows(router: Router, rows: RowApi) -> None:
    """List, create, get, patch and delete for one kind of a site's rows."""
    model, section, one = rows.kind.model, rows.kind.section, rows.name
    filter_fields: dict[str, Any] = dict.fromkeys(rows.filters, (str, ""))
    Filters = create_model(f"{one.title()}Filters", __base__=Schema, **filter_fields)

    def child(request: HttpRequest, pk: int, *, write: bool = False) -> Any:
        row = get_object_or_404(
            model.objects.for_user(request.user).select_related("site__organization"), pk=pk
        )
        _site(request, row.site_id, write=write)
        return row

    @router.get(f"/sites/{{site_id}}/{section}", response=answers(200, list_of(rows.bodies.out)))
    @paginate(Pages, page_size=100)
    @_named(f"list_{section}", filters=Query[Filters])
    def list_rows(request: HttpRequest, site_id: PathId, filters: Schema) -> QuerySet[Model]:
        wanted = {name: value for name, value in filters.dict().items() if value}
        return model.objects.filter(site=_site(request, site_id), **wanted)

    @router.post(f"/sites/{{site_id}}/{section}", response=answers(201, rows.bodies.out))
    @_named(f"create_{one}", payload=rows.bodies.create)
    def create_row(request: HttpRequest, site_id: PathId, payload: Schema) -> Status[Any]:
        row = services.new_row(rows.kind, site=_site(request, site_id, write=True))
        return Status(201, _save(rows, row, payload.dict()))

    @router.get(f"/{section}/{{{one}_id}}", response=answers(200, rows.bodies.out))
    @_named(f"get_{one}", f"{one}_id")
    def get_row(request: HttpRequest, **ids: PathId) -> Any:
        return child(request, ids[f"{one}_id"])

    @router.patch(f"/{section}/{{{one}_id}}", response=answers(200, rows.bodies.out))
    @_named(f"update_{one}", f"{one}_id", payload=rows.bodies.patch)
    def update_row(request: HttpRequest, payload: Schema, **ids: PathId) -> Any:
        row = child(request, ids[f"{one}_id"], write=True)
        return _save(rows, row, merged(row, payload, rows.kind.fields))

    @router.delete(f"/{section}/{{{one}_id}}", response=answers(204, None))
    @_named(f"delete_{one}", f"{one}_id")
    def delete_row(request: HttpRequest, **ids: PathId) -> Status[None]:
        row = child(request, ids[f"{one}_id"], write=True)
        try:
            services.delete_row(row)
        except SiteWouldBreak as exc:
            raise _broken(exc) from None
        return Status(204, None)


register_rows(
    records,
    RowApi(
        CONTRACTS,
        "contract",
        ContractForm,
        CONTRACT,
        ("service", "party"),
    ),
)
register_rows(records, RowApi(EVENTS, "event", EventForm, EVENT, ("kind",)))
register_rows(records, RowApi(BILLS, "bill", BillForm, BILL, ("party", "month")))
