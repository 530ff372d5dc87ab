"""The escalation ladder ends at the public desks, and adds police where fraud is likely."""

from __future__ import annotations

from tests.engine.factories import contract, fiber_site, run, site


def _parties(result):  # type: ignore[no-untyped-def]
    return [step.party for step in result.escalation]


def test_ladder_runs_from_the_holder_to_the_public_desks() -> None:
    result = run(fiber_site(symptoms=["internet-down"]))
    assert _parties(result) == [
        "docomo-hikari",
        "docomo-hikari",  # its complaint desk
        "soumu-telecom-consumer-center",
        "consumer-hotline",
    ]
    assert [s.step for s in result.escalation] == [1, 2, 3, 4]


def test_ladder_skips_a_complaint_desk_the_holder_does_not_have() -> None:
    data = site(contracts=[contract("isp", "isp", "so-net")], symptoms=["slow"])
    assert _parties(run(data)) == ["so-net", "soumu-telecom-consumer-center", "consumer-hotline"]


def test_ladder_is_empty_without_symptoms_or_findings() -> None:
    assert run(fiber_site()).escalation == []


def test_ladder_adds_police_and_houterasu_for_a_ceased_holder() -> None:
    data = site(
        parties=[{"slug": "gone-isp", "name": "消えたISP", "kind": "isp", "status": "ceased"}],
        contracts=[contract("isp", "isp", "gone-isp")],
    )
    assert {"police-consultation", "houterasu"} <= set(_parties(run(data)))


def test_ladder_adds_police_after_a_sales_call_with_unwanted_options() -> None:
    data = fiber_site(events=[{"date": "2026-02-01", "kind": "sales-call"}])
    data["contracts"].append(
        contract("opt", "option", "docomo-hikari", product="セキュリティ", wanted=False)
    )
    assert "police-consultation" in _parties(run(data))


def test_ladder_has_no_police_for_an_ordinary_fault() -> None:
    assert "police-consultation" not in _parties(run(fiber_site(symptoms=["internet-down"])))
