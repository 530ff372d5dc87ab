"""A text over its limit is refused at every door, and on the web the form comes back with the
text as typed and an error naming the field, the limit and the length now; amounts and dates
outside their bounds are refused with the bound in the person's language."""

from __future__ import annotations

import html

from madoguchi.cases.models import TimelineEntry
from madoguchi.contracts.models import Contract
from madoguchi.engine import bounds
from tests.conftest import World

LONG_SAID = "言" * 50_000
ADD_CONTRACT = "/sites/{pk}/contracts/add/"
CONTRACT = {"ref": "line", "service": "access", "party": "docomo-hikari", "wanted": "on"}


def test_a_long_said_text_comes_back_with_the_field_and_the_limit(world: World) -> None:
    before = TimelineEntry.objects.count()
    response = world.clients["bob"].post(
        f"/cases/{world.case_a.pk}/log/", {"kind": "call-out", "said": LONG_SAID}
    )
    page = response.content.decode()
    assert "言われたこと は 10,000 文字以内で入力してください（今 50,000 文字）" in page
    assert LONG_SAID in page
    assert TimelineEntry.objects.count() == before


def test_a_long_contract_note_comes_back_as_typed(world: World) -> None:
    note = "メ" * 200_000  # 1.8 MB once the form encodes it, still read by the server
    response = world.clients["bob"].post(
        ADD_CONTRACT.format(pk=world.site_a.pk), CONTRACT | {"note": note}
    )
    assert response.status_code == 200
    assert note in response.content.decode()
    assert "10,000 文字以内で入力してください（今 200,000 文字）" in response.content.decode()
    assert not Contract.objects.filter(site=world.site_a, ref="line").exists()


def test_a_textarea_carries_its_limit_for_the_script_not_for_the_browser(world: World) -> None:
    page = world.clients["bob"].get(f"/cases/{world.case_a.pk}/").content.decode()
    textarea = page[page.index('<textarea name="said"') :].split(">", 1)[0]
    assert 'data-max="10000"' in textarea
    assert "maxlength" not in textarea
    assert html.escape("（今 {count} 文字）") in textarea


def test_a_note_at_the_limit_is_stored_whole(world: World) -> None:
    note = "メ" * bounds.NOTE
    response = world.clients["bob"].post(
        ADD_CONTRACT.format(pk=world.site_a.pk), CONTRACT | {"note": note}
    )
    assert response.status_code == 302
    assert Contract.objects.get(site=world.site_a, ref="line").note == note


def test_a_product_the_database_cannot_hold_is_refused_by_the_site_file(world: World) -> None:
    content = "site: {name: 長い}\ncontracts:\n- {ref: l, service: access, party: docomo-hikari"
    content += ", product: " + "x" * (bounds.NAME + 1) + "}\n"
    response = world.api("post", "/api/v1/sites/import", {"content": content})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["path"] == "contracts[0].product"
    assert f"at most {bounds.NAME} characters" in error["message"]


def test_a_contract_date_in_year_9999_is_refused_with_the_bounds(world: World) -> None:
    response = world.clients["bob"].post(
        ADD_CONTRACT.format(pk=world.site_a.pk), CONTRACT | {"start": "9999-01-01"}
    )
    assert response.status_code == 200
    assert "1990年1月1日 から 2100年12月31日 までの日付を入力してください。" in (
        response.content.decode()
    )


def test_an_api_date_in_year_1_is_refused_with_the_bounds(world: World) -> None:
    url = f"/api/v1/contracts/{world.contract_a.pk}"
    response = world.api("patch", url, {"start": "0001-01-01"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["path"] == "start"
    assert "between 1990-01-01 and 2100-12-31" in error["message"]


def test_a_monthly_fee_over_the_bound_is_refused_with_it(world: World) -> None:
    response = world.clients["bob"].post(
        ADD_CONTRACT.format(pk=world.site_a.pk),
        CONTRACT | {"monthly_yen": str(bounds.YEN_MAX + 1)},
    )
    assert response.status_code == 200
    assert "100,000,000 円以下の金額を入力してください。" in response.content.decode()


def test_an_api_amount_over_the_bound_is_refused(world: World) -> None:
    url = f"/api/v1/contracts/{world.contract_a.pk}"
    response = world.api("patch", url, {"monthly_yen": bounds.YEN_MAX + 1})
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["monthly_yen"]
