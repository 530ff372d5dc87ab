"""Input is validated to what the engine and the database accept: a write that would make a
site unreadable is refused with the field named, a database error a user can cause is a 4xx,
and a row stored before these checks no longer fails its site's pages."""

from __future__ import annotations

from madoguchi.cases.models import Case, TimelineEntry
from madoguchi.cases.services import correct_entry, log_entry
from madoguchi.contracts.models import Contract, Event, Site
from madoguchi.directory.models import Desk, Party
from madoguchi.engine import bounds
from tests.conftest import World

DUE = "2026-02-01T10:00:00+09:00"


def _paths(response: object) -> list[str]:
    return [e["path"] for e in response.json()["errors"]]  # type: ignore[attr-defined]


def test_a_said_no_contract_that_is_not_a_slug_is_refused(world: World) -> None:
    url = f"/api/v1/sites/{world.site_a.pk}"
    response = world.api("patch", url, {"said_no_contract": ["NOT A SLUG"]})
    assert response.status_code == 422
    assert _paths(response) == ["said_no_contract[0]"]


def test_a_said_no_contract_naming_an_unknown_party_is_refused(world: World) -> None:
    url = f"/api/v1/sites/{world.site_a.pk}"
    response = world.api("patch", url, {"said_no_contract": ["no-such-party"]})
    assert response.status_code == 422
    assert _paths(response) == ["said_no_contract[0]"]
    world.site_a.refresh_from_db()
    assert world.site_a.said_no_contract == []


def test_a_site_with_an_unknown_prefecture_is_not_created(world: World) -> None:
    response = world.api("post", "/api/v1/sites", {"name": "新規", "prefecture": "火星県"})
    assert response.status_code == 422
    assert _paths(response) == ["prefecture"]
    assert not Site.objects.filter(name="新規").exists()


def test_a_promise_by_nobody_is_refused(world: World) -> None:
    promise = {"by": "", "what": "callback", "due": DUE}
    url = f"/api/v1/cases/{world.case_a.pk}/entries"
    response = world.api("post", url, {"kind": "call-out", "promise": promise})
    assert response.status_code == 422
    assert _paths(response) == ["promise.by"]


def test_a_promise_by_an_unknown_party_is_refused_and_nothing_is_logged(world: World) -> None:
    promise = {"by": "no-such-party", "what": "callback", "due": DUE}
    before = TimelineEntry.objects.count()
    url = f"/api/v1/cases/{world.case_a.pk}/entries"
    response = world.api("post", url, {"kind": "call-out", "said": "x", "promise": promise})
    assert response.status_code == 422
    assert _paths(response) == ["promise.by"]
    assert TimelineEntry.objects.count() == before


def test_patching_a_name_with_null_is_a_field_error(world: World) -> None:
    response = world.api("patch", f"/api/v1/sites/{world.site_a.pk}", {"name": None})
    assert response.status_code == 422
    assert _paths(response) == ["name"]


def test_patching_a_contract_with_null_is_a_field_error(world: World) -> None:
    response = world.api("patch", f"/api/v1/contracts/{world.contract_a.pk}", {"note": None})
    assert response.status_code == 422
    assert _paths(response) == ["note"]


def test_a_duplicate_desk_slug_is_a_field_error(world: World) -> None:
    party = Party.objects.create(
        organization=world.org_a, slug="local-isp", name="地元", kind="isp"
    )
    Desk.objects.create(party=party, slug="fault")
    response = world.api("post", f"/api/v1/parties/{party.pk}/desks", {"slug": "fault"})
    assert response.status_code == 422
    assert _paths(response) == ["slug"]


def test_a_negative_amount_is_a_field_error(world: World) -> None:
    promise = {"by": "ntt-east", "what": "refund", "due": DUE, "amount_yen": -1}
    url = f"/api/v1/cases/{world.case_a.pk}/entries"
    response = world.api("post", url, {"promise": promise})
    assert response.status_code == 422
    assert _paths(response) == ["promise.amount_yen"]


def test_minutes_beyond_a_database_integer_are_a_field_error(world: World) -> None:
    url = f"/api/v1/cases/{world.case_a.pk}/entries"
    response = world.api("post", url, {"minutes": 2**63})
    assert response.status_code == 422
    assert _paths(response) == ["minutes"]


def test_a_page_beyond_any_offset_is_a_field_error(world: World) -> None:
    response = world.api("get", f"/api/v1/sites?page={2**63}")
    assert response.status_code == 422
    assert _paths(response) == ["page"]


def test_an_id_beyond_a_bigint_is_a_field_error(world: World) -> None:
    response = world.api("get", f"/api/v1/sites/{2**64}")
    assert response.status_code == 422
    assert _paths(response) == ["site_id"]


