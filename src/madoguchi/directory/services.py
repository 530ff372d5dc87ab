"""Every write to the directory: an organization's own parties and desks (API and forms),
parties from site files, and keeping the catalog rows in sync with the YAML.

Each write replaces the stamp of the directory it changes, in its transaction, so no cached
directory outlives it: save_party does so itself (bulk_create sends no signals); the others
save rows, whose post_save/post_delete receiver (signals.py) does it, as for the admin.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.directory.forms import (
    DeskForm,
    DeskOverrideForm,
    FactConfirmationForm,
    PartyForm,
    clean_phone_from,
)
from madoguchi.directory.models import Desk, DeskOverride, DirectoryStamp, FactConfirmation, Party
from madoguchi.directory.records import from_record, to_record
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.catalog import unverified_facts
from madoguchi.engine.catalogfile import CatalogDesk, CatalogParty
from madoguchi.orgs.models import Organization


def directory_changed(organization_id: int | None) -> None:
    """Replace the stamp of the organization's own parties (None: the catalog's, which every
    organization sees), so the next read of the directory comes from the rows."""
    if organization_id is None:
        stamps = DirectoryStamp.objects.filter(organization__isnull=True)
    else:
        stamps = DirectoryStamp.objects.filter(organization_id=organization_id)
    stamps.update(stamp=uuid.uuid4())


def _saved[T: Party | Desk](row: T, form: ModelForm) -> T:
    """`row` with the form's values, saved (the form edits it: `instance=row`);
    ValidationError (by field) when the input is not valid."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    form.save()
    return row


PARTY_FORM_FIELDS = list(PartyForm.base_fields)
DESK_FORM_FIELDS = list(DeskForm.base_fields)


