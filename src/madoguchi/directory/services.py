"""The directory as the engine sees it, and keeping the catalog rows in sync with the YAML."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from madoguchi.directory.models import Desk, DirectoryStamp, Party
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


def _link(value: str) -> str | None:
    """A stored link the engine accepts, or None: a row written before links were checked
    must not stop every page that reads the directory."""
    return value if value and not engine.link_problem(value) else None


def to_engine_party(party: Party) -> engine.Party:
    """A Party row (desks prefetched) as the engine's record."""
    return engine.Party(
        slug=party.slug,
        name=party.name,
        name_en=party.name_en or None,
        kind=party.kind,
        status=party.status,
        region=party.region or None,
        url=_link(party.url),
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
                url=_link(d.url),
                note=d.note or None,
                source=d.source or None,
                checked=d.checked,
                verified=d.verified,
            )
            for d in party.desks.all()
        ],
    )


# Long: a cached directory is never stale, as its key changes with every change to its rows.
DIRECTORY_CACHE_SECONDS = 7 * 24 * 3600


def parties_for(organization: Organization) -> dict[str, engine.Party]:
    """Catalog parties, replaced by the organization's own with the same slug.

    A page needs the directory for every assessment; read from the rows it is two queries
    and 4 ms of conversion, from the cache one small query for the stamps.
    """
    key = _directory_key(organization.pk)
    merged = cache.get(key)
    if merged is None:
        merged = _read_parties(organization)
        cache.set(key, merged, DIRECTORY_CACHE_SECONDS)
    return merged


def _read_parties(organization: Organization) -> dict[str, engine.Party]:
    rows = Party.objects.visible_to(organization).prefetch_related("desks")
    merged: dict[str, engine.Party] = {}
    for row in sorted(rows, key=lambda p: p.organization_id is not None):
        merged[row.slug] = to_engine_party(row)
    return merged


def _directory_key(organization_id: int) -> str:
    """The cache key of an organization's directory: its stamp and the catalog's (created
    on the first read, as a new organization or a flushed database has none)."""
    scope = Q(organization_id=organization_id) | Q(organization__isnull=True)
    stamps: dict[int | None, uuid.UUID] = dict(
        DirectoryStamp.objects.filter(scope).values_list("organization_id", "stamp")
    )
    if len(stamps) < 2:
        DirectoryStamp.objects.bulk_create(
            [DirectoryStamp(organization_id=pk) for pk in (organization_id, None)],
            ignore_conflicts=True,
        )
        stamps = dict(DirectoryStamp.objects.filter(scope).values_list("organization_id", "stamp"))
    return f"madoguchi:directory:{organization_id}:{stamps[organization_id]}:{stamps[None]}"


def directory_changed(organization_id: int | None) -> None:
    """Replace the stamp of the organization's own parties (None: the catalog's, which every
    organization sees), so the next read of the directory comes from the rows."""
    DirectoryStamp.objects.filter(organization_id=organization_id).update(stamp=uuid.uuid4())


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
    directory_changed(party.organization_id)  # bulk_create sends no signals
    return party


@transaction.atomic
def sync_catalog() -> tuple[int, int]:
    """Make the catalog rows equal to the shipped YAML. Returns (saved, removed).

    Parties already equal to the YAML are left alone, so a sync with nothing new writes
    nothing and every organization keeps its cached directory.
    """
    shipped = load_catalog()
    stored = {  # compared as JSON: a row gives back plain strings where the YAML gave enums
        row.slug: to_engine_party(row).model_dump(mode="json")
        for row in Party.objects.filter(organization__isnull=True).prefetch_related("desks")
    }
    saved = 0
    for slug, record in shipped.parties.items():
        if stored.get(slug) != record.model_dump(mode="json"):
            save_party(None, record)
            saved += 1
    stale = Party.objects.filter(organization__isnull=True).exclude(slug__in=shipped.parties)
    removed, _ = stale.delete()
    return saved, removed
