"""The party picker of every form: a plain <select> grouped by kind of company, which works
without JavaScript; `madoguchi/picker.js` adds a filter box that matches names, English names
and aliases as the server's search does (engine.catalog.name_key)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.model import PartyKind

# The picker's groups, in the order a household looks for its company.
OWN = "own"
GROUPS: tuple[tuple[str, Any], ...] = (
    (OWN, _("Your organization's companies and desks")),
    (PartyKind.COLLABO, _("Fiber brands (ドコモ光, ソフトバンク光, …)")),
    (PartyKind.WHOLESALER, _("NTT (フレッツ光)")),
    (PartyKind.INDEPENDENT, _("Own fiber lines (auひかり, NURO 光, …)")),
    (PartyKind.ISP, _("Internet providers")),
    (PartyKind.CATV, _("Cable TV")),
    (PartyKind.AGENT, _("Shops and agents")),
    (PartyKind.INSTALLER, _("Installers")),
    (PartyKind.PUBLIC, _("Public consultation desks")),
)

type Choices = list[tuple[str, Any]]


class PartyPicker(forms.Select):
    """A <select> whose options carry the names the filter box also matches (name, English
    name, aliases; `|` between them): `data-names`. Options in `always` stay visible while
    filtering."""

    def __init__(
        self,
        *args: Any,
        names: Mapping[str, str] | None = None,
        always: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names = dict(names or {})
        self.always = set(always)
        self.attrs.setdefault("data-picker", "")
        self.attrs.setdefault("data-picker-placeholder", str(_("Type a name to narrow the list")))

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.names:
            option["attrs"]["data-names"] = self.names[str(value)]
        if str(value) in self.always:
            option["attrs"]["data-always"] = ""
        return option


def party_label(party: engine.Party, lang: str) -> str:
    """ドコモ光 (docomo Hikari) in Japanese, docomo Hikari (ドコモ光) in English."""
    first, second = party.name, party.name_en
    if lang == "en" and party.name_en:
        first, second = party.name_en, party.name
    return f"{first} ({second})" if second and second != first else first


def party_choices(
    directory: Mapping[str, engine.Party],
    *,
    lang: str,
    region: str | None = None,
    kinds: Iterable[str] | None = None,
    first: Choices | None = None,
) -> tuple[Choices, dict[str, str]]:
    """The picker's choices for a directory (`parties_for`, or a site's directory): groups
    by kind, each by name; a party of the other NTT region is left out when `region` is
    known. Returns (choices, {slug: the names the filter matches})."""
    shipped = load_catalog().parties
    wanted = set(kinds) if kinds is not None else None
    grouped: dict[str, list[engine.Party]] = {}
    names: dict[str, str] = {}
    for slug, party in directory.items():
        if region and party.region and party.region != region:
            continue
        if wanted is not None and party.kind not in wanted and slug in shipped:
            continue
        group = str(party.kind) if slug in shipped else OWN
        grouped.setdefault(group, []).append(party)
        catalog_party = shipped.get(slug)
        aliases = list(getattr(catalog_party, "aliases", None) or [])
        names[slug] = "|".join(n for n in [party.name, party.name_en, *aliases] if n)
    choices: Choices = list(first or [])
    for key, title in GROUPS:
        parties = sorted(grouped.get(str(key), []), key=lambda p: p.name)
        if parties:
            choices.append((title, [(p.slug, party_label(p, lang)) for p in parties]))
    return choices, names
