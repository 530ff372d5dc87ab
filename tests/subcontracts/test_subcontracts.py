"""Subcontract requests (issue 17, seed 003): the intake link and its form, the checks on
arrival, accepting and declining, the staff pages and the agent's summary."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.services import create_agent
from madoguchi.cases.models import Case, TimelineEntry
from madoguchi.contracts.models import Contract, Customer, Site
from madoguchi.subcontracts import services
from madoguchi.subcontracts.models import RequestStatus, SubcontractRequest
from madoguchi.subcontracts.words import summary
from tests.conftest import World, session_queries
from tests.factories import subcontract_post, subcontract_values


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    for name in ("default", "sessions"):
        with contextlib.suppress(Exception):
            caches[name].clear()


def _receive(world: World, **changes: Any) -> SubcontractRequest:
    return services.receive_request(world.org_a, values=subcontract_values(**changes))


def _codes(request: SubcontractRequest) -> list[str]:
    return [c["code"] for c in request.checks]


# --- the intake link ------------------------------------------------------------------------


def _link(world: World) -> str:
    return "/intake/" + services.issue_intake_link(world.org_a, name="テスト通信")[1] + "/"


def test_the_intake_form_opens_without_login_and_names_only_the_organization(
    world: World,
) -> None:
    world.org_a.name = "A設置サポート"
    world.org_a.save()
    response = Client().get(_link(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A設置サポート" in page
    assert world.site_a.name not in page
    assert "org-a" not in page


def test_only_the_hash_of_an_intake_token_is_stored(world: World) -> None:
    link, token = services.issue_intake_link(world.org_a, name="x")
    assert token not in link.digest
    assert link.digest == link.hash(token)


def test_an_unknown_intake_token_is_not_found(world: World) -> None:
    assert Client().get("/intake/sub_nothing/").status_code == 404


def test_a_revoked_intake_link_is_not_found(world: World) -> None:
    link, token = services.issue_intake_link(world.org_a, name="x")
    services.revoke_intake_link(link)
    assert Client().get(f"/intake/{token}/").status_code == 404
    assert Client().post(f"/intake/{token}/", subcontract_post()).status_code == 404


def test_a_complete_request_through_the_link_is_saved_to_its_organization(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    url = _link(world)
    client.get(url)
    post = subcontract_post() | {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    response = client.post(url, post)
    assert response.status_code == 200
    assert "受け付けました" in response.content.decode() or "received" in response.content.decode()
    saved = SubcontractRequest.objects.get()
    assert saved.organization == world.org_a
    assert saved.channel == "intake"
    assert saved.holders["access"] == "ntt-east"


def test_an_intake_post_without_its_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(_link(world), subcontract_post())
    assert response.status_code == 403
    assert not SubcontractRequest.objects.exists()


def test_another_organizations_token_files_to_that_organization_only(world: World) -> None:
    _link_b, token_b = services.issue_intake_link(world.org_b, name="x")
    page = Client().get(f"/intake/{token_b}/").content.decode()
    assert world.org_b.name in page
    assert world.org_a.name not in page
    Client().post(f"/intake/{token_b}/", subcontract_post())
    assert SubcontractRequest.objects.get().organization == world.org_b
    assert not SubcontractRequest.objects.filter(organization=world.org_a).exists()


def test_an_incomplete_request_is_refused_field_by_field_and_keeps_what_was_typed(
    world: World,
) -> None:
    post = subcontract_post(caller_name="", amount_yen="", course="")
    post.pop("pay_by")
    response = Client().post(_link(world), post)
    page = response.content.decode()
    form = response.context["form"]
    assert set(form.errors) >= {"caller_name", "amount_yen", "course", "pay_by"}
    assert "株式会社テスト通信" in page  # typed, kept
    assert not SubcontractRequest.objects.exists()
    assert not Agent.objects.exists()


def test_a_request_without_any_id_is_refused(world: World) -> None:
    post = {k: v for k, v in subcontract_post().items() if not k.startswith("id_")}
    response = Client().post(_link(world), post)
    assert "id_value_0" in response.context["form"].errors
    assert not SubcontractRequest.objects.exists()


def test_an_address_without_its_prefecture_is_refused(world: World) -> None:
    response = Client().post(_link(world), subcontract_post(customer_address="新宿区西新宿2-8-1"))
    assert "customer_address" in response.context["form"].errors


def test_the_intake_pickers_list_no_party_of_the_organizations_own(world: World) -> None:
    from madoguchi.directory.models import Party

    Party.objects.create(organization=world.org_a, slug="a-secret", name="A社の秘密", kind="isp")
    page = Client().get(_link(world)).content.decode()
    assert "A社の秘密" not in page
    assert "ドコモ光" in page


@override_settings(MADOGUCHI_INTAKE_PER_MINUTE=2)
def test_more_submissions_a_minute_than_the_limit_are_refused(world: World) -> None:
    url, client = _link(world), Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        assert client.post(url, subcontract_post()).status_code == 200
    refused = client.post(url, subcontract_post(customer_name="三人目"))
    assert refused.status_code == 429
    assert "三人目" in refused.content.decode()  # kept
    assert SubcontractRequest.objects.count() == 2
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post(url, subcontract_post()).status_code == 200


# --- checks on arrival ----------------------------------------------------------------------


def test_a_clean_request_has_no_trouble(world: World) -> None:
    request = _receive(world)
    assert request.troubles == []
    assert summary(request.checks) in ("問題は見つかりませんでした。", "No problems found.")


def test_a_course_that_does_not_match_the_building_is_flagged_by_the_engine(
    world: World,
) -> None:
    request = _receive(world, course="detached", building="multi-unit")
    check = next(c for c in request.checks if c["code"] == "course-mismatch")
    assert check["severity"] == "critical"
    assert "マンション" in check["why"]["ja"] or "集合" in check["why"]["ja"]
    assert check["why"]["en"]


def test_a_line_set_that_still_holds_the_line_is_flagged_by_the_engine(world: World) -> None:
    request = _receive(
        world, holders={"access": "docomo-hikari", "isp": "so-net"}, includes_isp=True
    )
    assert "line-provider-split" in _codes(request)


def test_a_set_with_its_own_provider_is_no_split(world: World) -> None:
    request = _receive(
        world,
        holders={"access": "docomo-hikari", "isp": ""},
        includes_isp=True,
        ids={"customer_id": "COP123"},
    )
    assert "line-provider-split" not in _codes(request)
    assert "id-missing" not in _codes(request)


def test_a_missing_line_id_is_flagged(world: World) -> None:
    request = _receive(world, ids={"isp_user_id": "abc"})
    assert {"code": "id-missing", "severity": "warn", "id": "customer_id"} in request.checks


def test_an_id_under_an_unknown_name_is_noted(world: World) -> None:
    request = _receive(world, ids={"customer_id": "CAF1", "isp_user_id": "a", "謎の番号": "9"})
    assert any(c["code"] == "id-unknown" and c["label"] == "謎の番号" for c in request.checks)


def test_a_new_agent_is_created_with_its_address_numbers_and_caller(world: World) -> None:
    request = _receive(world)
    assert request.agent is not None
    kinds = set(request.agent.details.values_list("kind", flat=True))
    assert {"address", "phone", "person"} <= kinds


def test_a_request_from_a_refused_agent_is_flagged(world: World) -> None:
    agent = create_agent(world.org_a, name="株式会社テスト通信")
    Agent.objects.filter(pk=agent.pk).update(
        status=AgentStatus.REFUSED, status_reason="支払いが遅れた", status_since=dt.date(2026, 3, 1)
    )
    request = _receive(world)
    assert request.agent_id == agent.pk
    check = request.checks[0]
    assert check["code"] == "agent-refused"
    assert check["severity"] == "critical"
    assert "支払いが遅れた" in summary(request.checks)


def test_a_new_name_at_a_refused_agents_address_is_flagged(world: World) -> None:
    old = create_agent(
        world.org_a,
        name="旧社名通信",
        details=[("address", "東京都千代田区丸の内１－１－１　テストビル3F")],
    )
    Agent.objects.filter(pk=old.pk).update(status=AgentStatus.REFUSED)
    request = _receive(world)
    match = next(c for c in request.checks if c["code"] == "agent-resembles")
    assert match["agent"] == old.pk
    assert match["group"] == "address"
    assert match["severity"] == "critical"
    assert request.agent_id != old.pk


def test_a_recheck_sees_an_agent_refused_since_arrival(world: World) -> None:
    request = _receive(world)
    assert request.agent is not None
    Agent.objects.filter(pk=request.agent.pk).update(status=AgentStatus.REFUSED)
    services.recheck(request)
    assert _codes(request)[0] == "agent-refused"


# --- accept and decline ---------------------------------------------------------------------


def test_accepting_makes_the_customer_the_site_with_its_contracts_and_a_case(
    world: World,
) -> None:
    request = _receive(world)
    services.accept(request, user=None)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.customer is not None
    assert request.customer.name == "山田 花子"
    site = request.site
    assert site is not None
    assert site.customer == request.customer
    assert site.prefecture == "東京都"
    assert site.building == "detached"
    contracts = {c.service: c for c in Contract.objects.filter(site=site)}
    assert contracts["access"].party == "ntt-east"
    assert contracts["access"].ids == {"customer_id": "CAF1234567890"}
    assert contracts["access"].course == "detached"
    assert contracts["isp"].ids == {"isp_user_id": "abc12345"}
    assert request.case is not None
    assert request.case.site == site
    assert TimelineEntry.objects.filter(case=request.case, said__contains="工事費無料").exists()


def test_accepting_links_the_customer_of_the_same_name(world: World) -> None:
    existing = Customer.objects.create(organization=world.org_a, name="山田 花子")
    request = services.accept(_receive(world), user=None)
    assert request.customer == existing
    assert Customer.objects.filter(organization=world.org_a).count() == 1


def test_accepting_twice_is_refused(world: World) -> None:
    request = services.accept(_receive(world), user=None)
    with pytest.raises(services.RequestError):
        services.accept(request, user=None)
    assert Site.objects.filter(organization=world.org_a).count() == 2  # world's + one


def test_accepting_is_all_or_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    request = _receive(world)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("case service down")

    monkeypatch.setattr(services, "open_case", broken)
    with pytest.raises(RuntimeError):
        services.accept(request, user=None)
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW
    assert not Customer.objects.filter(name="山田 花子").exists()
    assert Site.objects.filter(organization=world.org_a).count() == 1


def test_declining_needs_a_reason(world: World) -> None:
    request = _receive(world)
    with pytest.raises(services.RequestError):
        services.decline(request, user=None, reason=" ")
    services.decline(request, user=None, reason="以前お断りした業者と同じ所在地")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


# --- staff pages ----------------------------------------------------------------------------


def test_the_request_page_shows_the_checks_before_accepting(world: World) -> None:
    request = _receive(world, course="detached", building="multi-unit")
    page = world.clients["alice"].get(f"/subcontracts/{request.pk}/").content.decode()
    assert "コース" in page
    assert page.index('id="checks"') < page.index('id="decide"')


def test_staff_accept_through_the_page_and_it_links_to_what_was_made(world: World) -> None:
    request = _receive(world)
    response = world.clients["bob"].post(f"/subcontracts/{request.pk}/accept/", follow=True)
    request.refresh_from_db()
    page = response.content.decode()
    assert request.site is not None
    assert request.case is not None
    assert f"/sites/{request.site.pk}/" in page
    assert f"/cases/{request.case.pk}/" in page


def test_staff_decline_through_the_page(world: World) -> None:
    request = _receive(world)
    world.clients["bob"].post(f"/subcontracts/{request.pk}/decline/", {"reason": "お断り"})
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert request.decline_reason == "お断り"


def test_a_viewer_cannot_accept(world: World) -> None:
    request = _receive(world)
    assert world.clients["vera"].post(f"/subcontracts/{request.pk}/accept/").status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_staff_record_a_request_with_the_same_form(world: World) -> None:
    response = world.clients["bob"].post("/subcontracts/new/", subcontract_post())
    request = SubcontractRequest.objects.get()
    assert response.status_code == 302
    assert request.channel == "staff"
    assert request.organization == world.org_a


def test_staff_entry_refuses_an_incomplete_request(world: World) -> None:
    response = world.clients["bob"].post("/subcontracts/new/", subcontract_post(promised=""))
    assert "promised" in response.context["form"].errors
    assert not SubcontractRequest.objects.exists()


def test_an_intake_link_is_shown_once_and_can_be_revoked(world: World) -> None:
    client = world.clients["alice"]
    page = client.post("/subcontracts/links/", {"name": "テスト通信向け"}).content.decode()
    assert "/intake/sub_" in page
    link = (
        world.org_a
        and __import__(
            "madoguchi.subcontracts.models", fromlist=["IntakeLink"]
        ).IntakeLink.objects.get()
    )
    again = client.get("/subcontracts/links/").content.decode()
    assert "/intake/sub_" not in again
    client.post(f"/subcontracts/links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked is not None


def test_the_list_is_newest_first_with_the_checks_in_words(world: World) -> None:
    _receive(world, customer_name="古い依頼")
    _receive(world, customer_name="新しい依頼", course="detached", building="multi-unit")
    page = world.clients["alice"].get("/subcontracts/").content.decode()
    assert page.index("新しい依頼") < page.index("古い依頼")
    assert "問題は見つかりませんでした" in page
    assert "コース" in page


def test_the_list_pages_in_the_database(world: World) -> None:
    for i in range(25):
        _receive(world, customer_name=f"依頼{i:02d}")
    first = world.clients["alice"].get("/subcontracts/").content.decode()
    second = world.clients["alice"].get("/subcontracts/?page=2").content.decode()
    assert "依頼24" in first
    assert "依頼04" not in first
    assert "依頼04" in second


def test_the_list_reads_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for i in range(10):
        _receive(world, customer_name=f"依頼{i}")
    client = world.clients["alice"]
    client.get("/subcontracts/")
    with django_assert_max_num_queries(4 + session_queries()):
        client.get("/subcontracts/")


def test_the_request_page_reads_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    request = services.accept(_receive(world), user=None)
    client = world.clients["alice"]
    client.get(f"/subcontracts/{request.pk}/")
    # one of them: the payments an accepted request promised (receivables)
    with django_assert_max_num_queries(7 + session_queries()):
        client.get(f"/subcontracts/{request.pk}/")


# --- the agent's summary (a fragment the agent's page loads after it) ---------------------


def _agent_panel(world: World, agent: Agent) -> str:
    response = world.clients["alice"].get(f"/subcontracts/agents/{agent.pk}/requests/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_agent_requests_panel_counts_and_flags(world: World) -> None:
    first = _receive(world)
    _receive(world, course="detached", building="multi-unit")
    services.decline(first, user=None, reason="x")
    agent = Agent.objects.get(pk=first.agent_id)
    html = _agent_panel(world, agent)
    assert "お断りした" in html or "declined" in html.lower()
    assert html.count("/subcontracts/") == 2
    assert "コース" in html


def test_the_agent_requests_panel_reads_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    """The user with their organizations (one query), the agent among them, then three: the
    counts by status, the latest rows, the troubles at the sites of the jobs taken."""
    request = _receive(world)
    for i in range(6):
        _receive(world, customer_name=f"依頼{i}")
    agent = Agent.objects.get(pk=request.agent_id)
    with django_assert_num_queries(5 + session_queries()):
        _agent_panel(world, agent)


def test_the_agent_record_counts_a_taken_job_whose_site_shows_a_course_mismatch(
    world: World,
) -> None:
    from madoguchi.money.services import refresh_site_money

    request = services.accept(_receive(world, course="detached", building="multi-unit"), user=None)
    assert request.site is not None
    refresh_site_money(request.site.pk)
    agent = Agent.objects.get(pk=request.agent_id)

    html = _agent_panel(world, agent)

    assert "受けた仕事: 1件、そのうち後で拠点に問題が見つかったもの: 1件" in html


def test_the_agent_record_counts_no_trouble_for_a_job_that_fits(world: World) -> None:
    from madoguchi.money.services import refresh_site_money

    request = services.accept(_receive(world), user=None)
    assert request.site is not None
    refresh_site_money(request.site.pk)
    agent = Agent.objects.get(pk=request.agent_id)

    html = _agent_panel(world, agent)

    assert "問題が見つかったもの: 0件" in html


def test_a_case_is_one_per_accepted_request(world: World) -> None:
    services.accept(_receive(world), user=None)
    assert Case.objects.filter(organization=world.org_a).count() == 2
