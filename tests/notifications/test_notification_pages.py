"""The notification pages: channels per organization and per user (add, edit, pause,
delete after one question, a test message, a new signing key shown once), the LINE token
(never shown back), the delivery log, and a site's customer contacts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.notifications.models import Channel, Delivery, LineAccount, SiteContact
from tests.conftest import World

HOOK = "https://hooks.example.jp/services/T000/B000/very-secret-path-xyz9"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def _org_channel(world: World, **fields: Any) -> Channel:
    values = {"kind": "email", "target": "desk@example.jp", "name": "A社の通知先", **fields}
    return Channel.objects.create(organization=world.org_a, **values)


def _add_webhook(world: World, **extra: str) -> Any:
    data = {
        "kind": "webhook",
        "name": "夜間当番",
        "target": HOOK,
        "events": ["incident-opened", "promise-overdue"],
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        **extra,
    }
    return world.clients["alice"].post("/notifications/new/", data)


def test_the_footer_links_to_the_notifications_page(world: World) -> None:
    page = world.clients["alice"].get("/sites/").content.decode()
    assert 'href="/notifications/"' in page
    assert "通知" in page


def test_a_webhook_is_added_and_its_key_shown_once(world: World) -> None:
    response = _add_webhook(world)
    channel = Channel.objects.get(kind="webhook")
    assert channel.target == HOOK
    assert channel.user_id is None
    assert channel.events == ["incident-opened", "promise-overdue"]
    assert channel.secret in response.content.decode()
    listing = world.clients["alice"].get("/notifications/").content.decode()
    assert channel.secret not in listing
    assert HOOK not in listing  # the URL's path is a secret too
    assert "hooks.example.jp" in listing


def test_a_refused_channel_keeps_what_was_typed_and_names_the_field(world: World) -> None:
    response = _add_webhook(world, target="ftp://nope.example.jp/x", name="残すべき名前")
    page = response.content.decode()
    assert response.status_code == 200
    assert not Channel.objects.exists()
    assert "残すべき名前" in page
    assert "ftp://nope.example.jp/x" in page
    assert "送り先: " in page  # the error begins with the field's Japanese name


def test_a_channel_with_no_event_ticked_is_refused(world: World) -> None:
    response = _add_webhook(world, events=[])  # type: ignore[arg-type]
    assert "伝えること: " in response.content.decode()
    assert not Channel.objects.exists()


def test_a_viewer_adds_their_own_email_with_the_default_quiet_hours(world: World) -> None:
    client = world.clients["vera"]
    form = client.get("/notifications/new/?for=me").content.decode()
    assert 'value="21:00"' in form
    assert 'value="08:00"' in form
    events = ["promise-due-soon", "promise-overdue", "case-opened", "case-updated"]
    events += ["incident-opened", "incident-updated", "incident-ended", "deadline-near"]
    client.post(
        "/notifications/new/",
        {
            "for": "me",
            "kind": "email",
            "target": "vera@example.jp",
            "events": events,
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    )
    channel = Channel.objects.get()
    assert str(channel.user_id) == client.session["_auth_user_id"]
    assert channel.events == []  # everything ticked: every event, later kinds too
    assert (channel.quiet_start, channel.quiet_end) == (dt.time(21), dt.time(8))


def test_a_viewer_cannot_add_an_organization_channel(world: World) -> None:
    assert world.clients["vera"].get("/notifications/new/").status_code == 403
    assert _add_webhook(world).status_code == 200  # the owner can


def test_editing_a_webhook_with_the_address_left_empty_keeps_it(world: World) -> None:
    _add_webhook(world)
    channel = Channel.objects.get()
    world.clients["alice"].post(
        f"/notifications/{channel.pk}/edit/",
        {
            "name": "昼の当番",
            "target": "",
            "events": ["case-opened"],
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    channel.refresh_from_db()
    assert (channel.name, channel.target, channel.events) == ("昼の当番", HOOK, ["case-opened"])
    assert channel.quiet_start == dt.time(22)


def test_a_new_signing_key_replaces_the_old_one(world: World) -> None:
    _add_webhook(world)
    channel = Channel.objects.get()
    old = channel.secret
    page = world.clients["alice"].post(f"/notifications/{channel.pk}/secret/").content.decode()
    channel.refresh_from_db()
    assert channel.secret != old
    assert channel.secret in page


def test_delete_asks_once_then_deletes(world: World) -> None:
    channel = _org_channel(world)
    question = world.clients["alice"].get(f"/notifications/{channel.pk}/delete/")
    page = question.content.decode()
    assert "この通知先を削除しますか？" in page
    assert "A社の通知先" in page
    assert Channel.objects.filter(pk=channel.pk).exists()
    world.clients["alice"].post(f"/notifications/{channel.pk}/delete/")
    assert not Channel.objects.filter(pk=channel.pk).exists()


def test_pausing_and_resuming(world: World) -> None:
    channel = _org_channel(world)
    world.clients["bob"].post(f"/notifications/{channel.pk}/active/", {"active": "0"})
    channel.refresh_from_db()
    assert not channel.active
    assert "一時停止中" in world.clients["bob"].get("/notifications/").content.decode()


def test_the_test_button_enqueues_a_delivery_that_is_sent_and_logged(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    channel = _org_channel(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.clients["alice"].post(f"/notifications/{channel.pk}/test/")
    assert response["Location"] == "/notifications/log/"
    assert [m.to for m in mail.outbox] == [["desk@example.jp"]]
    response = world.clients["alice"].get("/notifications/log/")
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.status, delivery.attempts) == ("test", "sent", 1)
    page = response.content.decode()
    assert "テスト通知" in page
    assert "送信済み" in page
    assert not ISO.search(page)


def test_the_line_token_is_never_shown_back(world: World) -> None:
    token = "abcDEF123456789token" * 3 + "WXYZ"
    world.clients["alice"].post("/notifications/line/", {"channel_token": token})
    assert LineAccount.objects.get(organization=world.org_a).channel_token == token
    for url in ("/notifications/", "/notifications/line/"):
        page = world.clients["alice"].get(url).content.decode()
        assert token not in page
        assert "…WXYZ" in page


def test_the_delivery_log_shows_times_as_people_read_them(world: World) -> None:
    channel = _org_channel(world)
    at = dt.datetime(2026, 12, 7, 3, 5, tzinfo=dt.UTC)
    Delivery.objects.create(
        organization=world.org_a,
        event_key="case-opened:1",
        event="case-opened",
        recipient=f"channel:{channel.pk}",
        channel=channel,
        subject="新しい案件",
        text="…",
        status="failed",
        attempts=5,
        not_before=at,
        created=at,
        last_error="HTTP 500",
    )
    page = world.clients["alice"].get("/notifications/log/").content.decode()
    assert "2026年12月7日(月) 12:05" in page
    assert "送信できず" in page
    assert "5回試行" in page
    assert "HTTP 500" in page
    assert not ISO.search(page)
    assert "case-opened" not in page


def _grow_log(world: World, count: int) -> None:
    channel = _org_channel(world)
    contact = SiteContact.objects.create(
        organization=world.org_a, site=world.site_a, name="顧客", email="c@example.jp"
    )
    now = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
    rows = []
    for i in range(count):
        target = {"channel": channel} if i % 2 else {"contact": contact}
        rows.append(
            Delivery(
                organization=world.org_a,
                event_key=f"grow:{i}:{count}",
                event="case-opened",
                recipient=f"r:{i}",
                subject="s",
                text="t",
                not_before=now,
                created=now,
                **target,
            )
        )
    Delivery.objects.bulk_create(rows)


@pytest.mark.parametrize("url", ["/notifications/", "/notifications/log/"])
def test_the_list_pages_use_a_fixed_number_of_queries(world: World, url: str) -> None:
    client = world.clients["alice"]
    _grow_log(world, 2)
    few = _queries(lambda: client.get(url))
    _grow_log(world, 30)
    many = _queries(lambda: client.get(url))
    assert many == few


def test_a_colleagues_own_channel_is_not_theirs_to_see(world: World) -> None:
    client = world.clients["vera"]
    client.post(
        "/notifications/new/",
        {
            "for": "me",
            "kind": "email",
            "target": "vera@example.jp",
            "events": ["case-opened"],
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    )
    own = Channel.objects.get()
    assert "vera@example.jp" not in world.clients["alice"].get("/notifications/").content.decode()
    assert world.clients["alice"].get(f"/notifications/{own.pk}/edit/").status_code == 404


# --- A site's customer contacts ---------------------------------------------------------


def test_the_site_page_links_to_its_customer_contacts(world: World) -> None:
    SiteContact.objects.create(
        organization=world.org_a, site=world.site_a, name="山田 花子", email="hanako@example.jp"
    )
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/").content.decode()
    assert "山田 花子" in page
    assert f'href="/sites/{world.site_a.pk}/contacts/"' in page


def test_a_contact_is_added_edited_and_removed_on_the_web(world: World) -> None:
    client, url = world.clients["bob"], f"/sites/{world.site_a.pk}/contacts/"
    client.post(url, {"name": "山田 花子", "email": "hanako@example.jp", "incident_updates": "on"})
    contact = SiteContact.objects.get(site=world.site_a)
    assert (contact.name, contact.incident_updates) == ("山田 花子", True)
    client.post(f"{url}{contact.pk}/edit/", {"name": "山田 花子", "email": "h.yamada@example.jp"})
    contact.refresh_from_db()
    assert (contact.email, contact.incident_updates) == ("h.yamada@example.jp", False)
    question = client.get(f"{url}{contact.pk}/delete/").content.decode()
    assert "この連絡先を削除しますか？" in question
    assert "山田 花子" in question
    client.post(f"{url}{contact.pk}/delete/")
    assert not SiteContact.objects.exists()


def test_a_refused_contact_keeps_what_was_typed(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contacts/"
    page = world.clients["alice"].post(url, {"name": "佐藤", "email": "not-an-address"})
    text = page.content.decode()
    assert "佐藤" in text
    assert "not-an-address" in text
    assert "メールアドレス: " in text
    assert not SiteContact.objects.exists()


def test_a_viewer_sees_the_contacts_but_cannot_add(world: World) -> None:
    url = f"/sites/{world.site_a.pk}/contacts/"
    assert world.clients["vera"].get(url).status_code == 200
    response = world.clients["vera"].post(url, {"name": "侵入", "email": "x@example.jp"})
    assert response.status_code == 403
    assert not SiteContact.objects.exists()


def test_the_contacts_page_uses_a_fixed_number_of_queries(world: World) -> None:
    client, url = world.clients["alice"], f"/sites/{world.site_a.pk}/contacts/"

    def grow(count: int) -> None:
        SiteContact.objects.bulk_create(
            SiteContact(
                organization=world.org_a,
                site=world.site_a,
                name=f"顧客{i}",
                email=f"c{i}@example.jp",
            )
            for i in range(count)
        )

    grow(1)
    few = _queries(lambda: client.get(url))
    grow(30)
    assert _queries(lambda: client.get(url)) == few
