"""Every write to a site's rows (site, contracts, events, bill lines, the current trouble).

Views, the API and the site-file import (madoguchi.sitefiles) call these; each runs in one
transaction, and a write that would leave the site unreadable as a site file is refused
with SiteWouldBreak (contracts.integrity) and rolled back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from madoguchi.contracts.changes import bump_version, site_changed
from madoguchi.contracts.integrity import (
    SiteWouldBreak,
    keeping_site_valid,
    row_prefix,
    site_problems,
)
from madoguchi.contracts.models import (
    BillLine,
    CardPrint,
    Contract,
    Customer,
    Event,
    OfflineCopy,
    Site,
    SiteChild,
)
from madoguchi.contracts.records import (
    CONTRACTS,
    KIND_OF,
    ROW_KINDS,
    RowKind,
    from_record,
    party_json,
    site_values,
)
from madoguchi.directory.models import Party
from madoguchi.directory.selectors import parties_for
from madoguchi.directory.services import create_desk, create_party
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.orgs.models import Organization

type Row = Contract | Event | BillLine

NEW_HOLDER = "_new"  # in create_site_with_holders: the party added with the site


@transaction.atomic
def create_customer(*, organization: Organization, name: str) -> Customer:
    return Customer.objects.create(organization=organization, name=name.strip())


def create_site(*, organization: Organization, values: dict[str, Any]) -> Site:
    """A new site from its columns; refused if it would not read as a site file."""
    with transaction.atomic():
        site = Site.objects.create(organization=organization, **values)
        if problems := site_problems(site.pk):
            raise SiteWouldBreak(problems)
        site_changed(site.pk)
    return site


def update_site(site: Site, *, values: dict[str, Any]) -> Site:
    """Change a site's columns, keeping it a valid site file."""
    with keeping_site_valid(site.pk):
        for name, value in values.items():
            setattr(site, name, value)
        site.save()
    return site


@transaction.atomic
def delete_site(site: Site) -> None:
    site.delete()


@transaction.atomic
def save_trouble(site: Site, *, symptoms: list[str], lamps: dict[str, str]) -> Site:
    """Set the symptoms and the lamp readings in `lamps` ("" clears one); a lamp not named
    keeps its stored reading (e.g. an imported `ppp: red` the form did not change)."""
    onu = {**site.onu, **lamps}
    site.symptoms = list(symptoms)
    site.onu = {lamp: reading for lamp, reading in onu.items() if reading}
    site.save(update_fields=["symptoms", "onu", "updated"])
    site_changed(site.pk)  # what the checks and the likely causes find
    return site


def use_live_clock(site: Site) -> Site:
    """Assess the site at the current time again (a fixed time from an import is dropped)."""
    site.assess_at = None
    site.save(update_fields=["assess_at", "updated"])
    site_changed(site.pk)
    return site


def save_said_no_contract(site: Site, *, parties: list[str]) -> Site:
    """Record which companies said "there is no contract with us" (observations.
    said_no_contract), keeping the site a valid site file (each must be a known party)."""
    with keeping_site_valid(site.pk):
        site.said_no_contract = list(dict.fromkeys(parties))
        site.save(update_fields=["said_no_contract", "updated"])
    return site


def save_ceased_holders(site: Site, *, ceased: list[str]) -> Site:
    """Record which of the site's holders went bankrupt or closed (a party's `status:
    ceased`), for this site only: the mark is the site's own copy of the party with that
    status, so an export carries it as the site file says. Unmarking a party whose copy
    then equals the directory's drops the copy (the site follows the directory again)."""
    directory = parties_for(site.organization)
    own = {data["slug"]: data for data in site.parties}
    holders = {contract.party for contract in site.contracts.all()}
    for slug in holders | own.keys():
        wanted = engine.PartyStatus.CEASED if slug in ceased else engine.PartyStatus.ACTIVE
        if slug in own:
            party = engine.Party.model_validate({**own[slug], "status": wanted})
        elif slug in directory and wanted == engine.PartyStatus.CEASED:
            party = directory[slug].model_copy(update={"status": wanted})
        else:
            continue
        known = directory.get(slug)
        if known is not None and party_json(known) == party_json(party):
            own.pop(slug, None)
        else:
            own[slug] = party_json(party)
    with keeping_site_valid(site.pk):
        site.parties = list(own.values())
        site.save(update_fields=["parties", "updated"])
    return site


