"""The contract and event forms of the web pages: pickers instead of slugs, ID rows instead
of JSON, choices in words, help where a word is hard."""

from __future__ import annotations

import re

from madoguchi.contracts.models import Contract, Event
from tests.conftest import World

ADD = "/sites/{pk}/contracts/add/"


def _visible_options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_the_holder_is_picked_by_name(world: World) -> None:
    page = world.clients["bob"].get(ADD.format(pk=world.site_a.pk)).content.decode()
    holders = _visible_options(page, "party")
    assert "ドコモ光 (docomo Hikari)" in holders
    assert "docomo-hikari" not in holders
    assert 'data-picker=""' in page


def test_the_holder_picker_carries_the_aliases_for_the_filter(world: World) -> None:
    page = world.clients["bob"].get(ADD.format(pk=world.site_a.pk)).content.decode()
    assert re.search(r'data-names="[^"]*ソネット', page)


def test_the_holder_picker_offers_ntt_of_the_sites_region(world: World) -> None:
    world.site_a.region = "west"
    world.site_a.save()
    page = world.clients["bob"].get(ADD.format(pk=world.site_a.pk)).content.decode()
    holders = _visible_options(page, "party")
    assert "NTT西日本 (NTT West)" in holders
    assert "NTT東日本 (NTT East)" not in holders


def test_choices_are_words_not_codes(world: World) -> None:
    page = world.clients["bob"].get(ADD.format(pk=world.site_a.pk)).content.decode()
    assert "光回線" in _visible_options(page, "service")
    assert "access" not in _visible_options(page, "service")
    assert "転用 (フレッツ光から)" in _visible_options(page, "acquired")
    assert "コンビニ払い" in _visible_options(page, "payment")
    assert "フレッツ・ウイルスクリア" in _visible_options(page, "option")


def test_hard_words_have_a_line_of_help(world: World) -> None:
    page = world.clients["bob"].get(ADD.format(pk=world.site_a.pk)).content.decode()
    assert "転用:" in page
    assert "初期契約解除" in page
    assert "CAF" in page


def test_ids_are_saved_from_rows(world: World) -> None:
    response = world.clients["bob"].post(
        ADD.format(pk=world.site_a.pk),
        {
            "ref": "line",
            "service": "access",
            "party": "docomo-hikari",
            "wanted": "on",
            "id_kind_0": "customer_id",
            "id_value_0": "CAF1234567",
            "id_kind_1": "other",
            "id_label_1": "dアカウント",
            "id_value_1": "taro@example.jp",
            "id_kind_2": "phone_number",
            "id_value_2": "",
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get(site=world.site_a, ref="line")
    assert contract.ids == {"customer_id": "CAF1234567", "dアカウント": "taro@example.jp"}


def test_an_other_id_needs_its_name(world: World) -> None:
    response = world.clients["bob"].post(
        ADD.format(pk=world.site_a.pk),
        {"ref": "l", "service": "access", "party": "docomo-hikari", "id_kind_0": "other"}
        | {"id_value_0": "123"},
    )
    assert "id_label_0" in response.context["form"].errors


def test_the_same_kind_of_id_twice_is_refused(world: World) -> None:
    response = world.clients["bob"].post(
        ADD.format(pk=world.site_a.pk),
        {"ref": "l", "service": "access", "party": "docomo-hikari"}
        | {"id_kind_0": "customer_id", "id_value_0": "CAF1", "id_kind_1": "customer_id"}
        | {"id_value_1": "CAF2"},
    )
    assert "id_value_1" in response.context["form"].errors


def test_a_refused_form_keeps_the_ids_typed(world: World) -> None:
    response = world.clients["bob"].post(
        ADD.format(pk=world.site_a.pk),
        {"ref": "", "service": "access", "party": "docomo-hikari"}
        | {"id_kind_0": "customer_id", "id_value_0": "CAF7654321"},
    )
    assert "CAF7654321" in response.content.decode()


def test_editing_shows_the_stored_ids_in_rows(world: World) -> None:
    world.contract_a.ids = {"customer_id": "CAF0000009", "メモ番号": "42"}
    world.contract_a.save()
    url = f"/sites/{world.site_a.pk}/contracts/{world.contract_a.pk}/"
    form = world.clients["bob"].get(url).context["form"]
    assert form["id_kind_0"].value() == "customer_id"
    assert form["id_value_0"].value() == "CAF0000009"
    assert form["id_kind_1"].value() == "other"
    assert form["id_label_1"].value() == "メモ番号"
    assert form.id_rows == 3


def test_clearing_every_id_row_empties_the_ids(world: World) -> None:
    world.contract_a.ids = {"customer_id": "CAF0000009"}
    world.contract_a.save()
    url = f"/sites/{world.site_a.pk}/contracts/{world.contract_a.pk}/"
    data = {"ref": world.contract_a.ref, "service": "access", "party": "docomo-hikari"}
    world.clients["bob"].post(url, {**data, "includes_isp": "on", "wanted": "on"})
    world.contract_a.refresh_from_db()
    assert world.contract_a.ids == {}


def test_the_api_still_takes_ids_as_a_mapping(world: World) -> None:
    response = world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": "api", "service": "isp", "party": "so-net", "ids": {"customer_id": "CAF9"}},
    )
    assert response.status_code == 201
    assert Contract.objects.get(site=world.site_a, ref="api").ids == {"customer_id": "CAF9"}


def test_the_event_party_is_picked_by_name(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/events/{world.event_a.pk}/"
    page = world.clients["bob"].get(url).content.decode()
    assert "So-net 光 (So-net Hikari)" in _visible_options(page, "party")
    assert "勧誘の電話・訪問" in _visible_options(page, "kind")
    world.clients["bob"].post(url, {"date": "2026-02-01", "kind": "sales-call", "party": "so-net"})
    assert Event.objects.get(pk=world.event_a.pk).party == "so-net"
