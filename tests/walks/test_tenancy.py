"""Tenancy: every URL and API route, walked as another organization's user, as an anonymous
visitor and as a viewer, against the first organization's objects."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from madoguchi.agents.models import Agent
from madoguchi.agents.services import create_agent
from madoguchi.bills.models import BillImport
from madoguchi.contracts.models import BillLine, CardBatch, Contract, Site
from madoguchi.directory.models import Desk, DeskOverride, FactConfirmation, Party
from madoguchi.receivables.models import Payment, Receivable
from madoguchi.receivables.services import create_receivable, record_payment
from tests.conftest import World

METHODS = ["get", "post", "put", "patch", "delete"]
AGENT_A = "A社の代理店"
SKIP_PREFIXES = ("admin/", "i18n/", "accounts/", "static/")
BODY = {
    "ref": "x1",
    "service": "isp",
    "party": "so-net",
    "name": "侵入",
    "kind": "isp",
    "slug": "intruder",
    "date": "2026-01-01",
    "content": "site: {name: 侵入}",
    "purposes": [],
}
# Valid bodies per route family, so that the access check (not validation) answers.
BODIES = {
    "/entries": {"kind": "note", "said": "侵入"},
    "/corrections": {"said": "侵入"},
    "/events": {"date": "2026-01-01", "kind": "other"},
    "/cases": {"title": "侵入"},
    "/bills": {"party": "so-net", "month": "2026-01", "yen": 1},
    "/status": {"status": "ok"},
    "/payments": {"paid_on": "2026-01-01", "amount_yen": 1},
    "/decline": {"reason": "侵入"},
}


def body_for(url: str) -> dict[str, object]:
    if re.search(r"/events/\d+$", url):  # an event's kind is one of its own, not a party's
        return BODIES["/events"]
    return next((body for part, body in BODIES.items() if url.rstrip("/").endswith(part)), BODY)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def routes_with_objects() -> list[str]:
    """Every route that names an object (a site, contract, event, party or desk)."""
    return sorted(
        {
            r
            for r in _walk(get_resolver().url_patterns)
            if "<" in r and not r.startswith(SKIP_PREFIXES)
        }
    )


@pytest.fixture(autouse=True)
def _timeline_entry(world: World) -> None:
    from madoguchi.cases.services import log_entry

    log_entry(world.case_a, user=None, kind="note", said="A社の記録")


def _fill(route: str, ids: dict[str, object]) -> str:
    """The URL of `route` for the first organization's objects ('pk' is a case under cases/)."""
    values = {**ids, "pk": ids["case_pk"]} if route.startswith("cases/") else ids
    if "bills/imports/" in route:  # a background bill import's progress page
        values = {**values, "pk": ids["bill_import_pk"]}
    if route.startswith("agents/"):
        values = {**ids, "pk": ids["agent_id"]}
    if route.startswith("incidents/"):
        values = {**ids, "pk": ids["incident_pk"]}
    if "letter" in route:  # the letter comes as a PDF or text, not Markdown
        values = {**values, "fmt": "txt"}
    filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return "/" + filled.lstrip("^").rstrip("$")


