"""The card's digest is the one stored with every printed card (`CardPrint.fingerprint`): it
must stay the same function of the card's facts across releases, or every card printed before
an upgrade would be shown as out of date. So it is pinned here to its definition: SHA-256 of
the card as JSON, keys sorted, non-ASCII kept, each record a mapping of its fields."""

from __future__ import annotations

import hashlib

from madoguchi.engine.card import Card, CardCall, CardLine

_CALL = CardCall(
    service="access",
    party_name="NTT東日本",
    desk_name="故障受付",
    phone="113",
    hours="24時間",
    verified=True,
    ids={"お客さまID": "CAF0000000"},
    dial="0120-000113",
    numbers=[{"number": "113", "from": ["fixed"]}, {"number": "0120-000113", "from": None}],
)
_CARD = Card(site="石田家", lines=[CardLine(symptom="card.internet", calls=[_CALL])], public=[])

_JSON = (
    '{"lang": "ja", "lines": [{"calls": [{"desk_name": "故障受付", "dial": "0120-000113", '
    '"hours": "24時間", "ids": {"お客さまID": "CAF0000000"}, "numbers": [{"from": ["fixed"], '
    '"number": "113"}, {"from": null, "number": "0120-000113"}], "party_name": "NTT東日本", '
    '"phone": "113", "service": "access", "verified": true}], "symptom": "card.internet"}], '
    '"public": [], "site": "石田家"}'
)


def test_the_card_digest_is_sha256_of_its_sorted_json() -> None:
    assert _CARD.fingerprint() == hashlib.sha256(_JSON.encode("utf-8")).hexdigest()


def test_the_digest_changes_with_a_fact_on_the_card() -> None:
    other = Card(site="石田家", lines=[], public=[_CALL])
    assert other.fingerprint() != _CARD.fingerprint()
