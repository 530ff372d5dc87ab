"""Notifications: signed webhooks to a local receiver, each event once; retries with backoff;
quiet hours; LINE pushes to a stand-in; customer contacts hear of incidents."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail

from madoguchi.incidents import services as incidents
from madoguchi.notifications import dispatch
from madoguchi.notifications.models import Channel, Delivery, LineAccount, SiteContact
from madoguchi.notifications.senders import SIGNATURE_HEADER
from madoguchi.notifications.tasks import run_sweep
from tests.conftest import World
from tests.factories import CaseFactory, ContractFactory, SiteFactory

NOON = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)  # 12:00 in Tokyo
NIGHT = dt.datetime(2026, 12, 7, 13, 30, tzinfo=dt.UTC)  # 22:30 in Tokyo
MORNING = dt.datetime(2026, 12, 7, 23, 0, tzinfo=dt.UTC)  # 08:00 the next day in Tokyo
SECRET = "test-signing-secret"


class Receiver:
    """An HTTP receiver on 127.0.0.1 that answers `failures` errors, then 200."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                failing = len(receiver.requests) <= receiver.failures
                self.send_response(500 if failing else 200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _immediate_tasks_and_local_receivers(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MADOGUCHI_WEBHOOK_ALLOW_PRIVATE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _world_is_old_news(world: World) -> None:
    """The cast's own case was opened long before these tests' clock."""
    from madoguchi.cases.models import Case

    Case.objects.update(created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _webhook(world: World, url: str, **fields: Any) -> Channel:
    return Channel.objects.create(
        organization=world.org_a, kind="webhook", target=url, secret=SECRET, **fields
    )


def _case_at(world: World, at: dt.datetime, org: Any = None) -> Any:
    site = SiteFactory(organization=org or world.org_a, name="通知テスト拠点")
    return CaseFactory(site=site, created=at - dt.timedelta(minutes=5), title="ネット不通")


def _sweep(at: dt.datetime) -> int:
    with time_machine.travel(at, tick=False):
        return run_sweep()


def test_a_webhook_arrives_once_with_a_valid_signature(world: World, receiver: Receiver) -> None:
    _webhook(world, receiver.url, events=["case-opened"])
    _case_at(world, NOON)
    _sweep(NOON)
    _sweep(NOON + dt.timedelta(minutes=1))
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    payload = json.loads(body)
    assert "通知テスト拠点" in payload["text"]  # Slack-compatible
    assert payload["event"] == "case-opened"


def test_a_receiver_failing_twice_gets_it_on_the_third_try(world: World) -> None:
    failing = Receiver(failures=2)
    try:
        _webhook(world, failing.url, events=["case-opened"])
        _case_at(world, NOON)
        _sweep(NOON)
        _sweep(NOON + dt.timedelta(seconds=30))  # within the first backoff: not tried
        assert len(failing.requests) == 1
        _sweep(NOON + dt.timedelta(minutes=1, seconds=1))
        _sweep(NOON + dt.timedelta(minutes=3, seconds=2))
        _sweep(NOON + dt.timedelta(minutes=30))
    finally:
        failing.close()
    assert len(failing.requests) == 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 3)


def test_a_receiver_that_never_answers_is_given_up_after_the_last_try(world: World) -> None:
    dead = Receiver(failures=100)
    try:
        _webhook(world, dead.url, events=["case-opened"])
        _case_at(world, NOON)
        for minutes in range(0, 60, 5):
            _sweep(NOON + dt.timedelta(minutes=minutes))
    finally:
        dead.close()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", dispatch.MAX_ATTEMPTS)
    assert delivery.last_error == "HTTP 500"


def test_quiet_hours_hold_a_non_urgent_event_until_morning(
    world: World, receiver: Receiver
) -> None:
    _webhook(world, receiver.url, events=["case-opened"])
    _case_at(world, NIGHT)
    _sweep(NIGHT)
    _sweep(MORNING - dt.timedelta(minutes=1))
    assert receiver.requests == []
    _sweep(MORNING)
    assert len(receiver.requests) == 1


def test_an_urgent_event_is_sent_during_quiet_hours(world: World, receiver: Receiver) -> None:
    _webhook(world, receiver.url, events=["incident-opened"])
    cases = [_case_at(world, NIGHT) for _ in range(2)]
    with time_machine.travel(NIGHT, tick=False):
        incidents.confirm_incident(
            None,
            organization_id=world.org_a.pk,
            case_ids=[c.pk for c in cases],
            party="docomo-hikari",
            service="access",
        )
    _sweep(NIGHT + dt.timedelta(minutes=1))
    assert len(receiver.requests) == 1
    assert json.loads(receiver.requests[0][1])["urgent"] is True


def test_quiet_hours_wrap_past_midnight() -> None:
    start, end = dt.time(21), dt.time(8)
    assert dispatch.quiet_until(NOON, start, end) is None
    assert dispatch.quiet_until(NIGHT, start, end) == MORNING
    assert dispatch.quiet_until(MORNING - dt.timedelta(hours=3), start, end) == MORNING


def test_another_organizations_channel_hears_nothing(world: World, receiver: Receiver) -> None:
    Channel.objects.create(
        organization=world.org_b, kind="webhook", target=receiver.url, secret=SECRET
    )
    _case_at(world, NOON)
    _sweep(NOON)
    assert receiver.requests == []


def test_a_users_channel_hears_of_their_cases_and_unassigned_ones(
    world: World, receiver: Receiver
) -> None:
    bob = world.org_a.memberships.get(role="staff").user
    _webhook(world, receiver.url, user=bob, events=["case-opened"])
    nobodys = _case_at(world, NOON)
    theirs = _case_at(world, NOON)
    theirs.assignee = bob
    theirs.save()
    other = _case_at(world, NOON)
    other.assignee = world.org_a.memberships.get(role="owner").user
    other.save()
    _sweep(NOON)
    heard = [json.loads(body)["data"]["case"] for _headers, body in receiver.requests]
    assert sorted(heard) == [nobodys.pk, theirs.pk]  # not alice's case


def test_line_is_pushed_to_the_stand_in_with_the_organizations_token(
    world: World, receiver: Receiver, settings: Any
) -> None:
    settings.MADOGUCHI_LINE_PUSH_URL = receiver.url
    LineAccount.objects.create(organization=world.org_a, channel_token="line-token-a")
    Channel.objects.create(
        organization=world.org_a, kind="line", target="U0123456789", events=["case-opened"]
    )
    _case_at(world, NOON)
    _sweep(NOON)
    _sweep(NOON + dt.timedelta(minutes=5))
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["Authorization"] == "Bearer line-token-a"
    assert headers["X-Line-Retry-Key"]
    payload = json.loads(body)
    assert payload["to"] == "U0123456789"
    assert payload["messages"][0]["type"] == "text"
    assert "通知テスト拠点" in payload["messages"][0]["text"]


def test_an_email_channel_gets_a_mail(world: World) -> None:
    Channel.objects.create(
        organization=world.org_a, kind="email", target="desk@example.jp", events=["case-opened"]
    )
    _case_at(world, NOON)
    _sweep(NOON)
    (sent,) = mail.outbox
    assert sent.to == ["desk@example.jp"]
    assert "通知テスト拠点" in sent.subject


def test_a_customer_contact_hears_of_incident_updates(world: World) -> None:
    site = SiteFactory(organization=world.org_a, name="顧客本社")
    ContractFactory(site=site)
    case = CaseFactory(site=site, created=NOON - dt.timedelta(minutes=30))
    SiteContact.objects.create(
        organization=world.org_a, site=site, name="山田", email="yamada@example.jp"
    )
    with time_machine.travel(NOON, tick=False):
        incident = incidents.confirm_incident(
            None,
            organization_id=world.org_a.pk,
            case_ids=[case.pk],
            party="docomo-hikari",
            service="access",
        )
        token = incidents.issue_status_link(incident, user=None)
        incidents.log_call(incident, user=None, said="復旧作業中です")
        incidents.log_call(incident, user=None, said="社内メモ", public=False)
    _sweep(NOON + dt.timedelta(minutes=1))
    to_customer = [m for m in mail.outbox if m.to == ["yamada@example.jp"]]
    assert len(to_customer) == 1
    assert "復旧作業中です" in to_customer[0].body
    assert f"/status/{token}/" in to_customer[0].body
    assert "/incidents/" not in to_customer[0].body


def test_a_private_webhook_address_is_refused_by_default(
    world: World, receiver: Receiver, settings: Any
) -> None:
    settings.MADOGUCHI_WEBHOOK_ALLOW_PRIVATE = False
    _webhook(world, receiver.url, events=["case-opened"])
    _case_at(world, NOON)
    _sweep(NOON)
    assert receiver.requests == []
    assert Delivery.objects.get().last_error == "webhook: private address refused"


def test_a_promise_overdue_is_one_event_per_due_time(world: World, receiver: Receiver) -> None:
    from madoguchi.cases.models import Promise

    _webhook(world, receiver.url, events=["promise-overdue"])
    case = _case_at(world, NOON - dt.timedelta(hours=5))
    Promise.objects.create(
        organization=world.org_a,
        case=case,
        by="docomo-hikari",
        what="callback",
        due=NOON - dt.timedelta(hours=1),
    )
    _sweep(NOON)
    _sweep(NOON + dt.timedelta(hours=1))
    assert len(receiver.requests) == 1


def test_a_promise_overdue_says_the_number_to_dial_from_a_mobile(
    world: World, receiver: Receiver
) -> None:
    from madoguchi.cases.models import Promise

    _webhook(world, receiver.url, events=["promise-overdue"])
    case = _case_at(world, NOON - dt.timedelta(hours=5))
    Promise.objects.create(
        organization=world.org_a,
        case=case,
        by="docomo-hikari",
        what="callback",
        due=NOON - dt.timedelta(hours=1),
    )
    _sweep(NOON)
    text = json.loads(receiver.requests[0][1])["text"]
    assert "0120-800-000" in text
    assert " 113 " not in text


def test_a_legal_deadline_near_is_told_once_per_stage(world: World, receiver: Receiver) -> None:
    from madoguchi.contracts.models import Contract

    _webhook(world, receiver.url, events=["deadline-near"])
    # A contract whose document arrived today: its 初期契約解除 window ends in 8 days.
    Contract.objects.filter(pk=world.contract_a.pk).update(
        start=dt.date(2026, 12, 1), document_received=dt.date(2026, 12, 1), acquired="phone-sales"
    )
    with time_machine.travel(NOON, tick=False):
        run_sweep(deadlines=True)
        run_sweep(deadlines=True)
    texts = [json.loads(body)["text"] for _headers, body in receiver.requests]
    assert len(texts) == 1, texts
    assert world.site_a.name in texts[0]


def test_a_bad_address_is_refused_naming_the_field(world: World) -> None:
    from madoguchi.notifications.services import NotificationError, create_channel

    alice = world.org_a.memberships.get(role="owner").user
    with pytest.raises(NotificationError, match="宛先"):  # the field, in Japanese
        create_channel(alice, organization_id=world.org_a.pk, kind="email", target="not-mail")
    assert not Channel.objects.exists()


def test_a_viewer_may_add_only_their_own_channel(world: World) -> None:
    from madoguchi.notifications.services import NotificationError, create_channel

    vera = world.org_a.memberships.get(role="viewer").user
    with pytest.raises(NotificationError):
        create_channel(vera, organization_id=world.org_a.pk, kind="email", target="v@example.jp")
    own = create_channel(
        vera, organization_id=world.org_a.pk, kind="email", target="v@example.jp", personal=True
    )
    assert own.user == vera


def test_another_organization_cannot_add_a_channel(world: World) -> None:
    from madoguchi.notifications.services import NotificationError, create_channel

    mallory = world.org_b.memberships.get(role="owner").user
    with pytest.raises(NotificationError):
        create_channel(mallory, organization_id=world.org_a.pk, kind="email", target="m@example.jp")
    with pytest.raises(NotificationError):
        create_channel(
            mallory,
            organization_id=world.org_a.pk,
            kind="email",
            target="m@example.jp",
            personal=True,
        )