@pytest.fixture
def ids(world: World) -> dict[str, object]:
    party = Party.objects.create(
        organization=world.org_a, slug="a-installer", name="A設備", kind="installer"
    )
    desk = Desk.objects.create(party=party, slug="a-desk", purposes=["fault"], phone="03-1111-1111")
    confirmation = FactConfirmation.objects.create(
        organization=world.org_a,
        key="desk:so-net/so-net-support",
        source="https://www.so-net.ne.jp/support/",
        checked="2026-11-23",
    )
    override = DeskOverride.objects.create(
        organization=world.org_a,
        party="docomo-hikari",
        desk="docomo-hikari-113",
        mobile_phone="0120-123-456",
        reason="A社の訂正",
        changed=dt.datetime(2026, 12, 6, tzinfo=dt.UTC),
    )
    entry = world.case_a.entries.first()
    # a calendar address of this organization's user, revoked: it reads nothing for anyone
    from madoguchi.orgs.services import issue_calendar_feed, revoke_calendar_feed

    alice = world.org_a.memberships.order_by("pk").first()
    assert alice is not None
    _row, token = issue_calendar_feed(alice.user)
    revoke_calendar_feed(alice.user)
    bill = BillLine.objects.get(site=world.site_a)
    agent = create_agent(
        world.org_a,
        name=AGENT_A,
        details=[("address", "東京都豊島区東池袋3-1-1"), ("phone", "03-5000-1234")],
        status="refused",
        status_reason="A社の理由",
    )
    receivable = create_receivable(
        world.org_a, agent=agent, description="A社の作業", amount_yen=1000, due=dt.date(2026, 1, 1)
    )
    record_payment(receivable, paid_on=dt.date(2026, 1, 2), amount_yen=560, fee_yen=440)
    # a subcontract request of the first organization, and its intake link, revoked
    from madoguchi.subcontracts.services import (
        issue_intake_link,
        receive_request,
        revoke_intake_link,
    )
    from tests.factories import subcontract_values

    request = receive_request(world.org_a, values=subcontract_values(customer_name="A社 本社"))
    link, intake_token = issue_intake_link(world.org_a, name="A社の代理店")
    revoke_intake_link(link)
    # an incident of the first organization linking its case, with a status link that was
    # issued, then revoked (the old address reads nothing for anyone)
    from madoguchi.incidents.services import (
        confirm_incident,
        issue_status_link,
        log_call,
        revoke_status_link,
    )

    incident = confirm_incident(
        None,
        organization_id=world.org_a.pk,
        case_ids=[world.case_a.pk],
        party="docomo-hikari",
        service="access",
        prefecture="東京都",
    )
    log_call(incident, user=None, said="A社の障害", reference="A-REF")
    status_token = issue_status_link(incident, user=None)
    revoke_status_link(incident, user=None)
    from madoguchi.notifications.models import Channel, SiteContact

    channel = Channel.objects.create(
        organization=world.org_a, kind="email", target="a-desk@example.jp", name="A社の通知先"
    )
    contact = SiteContact.objects.create(
        organization=world.org_a, site=world.site_a, name="A社の担当", email="a@example.jp"
    )
    bill_import = BillImport.objects.create(
        organization=world.org_a, site=world.site_a, user=alice.user, name="a.csv", token="t"
    )
    card_batch = CardBatch.objects.create(
        organization=world.org_a,
        user=alice.user,
        site_ids=[world.site_a.pk],
        base_url="http://testserver",
        state=CardBatch.State.DONE,
        file="cards-a.pdf",
    )
    return {
        "batch_pk": card_batch.pk,
        "bill_import_pk": bill_import.pk,
        "bill_pk": bill.pk,
        "bill_id": bill.pk,
        "pk": world.site_a.pk,
        "site_id": world.site_a.pk,
        "site_pk": world.site_a.pk,
        "contract_pk": world.contract_a.pk,
        "contract_id": world.contract_a.pk,
        "event_id": world.event_a.pk,
        "event_pk": world.event_a.pk,
        "party_id": party.pk,
        "desk_id": desk.pk,
        "case_pk": world.case_a.pk,
        "case_id": world.case_a.pk,
        "promise_pk": world.promise_a.pk,
        "promise_id": world.promise_a.pk,
        "entry_id": entry.pk if entry else 0,
        "org_id": world.org_a.pk,
        "confirmation_id": confirmation.pk,
        "override_id": override.pk,
        "party": override.party,
        "desk": override.desk,
        "verdict": "kept",
        "fmt": "md",
        "token": token,
        "agent_pk": agent.pk,
        "agent_id": agent.pk,
        "receivable_pk": receivable.pk,
        "receivable_id": receivable.pk,
        "request_pk": request.pk,
        "request_id": request.pk,
        "link_pk": link.pk,
        "link_id": link.pk,
        "intake_token": intake_token,
        "incident_pk": incident.pk,
        "incident_id": incident.pk,
        "status_token": status_token,
        "channel_id": channel.pk,
        "contact_id": contact.pk,
    }


def _call(client: Any, method: str, url: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method in ("get", "delete"):
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, data=json.dumps(body_for(url)), content_type="application/json", **headers
    )


def test_the_walk_covers_the_web_pages_and_the_api() -> None:
    found = routes_with_objects()
    assert any(r.startswith("sites/") for r in found)
    assert any(r.startswith("api/") for r in found)
    assert len(found) >= 15


