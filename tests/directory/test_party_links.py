"""Party and desk links are http(s), tel or mailto only, wherever they come from, and a
page never shows any other as a link."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

from madoguchi.directory.forms import DeskForm, PartyForm
from madoguchi.directory.models import Desk, Party
from madoguchi.server.templatetags.madoguchi import link
from tests.conftest import World

BAD = ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x"]
GOOD = ["https://example.jp/support", "http://example.jp", "tel:0120-000-000", "mailto:a@b.jp"]
LINK_PROBLEM = "only http, https, tel and mailto links are allowed"


def _own_party(world: World, **extra: Any) -> Any:
    body = {"slug": "local-isp", "name": "地元ISP", "kind": "isp", "organization": "org-a"}
    return world.api("post", "/api/v1/parties", body | extra)


def _site_file(url: str) -> str:
    return (
        "site: {name: x}\n"
        "parties:\n"
        "  - slug: local-isp\n"
        "    name: 地元ISP\n"
        "    kind: isp\n"
        "    desks:\n"
        "      - {slug: a, phone: '0120'}\n"
        f"      - {{slug: b, url: {url!r}}}\n"
    )


@pytest.mark.parametrize("url", BAD)
def test_a_site_file_with_a_bad_desk_link_is_refused_naming_the_field(
    world: World, url: str
) -> None:
    response = world.api(
        "post", "/api/v1/sites/import", {"content": _site_file(url), "organization": "org-a"}
    )
    assert response.status_code == 422
    assert {"path": "parties[0].desks[1].url", "message": LINK_PROBLEM} in response.json()["errors"]


def test_a_site_file_with_a_tel_link_is_accepted(world: World) -> None:
    response = world.api(
        "post", "/api/v1/sites/import", {"content": _site_file("tel:0120"), "organization": "org-a"}
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("url", BAD)
def test_the_api_refuses_a_party_with_a_bad_link(world: World, url: str) -> None:
    response = _own_party(world, url=url)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["url"]
    assert not Party.objects.filter(slug="local-isp").exists()


@pytest.mark.parametrize("url", GOOD)
def test_the_api_accepts_a_party_with_a_good_link(world: World, url: str) -> None:
    response = _own_party(world, url=url)
    assert response.status_code == 201, response.content
    assert response.json()["url"] == url


def test_the_api_refuses_a_bad_link_in_a_party_patch(world: World) -> None:
    party = _own_party(world).json()
    response = world.api("patch", f"/api/v1/parties/{party['id']}", {"url": "javascript:x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "url"
    assert Party.objects.get(pk=party["id"]).url == ""


def test_the_api_refuses_a_desk_with_a_bad_link(world: World) -> None:
    party = _own_party(world).json()
    response = world.api(
        "post", f"/api/v1/parties/{party['id']}/desks", {"slug": "d", "url": "javascript:x"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "url"


def test_the_api_refuses_a_bad_link_in_a_desk_patch(world: World) -> None:
    party = _own_party(world).json()
    desk = world.api("post", f"/api/v1/parties/{party['id']}/desks", {"slug": "d"}).json()
    response = world.api("patch", f"/api/v1/desks/{desk['id']}", {"url": "javascript:x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "url"


def test_the_party_form_names_the_field_in_japanese(world: World) -> None:
    data = {"slug": "p", "name": "P", "kind": "isp", "status": "active", "verified": True}
    form = PartyForm(
        data | {"url": "javascript:alert(1)"},
        instance=Party(organization=world.org_a),
        organization=world.org_a,
    )
    with translation.override("ja"):
        assert not form.is_valid()
        assert form.errors["url"] == ["リンクに使えるのは http、https、tel、mailto だけです。"]


def test_the_desk_form_accepts_a_mailto_link(world: World) -> None:
    party = Party.objects.create(organization=world.org_a, slug="p", name="P", kind="isp")
    data = {"slug": "d", "url": "mailto:help@example.jp", "position": 0}
    form = DeskForm(data, instance=Desk(party=party))
    assert form.is_valid(), form.errors


def test_the_link_filter_shows_a_bad_link_as_text_only() -> None:
    assert str(link("javascript:alert(1)")) == "javascript:alert(1)"
    assert str(link("java\tscript:alert(1)", "website")) == "java\tscript:alert(1)"
    assert "<a" not in str(link('"><script>x</script>'))


def test_the_link_filter_makes_a_good_link() -> None:
    assert str(link("https://example.jp/?a=1&b=2", "website")) == (
        '<a href="https://example.jp/?a=1&amp;b=2">website</a>'
    )


def test_a_stored_bad_link_never_reaches_the_site_page(world: World) -> None:
    """A row written before links were checked: the directory drops its link."""
    party = _own_party(world, slug="so-net", name="So-net").json()
    world.api(
        "post", f"/api/v1/parties/{party['id']}/desks", {"slug": "web", "purposes": ["fault"]}
    )
    Desk.objects.filter(party_id=party["id"]).update(url="javascript:alert(1)")
    Party.objects.filter(pk=party["id"]).update(url="javascript:alert(2)")
    from madoguchi.directory.services import directory_changed

    directory_changed(world.org_a.pk)
    site = world.api(
        "post",
        "/api/v1/sites/import",
        {
            "content": "site: {name: x}\ncontracts: [{ref: i, service: isp, party: so-net}]\n"
            "symptoms: [slow]\n",
            "organization": "org-a",
        },
    ).json()
    page = world.clients["alice"].get(f"/sites/{site['id']}/")
    assert page.status_code == 200
    assert "javascript:" not in page.content.decode()


def test_the_migration_clears_links_that_are_not_allowed(world: World) -> None:
    party = Party.objects.create(organization=world.org_a, slug="p", name="P", kind="isp")
    Party.objects.filter(pk=party.pk).update(url="javascript:alert(1)", note="n")
    good = Desk.objects.create(party=party, slug="good", url="tel:0120")
    migration = importlib.import_module(
        "madoguchi.directory.migrations.0004_clear_links_that_are_not_http_tel_or_mailto"
    )
    migration.clear_bad_links(apps, None)
    party.refresh_from_db()
    assert party.url == ""
    assert "javascript:alert(1)" in party.note
    good.refresh_from_db()
    assert good.url == "tel:0120"
