"""The API of the directory: the bodies of parties and desks (derived from their forms and
the engine's records), and an organization's corrections of catalog desks. The parties and
desks routes themselves are in `sites.api.parties`: renaming or deleting a party asks which
stored sites name it, which only an app above the site rows can answer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from madoguchi.directory import services
from madoguchi.directory.forms import DeskForm, PartyForm
from madoguchi.directory.models import Desk, DeskOverride, Party
from madoguchi.engine import bounds
from madoguchi.engine import model as engine
from madoguchi.orgs.api import owned_row, target_organization
from madoguchi.server.api_bodies import derive, list_of
from madoguchi.server.api_common import Pages, PathId, Slug, answers, as_422

router = Router(tags=["parties and desks"])

# A desk's and a party's fields are their forms' (the record's and the row's place).
DESK = derive(
    Desk,
    engine.Desk,
    list(DeskForm.base_fields),
    described={"hours": "OpenStreetMap opening_hours"},
)
PARTY = derive(
    Party,
    engine.Party,
    list(PartyForm.base_fields),
    extra_in={
        "organization": (
            str | None,
            Field(
                None,
                max_length=50,
                description="organization slug; needed if you belong to several",
            ),
        )
    },
    extra_out={
        "organization": (str | None, Field(None, alias="organization.slug")),
        "desks": (list_of(DESK.out), ...),
    },
)

# The names the handlers annotate their parameters with. The bodies are pydantic classes
# made at run time (above), so mypy cannot know their fields: to it each is Any.
if TYPE_CHECKING:
    type PartyIn = Any
    type PartyPatch = Any
    type PartyOut = Any
    type DeskIn = Any
    type DeskPatch = Any
    type DeskOut = Any
else:
    PartyIn, PartyPatch, PartyOut = PARTY
    DeskIn, DeskPatch, DeskOut = DESK


PhoneKind = Literal[
    "fixed", "hikari-denwa", "mobile", "docomo-mobile", "au-mobile", "softbank-mobile"
]


class DeskOverrideIn(Schema):
    """An organization's correction of a catalog desk (blank or left out: the catalog's)."""

    organization: str | None = Field(
        None, max_length=50, description="organization slug; needed if you belong to several"
    )
    party: Slug
    desk: Slug
    phone: Annotated[str, Field(max_length=bounds.PHONE)] = ""
    mobile_phone: Annotated[str, Field(max_length=bounds.PHONE)] = ""
    hours: Annotated[
        str, Field(max_length=bounds.HOURS, description="opening_hours, e.g. 24/7")
    ] = ""
    phone_from: list[PhoneKind] | None = Field(
        None, max_length=6, description="the phones the number works from; [] any; null: keep"
    )
    reason: Annotated[str, Field(min_length=1, max_length=bounds.NOTE, pattern=r"\S")]


class DeskOverrideOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    party: str
    desk: str
    phone: str
    mobile_phone: str
    hours: str
    phone_from: list[str] | None
    reason: str
    changed_by: str | None = None
    changed: dt.datetime

    @staticmethod
    def resolve_changed_by(row: Any) -> str | None:
        """Who changed it (their user name); None once that user is gone."""
        return row.changed_by.username if row.changed_by else None


def _overrides(request: HttpRequest) -> QuerySet[DeskOverride]:
    return DeskOverride.objects.for_user(request.user).select_related("organization", "changed_by")


@router.get("/desk-overrides", response=answers(200, list[DeskOverrideOut]))
@paginate(Pages, page_size=100)
def list_desk_overrides(request: HttpRequest) -> QuerySet[DeskOverride]:
    """Your organizations' corrections of catalog desks."""
    return _overrides(request).order_by("organization__slug", "party", "desk", "id")


@router.post("/desk-overrides", response=answers(201, DeskOverrideOut))
def override_desk(request: HttpRequest, payload: DeskOverrideIn) -> Status[DeskOverride]:
    """Correct a catalog desk's number, number from mobiles, hours or `phone_from` for your
    organization (replacing its earlier correction of that desk), with the reason."""
    organization = target_organization(request, payload.organization)
    values = payload.dict(exclude={"organization", "party", "desk"})
    with as_422():
        row = services.override_desk(
            organization, user=request.user, party=payload.party, desk=payload.desk, values=values
        )
    return Status(201, _overrides(request).get(pk=row.pk))


@router.get("/desk-overrides/{override_id}", response=answers(200, DeskOverrideOut))
def get_desk_override(request: HttpRequest, override_id: PathId) -> DeskOverride:
    return get_object_or_404(_overrides(request), pk=override_id)


@router.delete("/desk-overrides/{override_id}", response=answers(204, None))
def withdraw_desk_override(request: HttpRequest, override_id: PathId) -> Status[None]:
    row = owned_row(request, _overrides(request), override_id, write=True)
    services.withdraw_override(row)
    return Status(204, None)
