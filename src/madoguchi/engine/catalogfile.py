"""The catalog files' pydantic models: what `catalog_data/*.yaml` may hold, validated when
the catalog is built (a cache miss; see `catalog.load_catalog`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field

from madoguchi.engine.model import (
    Desk,
    ListOf,
    Party,
    Payment,
    Provenance,
    Record,
    Region,
    Service,
    Slug,
)


class _Sourced(Record):
    # Built only when the YAML is validated (a cache miss): most runs load the pickle.
    model_config = ConfigDict(defer_build=True)

    source: str
    source_note: str | None = None
    checked: dt.date
    verified: bool = True


class CatalogDesk(Desk, _Sourced):
    # Why the catalog gives no number (two numbers in circulation, none published): a desk
    # without a phone must say why, so a missing number is a decision, not an oversight.
    no_phone_reason: str | None = None
    # Marks a number this desk shares with another party's desk because it is one desk
    # (the catalog check refuses any other shared number).
    shared_number: bool = False


class CatalogParty(Party, _Sourced):
    # A narrower list than Party's; safe because records are frozen (lists are invariant).
    desks: ListOf[CatalogDesk] = []  # type: ignore[assignment]
    # The names people use for it (ドコモ, docomo, ソネット): for finding it, never stored.
    aliases: ListOf[str] = []
    # The names it bills under on statements (NTTファイナンス, ドコモ光): for matching
    # imported statement lines, never guessed from aliases; a name several parties share
    # is asked once per organization. `billing_source` is where they were read.
    billing_names: ListOf[str] = []
    billing_source: str | None = None


class CatalogOption(_Sourced):
    slug: Slug
    name: str
    name_en: str
    aliases: ListOf[str] = []


class OutageRule(_Sourced):
    """A party's 約款 limit on what an outage earns back ("責任の制限"): once a service could
    not be used at all for `hours` counted from when the party knew of it, the charges for
    each full `hours` are owed, if claimed within `months` of the outage's end."""

    party: Slug | None = None  # None: the rule of every party without its own
    # The rule as a person can look it up (NTT西日本 契約約款「責任の制限」), named in the texts.
    name: str
    name_en: str
    hours: Annotated[int, Field(ge=1, le=24 * 31)] = 24
    # None: no claim limit on record (NTT West's text has none): "claim it soon", and no
    # `compensation-claim` deadline is given (DOMAIN-FACTS 10.7).
    months: Annotated[int, Field(ge=1, le=120)] | None = 3
    note: str | None = None


class FeeCap(_Sourced):
    """The cap on an early-termination fee of a contract made by a person from `since`:
    at most `months` months of the contract's monthly fee, for the fixed-line `services`."""

    since: dt.date
    services: ListOf[Service]
    months: Annotated[int, Field(ge=1)] = 1
    note: str | None = None


class InitialCancellation(_Sourced):
    """初期契約解除 (電気通信事業法 第26条の3): a contract of `services` may be cancelled by the
    customer alone, for any reason, for `days` days counting the day its document arrives."""

    days: Annotated[int, Field(ge=1, le=60)]
    services: ListOf[Service]
    note: str | None = None


class PaymentFee(_Sourced):
    """A way of paying that costs a fee each month (コンビニ払い: 払込票発行手数料), and the
    words a statement line's item names that fee with (matched width- and case-folded)."""

    payment: Payment
    item_words: ListOf[str]
    note: str | None = None


class CeasedHolderAdvice(_Sourced):
    """Where a customer turns when the holder of a contract went bankrupt or closed, and
    what a fee paid in advance becomes then (DOMAIN-FACTS 9.7, 9.8; 破産法): the `desks`
    are parties of the catalog, in the order to call them."""

    desks: ListOf[Slug]
    note: str | None = None


class DeskChange(Record):
    """A desk renamed or removed from the catalog: `desk` (the old slug) of `party` is now
    `now` (None: removed), so an assessment that named the old slug still finds its desk."""

    model_config = ConfigDict(defer_build=True)

    date: dt.date
    party: Slug
    desk: Slug
    now: Slug | None = None
    note: str


class Prefecture(Record):
    model_config = ConfigDict(defer_build=True)

    name: str
    romaji: str
    region: Region


class CatalogFile(Provenance):
    model_config = ConfigDict(defer_build=True)

    parties: ListOf[CatalogParty] = []
    options: ListOf[CatalogOption] = []
    prefectures: ListOf[Prefecture] = []
    outage_rules: ListOf[OutageRule] = []
    fee_caps: ListOf[FeeCap] = []
    initial_cancellations: ListOf[InitialCancellation] = []
    payment_fees: ListOf[PaymentFee] = []
    ceased_holder: CeasedHolderAdvice | None = None
    changelog: ListOf[DeskChange] = []