@pytest.mark.parametrize("route", routes_with_objects())
def test_another_organization_gets_nothing(
    world: World, ids: dict[str, object], route: str
) -> None:
    url = _fill(route, ids)
    for method in METHODS:
        api = url.startswith("/api/")
        response = _call(
            world.clients["mallory"] if not api else world.clients["anonymous"],
            method,
            url,
            token=world.tokens["mallory"] if api else None,
        )
        assert response.status_code in (403, 404, 405), (method, url, response.status_code)
        body = response.content.decode(errors="replace")
        assert world.site_a.name not in body
        assert world.contract_a.ref not in body or response.status_code == 405
        assert AGENT_A not in body
        assert "A社の訂正" not in body
    assert Agent.objects.filter(name=AGENT_A, status="refused").exists()
    assert Site.objects.filter(pk=world.site_a.pk, name="A社 本社").exists()
    assert Contract.objects.filter(pk=world.contract_a.pk, party="docomo-hikari").exists()
    assert FactConfirmation.objects.filter(organization=world.org_a).exists()
    assert DeskOverride.objects.filter(organization=world.org_a, reason="A社の訂正").exists()
    assert Payment.objects.filter(receivable__organization=world.org_a).count() == 1
    assert Receivable.objects.filter(organization=world.org_b).count() == 0


