"""A bill file the API does not read because of its size is refused for its size, with the
limit, not as "no file"."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from madoguchi.server.uploads import BoundedUploadHandler
from tests.server.conftest import World


def test_an_oversized_bill_file_is_refused_for_its_size(world: World) -> None:
    big = b"party,month,item,yen\n" + b"so-net,2026-01,x,1\n" * (BoundedUploadHandler.limit // 19)
    upload = SimpleUploadedFile("bills.csv", big, content_type="text/csv")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    response = world.clients["anonymous"].post(
        f"/api/v1/sites/{world.site_a.pk}/bills/import", {"file": upload}, **headers
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"] == "file"
    assert f"{BoundedUploadHandler.limit:,} bytes" in error["message"]
