"""The desks as entries for the phone in hand: one per company and desk, the IDs of every
contract behind it, the open spans from the moment they were made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from madoguchi.engine import load_catalog, parse_site
from madoguchi.engine.model import TOKYO
from madoguchi.engine.phonebook import PhonebookEntry, phonebook
from tests.engine.factories import contract, dump, fiber_site, site


def _entries(data: dict[str, Any], **kwargs: Any) -> list[PhonebookEntry]:
    return phonebook(parse_site(dump(data), load_catalog()).site, **kwargs)


def test_a_line_and_isp_set_is_one_contact_with_both_services() -> None:
    entries = _entries(fiber_site())
    docomo = [e for e in entries if e.party == "docomo-hikari"]
    assert len(docomo) == 1
    assert docomo[0].services == ["access", "isp"]
    assert docomo[0].name == "ドコモ光 故障 (テスト邸)"


def test_the_ids_of_every_contract_behind_a_desk_are_in_its_entry() -> None:
    data = site(
        contracts=[
            contract("line", "access", "ntt-east", ids={"customer_id": "CAF1234567"}),
            contract("tel", "phone", "ntt-east", ids={"phone_number": "03-0000-0001"}),
        ]
    )
    (ntt,) = [e for e in _entries(data) if e.party == "ntt-east"]
    assert ntt.ids == {"customer_id": "CAF1234567", "phone_number": "03-0000-0001"}


def test_open_spans_start_where_the_entries_were_made() -> None:
    made = dt.datetime(2026, 3, 4, 10, 0, tzinfo=TOKYO)
    data = site(contracts=[contract("isp", "isp", "so-net")])
    (sonet,) = _entries(data, now=made, days=2)
    assert sonet.open_spans is not None
    assert sonet.open_spans[0].start == made.isoformat()  # open already: from now
    assert all(
        dt.datetime.fromisoformat(s.end) <= made + dt.timedelta(days=2) for s in sonet.open_spans
    )
