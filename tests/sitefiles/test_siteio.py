"""Site files in and out: the stored site assesses exactly like the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.contracts.models import Site
from madoguchi.engine import assess, load_catalog, parse_site
from tests.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VALID = [p for p in sorted(EXAMPLES.glob("*.yaml")) if p.name != "invalid-site.yaml"]


def _cli_assessment(text: str) -> dict[str, object]:
    return assess(parse_site(text, load_catalog()).site).to_dict()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_an_imported_file_assesses_like_the_cli(world: World, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    body = {"content": text, "organization": "org-a", "keep_time": True}
    created = world.api("post", "/api/v1/sites/import", body)
    assert created.status_code == 201, created.content
    site_id = created.json()["id"]
    served = world.api("get", f"/api/v1/sites/{site_id}/assessment").json()
    assert served == _cli_assessment(text)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_an_exported_site_assesses_like_the_site_page(world: World, path: Path) -> None:
    created = world.api(
        "post",
        "/api/v1/sites/import",
        {"content": path.read_text(encoding="utf-8"), "organization": "org-a", "keep_time": True},
    )
    site_id = created.json()["id"]
    exported = world.api("get", f"/api/v1/sites/{site_id}/export").content.decode()
    served = world.api("get", f"/api/v1/sites/{site_id}/assessment").json()
    assert _cli_assessment(exported) == served


def test_a_site_with_an_edited_catalog_party_exports_that_party(world: World) -> None:
    from madoguchi.directory.models import Desk

    Desk.objects.filter(party__organization__isnull=True, slug="so-net-support").update(
        phone="0000"
    )
    created = world.api(
        "post",
        "/api/v1/sites/import",
        {
            "content": (
                "site: {name: x}\n"
                "contracts: [{ref: i, service: isp, party: so-net}]\n"
                "symptoms: [slow]\n"
            ),
            "organization": "org-a",
        },
    )
    exported = world.api("get", f"/api/v1/sites/{created.json()['id']}/export").content.decode()
    assert "0000" in exported
    assert _cli_assessment(exported)["routes"][0]["phone"] == "0000"


def test_a_bad_file_stores_nothing_and_names_the_field(world: World) -> None:
    before = Site.objects.count()
    text = (EXAMPLES / "invalid-site.yaml").read_text(encoding="utf-8")
    response = world.api("post", "/api/v1/sites/import", {"content": text, "organization": "org-a"})
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert {"contracts[0].start", "symptoms[0]"} <= paths
    assert Site.objects.count() == before


def test_import_accepts_a_raw_yaml_body(world: World) -> None:
    response = world.clients["anonymous"].post(
        "/api/v1/sites/import?organization=org-a",
        "site: {name: 生YAML}\n",
        content_type="application/yaml",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['alice']}",
    )
    assert response.status_code == 201
    assert Site.objects.get(pk=response.json()["id"]).name == "生YAML"


def test_import_accepts_a_file_upload(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("s.yaml", "site: {name: アップロード}\n".encode())
    response = world.clients["anonymous"].post(
        "/api/v1/sites/import",
        {"file": upload, "organization": "org-a"},
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['alice']}",
    )
    assert response.status_code == 201


def test_replacing_a_site_keeps_its_id(world: World) -> None:
    text = "site: {name: 置き換え後}\ncontracts: [{ref: x, service: isp, party: biglobe}]\n"
    response = world.api("put", f"/api/v1/sites/{world.site_a.pk}/import", {"content": text})
    assert response.status_code == 200
    world.site_a.refresh_from_db()
    assert world.site_a.name == "置き換え後"
    assert list(world.site_a.contracts.values_list("party", flat=True)) == ["biglobe"]


def test_web_upload_imports_several_files_and_reports_the_bad_one(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("good.yaml", (EXAMPLES / VALID[0].name).read_bytes())
    bad = SimpleUploadedFile("bad.yaml", (EXAMPLES / "invalid-site.yaml").read_bytes())
    before = Site.objects.count()
    response = world.clients["alice"].post("/sites/import/", {"files": [good, bad]})
    assert response.status_code == 200
    assert "contracts[0].start" in response.content.decode()
    assert Site.objects.count() == before + 1


def test_export_download_is_a_site_file(world: World) -> None:
    response = world.clients["alice"].get(f"/sites/{world.site_a.pk}/export/")
    assert response["Content-Type"].startswith("application/yaml")
    assert parse_site(response.content.decode(), load_catalog()).site.site.name == "A社 本社"
