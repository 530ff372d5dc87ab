"""Parties and desks: the shipped catalog (read-only) and an organization's own. Here, above
the site rows, because a party that stored sites name may be neither renamed nor deleted
(`cases.assessment.sites_naming`); the bodies are the directory's (`directory.api`)."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.cases.assessment import sites_naming
from madoguchi.directory import services
from madoguchi.directory.api import (
    DeskIn,
    DeskOut,
    DeskPatch,
    PartyIn,
    PartyOut,
    PartyPatch,
)
from madoguchi.directory.models import Desk, Party
from madoguchi.directory.selectors import visible_parties
from madoguchi.orgs.api import require_write, target_organization
from madoguchi.server.api_common import Pages, PathId, answers, as_422

parties = Router(tags=["parties and desks"])


def _visible_parties(request: HttpRequest) -> QuerySet[Party]:
    return visible_parties(request.user)


def _own_party(request: HttpRequest, pk: int) -> Party:
    party = get_object_or_404(_visible_parties(request).select_related("organization"), pk=pk)
    if party.organization is None:
        raise HttpError(403, "catalog parties are read-only; create your own with the same slug")
    require_write(request, party.organization.pk)
    return party


@parties.get("/parties", response=answers(200, list[PartyOut]))
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


@parties.post("/parties", response=answers(201, PartyOut))
def create_party(request: HttpRequest, payload: PartyIn) -> Status[Party]:
    organization = target_organization(request, payload.organization)
    with as_422():
        party = services.create_party(organization, values=payload.dict(exclude={"organization"}))
    return Status(201, party)


@parties.get("/parties/{party_id}", response=answers(200, PartyOut))
def get_party(request: HttpRequest, party_id: PathId) -> Party:
    return get_object_or_404(_visible_parties(request).prefetch_related("desks"), pk=party_id)


@parties.patch("/parties/{party_id}", response=answers(200, PartyOut))
def update_party(request: HttpRequest, party_id: PathId, payload: PartyPatch) -> Party:
    party = _own_party(request, party_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("slug", party.slug) != party.slug:
        _refuse_if_used(party)
    with as_422():
        return services.update_party(party, changes=changes)


def _refuse_if_used(party: Party) -> None:
    """A party that sites name (and the catalog does not also define) must stay: without it
    those sites would no longer read as site files."""
    if used := sites_naming(party):
        raise HttpError(
            409,
            f"{len(used)} site(s) name this party (e.g. site {used[0]}); "
            "change them first, or keep the slug",
        )


@parties.delete("/parties/{party_id}", response=answers(204, None))
def delete_party(request: HttpRequest, party_id: PathId) -> Status[None]:
    party = _own_party(request, party_id)
    _refuse_if_used(party)
    services.delete_party(party)
    return Status(204, None)


@parties.post("/parties/{party_id}/desks", response=answers(201, DeskOut))
def create_desk(request: HttpRequest, party_id: PathId, payload: DeskIn) -> Status[Desk]:
    party = _own_party(request, party_id)
    with as_422():
        return Status(201, services.create_desk(party, values=payload.dict()))


def _own_desk(request: HttpRequest, pk: int) -> Desk:
    desk = get_object_or_404(Desk.objects.filter(party__in=_visible_parties(request)), pk=pk)
    _own_party(request, desk.party_id)
    return desk


@parties.patch("/desks/{desk_id}", response=answers(200, DeskOut))
def update_desk(request: HttpRequest, desk_id: PathId, payload: DeskPatch) -> Desk:
    desk = _own_desk(request, desk_id)
    with as_422():
        return services.update_desk(desk, changes=payload.dict(exclude_unset=True))


@parties.delete("/desks/{desk_id}", response=answers(204, None))
def delete_desk(request: HttpRequest, desk_id: PathId) -> Status[None]:
    services.delete_desk(_own_desk(request, desk_id))
    return Status(204, None)