def save_sender(site: Site, *, name: str, address: str, phone: str) -> Site:
    """Who signs the site's letters (name, address, phone), asked once and kept."""
    site.sender_name, site.sender_address, site.sender_phone = (
        name.strip(),
        address.strip(),
        phone.strip(),
    )
    site.save(update_fields=["sender_name", "sender_address", "sender_phone", "updated"])
    return site


@dataclass(frozen=True)
class OwnParty:
    """A company of the organization's own added while creating a site: one desk."""

    name: str
    kind: str
    phone: str = ""
    hours: str = ""


def _own_party_slug(organization: Organization, name: str) -> str:
    """A slug for a new party of the organization's: from its name where that has latin
    letters, else `own`, numbered when taken (people never see or type it)."""
    base = (slugify(name) or "own")[:60].strip("-") or "own"
    taken = set(
        Party.objects.filter(organization=organization, slug__startswith=base).values_list(
            "slug", flat=True
        )
    ) | set(load_catalog().parties)
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def add_own_party(organization: Organization, party: OwnParty) -> Party:
    """The organization's own party with one desk for everything (its number and hours),
    through the directory's services."""
    row = create_party(
        organization,
        values={
            "slug": _own_party_slug(organization, party.name),
            "name": party.name,
            "kind": party.kind,
        },
    )
    create_desk(
        row,
        values={
            "slug": f"{row.slug}-desk",
            "name": party.name,
            "purposes": [str(p) for p in OWN_DESK_PURPOSES],
            "phone": party.phone,
            "hours": party.hours,
        },
    )
    return row


# A company's own desk answers for everything a household calls about.
OWN_DESK_PURPOSES = (
    engine.Purpose.FAULT,
    engine.Purpose.INQUIRY,
    engine.Purpose.BILLING,
    engine.Purpose.CANCEL,
)


@transaction.atomic
def create_site_with_holders(
    *,
    organization: Organization,
    values: dict[str, Any],
    holders: dict[engine.Service, tuple[str, str]],
    includes_isp: bool = False,
    customer: Customer | None = None,
    new_customer: str = "",
    new_party: OwnParty | None = None,
) -> Site:
    """A site from the guided pages, all or nothing: a new customer and a new party of the
    organization's own if asked for, the site, and one contract per service whose holder
    is known. `holders` maps a service to (its contract's ref, the holder's slug, or
    NEW_HOLDER for `new_party`); a service not named (unknown, or none) gets no contract."""
    if new_customer.strip():
        customer = create_customer(organization=organization, name=new_customer)
    party = add_own_party(organization, new_party) if new_party is not None else None
    site = create_site(organization=organization, values={**values, "customer": customer})
    for service, (ref, holder) in holders.items():
        slug = party.slug if holder == NEW_HOLDER and party is not None else holder
        if slug == NEW_HOLDER:
            raise ValueError("a service is held by the new party, but none was given")
        row = new_row(CONTRACTS, site=site)
        save_row(
            row,
            values={
                "ref": ref,
                "service": service.value,
                "party": slug,
                "includes_isp": includes_isp and service == engine.Service.ACCESS,
            },
        )
    return site


def new_row(kind: RowKind, *, site: Site) -> Row:
    """An unsaved row of `kind` at the end of the site's list (what a form edits first)."""
    position = kind.model.objects.filter(site=site).count()
    return kind.model(site=site, organization=site.organization, position=position)


