"""Reads of the directory: the parties an organization sees (as the engine's records, cached)
and the rows a user may see."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet

from madoguchi.directory.models import DeskOverride, DirectoryStamp, FactConfirmation, Party
from madoguchi.directory.records import to_record
from madoguchi.engine import Catalog, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.catalog import match_parties, party_aliases
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import organization_ids, organizations_for
from madoguchi.orgs.types import AnyUser
from madoguchi.server.prepared import Values, prepared_or_built

Directory = dict[str, engine.Party]

# Long: a cached directory is never stale, as its key changes with every change to its rows.
DIRECTORY_CACHE_SECONDS = 7 * 24 * 3600


# The fields of a catalog desk an organization may correct for itself (DeskOverride).
CORRECTABLE = ("phone", "mobile_phone", "hours", "phone_from")


@dataclass(frozen=True, slots=True)
class Correction:
    """An organization's own correction of a catalog desk, as pages show it: the fields it
    changed, the catalog's values and the organization's, who changed them, when and why."""

    pk: int
    party: str
    desk: str
    fields: tuple[str, ...]
    catalog: dict[str, Any]
    values: dict[str, Any]
    changed_by: str
    changed: dt.datetime
    reason: str


Corrections = dict[tuple[str, str], Correction]


def parties_for(organization: Organization) -> Directory:
    """Catalog parties, replaced by the organization's own with the same slug, with the
    organization's corrections of catalog desks applied."""
    return directory_with_corrections(organization)[0]


def directory_with_key(organization: Organization) -> tuple[Directory, Corrections, str]:
    """`directory_with_corrections` and its cache key, which changes whenever the directory
    does (`_cached` says how): for caches of what is derived from the directory
    (cases.assessment.stored_site). One small query, as `parties_for`."""
    (directory, corrections), key = _cached_with_key(
        organization.pk, lambda: _read_parties(organization)
    )
    return directory, corrections, key


def directory_with_corrections(organization: Organization) -> tuple[Directory, Corrections]:
    """The directory (`parties_for`) and the corrections it applies, by (party, desk): one
    small query, as both are cached together."""
    return _cached(organization.pk, lambda: _read_parties(organization))


def _read_parties(organization: Organization) -> tuple[Directory, Corrections]:
    rows = Party.objects.visible_to(organization).prefetch_related("desks")
    merged: Directory = {}
    for row in sorted(rows, key=lambda p: p.organization_id is not None):
        merged[row.slug] = to_record(row)
    own = {row.slug for row in rows if row.organization_id is not None}
    confirmed = {c.key: c for c in FactConfirmation.objects.filter(organization=organization)}
    if confirmed:
        for slug, party in merged.items():
            if slug not in own:
                merged[slug] = _with_confirmations(party, confirmed)
    corrections: Corrections = {}
    overrides = DeskOverride.objects.filter(organization=organization).select_related("changed_by")
    for override in overrides:
        catalog_party = merged.get(override.party)
        if catalog_party is None or override.party in own:
            continue  # a desk of the organization's own party is edited as its own
        merged[override.party], correction = _corrected(catalog_party, override)
        if correction is not None:
            corrections[(override.party, override.desk)] = correction
    return merged, corrections


def override_values(override: DeskOverride) -> dict[str, Any]:
    """The fields the override sets (a blank one keeps the catalog's value)."""
    values: dict[str, Any] = {}
    for name in ("phone", "mobile_phone", "hours"):
        if getattr(override, name):
            values[name] = getattr(override, name)
    if override.phone_from is not None:
        values["phone_from"] = override.phone_from_values
    return values


def _corrected(
    party: engine.Party, override: DeskOverride
) -> tuple[engine.Party, Correction | None]:
    """The catalog party with the override applied to its desk, and the correction as
    pages show it (None when the desk is no longer in the catalog)."""
    desks = list(party.desks)
    index = next((i for i, d in enumerate(desks) if d.slug == override.desk), None)
    if index is None:
        return party, None
    desk = desks[index]
    values = override_values(override)
    update: dict[str, Any] = dict(values)
    if "phone" in values or "mobile_phone" in values:
        # The organization vouches for the number it gave (hours or phones alone do not
        # make a number seen only on third-party pages any surer).
        update |= {"verified": True, "third_party_number": False}
    if "phone_from" in values:
        update["phone_from"] = [engine.PhoneFrom(p) for p in values["phone_from"]]
    desks[index] = desk.model_copy(update=update)
    who = override.changed_by
    correction = Correction(
        pk=override.pk,
        party=party.slug,
        desk=desk.slug,
        fields=tuple(values),
        catalog={name: _catalog_value(desk, name) for name in values},
        values=values,
        changed_by=(who.get_full_name() or who.get_username()) if who else "",
        changed=override.changed,
        reason=override.reason,
    )
    return party.model_copy(update={"desks": desks}), correction


def _catalog_value(desk: engine.Desk, name: str) -> Any:
    value = getattr(desk, name)
    if name == "phone_from":
        return [str(p) for p in value]
    return value


def corrections_for(organization: Organization) -> Corrections:
    """The organization's corrections of catalog desks (cached with its directory)."""
    return directory_with_corrections(organization)[1]


def desk_overrides(organization: Organization) -> list[DeskOverride]:
    """The organization's override rows, with who changed them."""
    return list(DeskOverride.objects.filter(organization=organization).select_related("changed_by"))


def _with_confirmations(
    party: engine.Party, confirmed: dict[str, FactConfirmation]
) -> engine.Party:
    """A catalog party whose facts the organization confirmed, confirmed by its source."""

    def update(row: FactConfirmation) -> dict[str, object]:
        return {"verified": True, "source": row.source, "checked": row.checked}

    desks = [
        desk.model_copy(update=update(row))
        if (row := confirmed.get(f"desk:{party.slug}/{desk.slug}"))
        else desk
        for desk in party.desks
    ]
    changes: dict[str, object] = {"desks": desks}
    if row := confirmed.get(f"party:{party.slug}"):
        changes |= update(row)
    return party.model_copy(update=changes)


