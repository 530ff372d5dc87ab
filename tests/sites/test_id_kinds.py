"""The kinds of a contract's IDs are named once (sites.id_kinds): the contract form's ID rows
offer them with the same words the pages show a stored ID by."""

from __future__ import annotations

import re

from django.utils import translation

from madoguchi.server.id_kinds import ID_KINDS
from madoguchi.server.templatetags.madoguchi import id_name
from tests.conftest import World


def _id_kind_options(html: str) -> list[str]:
    select = re.search(r'<select name="id_kind_0".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_the_form_offers_each_kind_by_the_words_pages_show_it_by(world: World) -> None:
    page = world.clients["bob"].get(f"/sites/{world.site_a.pk}/contracts/add/").content.decode()
    with translation.override("ja"):
        shown = [id_name(key) for key in ID_KINDS]
    assert _id_kind_options(page) == [*shown, "その他 (名前を書く)"]


def test_the_customer_id_is_named_by_its_known_prefixes_only() -> None:
    with translation.override("ja"):
        name = id_name("customer_id")
    assert name == "お客さまID (CAF…・L…)"
    assert "COP" not in name


def test_an_older_files_user_id_is_the_provider_user_id() -> None:
    with translation.override("ja"):
        assert id_name("user_id") == id_name("isp_user_id") == "プロバイダのユーザーID"


def test_an_unknown_key_is_read_as_words() -> None:
    assert id_name("sonet_id") == "sonet ID"
