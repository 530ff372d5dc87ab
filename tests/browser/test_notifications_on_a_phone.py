"""Notifications on a phone (390×844, Japanese): an owner reaches the notification page
from the footer, adds the night duty's webhook (the signing key shown once, the URL only
by its host afterwards), and adds a customer contact from the site page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from madoguchi.notifications.models import Channel, Delivery, SiteContact
from madoguchi.orgs.models import Role
from tests.browser.test_desk_in_a_browser import log_in
from tests.browser.test_new_site_on_a_phone import _no_sideways_scroll, phone  # noqa: F401
from tests.factories import MembershipFactory, SiteFactory

pytestmark = [pytest.mark.browser]
HOOK = "https://hooks.example.jp/services/T0001/B0001/night-duty-secret-9Z"


def test_an_owner_adds_a_webhook_and_a_customer_contact(
    live_server: Any,
    phone: Any,  # noqa: F811
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="nao")
    site = SiteFactory(organization=member.organization, name="さくら歯科 本院")
    page = phone
    log_in(page, live_server.url, member.user.username)

    page.goto(f"{live_server.url}/sites/")
    page.click("footer >> text=通知")
    page.click("text=送り先を追加（メール・Webhook・LINE）")
    page.check("input[name=kind][value=webhook]")
    page.fill("input[name=name]", "夜間当番の Slack")
    page.fill("input[name=target]", "ftp://wrong.example.jp/")
    page.uncheck("input[name=events][value=case-updated]")
    page.click("button.primary:has-text('保存')")
    assert "送り先: " in page.locator("main form").inner_text()  # names the field
    assert page.locator("input[name=name]").input_value() == "夜間当番の Slack"  # kept
    _no_sideways_scroll(page, "notify-0-refused")

    page.fill("input[name=target]", HOOK)
    page.click("button.primary:has-text('保存')")
    channel = Channel.objects.get(kind="webhook")
    assert "case-updated" not in channel.events
    assert channel.secret in page.locator("#signing-key").inner_text()
    _no_sideways_scroll(page, "notify-1-signing-key")

    page.click("text=通知の設定に戻る")
    listing = page.locator("#organization-channels").inner_text()
    assert "夜間当番の Slack" in listing
    assert HOOK not in listing
    assert channel.secret not in page.content()
    _no_sideways_scroll(page, "notify-2-channels")

    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.click("#customer-contacts >> text=連絡先を追加・変更する")
    page.fill("input[name=name]", "院長 佐藤 さくら")
    page.fill("input[name=email]", "sato@sakura-dental.example.jp")
    page.click("#add-contact button.primary")
    contact = SiteContact.objects.get(site=site)
    assert (contact.name, contact.incident_updates) == ("院長 佐藤 さくら", True)
    assert "院長 佐藤 さくら" in page.locator("#contacts").inner_text()
    _no_sideways_scroll(page, "notify-3-contacts")

    Delivery.objects.create(
        organization=member.organization,
        event_key="incident-opened:1",
        event="incident-opened",
        recipient=f"channel:{channel.pk}",
        channel=channel,
        subject="障害: NTT東日本 アクセス回線 東京都",
        text="複数の拠点で同じ障害",
        status="pending",
        attempts=2,
        last_error="HTTP 500",
        not_before=dt.datetime(2026, 12, 7, 3, 4, tzinfo=dt.UTC),
        created=dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC),
    )
    page.goto(f"{live_server.url}/notifications/log/")
    log = page.locator("#deliveries").inner_text()
    assert "2026年12月7日(月) 12:04" in log  # the next try, as people read it
    assert "2回試行" in log
    _no_sideways_scroll(page, "notify-4-log")
