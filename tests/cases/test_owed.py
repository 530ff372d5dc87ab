"""What the customer is owed, on the server: a case's reports come from its timeline and its
imported file, the new fields go in and out of site files and the API, and the site page
shows the new findings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.cases.assessment import assess_site, site_document, with_site_file_rows
from madoguchi.cases.models import Case, EntryKind
from madoguchi.cases.services import import_case, log_entry, open_case
from madoguchi.contracts.models import Site
from madoguchi.engine import assess, load_catalog, parse_site
from madoguchi.engine import model as engine
from madoguchi.engine.model import TOKYO
from madoguchi.sitefiles.siteio import import_site_text
from tests.conftest import World
from tests.factories import ContractFactory, SiteFactory

STARTED = dt.datetime(2026, 3, 1, 8, 0, tzinfo=TOKYO)
ENDED = dt.datetime(2026, 3, 3, 8, 0, tzinfo=TOKYO)
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def outage(world: World) -> Case:
    """A site with a ドコモ光 line+ISP set (5,720円) and a case out for 48 hours."""
    site = SiteFactory(organization=world.org_a, symptoms=["internet-down"])
    ContractFactory(site=site, ref="line", monthly_yen=5720)
    case = open_case(site, user=None, outage_started=STARTED, now=STARTED)
    Case.objects.filter(pk=case.pk).update(outage_ended=ENDED)
    case.refresh_from_db()
    return case


def _document(site: Site) -> dict[str, Any]:
    return site_document(with_site_file_rows(Site.objects.filter(pk=site.pk)).get())


def _reports(case: Case) -> list[dict[str, str]]:
    [section] = [c for c in _document(case.site)["cases"] if c["ref"] == case.ref]
    return list(section.get("reports", []))


def _call(case: Case, party: str, at: dt.datetime, kind: str = EntryKind.CALL_OUT) -> None:
    log_entry(case, user=None, kind=kind, party=party, at=at, said="障害の連絡")


def _owed(site: Site) -> list[Any]:
    loaded = with_site_file_rows(Site.objects.filter(pk=site.pk)).get()
    return [f for f in assess_site(loaded, now=NOW).findings if f.code == "outage-compensation"]


def test_the_first_call_to_a_party_is_its_report(outage: Case) -> None:
    _call(outage, "docomo-hikari", STARTED + dt.timedelta(hours=1))
    assert _reports(outage) == [{"party": "docomo-hikari", "at": "2026-03-01T09:00:00+09:00"}]


def test_the_earliest_call_per_party_wins(outage: Case) -> None:
    _call(outage, "docomo-hikari", STARTED + dt.timedelta(hours=5))
    _call(outage, "docomo-hikari", STARTED + dt.timedelta(hours=2))
    assert [r["at"] for r in _reports(outage)] == ["2026-03-01T10:00:00+09:00"]


def test_a_call_from_the_party_is_a_report_too(outage: Case) -> None:
    _call(outage, "docomo-hikari", STARTED, kind=EntryKind.CALL_IN)
    assert [r["party"] for r in _reports(outage)] == ["docomo-hikari"]


def test_a_note_naming_a_party_is_not_a_report(outage: Case) -> None:
    _call(outage, "docomo-hikari", STARTED, kind=EntryKind.NOTE)
    assert _reports(outage) == []


def test_a_stored_report_earlier_than_the_calls_wins(outage: Case) -> None:
    Case.objects.filter(pk=outage.pk).update(
        reports=[{"party": "docomo-hikari", "at": "2026-03-01T08:30:00+09:00"}]
    )
    _call(outage, "docomo-hikari", STARTED + dt.timedelta(hours=3))
    assert [r["at"] for r in _reports(outage)] == ["2026-03-01T08:30:00+09:00"]


def test_a_call_earlier_than_the_stored_report_wins(outage: Case) -> None:
    Case.objects.filter(pk=outage.pk).update(
        reports=[{"party": "docomo-hikari", "at": "2026-03-02T08:30:00+09:00"}]
    )
    _call(outage, "docomo-hikari", STARTED)
    assert [r["at"] for r in _reports(outage)] == ["2026-03-01T08:00:00+09:00"]


def test_reports_of_several_parties_are_kept_apart(outage: Case) -> None:
    _call(outage, "ntt-east", STARTED + dt.timedelta(hours=4))
    _call(outage, "docomo-hikari", STARTED + dt.timedelta(hours=1))
    assert [r["party"] for r in _reports(outage)] == ["docomo-hikari", "ntt-east"]


def test_a_logged_call_makes_the_outage_compensation_fire(outage: Case) -> None:
    assert _owed(outage.site) == []
    _call(outage, "docomo-hikari", STARTED)
    [found] = _owed(outage.site)
    assert (found.party, found.amount_yen) == ("docomo-hikari", 5720 * 2 // 30)


def test_the_site_page_shows_the_new_findings(world: World, outage: Case) -> None:
    _call(outage, "docomo-hikari", STARTED)
    Site.objects.filter(pk=outage.site_id).update(assess_at=NOW)
    page = world.clients["alice"].get(f"/sites/{outage.site_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "「責任の制限」" in text  # the outage-compensation finding, in words
    assert "381円" in text


def test_the_site_file_queries_do_not_grow_with_calls(world: World, outage: Case) -> None:
    site = outage.site

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            _document(site)
        return len(captured)

    _call(outage, "docomo-hikari", STARTED)
    few = count()
    for hour in range(10):
        _call(outage, "ntt-east", STARTED + dt.timedelta(hours=hour))
        more = open_case(outage.site, user=None, now=STARTED)
        _call(more, "so-net", STARTED + dt.timedelta(hours=hour))
    assert count() == few


# --- site files in and out ----------------------------------------------------------------

OWED_FILE = """\
version: 1
now: "2026-03-04T10:00:00+09:00"
site: {name: 田中邸, prefecture: 東京都, holder: business}
parties:
  - slug: example-hikari
    name: 例光
    kind: collabo
    desks:
      - {slug: example-phone, purposes: [fault], services: [phone], phone: "0120-000-001"}
      - {slug: example-line, purposes: [fault], phone: "0120-000-002"}
