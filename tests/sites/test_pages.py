"""Web pages: Japanese by default, English on request, forms with field-level errors."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from madoguchi.contracts.models import Contract
from tests.conftest import World


def test_pages_are_japanese_by_default(world: World) -> None:
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/").content.decode()
    assert "いま電話するところ" in page
    assert "契約マップ" in page


def test_pages_switch_to_english(world: World) -> None:
    client = world.clients["alice"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/sites/"})
    page = client.get(f"/sites/{world.site_a.pk}/").content.decode()
    assert "Call now" in page
    assert "a line fault is possible" in page  # the engine's sentences follow too


def test_site_page_shows_the_call_now_panel_with_a_tel_link(world: World) -> None:
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/").content.decode()
    assert 'id="call-now"' in page
    assert "ドコモ光" in page


def test_adding_a_contract_through_the_form(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contracts/add/"
    response = world.clients["bob"].post(
        url, {"ref": "tel", "service": "phone", "party": "ntt-east", "wanted": "on"}
    )
    assert response.status_code == 302
    assert Contract.objects.filter(site=world.site_a, ref="tel", party="ntt-east").exists()


def test_the_contract_form_names_the_bad_field(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contracts/add/"
    response = world.clients["bob"].post(
        url, {"ref": "x", "service": "isp", "party": "docomo-hikar"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"party": ["不明な事業者「docomo-hikar」です。"]}


def test_editing_an_event_through_the_form(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/events/{world.event_a.pk}/"
    response = world.clients["bob"].post(url, {"date": "2026-02-01", "kind": "sales-call"})
    assert response.status_code == 302
    world.event_a.refresh_from_db()
    assert world.event_a.kind == "sales-call"


def test_reporting_symptoms_changes_the_assessment(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/trouble/"
    world.clients["bob"].post(url, {"symptoms": ["wifi-weak"], "optical": "on"})
    world.site_a.refresh_from_db()
    assert world.site_a.symptoms == ["wifi-weak"]
    assert world.site_a.onu == {"optical": "on"}


def test_saving_the_trouble_form_keeps_the_imported_lamp_readings(world: World) -> None:
    world.site_a.onu = {"power": "on", "ppp": "red"}
    world.site_a.save()
    url = f"/sites/{world.site_a.pk}/trouble/"
    world.clients["bob"].post(url, {"symptoms": ["internet-down"], "optical": "off"})
    world.site_a.refresh_from_db()
    assert world.site_a.onu == {"power": "on", "ppp": "red", "optical": "off"}


def test_the_trouble_form_shows_every_lamp_the_site_file_knows(world: World) -> None:
    world.site_a.onu = {"ppp": "red"}
    world.site_a.save()
    form = world.clients["alice"].get(f"/sites/{world.site_a.pk}/").context["trouble_form"]
    assert form["ppp"].initial == "red"


def test_search_finds_sites_by_name(world: World) -> None:
    page = world.clients["alice"].get("/sites/?q=本社").content.decode()
    assert "A社 本社" in page


def test_the_admin_lists_the_catalog(world: World, admin_client) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get("/admin/directory/party/").content.decode()
    assert "so-net" in page


def test_a_session_ended_by_logging_out_cannot_be_replayed(world: World) -> None:
    # With MADOGUCHI_REDIS_URL (as CI's PostgreSQL run sets it), sessions are read from
    # Redis first: logging out must end them there too.
    client = world.clients["bob"]
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/cases/").status_code == 200
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_contract_form_says_the_site_files_rules_in_japanese(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contracts/add/"
    body = {"ref": "x", "service": "isp", "party": "ntt-east", "includes_isp": "on"}
    body |= {"start": "2026-02-01", "end": "2026-01-01", "option": "hikari-denwa", "wanted": "on"}
    errors = world.clients["bob"].post(url, body).context["form"].errors
    assert errors == {
        "option": ["サービスが「option」の契約にだけ指定できます。"],
        "includes_isp": ["プロバイダ込みにできるのは回線 (access) の契約だけです。"],
        "end": ["終了日が開始日より前です。"],
    }


def test_the_browsers_favicon_request_finds_the_icon(client: Client) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    icon = client.get(answer["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]
