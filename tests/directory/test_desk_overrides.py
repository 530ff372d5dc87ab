"""An organization's own corrections of catalog desks: every output of that organization
uses them (the site page, the card, the API's assessment), they are shown as its own fact
with who, when and why, and another organization still sees the catalog's values."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from madoguchi.contracts.models import Site
from madoguchi.directory.models import DeskOverride
from madoguchi.directory.selectors import parties_for
from madoguchi.directory.services import override_desk
from madoguchi.sitefiles.cards import site_card
from tests.conftest import World

# ドコモ光's fault desk: 113 from a docomo mobile only, 0120-800-000 from other phones.
PARTY, DESK = "docomo-hikari", "docomo-hikari-113"
CORRECTED = "0120-123-456"


def _phone_down(site: Site) -> None:
    Site.objects.filter(pk=site.pk).update(symptoms=["phone-down", "internet-down"])


def _alice(world: World) -> Any:
    return world.org_a.memberships.get(role="owner").user


def _correct(world: World, **values: Any) -> DeskOverride:
    return override_desk(
        world.org_a,
        user=_alice(world),
        party=PARTY,
        desk=DESK,
        values={"reason": "12/6 に電話で案内された番号", **values},
    )


def _site_page(world: World, who: str, site: Site) -> str:
    return world.clients[who].get(f"/sites/{site.pk}/").content.decode()


def test_a_correction_changes_the_number_dialled_on_the_site_page(world: World) -> None:
    _phone_down(world.site_a)
    assert 'href="tel:0120-800-000"' in _site_page(world, "alice", world.site_a)
    _correct(world, mobile_phone=CORRECTED)
    page = _site_page(world, "alice", world.site_a)
    assert f'href="tel:{CORRECTED}"' in page
    assert "この組織での訂正" in page
    assert "12/6 に電話で案内された番号" in page


def test_a_correction_changes_the_number_on_the_card(world: World) -> None:
    _phone_down(world.site_a)
    _correct(world, mobile_phone=CORRECTED)
    card = site_card(Site.objects.get(pk=world.site_a.pk), "").card
    dials = {call.dial for line in card.lines for call in line.calls}
    assert CORRECTED in dials
    assert "0120-800-000" not in dials


def test_another_organization_still_sees_the_catalogs_number(world: World) -> None:
    _phone_down(world.site_b)
    _correct(world, mobile_phone=CORRECTED)
    desk = next(d for d in parties_for(world.org_b)[PARTY].desks if d.slug == DESK)
    assert desk.mobile_phone == "0120-800-000"
    page = _site_page(world, "mallory", world.site_b)
    assert CORRECTED not in page
    assert "この組織での訂正" not in page


def test_the_facts_page_lists_the_correction_beside_the_catalog_value(world: World) -> None:
    _correct(world, mobile_phone=CORRECTED)
    page = world.clients["alice"].get(f"/facts/{world.org_a.pk}/").content.decode()
    section = page[page.index('id="corrections"') :]
    assert CORRECTED in section
    assert "0120-800-000" in section  # the catalog's value beside it
    assert "12/6 に電話で案内された番号" in section


def test_another_organizations_facts_page_shows_no_correction(world: World) -> None:
    _correct(world, mobile_phone=CORRECTED)
    page = world.clients["mallory"].get("/facts/", follow=True).content.decode()
    assert CORRECTED not in page
    assert world.clients["mallory"].get(f"/facts/{world.org_a.pk}/").status_code == 404


def test_hours_are_picked_as_weekdays_and_times_on_the_page(world: World) -> None:
    url = f"/facts/{world.org_a.pk}/desks/{PARTY}/{DESK}/"
    response = world.clients["alice"].post(
        url,
        {
            "phone": "113",
            "mobile_phone": "0120-800-000",
            "hours_mode": "days",
            "days": ["0", "1", "2", "3", "4", "5"],
            "opens": "09:00",
            "closes": "20:00",
            "closed_over_new_year": "on",
            "phone_from_mode": "keep",
            "reason": "窓口で確認",
        },
    )
    assert response.status_code == 302
    row = DeskOverride.objects.get(organization=world.org_a)
    assert row.hours == "Mo-Sa 09:00-20:00; Dec 29-Jan 03 off"
    assert (row.phone, row.mobile_phone, row.phone_from) == ("", "", None)  # as the catalog


def test_a_correction_without_a_reason_is_refused_in_japanese(world: World) -> None:
    url = f"/facts/{world.org_a.pk}/desks/{PARTY}/{DESK}/"
    response = world.clients["alice"].post(
        url,
        {"mobile_phone": CORRECTED, "hours_mode": "keep", "phone_from_mode": "keep"},
    )
    assert response.status_code == 200
    assert "カタログのどこが違うのか、理由を書いてください" in response.content.decode()
    assert not DeskOverride.objects.exists()


def test_days_without_times_are_refused_in_japanese(world: World) -> None:
    url = f"/facts/{world.org_a.pk}/desks/{PARTY}/{DESK}/"
    response = world.clients["alice"].post(
        url,
        {"hours_mode": "days", "phone_from_mode": "keep", "reason": "確認", "opens": ""},
    )
    assert "受付の曜日にチェックを入れてください" in response.content.decode()
    assert not DeskOverride.objects.exists()


def test_a_correction_equal_to_the_catalog_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        _correct(world, mobile_phone="0120-800-000")


def test_a_viewer_cannot_correct(world: World) -> None:
    url = f"/facts/{world.org_a.pk}/desks/{PARTY}/{DESK}/"
    response = world.clients["vera"].post(
        url,
        {"mobile_phone": CORRECTED, "hours_mode": "keep", "phone_from_mode": "keep", "reason": "x"},
    )
    assert response.status_code == 403
    assert not DeskOverride.objects.exists()


def test_the_api_corrects_lists_and_withdraws(world: World) -> None:
    body = {"party": PARTY, "desk": DESK, "mobile_phone": CORRECTED, "reason": "API で訂正"}
    created = world.api("post", "/api/v1/desk-overrides", body)
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["mobile_phone"], row["organization"], row["phone_from"]) == (
        CORRECTED,
        "org-a",
        None,
    )
    assert row["changed_by"] == _alice(world).username
    listed = world.api("get", "/api/v1/desk-overrides").json()
    assert [item["id"] for item in listed["items"]] == [row["id"]]
    assert world.api("get", "/api/v1/desk-overrides", who="mallory").json()["items"] == []
    assert world.api("get", f"/api/v1/desk-overrides/{row['id']}", who="mallory").status_code == 404
    assert world.api("delete", f"/api/v1/desk-overrides/{row['id']}").status_code == 204
    assert not DeskOverride.objects.exists()


def test_the_api_refuses_hours_it_cannot_read(world: World) -> None:
    body = {"party": PARTY, "desk": DESK, "hours": "Mo-Fr 9-17", "reason": "x"}
    response = world.api("post", "/api/v1/desk-overrides", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "hours"


def test_the_api_refuses_a_desk_not_in_the_catalog(world: World) -> None:
    body = {"party": PARTY, "desk": "no-such-desk", "phone": "03-0000-0000", "reason": "x"}
    assert world.api("post", "/api/v1/desk-overrides", body).status_code == 422


def test_a_correction_whose_author_is_gone_still_reads_in_the_api(world: World) -> None:
    row = _correct(world, mobile_phone=CORRECTED)
    DeskOverride.objects.filter(pk=row.pk).update(changed_by=None)
    response = world.api("get", f"/api/v1/desk-overrides/{row.pk}")
    assert response.status_code == 200
    assert response.json()["changed_by"] is None


def test_the_facts_page_links_an_unverified_desk_to_its_correction(world: World) -> None:
    link = f'href="/facts/{world.org_a.pk}/desks/'
    assert link in world.clients["alice"].get(f"/facts/{world.org_a.pk}/").content.decode()
    assert link not in world.clients["vera"].get(f"/facts/{world.org_a.pk}/").content.decode()


def test_corrected_hours_alone_leave_an_unverified_number_unverified(world: World) -> None:
    desk = next(d for d in parties_for(world.org_a)[PARTY].desks if d.slug == DESK)
    assert desk.verified is False  # the catalog's 113 is seen on a copy of a leaflet
    _correct(world, hours="24/7")
    corrected = next(d for d in parties_for(world.org_a)[PARTY].desks if d.slug == DESK)
    assert corrected.hours == "24/7"
    assert corrected.verified == desk.verified
