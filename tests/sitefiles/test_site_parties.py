"""A site file's `parties:` belong to its site: the organization's directory never changes."""

from __future__ import annotations

from typing import Any

import yaml

from madoguchi.contracts.models import Site
from madoguchi.contracts.records import party_json
from madoguchi.directory.models import DirectoryStamp, Party
from madoguchi.directory.services import save_party
from madoguchi.engine import assess, load_catalog, parse_site
from madoguchi.engine import model as engine
from tests.conftest import World

PLAIN = """\
site: {name: 本社, prefecture: 東京都}
now: 2026-02-02T10:00+09:00
contracts:
  - {ref: line, service: access, party: ntt-east}
  - {ref: isp, service: isp, party: so-net}
observations: {onu: {optical: "off"}}
symptoms: [internet-down]
"""

# The same site, with its own NTT East: another fault number.
OWN_NTT = PLAIN.replace("本社", "支店") + (
    "parties:\n"
    "  - slug: ntt-east\n"
    "    name: NTT東日本 (支店の担当)\n"
    "    kind: wholesaler\n"
    "    region: east\n"
    "    desks:\n"
    '      - {slug: branch-desk, purposes: [fault], phone: "03-0000-0000", hours: "24/7"}\n'
)


# The catalog's NTT East fault desk for 光 lines (113 is for copper lines only).
CATALOG_NTT_EAST_FAULT = "0120-000-113"


def _import(world: World, text: str) -> Any:
    """Import as a new site, keeping the file's time (the assessments compare with the CLI's)."""
    body = {"content": text, "organization": "org-a", "existing": "new", "keep_time": True}
    response = world.api("post", "/api/v1/sites/import", body)
    assert response.status_code == 201, response.content
    return response.json()


def _first_phone(world: World, site_id: int) -> str:
    return world.api("get", f"/api/v1/sites/{site_id}/assessment").json()["first_call"]["phone"]


def test_a_file_with_a_catalog_slug_leaves_other_sites_first_call_alone(world: World) -> None:
    other = _import(world, PLAIN)["id"]
    assert _first_phone(world, other) == CATALOG_NTT_EAST_FAULT
    _import(world, OWN_NTT)
    assert _first_phone(world, other) == CATALOG_NTT_EAST_FAULT


def test_a_file_with_a_catalog_slug_writes_nothing_to_the_directory(world: World) -> None:
    _import(world, PLAIN)  # stamps created by the first read
    stamps = list(DirectoryStamp.objects.order_by("pk").values_list("stamp", flat=True))
    _import(world, OWN_NTT)
    assert not Party.objects.filter(organization=world.org_a).exists()
    assert list(DirectoryStamp.objects.order_by("pk").values_list("stamp", flat=True)) == stamps


def test_the_site_itself_calls_its_own_party(world: World) -> None:
    site_id = _import(world, OWN_NTT)["id"]
    assert _first_phone(world, site_id) == "03-0000-0000"


def test_the_site_page_shows_its_own_party(world: World) -> None:
    site_id = _import(world, OWN_NTT)["id"]
    page = world.clients["alice"].get(f"/sites/{site_id}/").content.decode()
    assert "03-0000-0000" in page


def test_the_import_answer_names_the_replaced_party(world: World) -> None:
    warnings = _import(world, OWN_NTT)["warnings"]
    assert {"path": "parties[0]", "message": "replaces NTT東日本 for this site only"} in warnings


def test_a_new_party_of_the_file_is_no_warning(world: World) -> None:
    text = PLAIN + "parties:\n  - {slug: naniwa-isp, name: なにわISP, kind: isp}\n"
    assert _import(world, text)["warnings"] == []


def test_the_web_import_says_the_party_applies_to_this_site_only(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("branch.yaml", OWN_NTT.encode())
    response = world.clients["alice"].post("/sites/import/", {"files": [upload]}, follow=True)
    page = response.content.decode()
    assert "parties[0]" in page
    assert "この拠点だけ" in page


def test_export_and_import_again_keeps_the_sites_own_party(world: World) -> None:
    site_id = _import(world, OWN_NTT)["id"]
    exported = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    again = _import(world, exported)["id"]
    assert Site.objects.get(pk=again).parties == Site.objects.get(pk=site_id).parties
    assert _first_phone(world, again) == "03-0000-0000"


def test_an_exported_site_with_its_own_party_assesses_like_the_site_page(world: World) -> None:
    site_id = _import(world, OWN_NTT)["id"]
    exported = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    served = world.api("get", f"/api/v1/sites/{site_id}/assessment").json()
    assert assess(parse_site(exported, load_catalog()).site).to_dict() == served


def test_a_party_equal_to_the_directorys_is_not_pinned_to_the_site(world: World) -> None:
    """An export carries the directory's parties that differ from the catalog; importing it
    again must leave the site following the directory."""
    shipped = load_catalog().parties["ntt-east"]
    save_party(world.org_a, engine.Party.model_validate(party_json(shipped) | {"name": "東"}))
    site_id = _import(world, PLAIN)["id"]
    exported = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    assert [p["slug"] for p in yaml.safe_load(exported)["parties"]] == ["ntt-east"]
    response = _import(world, exported)
    assert response["warnings"] == []
    assert Site.objects.get(pk=response["id"]).parties == []


def test_a_party_the_same_as_the_catalogs_stays_out_of_the_export(world: World) -> None:
    # The site names two catalog parties the organization has not changed: the file needs
    # neither, as it assesses the same with the shipped catalog alone.
    site_id = _import(world, PLAIN)["id"]
    exported = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    assert "parties" not in yaml.safe_load(exported)
    served = world.api("get", f"/api/v1/sites/{site_id}/assessment").json()
    assert assess(parse_site(exported, load_catalog()).site).to_dict() == served


def test_a_contract_may_name_the_sites_own_party(world: World) -> None:
    text = PLAIN + "parties:\n  - {slug: naniwa-isp, name: なにわISP, kind: isp}\n"
    site_id = _import(world, text)["id"]
    response = world.api(
        "post",
        f"/api/v1/sites/{site_id}/contracts",
        {"ref": "isp2", "service": "isp", "party": "naniwa-isp"},
    )
    assert response.status_code == 201, response.content


def test_another_site_may_not_name_that_party(world: World) -> None:
    text = PLAIN + "parties:\n  - {slug: naniwa-isp, name: なにわISP, kind: isp}\n"
    _import(world, text)
    response = world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": "isp2", "service": "isp", "party": "naniwa-isp"},
    )
    assert response.status_code == 422


def test_replacing_a_site_with_a_file_without_parties_drops_its_own(world: World) -> None:
    site_id = _import(world, OWN_NTT)["id"]
    response = world.api("put", f"/api/v1/sites/{site_id}/import", {"content": PLAIN})
    assert response.status_code == 200
    assert _first_phone(world, site_id) == CATALOG_NTT_EAST_FAULT


def test_a_case_opened_on_the_site_starts_from_its_own_party(world: World) -> None:
    site_id = _import(world, OWN_NTT)["id"]
    world.clients["alice"].post(f"/cases/open/{site_id}/", {"title": "不通"})
    from madoguchi.cases.models import Case

    case = Case.objects.get(site_id=site_id)
    assert case.first_party == "ntt-east"
    page = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
    assert "03-0000-0000" in page
