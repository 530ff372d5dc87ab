"""Deadlines: dates computed as the rules count them, listed soonest first."""

from __future__ import annotations

from tests.engine.factories import codes, contract, fiber_site, run, site


def _deadline(result, code):  # type: ignore[no-untyped-def]
    return next(d for d in result.deadlines if d.code == code)


def test_initial_cancellation_is_due_seven_days_after_receipt() -> None:
    data = site(contracts=[contract("line", "access", "excite", document_received="2026-03-01")])
    assert _deadline(run(data), "initial-cancellation").due == "2026-03-08"


def test_initial_cancellation_absent_once_the_window_has_passed() -> None:
    data = site(contracts=[contract("line", "access", "excite", document_received="2026-02-01")])
    assert "initial-cancellation" not in codes(run(data).deadlines)


def test_consent_number_is_valid_for_15_days_counting_the_day_of_issue() -> None:
    data = fiber_site(events=[{"date": "2026-03-01", "kind": "consent-number-issued"}])
    assert _deadline(run(data), "consent-number").due == "2026-03-15"


def test_consent_number_drops_out_once_a_tenyo_uses_it() -> None:
    data = fiber_site(
        events=[
            {"date": "2026-03-01", "kind": "consent-number-issued"},
            {"date": "2026-03-03", "kind": "tenyo", "contract": "line"},
        ]
    )
    assert "consent-number" not in codes(run(data).deadlines)


def test_consent_number_past_its_validity_is_marked_past() -> None:
    data = fiber_site(events=[{"date": "2026-01-01", "kind": "consent-number-issued"}])
    assert _deadline(run(data), "consent-number").past is True


def test_promise_deadline_lists_unkept_promises_with_their_time() -> None:
    promise = {"by": "so-net", "what": "callback", "due": "2026-03-04T15:00:00+09:00"}
    data = fiber_site(cases=[{"ref": "c1", "promises": [promise]}])
    found = _deadline(run(data), "promise")
    assert found.due == "2026-03-04T15:00:00+09:00"
    assert found.case == "c1"


def test_promise_deadline_absent_for_kept_promises() -> None:
    promise = {
        "by": "so-net",
        "what": "visit",
        "due": "2026-03-05T10:00:00+09:00",
        "kept": "2026-03-05T10:05:00+09:00",
    }
    data = fiber_site(cases=[{"ref": "c1", "promises": [promise]}])
    assert "promise" not in codes(run(data).deadlines)


def test_contract_end_is_listed_within_60_days() -> None:
    data = site(contracts=[contract("isp", "isp", "so-net", end="2026-04-30")])
    assert _deadline(run(data), "contract-end").due == "2026-04-30"


def test_contract_end_absent_when_far_away() -> None:
    data = site(contracts=[contract("isp", "isp", "so-net", end="2027-04-30")])
    assert "contract-end" not in codes(run(data).deadlines)


def test_deadlines_are_sorted_soonest_first() -> None:
    promise = {"by": "so-net", "what": "callback", "due": "2026-03-04T15:00:00+09:00"}
    data = site(
        contracts=[contract("line", "access", "excite", document_received="2026-03-02")],
        events=[{"date": "2026-03-01", "kind": "consent-number-issued"}],
        cases=[{"ref": "c1", "promises": [promise]}],
    )
    assert codes(run(data).deadlines) == ["promise", "initial-cancellation", "consent-number"]
