"""Incidents: one outage at three sites of one organization, suggested, confirmed, one call
on every case, ended with each outage end and what each customer is owed; a fourth site of
another organization never in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.cases.models import Case, EntryKind
from madoguchi.incidents import selectors, services
from madoguchi.incidents.models import Incident, IncidentCase, State
from tests.conftest import World, compiled_models
from tests.factories import CaseFactory, ContractFactory, SiteFactory

T0 = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo


def _site_with_case(org: Any, name: str, minutes: int, prefecture: str = "東京都") -> Case:
    site = SiteFactory(organization=org, name=name, prefecture=prefecture)
    ContractFactory(site=site, party="docomo-hikari", monthly_yen=5720)
    started = T0 + dt.timedelta(minutes=minutes)
    return CaseFactory(
        site=site, services=["access"], outage_started=started, created=started, title=name
    )


@pytest.fixture
def outage(world: World) -> dict[str, Any]:
    cases = [_site_with_case(world.org_a, f"顧客{n}", minutes=20 * n) for n in range(3)]
    stranger = _site_with_case(world.org_b, "他社の顧客", minutes=5)
    return {"cases": cases, "stranger": stranger, "now": T0 + dt.timedelta(hours=1)}


def _alice(world: World) -> Any:
    return world.org_a.memberships.get(role="owner").user


def _mallory(world: World) -> Any:
    return world.org_b.memberships.get(role="owner").user


def _confirm(world: World, outage: dict[str, Any]) -> Incident:
    (suggestion,) = selectors.suggestions(_alice(world), outage["now"])
    return services.confirm_incident(
        _alice(world),
        organization_id=suggestion.organization_id,
        case_ids=suggestion.case_ids,
        party=suggestion.party,
        service=suggestion.service,
        prefecture=suggestion.prefecture,
    )


def test_three_sites_within_an_hour_make_one_suggestion(
    world: World, outage: dict[str, Any]
) -> None:
    found = selectors.suggestions(_alice(world), outage["now"])
    assert len(found) == 1
    assert sorted(found[0].case_ids) == sorted(c.pk for c in outage["cases"])
    assert (found[0].party, found[0].service, found[0].prefecture) == (
        "docomo-hikari",
        "access",
        "東京都",
    )


def test_another_organizations_site_is_never_suggested(
    world: World, outage: dict[str, Any]
) -> None:
    (suggestion,) = selectors.suggestions(_alice(world), outage["now"])
    assert outage["stranger"].pk not in suggestion.case_ids
    assert selectors.suggestions(_mallory(world), outage["now"]) == []  # one site: no outage


def test_cases_hours_apart_or_in_another_prefecture_are_not_suggested(world: World) -> None:
    _site_with_case(world.org_a, "朝", minutes=0)
    _site_with_case(world.org_a, "夕方", minutes=8 * 60)
    _site_with_case(world.org_a, "大阪", minutes=10, prefecture="大阪府")
    assert selectors.suggestions(_alice(world), T0 + dt.timedelta(hours=9)) == []


def test_confirming_links_the_cases(world: World, outage: dict[str, Any]) -> None:
    incident = _confirm(world, outage)
    linked = set(IncidentCase.objects.filter(incident=incident).values_list("case_id", flat=True))
    assert linked == {c.pk for c in outage["cases"]}
    assert incident.started == T0
    assert selectors.suggestions(_alice(world), outage["now"]) == []


def test_a_case_of_another_organization_cannot_be_linked(
    world: World, outage: dict[str, Any]
) -> None:
    incident = _confirm(world, outage)
    with pytest.raises(services.IncidentError):
        services.add_cases(incident, [outage["stranger"].pk], user=_alice(world))
    assert not IncidentCase.objects.filter(case=outage["stranger"]).exists()


def test_dismissing_stops_the_suggestion(world: World, outage: dict[str, Any]) -> None:
    (suggestion,) = selectors.suggestions(_alice(world), outage["now"])
    services.dismiss_suggestion(
        _alice(world),
        organization_id=suggestion.organization_id,
        case_ids=suggestion.case_ids,
        party=suggestion.party,
        service=suggestion.service,
    )
    assert selectors.suggestions(_alice(world), outage["now"]) == []
    assert not selectors.incidents_for(_alice(world)).exists()


def test_a_removed_case_leaves_the_incident(world: World, outage: dict[str, Any]) -> None:
    incident = _confirm(world, outage)
    services.remove_case(incident, outage["cases"][0].pk, user=_alice(world))
    assert IncidentCase.objects.filter(incident=incident).count() == 2


def test_one_call_shows_on_every_case(world: World, outage: dict[str, Any]) -> None:
    incident = _confirm(world, outage)
    services.log_call(
        incident,
        user=_alice(world),
        said="広域障害として対応中",
        reference="R-42",
        at=T0 + dt.timedelta(minutes=70),
        promise_what="callback",
        promise_due=T0 + dt.timedelta(hours=4),
    )
    for case in outage["cases"]:
        (call,) = case.entries.filter(kind=EntryKind.CALL_OUT)
        assert (call.reference, call.party) == ("R-42", "docomo-hikari")
        assert "広域障害として対応中" in call.said
        assert case.promises.get().due == T0 + dt.timedelta(hours=4)
    assert not outage["stranger"].entries.filter(kind=EntryKind.CALL_OUT).exists()


def test_ending_sets_each_outage_end(world: World, outage: dict[str, Any]) -> None:
    incident = _confirm(world, outage)
    end = T0 + dt.timedelta(days=3, hours=2)
    services.end_incident(incident, user=_alice(world), ended=end)
    ends = {
        c.pk: c.outage_ended for c in Case.objects.filter(pk__in=[c.pk for c in outage["cases"]])
    }
    assert set(ends.values()) == {end}
    incident.refresh_from_db()
    assert incident.state == State.ENDED
    outage["stranger"].refresh_from_db()
    assert outage["stranger"].outage_ended is None


def test_a_case_with_its_own_end_keeps_it(world: World, outage: dict[str, Any]) -> None:
    incident = _confirm(world, outage)
    own = T0 + dt.timedelta(hours=5)
    Case.objects.filter(pk=outage["cases"][1].pk).update(outage_ended=own)
    services.end_incident(incident, user=_alice(world), ended=T0 + dt.timedelta(days=1))
    outage["cases"][1].refresh_from_db()
    assert outage["cases"][1].outage_ended == own


def test_the_incident_page_shows_what_each_customer_is_owed(
    world: World, outage: dict[str, Any]
) -> None:
    incident = _confirm(world, outage)
    services.log_call(incident, user=_alice(world), said="対応中", at=T0 + dt.timedelta(hours=1))
    services.end_incident(incident, user=_alice(world), ended=T0 + dt.timedelta(days=3, hours=2))
    page = world.clients["alice"].get(f"/incidents/{incident.pk}/").content.decode()
    for case in outage["cases"]:
        assert case.site.name in page
    assert page.count("572円") == 3  # ⌊5,720 × 3 / 30⌋ for three full days after the report
    assert "他社の顧客" not in page


def test_another_organization_cannot_see_the_incident(world: World, outage: dict[str, Any]) -> None:
    incident = _confirm(world, outage)
    assert world.clients["mallory"].get(f"/incidents/{incident.pk}/").status_code == 404
    page = world.clients["mallory"].get("/incidents/").content.decode()
    assert "顧客0" not in page


def test_the_dashboard_suggests_and_the_button_confirms(
    world: World, outage: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "SUGGESTION_LOOKBACK", dt.timedelta(days=3650))
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: outage["now"])
    page = world.clients["alice"].get("/cases/").content.decode()
    assert 'data-panel="/incidents/suggestions/"' in page  # loaded after the page
    panel = world.clients["alice"].get("/incidents/suggestions/").content.decode()
    assert "incident-suggestions" in panel
    assert "他社の顧客" not in panel
    case = outage["cases"][0]
    case_page = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
    assert f'data-panel="/incidents/cases/{case.pk}/panel/"' in case_page
    case_panel = world.clients["alice"].get(f"/incidents/cases/{case.pk}/panel/").content.decode()
    assert "incident-suggestions" in case_panel
    response = world.clients["alice"].post(
        "/incidents/suggestions/confirm/",
        {
            "case": [c.pk for c in outage["cases"]],
            "party": "docomo-hikari",
            "service": "access",
            "prefecture": "東京都",
        },
    )
    assert response.status_code == 302
    assert IncidentCase.objects.filter(incident__organization=world.org_a).count() == 3


def test_mallory_cannot_confirm_with_alices_cases(world: World, outage: dict[str, Any]) -> None:
    response = world.clients["mallory"].post(
        "/incidents/suggestions/confirm/",
        {"case": [c.pk for c in outage["cases"]], "party": "docomo-hikari", "service": "access"},
    )
    assert response.status_code == 404
    assert not Incident.objects.exists()


def test_suggestions_read_a_fixed_number_of_queries(world: World, outage: dict[str, Any]) -> None:
    user = _alice(world)
    selectors.suggestions(user, outage["now"])
    with CaptureQueriesContext(connection) as few:
        selectors.suggestions(user, outage["now"])
    for n in range(5):
        _site_with_case(world.org_a, f"追加{n}", minutes=30)
    with CaptureQueriesContext(connection) as many:
        selectors.suggestions(user, outage["now"])
    assert len(many) == len(few)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_incident_pages_show_no_code(
    world: World, outage: dict[str, Any], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from tests.walks.test_no_codes import leaks, visible_text

    monkeypatch.setattr(timezone, "now", lambda: outage["now"])
    client = world.clients["alice"]
    client.cookies["django_language"] = lang
    dashboard = client.get("/cases/").content.decode()
    incident = _confirm(world, outage)
    services.log_call(
        incident,
        user=_alice(world),
        said="対応中",
        promise_what="callback",
        promise_due=T0 + dt.timedelta(hours=3),
    )
    token = services.issue_status_link(incident, user=None)
    pages = {
        "/cases/": dashboard,
        "/incidents/": client.get("/incidents/").content.decode(),
        "incident": client.get(f"/incidents/{incident.pk}/").content.decode(),
        "status": client.get(f"/status/{token}/").content.decode(),
        "stats": client.get("/cases/stats/").content.decode(),
        "site": client.get(f"/sites/{outage['cases'][0].site_id}/").content.decode(),
    }
    found = {url: leaks(visible_text(body), lang) for url, body in pages.items()}
    assert {url: words for url, words in found.items() if words} == {}


def test_a_case_is_added_from_the_incident_page(world: World, outage: dict[str, Any]) -> None:
    incident = services.confirm_incident(
        _alice(world),
        organization_id=world.org_a.pk,
        case_ids=[c.pk for c in outage["cases"][:2]],
        party="docomo-hikari",
        service="access",
    )
    late = outage["cases"][2]
    page = world.clients["alice"].get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="add-cases"' in page
    assert "他社の顧客" not in page
    world.clients["alice"].post(f"/incidents/{incident.pk}/cases/", {"case": [late.pk]})
    assert IncidentCase.objects.filter(incident=incident).count() == 3
    world.clients["alice"].post(
        f"/incidents/{incident.pk}/cases/", {"case": [outage["stranger"].pk]}
    )
    assert not IncidentCase.objects.filter(case=outage["stranger"]).exists()


def test_once_prepared_the_suggestions_compile_no_query(
    world: World, outage: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _alice(world)
    first = selectors.suggestions(user, outage["now"])
    assert first  # the outage's cases are suggested
    compiled = compiled_models(monkeypatch)
    assert selectors.suggestions(user, outage["now"]) == first
    assert compiled == []  # the recent cases and their sites' contracts: prepared


def test_once_prepared_a_case_panel_compiles_no_query(
    world: World, outage: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    user, case = _alice(world), outage["cases"][0]
    first = selectors.case_panel(user, selectors.case_for_panel(user, case.pk), outage["now"])
    compiled = compiled_models(monkeypatch)
    found = selectors.case_panel(user, selectors.case_for_panel(user, case.pk), outage["now"])
    assert found == first
    assert compiled == []


def test_a_case_panel_names_the_cases_incident_and_not_another_organizations(
    world: World, outage: dict[str, Any]
) -> None:
    incident = _confirm(world, outage)
    case = outage["cases"][0]
    assert selectors.open_incident_of_case(_alice(world), case.pk) == incident
    assert selectors.open_incident_of_case(_mallory(world), case.pk) is None
    with pytest.raises(Case.DoesNotExist):
        selectors.case_for_panel(_mallory(world), case.pk)
