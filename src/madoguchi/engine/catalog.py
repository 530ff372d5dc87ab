"""The shipped catalog: parties, desks, NTT options and prefectures, read from YAML data.

Facts live in `madoguchi/catalog_data/*.yaml`, each entry with its source and the date it
was checked. This module only reads and indexes them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pydantic import ValidationError

from madoguchi.engine.model import Desk, ListOf, Party, Provenance, Record, Region, Slug
from madoguchi.engine.yamlload import load_yaml


class CatalogError(RuntimeError):
    """The shipped data is broken: a packaging bug, never the user's fault."""


class _Sourced(Record):
    source: str
    checked: dt.date
    verified: bool = True


class CatalogDesk(Desk, _Sourced):
    pass


class CatalogParty(Party, _Sourced):
    desks: ListOf(CatalogDesk) = []


class CatalogOption(_Sourced):
    slug: Slug
    name: str
    name_en: str
    aliases: ListOf(str) = []


class Prefecture(Record):
    name: str
    romaji: str
    region: Region


class CatalogFile(Provenance):
    parties: ListOf(CatalogParty) = []
    options: ListOf(CatalogOption) = []
    prefectures: ListOf(Prefecture) = []


def normalize(text: str) -> str:
    """Fold width and case so 'ＮＴＴ' finds 'NTT' and 'ウィルス' finds 'ウイルス' loosely."""
    return unicodedata.normalize("NFKC", text).casefold().replace("・", "").replace(" ", "")


@dataclass(frozen=True)
class Catalog:
    parties: dict[str, Party]
    options: dict[str, CatalogOption]
    prefectures: tuple[Prefecture, ...]
    _prefecture_index: dict[str, Prefecture] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for pref in self.prefectures:
            short = pref.name[:-1] if pref.name[-1] in "都府県" else pref.name
            for key in (pref.name, short, pref.romaji):
                self._prefecture_index.setdefault(normalize(key), pref)

    def prefecture(self, name: str) -> Prefecture | None:
        """Find a prefecture by its name, its name without 都/府/県, or its romaji."""
        return self._prefecture_index.get(normalize(name))

    def prefecture_names(self) -> list[str]:
        return [p.name for p in self.prefectures]

    def option_for_item(self, item: str) -> CatalogOption | None:
        """The NTT option a bill line's text names, if any."""
        text = normalize(item)
        for option in self.options.values():
            for name in (option.name, *option.aliases):
                if normalize(name) in text:
                    return option
        return None

    def search(self, query: str = "") -> tuple[list[Party], list[CatalogOption]]:
        """Parties and options whose slug, names, desks or phone numbers contain `query`."""
        needle = normalize(query)

        def hit(*texts: str | None) -> bool:
            return not needle or any(t and needle in normalize(t) for t in texts)

        parties = [
            p
            for p in self.parties.values()
            if hit(p.slug, p.name, p.name_en, p.kind, p.note)
            or any(hit(d.slug, d.name, d.name_en, d.phone) for d in p.desks)
        ]
        options = [o for o in self.options.values() if hit(o.slug, o.name, o.name_en, *o.aliases)]
        return parties, options


def _read_files() -> list[tuple[str, str]]:
    folder = resources.files("madoguchi") / "catalog_data"
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def build_catalog(files: list[tuple[str, str]]) -> Catalog:
    parties: dict[str, Party] = {}
    options: dict[str, CatalogOption] = {}
    prefectures: list[Prefecture] = []
    for name, text in files:
        try:
            data = CatalogFile.model_validate(load_yaml(text) or {})
        except (ValidationError, ValueError) as exc:
            raise CatalogError(f"catalog file {name} is invalid: {exc}") from exc
        for party in data.parties:
            if party.slug in parties:
                raise CatalogError(f"catalog file {name}: party {party.slug} defined twice")
            parties[party.slug] = party
        for option in data.options:
            options[option.slug] = option
        prefectures.extend(data.prefectures)
    return Catalog(parties=parties, options=options, prefectures=tuple(prefectures))


@cache
def load_catalog() -> Catalog:
    """The shipped catalog, read once per process."""
    return build_catalog(_read_files())
