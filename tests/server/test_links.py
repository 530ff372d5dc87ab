"""Row links made without a reverse() per row are the links reverse() gives."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from madoguchi.server.links import url_maker


@pytest.mark.parametrize("pk", [1, 62, 4611, 10**9])
def test_a_made_link_is_the_reversed_link(pk: int) -> None:
    assert url_maker("cases:detail")(pk) == reverse("cases:detail", args=[pk])


def test_a_made_link_keeps_the_script_prefix() -> None:
    set_script_prefix("/madoguchi/")
    try:
        assert url_maker("cases:detail")(5) == "/madoguchi/cases/5/"
    finally:
        set_script_prefix("/")
