"""The contacts' digest is the one stored with every offline copy and contacts file made
(`OfflineCopy.fingerprint`): it must stay the same function of the contacts' facts across
releases, or every copy made before an upgrade would be shown as out of date. Pinned here to
its definition: SHA-256 of the entries as JSON, keys sorted, non-ASCII kept, each record a
mapping of its fields, the open spans left out (they move with the clock)."""

from __future__ import annotations

import hashlib

from madoguchi.engine.phonebook import Number, PhonebookEntry, Span
from madoguchi.sitefiles.contacts import phonebook_fingerprint

_ENTRY = PhonebookEntry(
    name="NTT東日本 故障 (石田家)",
    party="ntt-east",
    party_name="NTT東日本",
    purpose="故障",
    services=["access"],
    desk_name="故障受付",
    dial="0120-000113",
    numbers=[Number("113", ("fixed",)), Number("0120-000113")],
    hours="24/7",
    hours_words="24時間",
    repair_hours_words=None,
    url=None,
    verified=True,
    ids={"お客さまID": "CAF0000000"},
    open_spans=[Span("2026-12-08T09:00:00+09:00", "2026-12-08T17:00:00+09:00")],
)

_JSON = (
    '[{"desk_name": "故障受付", "dial": "0120-000113", "hours": "24/7", "hours_words": "24時間", '
    '"ids": {"お客さまID": "CAF0000000"}, "name": "NTT東日本 故障 (石田家)", "numbers": '
    '[{"number": "113", "works_from": ["fixed"]}, {"number": "0120-000113", "works_from": null}], '
    '"open_spans": null, "party": "ntt-east", "party_name": "NTT東日本", "purpose": "故障", '
    '"repair_hours_words": null, "services": ["access"], "url": null, "verified": true}]'
)


def test_the_contacts_digest_is_sha256_of_their_sorted_json() -> None:
    assert phonebook_fingerprint([_ENTRY]) == hashlib.sha256(_JSON.encode("utf-8")).hexdigest()
