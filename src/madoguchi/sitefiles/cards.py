"""The emergency contact card of a site, printed as a PDF (A4, or A6 postcard pages to fold
and keep beside the ONU), and whether the last printed card is out of date.

The card is engine.card over the same site record the site page assesses (the site's
contracts with the organization's directory), so a desk corrected in the directory or the
catalog reaches the card as it reaches the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from msgspec.structs import replace

from madoguchi.cases.assessment import site_record
from madoguchi.contracts.models import CardPrint, Site
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.card import LAMPS, Card, CardCall, emergency_card
from madoguchi.engine.messages import say
from madoguchi.engine.phonebook import PhonebookEntry, phonebook
from madoguchi.sitefiles.contacts import qr_vcard

SIZES = ("a4", "a6")


@dataclass(frozen=True)
class SiteCard:
    site: Site
    card: Card
    url: str  # the site's page, in the small second QR code (needs the internet)
    qr: str  # the first-call desk as a contact, as an SVG data: URI (works offline)
    link_qr: str  # the site's page, as an SVG data: URI
    qr_desk: str | None  # whose desk the first code saves (ドコモ光 故障 (石田家))

    @property
    def groups(self) -> list[tuple[list[str], list[CardCall]]]:
        """The card's lines with the same desks to call put together (インターネット・テレビ),
        so a site with one holder for everything reads as one entry."""
        groups: list[tuple[list[str], list[CardCall]]] = []
        for line in self.card.lines:
            same = next((g for g in groups if _same_desks(g[1], line.calls)), None)
            if same is not None:
                same[0].append(line.symptom)
            else:
                groups.append(([line.symptom], line.calls))
        return groups


def _same_desks(one: list[CardCall], other: list[CardCall]) -> bool:
    """The same desks, numbers, hours and IDs (whatever service each is reached for)."""
    return [replace(c, service="") for c in one] == [replace(c, service="") for c in other]


def site_card(
    site: Site, url: str, directory: dict[str, engine.Party] | None = None, *, lang: str = "ja"
) -> SiteCard:
    """The card of a site (prefetched with `with_site_file_rows`)."""
    if directory is None:
        directory = parties_for(site.organization)
    record = site_record(site, directory)
    card = emergency_card(record, lang=lang, catalog=load_catalog())
    first = first_desk(site, card, phonebook(record, lang="ja", catalog=load_catalog()))
    # The contact is the code a phone reads with no network; a camera finds the larger code
    # first, so it is the larger one.
    qr = (
        segno.make(qr_vcard(site, first), error="l").svg_data_uri(scale=4, border=2)
        if first is not None
        else ""
    )
    link_qr = segno.make(url or "-", error="m").svg_data_uri(scale=2, border=2)
    return SiteCard(
        site=site,
        card=card,
        url=url,
        qr=qr,
        link_qr=link_qr,
        qr_desk=first.name if first else None,
    )


def first_desk(site: Site, card: Card, entries: list[PhonebookEntry]) -> PhonebookEntry | None:
    """The desk the card says to call first when the internet is down (its first line's
    first desk), as a contact with a number; else the first desk with a number."""
    with_number = [e for e in entries if e.dial]
    first_calls = [call for line in card.lines[:1] for call in line.calls[:1]]
    for call in first_calls:
        for entry in with_number:
            if entry.party_name == call.party_name:
                return entry
    return with_number[0] if with_number else None


def card_fingerprint(
    site: Site,
    directory: dict[str, engine.Party] | None = None,
    *,
    record: engine.SiteFile | None = None,
) -> str:
    """The digest of the facts on the site's card (in Japanese, as it is printed): the card
    alone, without its QR codes. `record`: the site's record when the caller holds it
    (`cases.assessment.stored_site`); else it is read from the site's prefetched rows."""
    if record is None:
        record = site_record(site, directory or parties_for(site.organization))
    return emergency_card(record, lang="ja", catalog=load_catalog()).fingerprint()


def cards_html(cards: list[SiteCard], *, size: str, printed: dt.datetime | None = None) -> str:
    """The cards as HTML, in Japanese whatever the page's language (a card is printed in
    Japanese, its facts fingerprinted in Japanese): the template's words, ID names
    included, as well as the engine's."""
    lang = "ja"
    with translation.override(lang):
        return render_to_string(
            "sites/card.html",
            {
                "cards": cards,
                "size": size if size in SIZES else "a4",
                "printed": printed or timezone.now(),
                "lamps": [say(lang, f"card.lamp.{lamp}") for lamp in (*LAMPS, "fine")],
                "no_contract": say(lang, "card.no-contract"),
                "symptoms": {key: say(lang, key) for key in _symptom_keys(cards)},
            },
        )


def _symptom_keys(cards: list[SiteCard]) -> set[str]:
    return {line.symptom for c in cards for line in c.card.lines}


def cards_pdf(cards: list[SiteCard], *, size: str, printed: dt.datetime | None = None) -> bytes:
    from weasyprint import HTML  # heavy: only when a PDF is asked for

    pdf: Any = HTML(string=cards_html(cards, size=size, printed=printed)).write_pdf()
    return bytes(pdf)


def last_print(site: Site) -> CardPrint | None:
    return CardPrint.objects.filter(organization_id=site.organization_id, site=site).first()


def card_is_stale(site: Site, directory: dict[str, engine.Party] | None = None) -> bool:
    """True when a card was printed and a fact on it has changed since."""
    last = last_print(site)
    return last is not None and last.fingerprint != card_fingerprint(site, directory)
