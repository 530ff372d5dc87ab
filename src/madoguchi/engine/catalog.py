"""The shipped catalog: parties, desks, NTT options and prefectures, read from YAML data.

Facts live in `madoguchi/catalog_data/*.yaml`, each entry with its source and the date it
was checked. This module only reads and indexes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import field

from madoguchi.engine.kinds import Payment
from madoguchi.engine.records import Record

if TYPE_CHECKING:
    from madoguchi.engine.catalogfile import (
        CatalogDesk,
        CatalogOption,
        CatalogParty,
        CeasedHolderAdvice,
        DeskChange,
        FeeCap,
        InitialCancellation,
        OutageRule,
        PaymentFee,
        Prefecture,
        _Sourced,
    )
    from madoguchi.engine.model import Desk, Party


class CatalogError(RuntimeError):
    """The shipped data is broken: a packaging bug, never the user's fault."""


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold width and case so 'ＮＴＴ' finds 'NTT' and 'ウィルス' finds 'ウイルス' loosely."""
    return unicodedata.normalize("NFKC", text).casefold().replace("・", "").replace(" ", "")


# Words that only say "fiber": ドコモ光, ドコモひかり and docomo Hikari are one name.
_FIBER_WORDS = ("ひかり", "hikari", "光")


@lru_cache(maxsize=4096)
def name_key(text: str) -> str:
    """A name as the party search compares it: `normalize`d, without hyphens and without
    the word for fiber (So-net 光 → sonet, ＮＴＴ → ntt, auひかり → au)."""
    key = normalize(text).replace("-", "").replace("‐", "")
    for word in _FIBER_WORDS:
        key = key.replace(word, "")
    return key


def party_aliases(party: Party) -> list[str]:
    """A party's aliases: a catalog party's list (an organization's own party has none)."""
    return list(getattr(party, "aliases", None) or [])


def match_parties(
    parties: Iterable[Party],
    text: str,
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    region: str | None = None,
) -> list[Party]:
    """The parties `text` names, best first: by slug, name, English name or alias (its
    own, or `aliases[slug]`), compared as `name_key`s.

    Only the best kind of hit counts: a name equal to the text, else names that start with
    it, else names that contain it (so NTT finds NTT東日本 and NTT西日本, not NTTドコモ's
    docomo). With `region`, a party of the other region is left out (NTT in 東京都 is
    NTT東日本)."""
    needle = name_key(text)
    if not needle:
        return []
    tiers: list[list[Party]] = [[], [], []]
    for party in parties:
        names = [party.slug, party.name, party.name_en or "", *party_aliases(party)]
        names += list((aliases or {}).get(party.slug, ()))
        keys = [name_key(n) for n in names if n]
        if region and party.region and party.region != region:
            continue
        if needle in keys:
            tiers[0].append(party)
        elif any(k.startswith(needle) for k in keys):
            tiers[1].append(party)
        elif any(needle in k for k in keys):
            tiers[2].append(party)
    return next((tier for tier in tiers if tier), [])


class Catalog(Record, frozen=True, dict=True):
    """The shipped facts the engine assesses with: parties and their desks, options,
    prefectures and the legal rules, each entry with its source (catalog_data/*.yaml).

    Its indexes are cached properties (hence `dict=True`), built on first use: a pickled
    catalog is built again from its fields, and an index kept as a field would be built
    twice into the same list (`records.Record` says why)."""

    parties: dict[str, Party]
    options: dict[str, CatalogOption]
    prefectures: tuple[Prefecture, ...]
    # Keyed by party slug; None is the rule of every party without its own.
    outage_rules: dict[str | None, OutageRule] = field(default_factory=dict)
    fee_cap: FeeCap | None = None
    initial_cancellation: InitialCancellation | None = None
    payment_fees: dict[Payment, PaymentFee] = field(default_factory=dict)
    changelog: tuple[DeskChange, ...] = ()
    ceased_holder: CeasedHolderAdvice | None = None

    @cached_property
    def _option_names(self) -> list[tuple[str, CatalogOption]]:
        return [
            (normalize(n), option)
            for option in self.options.values()
            for n in (option.name, *option.aliases)
        ]

    @cached_property
    def _prefecture_index(self) -> dict[str, Prefecture]:
        index: dict[str, Prefecture] = {}
        for pref in self.prefectures:
            short = pref.name[:-1] if pref.name[-1] in "都府県" else pref.name
            for key in (pref.name, short, pref.romaji):
                index.setdefault(normalize(key), pref)
        return index

    @cached_property
    def _options_by_item(self) -> dict[str, CatalogOption | None]:
        return {}

    def prefecture(self, name: str) -> Prefecture | None:
        """Find a prefecture by its name, its name without 都/府/県, or its romaji."""
        return self._prefecture_index.get(normalize(name))

    def find_desk(self, party: str, desk: str) -> Desk | None:
        """The party's desk by slug, following the changelog from a renamed desk's old slug
        to its new one (None: no such desk, or one removed)."""
        record = self.parties.get(party)
        if record is None:
            return None
        seen: set[str] = set()
        slug: str | None = desk
        while slug is not None and slug not in seen:
            found = next((d for d in record.desks if d.slug == slug), None)
            if found is not None:
                return found
            seen.add(slug)
            change = next((c for c in self.changelog if c.party == party and c.desk == slug), None)
            slug = change.now if change else None
        return None

    def outage_rule(self, party: str) -> OutageRule | None:
        """The party's own outage-compensation rule, else the common one."""
        return self.outage_rules.get(party) or self.outage_rules.get(None)

    def payment_fee_words(self, payment: Payment) -> tuple[str, ...]:
        """The words (normalized) a bill item names the fee of paying this way with."""
        fee = self.payment_fees.get(payment)
        return tuple(normalize(w) for w in fee.item_words) if fee else ()

    def prefecture_names(self) -> list[str]:
        return [p.name for p in self.prefectures]

    def option_for_item(self, item: str) -> CatalogOption | None:
        """The NTT option a bill line's text names, if any (bills repeat: answers are kept)."""
        if item not in self._options_by_item:
            if len(self._options_by_item) > 10_000:  # a long-running server sees many bills
                self._options_by_item.clear()
            text = normalize(item)
            found = next((opt for name, opt in self._option_names if name in text), None)
            self._options_by_item[item] = found
        return self._options_by_item[item]

    def search(self, query: str = "") -> tuple[list[Party], list[CatalogOption]]:
        """Parties and options whose slug, names, desks or phone numbers contain `query`."""
        needle = normalize(query)

        def hit(*texts: str | None) -> bool:
            return not needle or any(t and needle in normalize(t) for t in texts)

        parties = [
            p
            for p in self.parties.values()
            if hit(p.slug, p.name, p.name_en, p.kind, p.note, *party_aliases(p))
            or any(hit(d.slug, d.name, d.name_en, d.phone) for d in p.desks)
        ]
        options = [o for o in self.options.values() if hit(o.slug, o.name, o.name_en, *o.aliases)]
        return parties, options


class Fact(Record, frozen=True):
    """One sourced fact of the catalog, as the facts page and `catalog --unverified` list it.

    `key` names it for an organization's confirmation: `party:<slug>`, `desk:<party>/<desk>`,
    `option:<slug>`, `outage-rule:<party or *>`, `fee-cap`, `payment-fee:<payment>`."""

    key: str
    kind: str  # party | desk | option | outage-rule | fee-cap | payment-fee
    name: str
    name_en: str
    detail: str  # the number and hours, or the rule, as written in the catalog
    source: str
    source_note: str | None
    checked: dt.date
    verified: bool
    party: str | None = None


def catalog_facts(catalog: Catalog, lang: str = "ja") -> list[Fact]:
    """Every sourced fact of the catalog: parties and their desks, options, the outage rules
    and the fee cap, in the catalog's order; `detail` in words of `lang`."""
    from madoguchi.engine.calls import hours_words
    from madoguchi.engine.catalogfile import CatalogParty
    from madoguchi.engine.messages import day_text, join, label, say

    facts: list[Fact] = []
    for party in catalog.parties.values():
        if not isinstance(party, CatalogParty):
            continue
        facts.append(_fact(f"party:{party.slug}", "party", party, party.name, party.name_en))
        for desk in party.desks:
            hours = hours_words(lang, desk.hours) if desk.hours else None
            detail = " ".join(x for x in (desk.phone or desk.url, hours) if x)
            facts.append(
                _fact(
                    f"desk:{party.slug}/{desk.slug}",
                    "desk",
                    desk,
                    f"{party.name} {desk.name or say('ja', 'desk.unnamed')}",
                    f"{party.name_en or party.name} "
                    f"{desk.name_en or desk.name or say('en', 'desk.unnamed')}",
                    detail,
                    party=party.slug,
                )
            )
    for option in catalog.options.values():
        facts.append(_fact(f"option:{option.slug}", "option", option, option.name, option.name_en))
    for who, rule in catalog.outage_rules.items():
        key = "fact.outage-rule" if rule.months else "fact.outage-rule-no-limit"
        detail = say(lang, key, hours=rule.hours, months=rule.months or "")
        names = (catalog.parties[who].name if who in catalog.parties else who) if who else ""
        facts.append(
            _fact(f"outage-rule:{who or '*'}", "outage-rule", rule, names, names, detail, who)
        )
    if catalog.fee_cap is not None:
        cap = catalog.fee_cap
        detail = say(lang, "fact.fee-cap", since=day_text(lang, cap.since), months=cap.months)
        facts.append(_fact("fee-cap", "fee-cap", cap, "", "", detail))
    for payment, fee in catalog.payment_fees.items():
        detail = say(
            lang, "fact.payment-fee", payment=label(lang, payment), words=join(lang, fee.item_words)
        )
        facts.append(_fact(f"payment-fee:{payment}", "payment-fee", fee, "", "", detail))
    return facts


def _fact(
    key: str,
    kind: str,
    entry: _Sourced | CatalogDesk | CatalogParty,
    name: str,
    name_en: str | None,
    detail: str = "",
    party: str | None = None,
) -> Fact:
    assert entry.source is not None
    assert entry.checked is not None
    return Fact(
        key=key,
        kind=kind,
        name=name,
        name_en=name_en or name,
        detail=detail,
        source=entry.source,
        source_note=entry.source_note,
        checked=entry.checked,
        verified=entry.verified,
        party=party,
    )


STALE_AFTER = dt.timedelta(days=365)


def stale_facts(catalog: Catalog, today: dt.date, lang: str = "ja") -> list[Fact]:
    """The facts whose source was last read more than a year before `today`: due a re-check."""
    return [fact for fact in catalog_facts(catalog, lang) if fact.checked < today - STALE_AFTER]


def _sourced_entries(catalog: Catalog) -> list[tuple[str, _Sourced]]:
    from madoguchi.engine.catalogfile import CatalogParty

    entries: list[tuple[str, _Sourced]] = []
    for party in catalog.parties.values():
        if isinstance(party, CatalogParty):
            entries.append((f"party {party.slug}", party))
            entries += [(f"desk {party.slug}/{d.slug}", d) for d in party.desks]
    entries += [(f"option {o.slug}", o) for o in catalog.options.values()]
    entries += [(f"outage rule {who or '*'}", r) for who, r in catalog.outage_rules.items()]
    if catalog.fee_cap is not None:
        entries.append(("fee cap", catalog.fee_cap))
    if catalog.initial_cancellation is not None:
        entries.append(("initial cancellation", catalog.initial_cancellation))
    entries += [(f"payment fee {p}", f) for p, f in catalog.payment_fees.items()]
    return entries


def catalog_problems(catalog: Catalog) -> list[str]:
    """What makes the shipped catalog untrustworthy, one line each (empty: none): a desk
    with no number and no reason for none, a short code without the phones it works from,
    a number two parties share without both marking it as one desk, a source that is not
    an http(s) page."""
    from madoguchi.engine.catalogfile import CatalogDesk
    from madoguchi.engine.dialling import is_short_code, phone_reaches_from

    problems: list[str] = []
    seen: dict[str, list[tuple[str, CatalogDesk, frozenset[str] | None]]] = {}
    for party in catalog.parties.values():
        for desk in party.desks:
            if not isinstance(desk, CatalogDesk):
                continue
            where = f"desk {party.slug}/{desk.slug}"
            if not desk.phone and not desk.no_phone_reason:
                problems.append(f"{where}: no phone and no no_phone_reason")
            if desk.phone and is_short_code(desk.phone) and not desk.phone_from:
                problems.append(f"{where}: short code {desk.phone} without phone_from")
            reached = phone_reaches_from(desk)
            numbers = [(desk.phone, None if reached is None else frozenset(reached))]
            numbers.append((desk.mobile_phone, None))
            for number, phones in numbers:
                if number:
                    digits = "".join(ch for ch in number if ch.isdigit() or ch == "#")
                    seen.setdefault(digits, []).append((party.slug, desk, phones))
    for digits, uses in seen.items():
        for i, (party_a, desk_a, from_a) in enumerate(uses):
            for party_b, desk_b, from_b in uses[i + 1 :]:
                overlap = from_a is None or from_b is None or bool(from_a & from_b)
                marked = desk_a.shared_number and desk_b.shared_number
                if party_a != party_b and overlap and not marked:
                    problems.append(
                        f"number {digits}: {party_a}/{desk_a.slug} and {party_b}/{desk_b.slug}"
                        " share it without shared_number"
                    )
    for where, entry in _sourced_entries(catalog):
        if not entry.source.startswith(("http://", "https://")):
            problems.append(f"{where}: source {entry.source!r} is not an http(s) page")
    return problems


def unverified_facts(catalog: Catalog, lang: str = "ja") -> list[Fact]:
    """The facts no official page confirms: each says 要確認 wherever it is shown."""
    return [fact for fact in catalog_facts(catalog, lang) if not fact.verified]


# The data ships inside the package directory (setuptools package-data). A plain path
# avoids importlib.resources, which costs more start-up time than reading the files.
CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog_data"


def _read_files() -> list[tuple[str, str]]:
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in CATALOG_DIR.glob("*.yaml"))


