"""Oversize or hostile site files are refused by the API and the import page, naming why."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from madoguchi.contracts.models import Site
from madoguchi.engine.limits import MAX_FILE_BYTES, MAX_UPLOAD_FILES
from tests.conftest import World
from tests.hostile import alias_bomb, many_contracts, nested

SMALL = "site: {name: 小さい}\n"
# A valid site file padded with a comment past the limit: accepted if nothing bounds it.
OVERSIZE = SMALL + "#" + "x" * MAX_FILE_BYTES + "\n"


def _post(world: World, url: str, **kwargs: object) -> object:
    return world.clients["anonymous"].post(
        url, HTTP_AUTHORIZATION=f"Bearer {world.tokens['alice']}", **kwargs
    )


def _errors(response: object) -> list[dict[str, str]]:
    assert response.status_code == 422, response.content[:300]  # type: ignore[attr-defined]
    return response.json()["errors"]  # type: ignore[attr-defined, no-any-return]


def test_api_refuses_oversize_json_content_naming_the_field(world: World) -> None:
    before = Site.objects.count()
    response = world.api("post", "/api/v1/sites/import", {"content": OVERSIZE})
    assert _errors(response) == [
        {
            "path": "content",
            "message": f"the file is {len(OVERSIZE.encode()):,} bytes; "
            "at most 1,000,000 bytes are accepted",
        }
    ]
    assert Site.objects.count() == before


def test_api_refuses_an_oversize_request_before_reading_it(world: World) -> None:
    response = world.api("post", "/api/v1/sites/import", {"content": OVERSIZE * 3})
    [error] = _errors(response)
    assert error["path"] == "content"
    assert error["message"].startswith("the request is 3,000,")


def test_api_refuses_an_oversize_raw_body(world: World) -> None:
    response = _post(
        world,
        "/api/v1/sites/import?organization=org-a",
        data=OVERSIZE,
        content_type="application/yaml",
    )
    assert [e["path"] for e in _errors(response)] == ["body"]


def test_api_refuses_an_oversize_upload_naming_the_file_field(world: World) -> None:
    upload = SimpleUploadedFile("big.yaml", OVERSIZE.encode())
    response = _post(world, "/api/v1/sites/import", data={"file": upload})
    assert _errors(response) == [
        {
            "path": "file",
            "message": "larger than 1,000,000 bytes, the most a site file may hold",
        }
    ]


def test_api_refuses_deep_nesting_without_crashing(world: World) -> None:
    response = world.api("post", "/api/v1/sites/import", {"content": nested(30_000)})
    assert _errors(response) == [
        {"path": "", "message": "line 3, column 26: nested more than 20 levels deep"}
    ]


def test_api_refuses_an_alias_bomb_with_a_short_message(world: World) -> None:
    response = world.api("post", "/api/v1/sites/import", {"content": alias_bomb(levels=7)})
    [error] = _errors(response)
    assert "once aliases are expanded" in error["message"]
    assert len(response.content) < 500  # type: ignore[attr-defined]


def test_api_refuses_too_many_records_naming_the_section(world: World) -> None:
    response = world.api("post", "/api/v1/sites/import", {"content": many_contracts(501)})
    assert _errors(response) == [
        {"path": "contracts", "message": "501 entries; at most 500 are accepted"}
    ]


def test_import_page_names_an_oversize_file(world: World) -> None:
    before = Site.objects.count()
    good = SimpleUploadedFile("good.yaml", SMALL.encode())
    big = SimpleUploadedFile("big.yaml", OVERSIZE.encode())
    response = world.clients["alice"].post("/sites/import/", {"files": [good, big]})
    assert response.status_code == 200
    assert "big.yaml は 1 MB を超えています" in response.content.decode()
    assert Site.objects.count() == before  # all or nothing: the good file waits too


def test_import_page_names_an_oversize_file_sent_alone(world: World) -> None:
    big = SimpleUploadedFile("big.yaml", OVERSIZE.encode())
    response = world.clients["alice"].post("/sites/import/", {"files": [big]})
    page = response.content.decode()
    assert "big.yaml は 1 MB を超えています" in page
    assert "このフィールドは必須です" not in page


def test_import_page_bounds_the_number_of_files(world: World) -> None:
    before = Site.objects.count()
    files = [SimpleUploadedFile(f"s{i}.yaml", SMALL.encode()) for i in range(MAX_UPLOAD_FILES + 1)]
    response = world.clients["alice"].post("/sites/import/", {"files": files})
    assert response.status_code == 200
    assert f"一度に取り込めるのは {MAX_UPLOAD_FILES} ファイルまでです" in response.content.decode()
    assert Site.objects.count() == before


def test_far_too_many_files_get_an_explained_400(world: World) -> None:
    files = [SimpleUploadedFile(f"s{i}.yaml", b"x") for i in range(5 * MAX_UPLOAD_FILES + 1)]
    response = world.clients["alice"].post("/sites/import/", {"files": files})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"一度に取り込めるのは{MAX_UPLOAD_FILES}ファイルまで" in page
    assert f"{MAX_FILE_BYTES // 1_000_000} MBまで" in page


def test_api_answers_too_many_uploaded_files_with_422(world: World) -> None:
    files = [SimpleUploadedFile(f"s{i}.yaml", b"x") for i in range(5 * MAX_UPLOAD_FILES + 1)]
    response = _post(world, "/api/v1/sites/import", data={"file": files})
    assert _errors(response) == [
        {"path": "file", "message": "the request holds more than one site file"}
    ]