@pytest.mark.parametrize("route", routes_with_objects())
def test_anonymous_visitors_get_nothing(world: World, ids: dict[str, object], route: str) -> None:
    url = _fill(route, ids)
    for method in METHODS:
        response = _call(world.clients["anonymous"], method, url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 405), (method, url, response.status_code)
        elif url.startswith(("/calendar/feed/", "/intake/", "/status/")):  # the address is the key:
            # a revoked one is 404
            assert response.status_code in (404, 405), (method, url, response.status_code)
        else:
            assert response.status_code in (302, 403, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/")
        assert world.site_a.name not in response.content.decode(errors="replace")


@pytest.mark.parametrize("route", routes_with_objects())
def test_viewers_cannot_write(world: World, ids: dict[str, object], route: str) -> None:
    url = _fill(route, ids)
    api = url.startswith("/api/")
    # A revoked intake address is a 404 for everyone (it is no one's to write to).
    refused = (403, 404, 405) if url.startswith(("/intake/", "/status/")) else (403, 405)
    for method in ("post", "put", "patch", "delete"):
        response = _call(
            world.clients["vera"] if not api else world.clients["anonymous"],
            method,
            url,
            token=world.tokens["vera"] if api else None,
        )
        assert response.status_code in refused, (method, url, response.status_code)
    assert Site.objects.filter(pk=world.site_a.pk).exists()


def _panel_routes() -> dict[str, str]:
    """The fragments lower pages load after them (URL names ending in "panel"), by route."""
    found = {}

    def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and (entry.name or "").endswith("panel"):
                found[prefix + str(entry.pattern)] = namespace + entry.name

    walk(get_resolver().url_patterns)
    return found


def test_the_walk_covers_the_panels_loaded_after_a_page() -> None:
    panels = _panel_routes()
    assert len(panels) >= 6
    with_objects = [route for route in panels if "<" in route]
    assert len(with_objects) >= 3
    assert set(with_objects) <= set(routes_with_objects())


def test_the_panels_of_the_whole_organization_show_only_the_users(
    world: World, ids: dict[str, object]
) -> None:
    """The panels that name no object (the desk's suggestions and receivables, the incident
    figures) read the user's organizations: A's short payment and incident are not B's."""
    routes = [route for route in _panel_routes() if "<" not in route]
    assert len(routes) >= 3
    seen_by_alice = ""
    for route in routes:
        url = "/" + route
        theirs = world.clients["mallory"].get(url)
        assert theirs.status_code == 200, url
        body = theirs.content.decode()
        for secret in (world.site_a.name, AGENT_A, "東京都", "440円"):
            assert secret not in body, (url, secret)
        seen_by_alice += world.clients["alice"].get(url).content.decode()
        anonymous = world.clients["anonymous"].get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")
    assert "東京都" in seen_by_alice  # the incident's area, in the figures
    assert "440円" in seen_by_alice  # the bank fee deducted, in the receivables panel


def test_lists_show_only_the_users_organization(world: World) -> None:
    page = world.clients["mallory"].get("/sites/").content.decode()
    assert "B社 倉庫" in page
    assert "A社 本社" not in page
    api = world.clients["anonymous"].get(
        "/api/v1/sites", HTTP_AUTHORIZATION=f"Bearer {world.tokens['mallory']}"
    )
    assert [s["name"] for s in api.json()["items"]] == ["B社 倉庫"]


def test_the_money_ranking_shows_only_the_users_organization(world: World) -> None:
    from madoguchi.money.services import recompute_all

    for site, party in ((world.site_a, "plala"), (world.site_b, "biglobe")):
        BillLine.objects.create(
            organization_id=site.organization_id, site=site, party=party, month="2026-02", yen=990
        )
    recompute_all()
    page = world.clients["mallory"].get("/money/").content.decode()
    assert "B社 倉庫" in page
    assert "A社 本社" not in page
    assert world.clients["alice"].get("/money/").content.decode().count("B社 倉庫") == 0


def test_another_organizations_own_parties_are_invisible(
    world: World, ids: dict[str, object]
) -> None:
    response = world.clients["anonymous"].get(
        "/api/v1/parties?own=true", HTTP_AUTHORIZATION=f"Bearer {world.tokens['mallory']}"
    )
    assert "a-installer" not in response.content.decode()


def test_a_bad_token_is_refused(world: World) -> None:
    response = world.clients["anonymous"].get(
        "/api/v1/sites", HTTP_AUTHORIZATION="Bearer mdg_wrong"
    )
    assert response.status_code == 401


def test_viewers_can_read(world: World) -> None:
    assert world.clients["vera"].get(f"/sites/{world.site_a.pk}/").status_code == 200


def test_a_live_intake_link_reaches_only_its_organization(world: World) -> None:
    from madoguchi.subcontracts.models import SubcontractRequest
    from madoguchi.subcontracts.services import issue_intake_link
    from tests.factories import subcontract_post

    _link, token = issue_intake_link(world.org_b, name="B社の代理店")
    client = world.clients["anonymous"]
    page = client.get(f"/intake/{token}/").content.decode()
    assert world.org_b.name in page
    assert world.org_a.name not in page
    assert world.site_a.name not in page
    assert world.site_b.name not in page
    client.post(f"/intake/{token}/", subcontract_post())
    assert SubcontractRequest.objects.filter(organization=world.org_b).count() == 1
    assert not SubcontractRequest.objects.filter(organization=world.org_a).exists()


def test_the_contacts_of_another_organizations_customer_are_not_given(world: World) -> None:
    from madoguchi.contracts.models import Customer

    customer = Customer.objects.create(organization=world.org_a, name="A社の顧客")
    Site.objects.filter(pk=world.site_a.pk).update(customer=customer)
    for method in ("get", "post"):
        response = getattr(world.clients["mallory"], method)(
            "/sites/contacts.vcf",
            {"organization": world.org_a.slug, "customer": customer.pk},
        )
        assert response.status_code == 404, method
        assert world.site_a.name not in response.content.decode()
    response = world.clients["vera"].post(
        "/sites/contacts.vcf", {"organization": world.org_a.slug, "customer": customer.pk}
    )
    assert response.status_code == 404  # a viewer may look, not record a copy
    response = world.clients["vera"].get(
        "/sites/contacts.vcf", {"organization": world.org_a.slug, "customer": customer.pk}
    )
    assert response.status_code == 200
    assert world.site_a.name in response.content.decode()


def test_the_notification_pages_show_only_the_users_organization(
    world: World, ids: dict[str, object]
) -> None:
    from madoguchi.notifications.models import Channel, Delivery

    channel = Channel.objects.get(pk=ids["channel_id"])
    Delivery.objects.create(
        organization=world.org_a,
        event_key="case-opened:a",
        event="case-opened",
        recipient=f"channel:{channel.pk}",
        channel=channel,
        subject="A社 本社の案件",
        text="A社の通知",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    client = world.clients["mallory"]
    for url in ("/notifications/", "/notifications/log/", "/notifications/new/"):
        page = client.get(url).content.decode()
        assert "A社の通知先" not in page, url
        assert "A社 本社" not in page, url
        assert "a-desk@example.jp" not in page, url
    line = client.get("/notifications/line/?organization=org-a").content.decode()
    assert world.org_a.name not in line  # the organization picked is mallory's own
