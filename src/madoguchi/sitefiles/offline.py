"""What a site's page keeps for when the server is out of reach: the call-now desk, the
contract map, the IDs and the card, with the time it was saved and when each desk is open
for the next days (worked out here, holidays included, so the phone only compares clocks).

The same content is the page a member's phone keeps through the service worker and the
single HTML file saved for the personal install; and the digests here tell the site page
which copies (card, contacts, offline page) no longer match the site."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from madoguchi.cases.assessment import assess_site
from madoguchi.contracts.models import CardPrint, OfflineCopy, Site
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import model as engine
from madoguchi.engine.card import CARD_SYMPTOMS, LAMPS
from madoguchi.engine.messages import say
from madoguchi.engine.phonebook import PhonebookEntry
from madoguchi.engine.results import FirstCall
from madoguchi.sitefiles.cards import SiteCard, card_fingerprint, last_print, site_card
from madoguchi.sitefiles.contacts import from_words, id_lines, phonebook_fingerprint, site_phonebook

DAYS = 14  # how far ahead a saved page can say whether a desk is open


@dataclass(frozen=True)
class OfflineEntry:
    index: int  # its place on the page, which the script's data follows
    entry: PhonebookEntry
    numbers: list[tuple[str, str]]  # each number with the phones it works from, in words
    ids: list[tuple[str, str]]
    spans: list[list[str]] | None  # [[start, end], …] ISO times for the page's script


@dataclass(frozen=True)
class OfflineSite:
    site: Site
    saved: dt.datetime
    first: OfflineEntry | None  # the desk to call first
    entries: list[OfflineEntry]
    card: SiteCard

    @property
    def until(self) -> dt.datetime:
        return self.saved + dt.timedelta(days=DAYS)

    def data(self) -> dict[str, Any]:
        """What the page's script reads: each desk's open spans, by its position."""
        return {
            "saved": self.saved.isoformat(),
            "until": self.until.isoformat(),
            "spans": [e.spans for e in self.entries],
        }


def offline_site(
    site: Site,
    url: str,
    directory: dict[str, engine.Party] | None = None,
    *,
    now: dt.datetime | None = None,
) -> OfflineSite:
    """The offline content of a site (prefetched with `with_site_file_rows`)."""
    if directory is None:
        directory = parties_for(site.organization)
    saved = now or timezone.now()
    entries = [
        OfflineEntry(
            index=index,
            entry=entry,
            numbers=[(n.number, from_words(n)) for n in entry.numbers],
            ids=id_lines(site, entry),
            spans=None
            if entry.open_spans is None
            else [[span.start, span.end] for span in entry.open_spans],
        )
        for index, entry in enumerate(site_phonebook(site, directory, now=saved))
    ]
    assessment = assess_site(site, lang="ja", directory=directory)
    return OfflineSite(
        site=site,
        saved=saved,
        first=_first(entries, assessment.first_call),
        entries=entries,
        card=site_card(site, url, directory),
    )


def _first(entries: list[OfflineEntry], first_call: FirstCall | None) -> OfflineEntry | None:
    """The assessment's first call when the site has a trouble on record, else the holder
    of the line (the contract map's first desk): who to call when everything is down."""
    if first_call is not None:
        for item in entries:
            if item.entry.party == first_call.party:
                return item
    return next((e for e in entries if e.entry.dial), entries[0] if entries else None)


def offline_html(offline: OfflineSite, *, single_file: bool) -> str:
    """The page in Japanese: as a page of the site (styles and script from the server) or as
    one self-contained file (styles and a few lines of script inline, nothing fetched)."""
    template = "sites/offline_file.html" if single_file else "sites/offline_page.html"
    context: dict[str, Any] = {
        "offline": offline,
        "lamps": [say("ja", f"card.lamp.{lamp}") for lamp in (*LAMPS, "fine")],
        "no_contract": say("ja", "card.no-contract"),
        "symptoms": {key: say("ja", key) for key, _symptoms in CARD_SYMPTOMS},
    }
    if single_file:
        context["inline_css"] = _static_text("madoguchi/offline-page.css")
        context["inline_js"] = _static_text("madoguchi/offline-page.js")
    with translation.override("ja"):
        return render_to_string(template, context)


def _static_text(name: str) -> str:
    """A static file's text, to inline in the single saved file: the same styles and script
    as the served page, so the two cannot drift apart. `</` is broken up so that no text in
    them can close the inline element early."""
    path = finders.find(name)
    assert isinstance(path, str), name
    with open(path, encoding="utf-8") as file:
        return file.read().replace("</", "<\\/")


def offline_fingerprint(site: Site, directory: dict[str, engine.Party] | None = None) -> str:
    """A digest of what the offline page shows: the contacts and the card."""
    if directory is None:
        directory = parties_for(site.organization)
    return _page_digest(
        phonebook_fingerprint(site_phonebook(site, directory)), card_fingerprint(site, directory)
    )


def _page_digest(contacts: str, card: str) -> str:
    return hashlib.sha256((contacts + card).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Staleness:
    """Which copies of the site taken away no longer match it (None: never taken), and the
    latest printed card (its time is on the site page)."""

    card: bool | None
    contacts: bool | None
    page: bool | None
    printed: CardPrint | None


def staleness(
    site: Site,
    directory: dict[str, engine.Party] | None = None,
    *,
    record: engine.SiteFile | None = None,
) -> Staleness:
    """Whether the latest printed card, contacts file and offline page still carry the
    site's facts; each digest is worked out only when such a copy was taken. `record`: the
    site's record when the caller holds it (the site page's `stored_site`), so the site is
    neither read nor validated again."""
    if directory is None:
        directory = parties_for(site.organization)
    printed = last_print(site)
    copies = {
        kind: OfflineCopy.objects.filter(
            organization_id=site.organization_id, site=site, kind=kind
        ).first()
        for kind in OfflineCopy.Kind.values
    }
    contacts, page = copies[OfflineCopy.Kind.CONTACTS], copies[OfflineCopy.Kind.PAGE]
    card_now = card_fingerprint(site, directory, record=record) if printed or page else ""
    contacts_now = (
        phonebook_fingerprint(site_phonebook(site, directory, record=record))
        if contacts or page
        else ""
    )
    return Staleness(
        card=None if printed is None else printed.fingerprint != card_now,
        contacts=None if contacts is None else contacts.fingerprint != contacts_now,
        page=None if page is None else page.fingerprint != _page_digest(contacts_now, card_now),
        printed=printed,
    )