def test_an_over_long_note_is_a_field_error(world: World) -> None:
    url = f"/api/v1/contracts/{world.contract_a.pk}"
    response = world.api("patch", url, {"note": "x" * (bounds.NOTE + 1)})
    assert response.status_code == 422
    assert _paths(response) == ["note"]


def test_a_party_slug_with_capitals_is_a_field_error(world: World) -> None:
    body = {"slug": "Local_ISP", "name": "地元", "kind": "isp", "organization": "org-a"}
    response = world.api("post", "/api/v1/parties", body)
    assert response.status_code == 422
    assert _paths(response) == ["slug"]


def test_deleting_a_contract_an_event_names_is_refused(world: World) -> None:
    Event.objects.filter(pk=world.event_a.pk).update(contract=world.contract_a.ref)
    response = world.api("delete", f"/api/v1/contracts/{world.contract_a.pk}")
    assert response.status_code == 422
    assert _paths(response) == ["events[0].contract"]
    assert Contract.objects.filter(pk=world.contract_a.pk).exists()


def test_deleting_a_party_that_sites_name_is_refused(world: World) -> None:
    party = Party.objects.create(
        organization=world.org_a, slug="local-isp", name="地元", kind="isp"
    )
    Contract.objects.filter(pk=world.contract_a.pk).update(party="local-isp")
    response = world.api("delete", f"/api/v1/parties/{party.pk}")
    assert response.status_code == 409
    assert Party.objects.filter(pk=party.pk).exists()


def test_a_site_with_a_corrected_entry_can_be_deleted(world: World) -> None:
    entry = log_entry(world.case_a, user=None, kind="note", said="誤り")
    correct_entry(entry, user=None, said="訂正")
    response = world.api("delete", f"/api/v1/sites/{world.site_a.pk}")
    assert response.status_code == 204
    assert not Case.objects.filter(site_id=world.site_a.pk).exists()


def test_a_stored_row_that_no_longer_validates_is_named_on_the_site_page(world: World) -> None:
    Site.objects.filter(pk=world.site_a.pk).update(said_no_contract=["NOT A SLUG"])
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/")
    assert page.status_code == 409  # not a server error: the page names what to repair
    assert "この現場のデータを直すまで、判定できません" in page.content.decode()


def test_a_stored_row_that_no_longer_validates_is_a_409_in_the_api(world: World) -> None:
    Site.objects.filter(pk=world.site_a.pk).update(said_no_contract=["NOT A SLUG"])
    api = world.api("get", f"/api/v1/sites/{world.site_a.pk}/assessment")
    assert api.status_code == 409
    assert [e["path"] for e in api.json()["errors"]] == ["observations.said_no_contract[0]"]


def test_a_stored_promise_by_nobody_is_named_on_the_case_page(world: World) -> None:
    world.promise_a.__class__.objects.filter(pk=world.promise_a.pk).update(by="")
    page = world.clients["alice"].get(f"/cases/{world.case_a.pk}/")
    assert page.status_code == 409
    assert "この現場のデータを直すまで、判定できません" in page.content.decode()


def test_the_web_contract_form_refuses_an_over_long_note(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contracts/{world.contract_a.pk}/"
    data = {"ref": world.contract_a.ref, "service": "access", "party": "docomo-hikari"}
    page = world.clients["alice"].post(
        url, {**data, "wanted": "on", "note": "x" * (bounds.NOTE + 1)}
    )
    assert page.status_code == 200
    assert "note" in page.context["form"].errors


def test_the_web_refuses_to_delete_a_contract_an_event_names(world: World) -> None:
    Event.objects.filter(pk=world.event_a.pk).update(contract=world.contract_a.ref)
    url = f"/sites/{world.site_a.pk}/contracts/{world.contract_a.pk}/delete/"
    world.clients["alice"].post(url)
    assert Contract.objects.filter(pk=world.contract_a.pk).exists()


def test_a_time_out_of_range_is_a_field_error(world: World) -> None:
    body = {"title": "x", "outage_started": "0001-01-01T00:00:00+09:00"}
    response = world.api("post", f"/api/v1/sites/{world.site_a.pk}/cases", body)
    assert response.status_code == 422
    assert _paths(response) == ["outage_started"]


def test_the_web_contract_form_checks_ids_by_the_site_files_rules(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contracts/{world.contract_a.pk}/"
    data = {"ref": world.contract_a.ref, "service": "access", "party": "docomo-hikari"}
    row = {"id_kind_0": "other", "id_label_0": "k" * 90, "id_value_0": "1"}
    page = world.clients["alice"].post(url, {**data, **row})
    assert page.status_code == 200
    assert "id_label_0" in page.context["form"].errors
