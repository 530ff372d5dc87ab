"""Parties and desks: the shipped catalog (read-only) and an organization's own."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.api import schemas as s
from madoguchi.api.auth import require_write
from madoguchi.api.common import Pages, PathId, answers, form_or_422, merged, target_organization
from madoguchi.directory.forms import DeskForm, PartyForm
from madoguchi.directory.models import Desk, Party
from madoguchi.orgs.models import organizations_for
from madoguchi.sitefiles.integrity import sites_naming

directory = Router(tags=["parties and desks"])


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
    organization = target_organization(request, payload.organization)
    form = PartyForm(
        payload.dict(exclude={"organization"}),
        instance=Party(organization=organization),
        organization=organization,
    )
    return Status(201, form_or_422(form))


@directory.get("/parties/{party_id}", response=answers(200, s.PartyOut))
def get_party(request: HttpRequest, party_id: PathId) -> Party:
    return get_object_or_404(_visible_parties(request).prefetch_related("desks"), pk=party_id)


@directory.patch("/parties/{party_id}", response=answers(200, s.PartyOut))
def update_party(request: HttpRequest, party_id: PathId, payload: s.PartyPatch) -> Party:
    party = _own_party(request, party_id)
    data = merged(party, payload, list(s.PartyPatch.model_fields))
    if data["slug"] != party.slug:
        _refuse_if_used(party)
    return form_or_422(PartyForm(data, instance=party, organization=party.organization))


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
    return Status(201, form_or_422(DeskForm(payload.dict(), instance=Desk(party=party))))


def _own_desk(request: HttpRequest, pk: int) -> Desk:
    desk = get_object_or_404(Desk.objects.filter(party__in=_visible_parties(request)), pk=pk)
    _own_party(request, desk.party_id)
    return desk


@directory.patch("/desks/{desk_id}", response=answers(200, s.DeskOut))
def update_desk(request: HttpRequest, desk_id: PathId, payload: s.DeskPatch) -> Desk:
    desk = _own_desk(request, desk_id)
    data = merged(desk, payload, list(s.DeskPatch.model_fields))
    return form_or_422(DeskForm(data, instance=desk))


@directory.delete("/desks/{desk_id}", response=answers(204, None))
def delete_desk(request: HttpRequest, desk_id: PathId) -> Status[None]:
    _own_desk(request, desk_id).delete()
    return Status(204, None)
