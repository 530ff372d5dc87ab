"""A site file's party and desk links: http(s), tel or mailto only, with the field named."""

from __future__ import annotations

import pytest

from madoguchi.engine import SiteFileError, load_catalog, parse_site
from madoguchi.engine.model import link_problem


def _party(url: str, where: str = "desk") -> str:
    party_url = f"    url: {url!r}\n" if where == "party" else ""
    desk_url = f", url: {url!r}" if where == "desk" else ""
    return (
        "site: {name: x}\n"
        "parties:\n"
        "  - slug: local-isp\n"
        "    name: 地元ISP\n"
        "    kind: isp\n"
        f"{party_url}"
        "    desks:\n"
        "      - {slug: a}\n"
        f"      - {{slug: b{desk_url}}}\n"
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JAVASCRIPT:x", "\tjava\nscript:x", "data:,x", "vbscript:x"]
)
def test_a_desk_link_that_could_run_is_refused(url: str) -> None:
    with pytest.raises(SiteFileError) as caught:
        parse_site(_party(url), load_catalog())
    assert [str(p) for p in caught.value.problems] == [
        "parties[0].desks[1].url: only http, https, tel and mailto links are allowed"
    ]


def test_a_party_link_is_checked_too() -> None:
    with pytest.raises(SiteFileError) as caught:
        parse_site(_party("javascript:x", where="party"), load_catalog())
    assert caught.value.problems[0].path == "parties[0].url"


@pytest.mark.parametrize("url", ["https://x.jp/a?b", "http://x.jp", "tel:113", "mailto:a@x.jp"])
def test_allowed_links_pass(url: str) -> None:
    assert parse_site(_party(url), load_catalog()).site.parties[0].desks[1].url == url


@pytest.mark.parametrize("url", ["x.jp/support", "/relative", "https:///no-host", "ftp://x.jp"])
def test_links_without_an_allowed_scheme_and_host_are_refused(url: str) -> None:
    assert link_problem(url) is not None


def test_every_catalog_link_is_allowed() -> None:
    for party in load_catalog().parties.values():
        for url in [party.url, *(d.url for d in party.desks)]:
            assert url is None or link_problem(url) is None, (party.slug, url)
