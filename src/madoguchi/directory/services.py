"""The directory as the engine sees it, and keeping the catalog rows in sync with the YAML."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from madoguchi.directory.models import Desk, Party
from madoguchi.engine import Catalog, load_catalog
from madoguchi.engine import model as engine
from madoguchi.orgs.models import Organization

PARTY_FIELDS = (
    "name",
    "name_en",
    "kind",
    "status",
    "region",
    "url",
    "note",
    "source",
    "checked",
    "verified",
)
DESK_FIELDS = (
    "name",
    "name_en",
    "purposes",
    "phone",
    "hours",
    "url",
    "note",
    "source",
    "checked",
    "verified",
)


def to_engine_party(party: Party) -> engine.Party:
    """A Party row (desks prefetched) as the engine's record."""
    return engine.Party(
        slug=party.slug,
        name=party.name,
        name_en=party.name_en or None,
        kind=party.kind,
        status=party.status,
        region=party.region or None,
        url=party.url or None,
        note=party.note or None,
        source=party.source or None,
        checked=party.checked,
        verified=party.verified,
        desks=[
            engine.Desk(
                slug=d.slug,
                name=d.name or None,
                name_en=d.name_en or None,
                purposes=d.purpose_values,
                phone=d.phone or None,
                hours=d.hours or None,
                url=d.url or None,
                note=d.note or None,
                source=d.source or None,
                checked=d.checked,
                verified=d.verified,
            )
            for d in party.desks.all()
        ],
    )


def parties_for(organization: Organization) -> dict[str, engine.Party]:
    """Catalog parties, replaced by the organization's own with the same slug."""
    rows = Party.objects.visible_to(organization).prefetch_related("desks")
    merged: dict[str, engine.Party] = {}
    for row in sorted(rows, key=lambda p: p.organization_id is not None):
        merged[row.slug] = to_engine_party(row)
    return merged


def catalog_for(organization: Organization) -> Catalog:
    """The engine's catalog for one organization: its directory plus the shipped options."""
    shipped = load_catalog()
    return Catalog(
        parties=parties_for(organization),
        options=shipped.options,
        prefectures=shipped.prefectures,
    )


def _row_values(record: engine.Party | engine.Desk, fields: Iterable[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in fields:
        value = getattr(record, name)
        if name == "purposes":
            value = [str(p) for p in value]
        elif value is None:
            value = None if name == "checked" else ""
        else:
            value = str(value) if hasattr(value, "value") else value
        values[name] = value
    return values


@transaction.atomic
def save_party(organization: Organization | None, record: engine.Party) -> Party:
    """Create or replace a party and its desks from an engine record."""
    party, _created = Party.objects.update_or_create(
        organization=organization, slug=record.slug, defaults=_row_values(record, PARTY_FIELDS)
    )
    party.desks.all().delete()
    Desk.objects.bulk_create(
        Desk(party=party, position=i, slug=d.slug, **_row_values(d, DESK_FIELDS))
        for i, d in enumerate(record.desks)
    )
    return party


@transaction.atomic
def sync_catalog() -> tuple[int, int]:
    """Make the catalog rows equal to the shipped YAML. Returns (saved, removed)."""
    shipped = load_catalog()
    for record in shipped.parties.values():
        save_party(None, record)
    stale = Party.objects.filter(organization__isnull=True).exclude(slug__in=shipped.parties)
    removed, _ = stale.delete()
    return len(shipped.parties), removed
