"""The guided site creation: step 1 (the place), step 2 (who holds each service), and the
service behind it, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from madoguchi.contracts import services
from madoguchi.contracts.forms import prefecture_in
from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Customer, Site
from madoguchi.directory.models import Party
from madoguchi.engine.model import Service
from madoguchi.sites.forms import UNKNOWN, HoldersForm, NewSiteForm
from tests.conftest import World

PLACE = {
    "organization": "org-a",
    "name": "自宅",
    "prefecture": "東京都",
    "building": "detached",
}


def _post(world: World, data: dict[str, Any], who: str = "alice") -> Any:
    return world.clients[who].post("/sites/new/", data)


def test_it_shows_step_one() -> None:
    form = NewSiteForm(customers=[])
    assert len(form.fields["prefecture"].choices) == 48  # type: ignore[attr-defined]


def test_step_one_reads_the_prefecture_from_an_address() -> None:
    form = NewSiteForm({"name": "店", "address": "大阪府大阪市北区1-1"}, customers=[])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["prefecture"] == "大阪府"


def test_step_one_asks_for_a_prefecture_when_neither_is_given() -> None:
    form = NewSiteForm({"name": "店"}, customers=[])
    assert not form.is_valid()
    assert "prefecture" in form.errors


def test_step_one_refuses_both_a_customer_and_a_new_one() -> None:
    form = NewSiteForm(
        {"name": "店", "prefecture": "東京都", "customer": "7", "new_customer": "山田"},
        customers=[(7, "田中")],
    )
    assert not form.is_valid()
    assert "new_customer" in form.errors


def test_prefecture_in_reads_hokkaido_and_kanagawa() -> None:
    assert prefecture_in("北海道札幌市") == "北海道"
    assert prefecture_in("神奈川県横浜市") == "神奈川県"
    assert prefecture_in("横浜市") is None


def test_step_two_offers_ntt_of_the_sites_region_only(world: World) -> None:
    from madoguchi.directory.selectors import parties_for

    form = HoldersForm(directory=parties_for(world.org_a), region="east")
    html = str(form["phone"])
    assert "NTT東日本" in html
    assert "NTT西日本" not in html
    assert "docomo-hikari" in html  # the value, never the visible text
    assert ">docomo-hikari<" not in html


def test_step_two_needs_a_name_for_the_company_added_below(world: World) -> None:
    from madoguchi.directory.selectors import parties_for

    form = HoldersForm({"access": "_new"}, directory=parties_for(world.org_a), region="east")
    assert not form.is_valid()
    assert "party_name" in form.errors


def test_step_two_builds_desk_hours_from_the_ticks(world: World) -> None:
    from madoguchi.directory.selectors import parties_for

    form = HoldersForm(
        {
            "party_name": "まちの電器店",
            "party_kind": "agent",
            "days": ["0", "1", "2", "3", "4", "5"],
            "opens": "10:00",
            "closes": "19:00",
            "closed_on_holidays": "on",
        },
        directory=parties_for(world.org_a),
        region="east",
    )
    assert form.is_valid(), form.errors
    assert form.new_party() == {
        "name": "まちの電器店",
        "kind": "agent",
        "phone": "",
        "hours": "Mo-Sa 10:00-19:00; PH off",
    }


def test_the_page_goes_from_step_one_to_step_two(world: World) -> None:
    response = _post(world, {**PLACE, "step": "place"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ドコモ光" in page
    assert 'name="access"' in page


def test_the_whole_flow_creates_the_site_and_its_contracts(world: World) -> None:
    response = _post(
        world,
        {
            **PLACE,
            "step": "holders",
            "access": "docomo-hikari",
            "includes_isp": "on",
            "isp": "ocn",  # ignored: the provider is in the line's set
            "phone": "ntt-east",
            "tv": "",
            "mail": UNKNOWN,
        },
    )
    site = Site.objects.get(organization=world.org_a, name="自宅")
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/"
    contracts = {c.service: c for c in site.contracts.all()}
    assert set(contracts) == {"access", "phone"}
    assert contracts["access"].party == "docomo-hikari"
    assert contracts["access"].includes_isp
    assert contracts["phone"].party == "ntt-east"
    assert site.region == "east"


def test_i_dont_know_creates_no_contract_and_says_how_to_find_out(world: World) -> None:
    response = world.clients["alice"].post(
        "/sites/new/", {**PLACE, "step": "holders", "access": UNKNOWN}, follow=True
    )
    site = Site.objects.get(organization=world.org_a, name="自宅")
    assert not site.contracts.exists()
    assert "請求書" in response.content.decode()


def test_the_flow_adds_a_customer_and_an_own_party_with_desk_hours(world: World) -> None:
    _post(
        world,
        {
            **PLACE,
            "new_customer": "山田商店",
            "step": "holders",
            "access": "ntt-east",
            "support": "_new",
            "party_name": "まちの電器店",
            "party_kind": "agent",
            "party_phone": "03-1234-5678",
            "days": ["0", "1", "2", "3", "4"],
            "opens": "09:00",
            "closes": "18:00",
            "closed_on_holidays": "on",
            "closed_over_new_year": "on",
        },
    )
    site = Site.objects.get(organization=world.org_a, name="自宅")
    assert site.customer is not None
    assert site.customer.name == "山田商店"
    party = Party.objects.get(organization=world.org_a, name="まちの電器店")
    desk = party.desks.get()
    assert desk.phone == "03-1234-5678"
    assert desk.hours == "Mo-Fr 09:00-18:00; PH off; Dec 29-Jan 03 off"
    assert site.contracts.get(service="support").party == party.slug


def test_an_installer_picks_an_existing_customer(world: World) -> None:
    customer = Customer.objects.create(organization=world.org_a, name="田中様")
    _post(world, {**PLACE, "customer": str(customer.pk), "step": "holders"})
    assert Site.objects.get(organization=world.org_a, name="自宅").customer == customer


def test_another_organizations_customer_cannot_be_picked(world: World) -> None:
    theirs = Customer.objects.create(organization=world.org_b, name="他社の客")
    response = _post(world, {**PLACE, "customer": str(theirs.pk), "step": "holders"})
    assert response.status_code == 200  # step 1 again, with the error
    assert not Site.objects.filter(name="自宅").exists()


def test_viewers_cannot_create_sites(world: World) -> None:
    assert world.clients["vera"].get("/sites/new/").status_code == 403
    assert _post(world, {**PLACE, "step": "holders"}, who="vera").status_code == 403


def test_the_site_list_links_to_the_new_site_pages(world: World) -> None:
    assert 'href="/sites/new/"' in world.clients["alice"].get("/sites/").content.decode()


def test_the_service_is_all_or_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise SiteWouldBreak([])

    monkeypatch.setattr(services, "save_row", broken)
    with pytest.raises(SiteWouldBreak):
        services.create_site_with_holders(
            organization=world.org_a,
            values={"name": "途中で失敗", "prefecture": "東京都", "region": "east"},
            holders={Service.ACCESS: ("インターネット回線", "docomo-hikari")},
            new_customer="残らない客",
            new_party=services.OwnParty(name="残らない店", kind="agent", hours="Mo 09:00-10:00"),
        )
    assert not Site.objects.filter(name="途中で失敗").exists()
    assert not Customer.objects.filter(name="残らない客").exists()
    assert not Party.objects.filter(name="残らない店").exists()


def test_own_party_slugs_never_clash(world: World) -> None:
    first = services.add_own_party(world.org_a, services.OwnParty(name="山田電器", kind="agent"))
    second = services.add_own_party(world.org_a, services.OwnParty(name="山田電器", kind="agent"))
    assert first.slug != second.slug


def test_own_party_with_a_latin_name_never_takes_a_catalog_slug(world: World) -> None:
    party = services.add_own_party(world.org_a, services.OwnParty(name="OCN", kind="isp"))
    assert party.slug != "ocn"


def test_desk_hours_are_checked_before_they_are_stored(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.add_own_party(
            world.org_a, services.OwnParty(name="変な店", kind="agent", hours="Mo 25:99-nope")
        )
    assert not Party.objects.filter(name="変な店").exists()


def test_the_new_site_page_lists_only_the_users_customers(world: World) -> None:
    Customer.objects.create(organization=world.org_a, name="A社のお客さま")
    page = world.clients["mallory"].get("/sites/new/").content.decode()
    assert "A社のお客さま" not in page
    response = world.clients["mallory"].post(
        "/sites/new/", {**PLACE, "organization": "org-a", "step": "holders"}
    )
    assert not Site.objects.filter(organization=world.org_a, name="自宅").exists()
    assert response.status_code in (200, 302)


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    response = world.clients["anonymous"].get("/sites/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_made_up_holder_is_refused_on_the_form(world: World) -> None:
    response = _post(world, {**PLACE, "step": "holders", "access": "made-up-isp"})
    assert response.status_code == 200
    assert "access" in response.context["holders_form"].errors
    assert not Site.objects.filter(name="自宅").exists()


def test_the_site_page_says_how_to_find_an_unknown_holder(world: World) -> None:
    _post(world, {**PLACE, "step": "holders", "access": UNKNOWN})
    site = Site.objects.get(organization=world.org_a, name="自宅")
    world.clients["alice"].post(f"/sites/{site.pk}/trouble/", {"symptoms": ["internet-down"]})
    page = world.clients["alice"].get(f"/sites/{site.pk}/").content.decode()
    assert "契約先が記録にありません" in page
    assert "ルーターのラベル" in page


def test_a_business_site_is_recorded_as_held_by_a_business(world: World) -> None:
    _post(world, {**PLACE, "holder": "business", "step": "holders"})
    assert Site.objects.get(organization=world.org_a, name="自宅").holder == "business"


def test_a_site_is_held_by_a_person_unless_told(world: World) -> None:
    _post(world, {**PLACE, "step": "holders"})
    assert Site.objects.get(organization=world.org_a, name="自宅").holder == "person"


def test_the_contract_form_takes_the_cancellation_fee(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contracts/add/"
    page = world.clients["bob"].get(url).content.decode()
    assert "解約金" in page
    world.clients["bob"].post(
        url,
        {"ref": "fee", "service": "isp", "party": "so-net", "cancellation_fee_yen": "22000"},
    )
    assert world.site_a.contracts.get(ref="fee").cancellation_fee_yen == 22000