def _changed(row: Party | Desk, fields: list[str], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values (a new row's: the defaults) with `changes` over them."""
    return {**model_to_dict(row, fields=fields), **changes}


@transaction.atomic
def create_party(organization: Organization, *, values: Mapping[str, Any]) -> Party:
    """An organization's own party (one with a catalog party's slug replaces it for them)."""
    party = Party(organization=organization)
    data = _changed(party, PARTY_FORM_FIELDS, values)
    return _saved(party, PartyForm(data, instance=party, organization=organization))


@transaction.atomic
def update_party(party: Party, *, changes: Mapping[str, Any]) -> Party:
    """Change some fields of an organization's own party; the others keep their values."""
    data = _changed(party, PARTY_FORM_FIELDS, changes)
    return _saved(party, PartyForm(data, instance=party, organization=party.organization))


@transaction.atomic
def delete_party(party: Party) -> None:
    """Remove an organization's own party and its desks (a catalog one with its slug, if
    any, is seen again)."""
    party.delete()


@transaction.atomic
def create_desk(party: Party, *, values: Mapping[str, Any]) -> Desk:
    desk = Desk(party=party)
    return _saved(desk, DeskForm(_changed(desk, DESK_FORM_FIELDS, values), instance=desk))


@transaction.atomic
def update_desk(desk: Desk, *, changes: Mapping[str, Any]) -> Desk:
    data = _changed(desk, DESK_FORM_FIELDS, changes)
    return _saved(desk, DeskForm(data, instance=desk))


@transaction.atomic
def delete_desk(desk: Desk) -> None:
    desk.delete()


@transaction.atomic
def save_party(organization: Organization | None, record: engine.Party) -> Party:
    """Create or replace a party and its desks from an engine record."""
    party, _created = Party.objects.update_or_create(
        organization=organization, slug=record.slug, defaults=from_record(record)
    )
    party.desks.all().delete()
    Desk.objects.bulk_create(
        Desk(
            party=party,
            organization=party.organization,
            position=i,
            slug=d.slug,
            **from_record(d),
        )
        for i, d in enumerate(record.desks)
    )
    directory_changed(party.organization_id)  # bulk_create sends no signals
    return party


# What the shipped catalog's records have beyond the engine's Party and Desk, which rows do
# not store: a party's aliases and billing names are for finding it (by name, on a
# statement) and are read from the shipped catalog; a desk's no_phone_reason and
# shared_number are for the catalog check. Derived, so a field added to the catalog's
# records alone never makes every sync re-save the parties that use it.
CATALOG_ONLY: dict[str, Any] = {
    **dict.fromkeys(set(CatalogParty.model_fields) - set(engine.Party.model_fields), True),
    "desks": {"__all__": set(CatalogDesk.model_fields) - set(engine.Desk.model_fields)},
}


@transaction.atomic
def sync_catalog() -> tuple[int, int]:
    """Make the catalog rows equal to the shipped YAML. Returns (saved, removed).

    Parties already equal to the YAML are left alone, so a sync with nothing new writes
    nothing and every organization keeps its cached directory.
    """
    shipped = load_catalog()
    stored = {  # compared as JSON: a row gives back plain strings where the YAML gave enums
        row.slug: to_record(row).model_dump(mode="json")
        for row in Party.objects.filter(organization__isnull=True).prefetch_related("desks")
    }
    saved = 0
    for slug, record in shipped.parties.items():
        shipped_row = record.model_dump(mode="json", exclude=CATALOG_ONLY)
        if stored.get(slug) != shipped_row:
            save_party(None, record)
            saved += 1
    stale = Party.objects.filter(organization__isnull=True).exclude(slug__in=shipped.parties)
    # A party stored rows still name stays (marked ceased): removing it would leave those
    # sites naming a party nobody knows, and a stored site must stay a valid site file.
    named = _named_slugs(set(stale.values_list("slug", flat=True)))
    for party in stale.filter(slug__in=named).exclude(status=engine.PartyStatus.CEASED):
        party.status = engine.PartyStatus.CEASED
        party.save(update_fields=["status"])  # its receiver refreshes the cached directories
    removed, _ = stale.exclude(slug__in=named).delete()
    return saved, removed


def _named_slugs(slugs: set[str]) -> set[str]:
    """Which of `slugs` a stored row of any organization names (contracts, events, bill
    lines, open promises, observations)."""
    if not slugs:
        return set()
    from django.apps import apps

    named: set[str] = set()
    for label in ("sites.Contract", "sites.Event", "sites.BillLine"):
        model = apps.get_model(label)
        named |= set(model.objects.filter(party__in=slugs).values_list("party", flat=True))
    promise = apps.get_model("cases.Promise")
    named |= set(
        promise.objects.filter(by__in=slugs, broken__isnull=True).values_list("by", flat=True)
    )
    site = apps.get_model("sites.Site")
    for said, notices in site.objects.values_list("said_no_contract", "outage_notice"):
        named |= slugs & {*(said or []), *(notices or [])}
    return named


# The facts an organization may confirm for itself: the numbers and parties it calls (an
# outage rule or an option stays 要確認 until the catalog has an official source).
CONFIRMABLE_KINDS = ("party", "desk")


def confirmable_keys() -> set[str]:
    """Keys of the shipped catalog's unverified parties and desks."""
    return {f.key for f in unverified_facts(load_catalog()) if f.kind in CONFIRMABLE_KINDS}


@transaction.atomic
def confirm_fact(
    organization: Organization, *, user: Any, values: Mapping[str, Any]
) -> FactConfirmation:
    """Record (or replace) the organization's own source and date for an unverified fact;
    ValidationError (by field) when the input is not valid."""
    key = values.get("key")
    row = FactConfirmation.objects.filter(organization=organization, key=key).first()
    row = row or FactConfirmation(organization=organization)
    form = FactConfirmationForm(values, instance=row, confirmable=confirmable_keys())
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    row = form.save(commit=False)
    row.confirmed_by = user if getattr(user, "is_authenticated", False) else None
    row.save()
    directory_changed(organization.pk)
    return row


@transaction.atomic
def withdraw_confirmation(confirmation: FactConfirmation) -> None:
    """Remove the organization's confirmation: the fact says 要確認 again for it."""
    organization_id = confirmation.organization_id
    confirmation.delete()
    directory_changed(organization_id)


def catalog_desk(party: str, desk: str) -> tuple[engine.Party, engine.Desk] | None:
    """The shipped catalog's party and desk an override may correct, or None."""
    record = load_catalog().parties.get(party)
    found = next((d for d in record.desks if d.slug == desk), None) if record else None
    return (record, found) if record is not None and found is not None else None


def _differs(desk: engine.Desk, name: str, value: Any) -> bool:
    current = getattr(desk, name)
    if name == "phone_from":
        return sorted(str(p) for p in current) != sorted(value)
    return (current or "") != value


@transaction.atomic
def override_desk(
    organization: Organization, *, user: Any, party: str, desk: str, values: Mapping[str, Any]
) -> DeskOverride:
    """Record (or replace) the organization's correction of a catalog desk's number, number
    from mobiles, hours (opening_hours) or the phones its number works from (`phone_from`: a
    list, [] for any phone; None or absent keeps the catalog's), with who, when and why.
    A value equal to the catalog's is kept as the catalog's. ValidationError (by field)
    when the input is not valid or changes nothing."""
    found = catalog_desk(party, desk)
    if found is None:
        raise ValidationError({"desk": [_("No such desk in the catalog.")]})
    _record, shipped = found
    row = DeskOverride.objects.filter(organization=organization, party=party, desk=desk).first()
    row = row or DeskOverride(organization=organization, party=party, desk=desk)
    fields = ("phone", "mobile_phone", "hours", "reason")
    data = {name: values.get(name) or "" for name in fields}
    form = DeskOverrideForm(data, instance=row)
    errors: dict[str, list[Any]] = dict(form.errors.as_data()) if not form.is_valid() else {}
    try:
        phone_from = clean_phone_from(values.get("phone_from"))
    except ValidationError as error:
        errors["phone_from"] = [error]
        phone_from = None
    if errors:
        raise ValidationError(errors)
    row = form.save(commit=False)
    for name in ("phone", "mobile_phone", "hours"):
        value = (getattr(row, name) or "").strip()
        setattr(row, name, value if value and _differs(shipped, name, value) else "")
    row.phone_from = (
        phone_from
        if phone_from is not None and _differs(shipped, "phone_from", phone_from)
        else None
    )
    if not (row.phone or row.mobile_phone or row.hours or row.phone_from is not None):
        raise ValidationError(
            {
                "phone": [
                    _("Nothing differs from the catalog: change a number, the hours or the phones.")
                ]
            }
        )
    row.changed_by = user if getattr(user, "is_authenticated", False) else None
    row.changed = timezone.now()
    row.save()
    directory_changed(organization.pk)
    return row


@transaction.atomic
def withdraw_override(override: DeskOverride) -> None:
    """Remove the organization's correction: the catalog's values apply again for it."""
    organization_id = override.organization_id
    override.delete()
    directory_changed(organization_id)
