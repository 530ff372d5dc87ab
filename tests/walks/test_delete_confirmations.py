"""Every delete in the web UI says what it deletes and asks once before deleting: its button
is a link to a page that asks "この〇〇を削除しますか？" (a GET, which deletes nothing), and
only that page's button (a POST) deletes. No JavaScript is needed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.urls import get_resolver, reverse

from madoguchi.directory.models import DeskOverride, FactConfirmation
from madoguchi.directory.services import override_desk
from madoguchi.notifications.models import Channel, SiteContact
from tests.conftest import World
from tests.factories import BillLineFactory, ContractFactory, EventFactory


@dataclass(frozen=True)
class Noun:
    url_name: str  # the delete route
    noun: str  # what a person calls it on the page
    make: Callable[[World], Model]
    delete_url: Callable[[World, Any], str]
    page_with_button: Callable[[World, Any], str]


def _confirmation(world: World) -> FactConfirmation:
    return FactConfirmation.objects.create(
        organization=world.org_a,
        key="desk:so-net/so-net-support",
        source="https://www.so-net.ne.jp/support/",
        checked="2026-11-23",
    )


def _channel(world: World) -> Channel:
    return Channel.objects.create(
        organization=world.org_a,
        kind="webhook",
        name="現場チャット",
        target="https://hooks.example.jp/x",
    )


def _contact(world: World) -> SiteContact:
    return SiteContact.objects.create(
        organization=world.org_a, site=world.site_a, name="山田 花子", email="hanako@example.jp"
    )


def _correction(world: World) -> DeskOverride:
    return override_desk(
        world.org_a,
        user=None,
        party="docomo-hikari",
        desk="docomo-hikari-113",
        values={"mobile_phone": "0120-000-000", "reason": "現場で確認した番号"},
    )


def _override_url(world: World, row: Any, name: str) -> str:
    return reverse(name, args=[world.org_a.pk, row.party, row.desk])


def _row(kind: str) -> tuple[Callable[[World, Any], str], Callable[[World, Any], str]]:
    return (
        lambda w, row: reverse(f"sites:{kind}-delete", args=[w.site_a.pk, row.pk]),
        lambda w, row: reverse(f"sites:{kind}-edit", args=[w.site_a.pk, row.pk]),
    )


NOUNS = [
    Noun(
        "sites:contract-delete",
        "契約",
        lambda w: ContractFactory(site=w.site_a, ref="spare-line"),
        *_row("contract"),
    ),
    Noun("sites:event-delete", "出来事", lambda w: EventFactory(site=w.site_a), *_row("event")),
    Noun("sites:bill-delete", "請求明細", lambda w: BillLineFactory(site=w.site_a), *_row("bill")),
    Noun(
        "facts:confirmation-delete",
        "確認",
        _confirmation,
        lambda w, row: reverse("facts:confirmation-delete", args=[w.org_a.pk, row.pk]),
        lambda w, row: reverse("facts:list", args=[w.org_a.pk]),
    ),
    Noun(
        "facts:desk-override-delete",
        "訂正",
        _correction,
        lambda w, row: _override_url(w, row, "facts:desk-override-delete"),
        lambda w, row: _override_url(w, row, "facts:desk-override"),
    ),
    Noun(
        "notifications:delete",
        "通知先",
        _channel,
        lambda w, row: reverse("notifications:delete", args=[row.pk]),
        lambda w, row: reverse("notifications:list"),
    ),
    Noun(
        "contacts:delete",
        "連絡先",
        _contact,
        lambda w, row: reverse("contacts:delete", args=[w.site_a.pk, row.pk]),
        lambda w, row: reverse("contacts:list", args=[w.site_a.pk]),
    ),
]
OTHER_NOUNS = {
    "契約",
    "出来事",
    "請求明細",
    "確認",
    "訂正",
    "通知先",
    "連絡先",
    "拠点",
    "ケース",
    "約束",
}


def _delete_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns, f"{entry.namespace}:" if entry.namespace else namespace)
            elif entry.name and entry.name.endswith("delete"):
                names.add(namespace + entry.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_delete_route_of_the_web_ui_is_covered_here() -> None:
    """(The admin's deletes ask on Django's own confirmation page.)"""
    routes = {name for name in _delete_routes() if not name.startswith("admin:")}
    assert routes == {n.url_name for n in NOUNS}


@pytest.mark.parametrize("noun", NOUNS, ids=lambda n: n.url_name)
def test_the_delete_button_names_what_it_deletes(world: World, noun: Noun) -> None:
    row = noun.make(world)
    page = world.clients["alice"].get(noun.page_with_button(world, row)).content.decode()
    link = re.search(
        rf'<a [^>]*href="{re.escape(noun.delete_url(world, row))}"[^>]*>([^<]*)</a>', page
    )
    assert link is not None
    assert link.group(1) == f"この{noun.noun}を削除"


@pytest.mark.parametrize("noun", NOUNS, ids=lambda n: n.url_name)
def test_a_get_asks_once_with_the_right_noun_and_deletes_nothing(world: World, noun: Noun) -> None:
    row = noun.make(world)
    url = noun.delete_url(world, row)
    response = world.clients["alice"].get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"この{noun.noun}を削除しますか？" in page
    assert not any(f"この{other}を削除" in page for other in OTHER_NOUNS - {noun.noun})
    assert re.search(rf'<form method="post" action="{re.escape(url)}"', page)
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("noun", NOUNS, ids=lambda n: n.url_name)
def test_the_confirmed_post_deletes(world: World, noun: Noun) -> None:
    row = noun.make(world)
    response = world.clients["alice"].post(noun.delete_url(world, row))
    assert response.status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("noun", NOUNS, ids=lambda n: n.url_name)
def test_a_viewer_is_not_asked(world: World, noun: Noun) -> None:
    row = noun.make(world)
    assert world.clients["vera"].get(noun.delete_url(world, row)).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_the_question_speaks_english_on_request(world: World) -> None:
    event = EventFactory(site=world.site_a)
    client = world.clients["alice"]
    client.cookies["django_language"] = "en"
    page = client.get(reverse("sites:event-delete", args=[world.site_a.pk, event.pk]))
    assert "Delete this event?" in page.content.decode()