def build_catalog(files: list[tuple[str, str]]) -> Catalog:
    """The catalog from its files' texts, validated by the pydantic models."""
    return assemble_catalog(validate_files(files))


def validate_files(files: list[tuple[str, str]]) -> list[Any]:
    """Each catalog file as a validated `CatalogFile`."""
    from pydantic import ValidationError

    from madoguchi.engine.catalogfile import CatalogFile
    from madoguchi.engine.yamlload import load_yaml

    validated = []
    for name, text in files:
        try:
            validated.append((name, CatalogFile.model_validate(load_yaml(text) or {})))
        except (ValidationError, ValueError) as exc:
            raise CatalogError(f"catalog file {name} is invalid: {exc}") from exc
    return validated


def assemble_catalog(validated: list[Any]) -> Catalog:
    """One catalog from its files, each a (name, `CatalogFile` or its light record) pair:
    a slug, rule or fee defined twice is a packaging bug."""
    parties: dict[str, Party] = {}
    options: dict[str, CatalogOption] = {}
    prefectures: list[Prefecture] = []
    outage_rules: dict[str | None, OutageRule] = {}
    fee_caps: list[FeeCap] = []
    initial_cancellations: list[InitialCancellation] = []
    payment_fees: dict[Payment, PaymentFee] = {}
    changelog: list[DeskChange] = []
    ceased_holder: CeasedHolderAdvice | None = None
    for name, data in validated:
        for party in data.parties:
            if party.slug in parties:
                raise CatalogError(f"catalog file {name}: party {party.slug} defined twice")
            parties[party.slug] = party
        for option in data.options:
            options[option.slug] = option
        prefectures.extend(data.prefectures)
        for rule in data.outage_rules:
            if rule.party in outage_rules:
                whose = rule.party or "the common rule"
                raise CatalogError(f"catalog file {name}: outage rule of {whose} defined twice")
            outage_rules[rule.party] = rule
        fee_caps.extend(data.fee_caps)
        initial_cancellations.extend(data.initial_cancellations)
        for fee in data.payment_fees:
            if fee.payment in payment_fees:
                raise CatalogError(f"catalog file {name}: payment fee {fee.payment} defined twice")
            payment_fees[fee.payment] = fee
        changelog.extend(data.changelog)
        if data.ceased_holder is not None:
            if ceased_holder is not None:
                raise CatalogError(f"catalog file {name}: ceased_holder defined twice")
            ceased_holder = data.ceased_holder
    if len(fee_caps) > 1:
        raise CatalogError("the catalog defines more than one cancellation fee cap")
    if len(initial_cancellations) > 1:
        raise CatalogError("the catalog defines more than one initial cancellation rule")
    return Catalog(
        parties=parties,
        options=options,
        prefectures=tuple(prefectures),
        outage_rules=outage_rules,
        fee_cap=fee_caps[0] if fee_caps else None,
        initial_cancellation=initial_cancellations[0] if initial_cancellations else None,
        payment_fees=payment_fees,
        changelog=tuple(changelog),
        ceased_holder=ceased_holder,
    )