def confirmations_for(organization: Organization) -> dict[str, FactConfirmation]:
    """The organization's own confirmations of catalog facts, by fact key."""
    rows = FactConfirmation.objects.filter(organization=organization).select_related("confirmed_by")
    return {row.key: row for row in rows}


# The directories this process has read, by their cache key, and how many it keeps (a
# directory is most of the catalog: tens of kilobytes; past the bound it starts again).
_IN_PROCESS: dict[str, tuple[Directory, Corrections]] = {}
IN_PROCESS_DIRECTORIES = 256


def _cached(
    organization_id: int, read: Callable[[], tuple[Directory, Corrections]]
) -> tuple[Directory, Corrections]:
    return _cached_with_key(organization_id, read)[0]


def _cached_with_key(
    organization_id: int, read: Callable[[], tuple[Directory, Corrections]]
) -> tuple[tuple[Directory, Corrections], str]:
    """The organization's directory from the cache, or `read` and cached.

    Why: a page needs the directory for every assessment; read from the rows it is two
    queries and 4 ms of conversion, from the cache one small query for the stamps. The key
    holds the organization's stamp and the catalog's, which every change to a party or desk
    replaces (services.directory_changed), so a cached directory is never stale. The stamps
    are created on the first read, as a new organization or a flushed database has none.

    The process keeps what it read under the same key, so a page unpickles no directory
    from Django's cache (0.7 ms of every page, issue 26): the records are frozen and every
    caller copies the dict before adding to it (`site_directory`, the engine's context).
    """
    stamps = _stamps(organization_id)
    if len(stamps) < 2:
        DirectoryStamp.objects.bulk_create(
            [DirectoryStamp(organization_id=pk) for pk in (organization_id, None)],
            ignore_conflicts=True,
        )
        stamps = _stamps(organization_id)
    key = f"madoguchi:directory:v2:{organization_id}:{stamps[organization_id]}:{stamps[None]}"
    directory = _IN_PROCESS.get(key)
    if directory is None:
        directory = cache.get(key)
        if directory is None:
            directory = read()
            cache.set(key, directory, DIRECTORY_CACHE_SECONDS)
        if len(_IN_PROCESS) >= IN_PROCESS_DIRECTORIES:
            _IN_PROCESS.clear()
        _IN_PROCESS[key] = directory
    return directory, key


def _stamps(organization_id: int) -> dict[int | None, uuid.UUID]:
    """The organization's directory stamp and the catalog's (by None), as they are: read on
    every page that shows a party, from a statement compiled once (`prepared_reads`)."""
    values = {"organization": [organization_id]}
    (found,) = prepared_or_built(("directory stamps",), _stamps_read, values)
    return {row["organization_id"]: row["stamp"] for row in found}


def _stamps_read(values: Values) -> list[Any]:
    (organization_id,) = values["organization"]
    scope = Q(organization_id=organization_id) | Q(organization__isnull=True)
    return [DirectoryStamp.objects.filter(scope).values("organization_id", "stamp")]


def catalog_for(organization: Organization) -> Catalog:
    """The engine's catalog for one organization: its directory plus the shipped options."""
    shipped = load_catalog()
    return Catalog(
        parties=parties_for(organization),
        options=shipped.options,
        prefectures=shipped.prefectures,
        outage_rules=shipped.outage_rules,
        fee_cap=shipped.fee_cap,
        initial_cancellation=shipped.initial_cancellation,
        payment_fees=shipped.payment_fees,
        changelog=shipped.changelog,
    )


def find_parties(
    organization: Organization, text: str, region: str | None = None
) -> list[engine.Party]:
    """The parties of the organization's directory that `text` names, best first: by name,
    English name, slug or an alias of the shipped catalog (ドコモ → ドコモ光; NTT in the
    east → NTT東日本; ソネット → So-net 光), compared without width, case, spaces, hyphens
    or the word for fiber (engine.catalog.match_parties). One small query (the cached
    directory's stamps)."""
    return match_parties(
        parties_for(organization).values(), text, aliases=_aliases(), region=region or None
    )


def _aliases() -> dict[str, list[str]]:
    return {slug: party_aliases(p) for slug, p in load_catalog().parties.items()}


def directories_of(user: AnyUser) -> dict[int, Directory]:
    """The directory of each of the user's organizations, by organization id (cached: one
    query for the organizations, one small one for each directory's stamps; both from
    statements compiled once, as the desk and every search ask)."""
    values = {"organization": organization_ids(user)}
    (organizations,) = prepared_or_built(("user's organizations",), _organizations_read, values)
    return {organization.pk: parties_for(organization) for organization in organizations}


def _organizations_read(values: Values) -> list[Any]:
    return [Organization.objects.filter(pk__in=values["organization"])]


def party_slugs_named(directories: Iterable[Directory], text: str) -> set[str]:
    """Slugs of the parties `text` names in any of `directories` (a user's:
    `directories_of`), as `find_parties` finds them, so a search can filter stored slugs
    with an index instead of reading names row by row."""
    aliases = _aliases()
    return {
        party.slug
        for directory in directories
        for party in match_parties(directory.values(), text, aliases=aliases)
    }


def visible_parties(user: AnyUser) -> QuerySet[Party]:
    """The catalog and the parties of the user's organizations."""
    mine = organizations_for(user)
    return Party.objects.filter(Q(organization__isnull=True) | Q(organization__in=mine))