contracts:
  - {ref: line, service: access, party: example-hikari, includes_isp: true, start: 2023-04-01,
     monthly_yen: 5720, cancellation_fee_yen: 14300}
symptoms: [internet-down]
cases:
  - ref: c1
    services: [access, isp]
    outage_started: "2026-03-01T08:00:00+09:00"
    outage_ended: "2026-03-03T08:00:00+09:00"
    reports:
      - {party: example-hikari, at: "2026-03-01T09:00:00+09:00"}
"""


def _import(world: World, text: str = OWED_FILE) -> int:
    # The file's `now:` kept, so that what is owed is judged at the time the file describes.
    body = {"content": text, "organization": "org-a", "keep_time": True}
    created = world.api("post", "/api/v1/sites/import", body)
    assert created.status_code == 201, created.content
    return int(created.json()["id"])


def _export(world: World, site_id: int) -> dict[str, Any]:
    data = yaml.safe_load(world.api("get", f"/api/v1/sites/{site_id}/export").content)
    assert isinstance(data, dict)
    return data


def test_an_export_carries_the_new_fields(world: World) -> None:
    exported = _export(world, _import(world))
    assert exported["site"]["holder"] == "business"
    assert exported["contracts"][0]["cancellation_fee_yen"] == 14300
    [case] = exported["cases"]
    assert case["services"] == ["access", "isp"]
    assert case["outage_ended"] == "2026-03-03T08:00:00+09:00"
    assert case["reports"] == [{"party": "example-hikari", "at": "2026-03-01T09:00:00+09:00"}]
    [party] = [p for p in exported["parties"] if p["slug"] == "example-hikari"]
    assert party["desks"][0]["services"] == ["phone"]


def test_a_person_holder_is_left_out_of_the_export_as_the_default(world: World) -> None:
    site_id = _import(world, OWED_FILE.replace("holder: business", "holder: person"))
    assert "holder" not in _export(world, site_id)["site"]


def test_the_export_assesses_like_the_site(world: World) -> None:
    site_id = _import(world)
    exported = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    served = world.api("get", f"/api/v1/sites/{site_id}/assessment").json()
    assert served["findings"][0]["code"] == "outage-compensation"
    assert assess(parse_site(exported, load_catalog()).site).to_dict() == served


def test_reimporting_the_export_changes_nothing(world: World) -> None:
    site_id = _import(world)
    before = _export(world, site_id)
    text = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    import_site_text(world.org_a, text, site=Site.objects.get(pk=site_id), keep_time=True)
    assert _export(world, site_id) == before


def test_a_file_report_later_than_a_stored_one_changes_nothing(world: World) -> None:
    site = Site.objects.get(pk=_import(world))
    case = site.cases.get()
    later = engine.Case(
        ref="c1",
        reports=[engine.Report(party="example-hikari", at=dt.datetime(2026, 3, 2, tzinfo=TOKYO))],
    )
    import_case(site, later)
    case.refresh_from_db()
    assert case.reports == [{"party": "example-hikari", "at": "2026-03-01T09:00:00+09:00"}]


def test_a_changed_outage_time_from_a_file_is_noted_in_the_timeline(world: World) -> None:
    site = Site.objects.get(pk=_import(world))
    changed = engine.Case(ref="c1", outage_ended=dt.datetime(2026, 3, 3, 20, 0, tzinfo=TOKYO))
    case = import_case(site, changed)
    assert case.outage_ended == dt.datetime(2026, 3, 3, 20, 0, tzinfo=TOKYO)
    assert case.entries.filter(kind=EntryKind.NOTE).count() == 1


# --- the API ------------------------------------------------------------------------------


def test_the_api_sets_and_shows_the_site_holder(world: World) -> None:
    url = f"/api/v1/sites/{world.site_a.pk}"
    assert world.api("get", url).json()["holder"] == "person"
    response = world.api("patch", url, {"holder": "business"})
    assert (response.status_code, response.json()["holder"]) == (200, "business")


def test_the_api_refuses_an_unknown_holder(world: World) -> None:
    response = world.api("patch", f"/api/v1/sites/{world.site_a.pk}", {"holder": "company"})
    assert response.status_code == 422


def test_the_api_sets_a_contracts_cancellation_fee(world: World) -> None:
    url = f"/api/v1/contracts/{world.contract_a.pk}"
    response = world.api("patch", url, {"cancellation_fee_yen": 4180})
    assert (response.status_code, response.json()["cancellation_fee_yen"]) == (200, 4180)


def test_the_api_shows_a_cases_services_and_reports(world: World, outage: Case) -> None:
    _call(outage, "docomo-hikari", STARTED)
    Case.objects.filter(pk=outage.pk).update(services=["access"])
    shown = world.api("get", f"/api/v1/cases/{outage.pk}").json()
    assert shown["services"] == ["access"]
    assert [r["party"] for r in shown["reports"]] == ["docomo-hikari"]


def _own_party(world: World) -> int:
    party = world.api(
        "post",
        "/api/v1/parties",
        {"slug": "local-isp", "name": "地元ISP", "kind": "isp", "organization": "org-a"},
    )
    assert party.status_code == 201
    return int(party.json()["id"])


def test_the_desk_api_accepts_services(world: World) -> None:
    url = f"/api/v1/parties/{_own_party(world)}/desks"
    desk = world.api("post", url, {"slug": "d", "purposes": ["fault"], "services": ["phone"]})
    assert (desk.status_code, desk.json()["services"]) == (201, ["phone"])


def test_the_desk_api_refuses_an_unknown_service(world: World) -> None:
    url = f"/api/v1/parties/{_own_party(world)}/desks"
    desk = world.api("post", url, {"slug": "d", "purposes": ["fault"], "services": ["fax"]})
    assert desk.status_code == 422


def test_a_desk_limited_to_phone_is_not_the_isp_route(world: World) -> None:
    url = f"/api/v1/parties/{_own_party(world)}/desks"
    world.api("post", url, {"slug": "tel", "purposes": ["fault"], "services": ["phone"]})
    world.api("post", url, {"slug": "net", "purposes": ["fault"], "phone": "03-1111-2222"})
    world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": "isp2", "service": "isp", "party": "local-isp"},
    )
    result = world.api("get", f"/api/v1/sites/{world.site_a.pk}/assessment").json()
    assert {r["service"]: r["desk"] for r in result["routes"]}["isp"] == "net"