def _cache_dir() -> Path:
    root = os.environ.get("MADOGUCHI_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return (Path(root) if root else Path.home() / ".cache") / "madoguchi"


# The code that defines the cached records is part of a cache's key, not only the data.
_CODE = (
    "catalog.py",
    "catalogfile.py",
    "model.py",
    "kinds.py",
    "light.py",
    "lightspec.py",
    "records.py",
)


def _cache_file(kind: str, files: list[tuple[str, str]]) -> Path:
    """Where a cache of the catalog is kept, named after a digest of the data, the code that
    reads it and the Python version (zlib's CRC: a stale-cache check, cheap to import, not a
    defence against a forged file): a changed file never reads a stale cache."""
    import zlib

    here = Path(__file__).parent
    crc = zlib.crc32(repr(sys.version_info[:2]).encode())
    for name, text in files:
        crc = zlib.crc32(text.encode(), zlib.crc32(name.encode(), crc))
    for name in _CODE:
        crc = zlib.crc32((here / name).read_bytes(), crc)
    return _cache_dir() / f"{kind}-{crc:08x}-{sum(len(text) for _, text in files)}"


def catalog_key() -> str:
    """A name for the shipped catalog as this process reads it: its data, the code that
    reads it (the records' models among it) and the Python version, as its cache is named.
    For what is derived from the catalog and kept beyond the process
    (cases.assessment.record_format)."""
    return _cache_file("catalog", _read_files()).name


def _store(path: Path, content: bytes) -> None:
    """Write a cache whole (another process never reads half of it); a cache that cannot be
    written is simply skipped."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(content)
        temporary.replace(path)


@cache
def load_catalog() -> Catalog:
    """The shipped catalog, read once per process.

    Validating the YAML costs more than the whole assessment, so the validated catalog is
    kept in a pickle named after the hash of the data files: a changed file never reads a
    stale cache, and a cache that cannot be read or written is simply skipped.
    """
    import pickle

    files = _read_files()
    path = _cache_file("catalog", files).with_suffix(".pickle")
    with contextlib.suppress(Exception):  # missing, corrupt or foreign: rebuild it
        cached = pickle.loads(path.read_bytes())
        if isinstance(cached, Catalog):
            return cached
    catalog = build_catalog(files)
    _store(path, pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
    return catalog


class LightCatalog(Record, frozen=True):
    """The catalog as light records, with the reader whose record classes they are (the CLI's
    light path: `sitefile.read_site_light`)."""

    catalog: Catalog
    reader: Any  # light.Reader


def _build_light(files: list[tuple[str, str]]) -> dict[str, Any]:
    """What the light cache holds: the spec of the site file's and the catalog's models,
    compiled from the pydantic models, and each catalog file validated by them, as plain
    data (marshal's types only)."""
    from madoguchi.engine.catalogfile import CatalogFile
    from madoguchi.engine.lightspec import compile_spec, plain
    from madoguchi.engine.model import SiteFile

    validated = validate_files(files)
    assemble_catalog(validated)  # the same checks as the full catalog's
    return {
        "spec": compile_spec(SiteFile, CatalogFile),
        "files": [(name, plain(data)) for name, data in validated],
    }


@cache
def load_light_catalog() -> LightCatalog | None:
    """The catalog for the light path, read once per process from a marshalled cache (built
    with pydantic when missing or stale, then read the same way); None when that cannot be
    done, and the caller takes the pydantic path."""
    import marshal

    from madoguchi.engine.light import Fallback, Reader

    files = _read_files()
    path = _cache_file("light", files).with_suffix(".marshal")
    content: dict[str, Any] | None = None
    with contextlib.suppress(Exception):  # missing, corrupt or foreign: rebuild it
        content = marshal.loads(path.read_bytes())
    if not isinstance(content, dict) or set(content) != {"spec", "files"}:
        content = _build_light(files)
        _store(path, marshal.dumps(content))
    try:
        reader = Reader(content["spec"])
        validated = [
            (name, reader.read("CatalogFile", data, trusted=True))
            for name, data in content["files"]
        ]
        catalog = assemble_catalog(validated)
    except (Fallback, KeyError, TypeError, ValueError):
        return None
    return LightCatalog(catalog=catalog, reader=reader)
