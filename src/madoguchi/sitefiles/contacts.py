"""A site's desks as phone contacts (vCard 3.0, the version both iOS and Android import), so
the desk is in the phone before the line dies and the server is out of reach.

Each contact is one company and purpose (ドコモ光 故障 (石田家)): every number labelled with
the phones it works from, the hours, the IDs to read out and 要確認 where a fact is not
confirmed. Written with vobject (a maintained vCard library), which folds and escapes the
lines as the standard says."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import msgspec
import vobject
from django.utils import timezone, translation

from madoguchi.cases.assessment import site_record
from madoguchi.contracts.models import Site
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.dialling import from_words as dialling_from_words
from madoguchi.engine.phonebook import Number, PhonebookEntry, phonebook
from madoguchi.server.id_kinds import id_kind_name

# The ID a person is asked for by name when the contract gives it under this key.
HOLDER_NAME_KEYS = ("holder_name", "契約者名")
LANG = "ja"  # contacts, like the card, are in Japanese: the desks answer in Japanese


def site_phonebook(
    site: Site,
    directory: dict[str, engine.Party] | None = None,
    *,
    now: dt.datetime | None = None,
    record: engine.SiteFile | None = None,
) -> list[PhonebookEntry]:
    """The site's desks as phonebook entries (the site prefetched with
    `with_site_file_rows`), at the real clock: a phone compares its own clock with them.
    `record`: the site's record when the caller holds it (`cases.assessment.stored_site`)."""
    if record is None:
        record = site_record(site, directory or parties_for(site.organization))
    return phonebook(
        record,
        now=now or timezone.now(),
        lang=LANG,
        catalog=load_catalog(),
    )


def id_lines(site: Site, entry: PhonebookEntry) -> list[tuple[str, str]]:
    """The IDs to read out, named as people say them, with the contract holder's name last
    (契約者名: the one on the contract when it is recorded, else the customer's name with
    要確認, since a household's name on Madoguchi need not be the contract's)."""
    lines: list[tuple[str, str]] = []
    holder = None
    with translation.override(LANG):
        for key, value in entry.ids.items():
            if key in HOLDER_NAME_KEYS:
                holder = value
                continue
            lines.append((id_kind_name(key) or key, value))
    if holder:
        lines.append(("契約者名", holder))
    elif site.customer is not None:
        lines.append(("契約者名", f"{site.customer.name} (要確認: 契約書の名義)"))
    return lines


def from_words(number: Number) -> str:
    """Where the number works from, in the words the call-now panel uses."""
    phones = None if number.works_from is None else list(number.works_from)
    return dialling_from_words(LANG, phones)


def add_vcard(book: list[str], site: Site, entry: PhonebookEntry) -> None:
    """Append the entry as one vCard 3.0 contact."""
    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("fn").value = entry.name
    card.add("n").value = vobject.vcard.Name(family=entry.name)
    card.add("org").value = [entry.party_name, *([entry.desk_name] if entry.desk_name else [])]
    card.add("categories").value = ["Madoguchi", site.name]
    for index, number in enumerate(entry.numbers, start=1):
        # A group ties the number to its label: iPhone and Android show X-ABLabel as the
        # number's kind (携帯電話から), where a TYPE could only say work or cell.
        tel = card.add("tel", group=f"item{index}")
        tel.value = number.number
        tel.type_param = ["VOICE", "WORK", *(["PREF"] if number.number == entry.dial else [])]
        card.add("x-ablabel", group=f"item{index}").value = from_words(number)
    if entry.url:
        card.add("url").value = entry.url
    note = [*entry.note_lines(LANG), *(f"{name}: {value}" for name, value in id_lines(site, entry))]
    card.add("note").value = "\n".join(note)
    book.append(card.serialize())


def vcard_file(sites: list[tuple[Site, list[PhonebookEntry]]]) -> bytes:
    """The contacts of the sites as one .vcf (UTF-8, CRLF lines)."""
    book: list[str] = []
    for site, entries in sites:
        for entry in entries:
            add_vcard(book, site, entry)
    return "".join(book).encode("utf-8")


def phonebook_fingerprint(entries: list[PhonebookEntry]) -> str:
    """A digest of the contacts' facts (not of the clock: the open spans move with it)."""
    facts = [{**msgspec.to_builtins(e), "open_spans": None} for e in entries]
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def qr_vcard(site: Site, entry: PhonebookEntry) -> str:
    """The desk as a small vCard for a QR code: a phone's camera offers to save it with no
    network. Only what fits a code printed a few centimetres wide: the name, the numbers,
    the hours and the IDs."""
    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("fn").value = entry.name
    card.add("n").value = vobject.vcard.Name(family=entry.name)
    card.add("org").value = [entry.party_name]
    for number in entry.numbers:
        tel = card.add("tel")
        tel.value = number.number
        tel.type_param = ["VOICE", *(["PREF"] if number.number == entry.dial else [])]
    ids = [f"{name}: {value}" for name, value in id_lines(site, entry)]
    note = [*entry.note_lines(LANG)[:1], *ids]
    card.add("note").value = "\n".join(note)
    return str(card.serialize())