def save_row(row: Row, *, values: dict[str, Any]) -> Row:
    """Create or change a contract, event or bill line; refused (SiteWouldBreak, with the
    row's place in the document as `prefix`) if the site would no longer be valid."""
    section = KIND_OF[type(row)].section
    pk = row.pk

    def prefix() -> str:
        return row_prefix(row.site_id, type(row), row.pk, section)

    try:
        with keeping_site_valid(row.site_id, prefix=prefix):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    except SiteWouldBreak:
        row.pk = pk  # a new row was rolled back: it has no id
        raise
    return row


def delete_row(row: SiteChild) -> None:
    """Delete a contract, event or bill line, unless other rows of the site refer to it."""
    with keeping_site_valid(row.site_id):
        row.delete()


def lock_site(site_id: int) -> None:
    """Take the site's row lock (PostgreSQL; on SQLite the IMMEDIATE transaction already
    holds the one write lock). Every writer that changes a site's rows, its cases or their
    promises takes it first, before any case or promise row: one lock order for all of them,
    so a re-import and a promise settled at the same moment queue instead of deadlocking.

    The lock is the raise of the site's `version` (an UPDATE locks the row as SELECT … FOR
    UPDATE did, for the rest of the transaction): whatever the writer then changes, the
    site's cached document (cases.assessment.stored_site) is read again."""
    bump_version(site_id)


@transaction.atomic
def store_site_file(
    *,
    organization: Organization,
    record: engine.SiteFile,
    parties: list[dict[str, Any]],
    site: Site | None = None,
    customer: Customer | None = None,
    keep_time: bool = False,
) -> Site:
    """A validated site file's own rows as a new site, or as the new contents of `site`
    (its cases are madoguchi.sitefiles's). `parties` are the site's own, as stored JSON.

    The file's `now:` fixes the site's time only with `keep_time`: otherwise the site is
    assessed at the clock, as a site should be (the file's time is for the CLI and tests)."""
    values = site_values(record) | {"parties": parties}
    if not keep_time:
        values["assess_at"] = None
    if site is None:
        site = Site.objects.create(organization=organization, customer=customer, **values)
    else:
        lock_site(site.pk)
        for name, value in values.items():
            setattr(site, name, value)
        site.save()
        for kind in ROW_KINDS:
            kind.model.objects.filter(site=site).delete()
    for kind in ROW_KINDS:
        model: type[SiteChild] = kind.model
        model.objects.bulk_create(
            model(organization=organization, site=site, position=i, **from_record(kind, r))
            for i, r in enumerate(getattr(record, kind.section))
        )
    site_changed(site.pk)
    return site


@transaction.atomic
def record_card_prints(
    prints: list[tuple[Site, str]], *, user: Any = None, at: Any = None
) -> list[CardPrint]:
    """Remember that these sites' cards were printed, each with its facts' digest."""
    from django.utils import timezone

    when = at or timezone.now()
    by = user if user is not None and user.is_authenticated else None
    return CardPrint.objects.bulk_create(
        CardPrint(
            organization_id=site.organization_id,
            site=site,
            printed=when,
            fingerprint=fingerprint,
            printed_by=by,
        )
        for site, fingerprint in prints
    )


def record_offline_copies(
    copies: list[tuple[Site, str]], *, kind: str, user: Any = None, at: Any = None
) -> list[OfflineCopy]:
    """Remember that these sites' contacts or offline pages were taken, each with its facts'
    digest, so the site page can say when a copy goes out of date."""
    from django.utils import timezone

    when = at or timezone.now()
    by = user if user is not None and user.is_authenticated else None
    return OfflineCopy.objects.bulk_create(
        OfflineCopy(
            organization_id=site.organization_id,
            site=site,
            kind=kind,
            made=when,
            fingerprint=fingerprint,
            made_by=by,
        )
        for site, fingerprint in copies
    )
