"""The agents register's pages, API and command: the status read first, the flag on an agent
resembling one on record (on preview and on save), staff-only writes, fixed query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.services import create_agent
from tests.conftest import World

REFUSED_ADDRESS = "〒170-0013 東京都豊島区東池袋3丁目1番1号 サンシャインビル12F"
SAME_PLACE = "豊島区東池袋三丁目１－１　ｻﾝｼｬｲﾝﾋﾞﾙ 12階"


@pytest.fixture
def refused(world: World) -> Agent:
    return create_agent(
        world.org_a,
        name="株式会社ライトコール",
        details=[("address", REFUSED_ADDRESS), ("phone", "03-5000-1234")],
        status=AgentStatus.REFUSED,
        status_reason="振込手数料を引いて入金",
        status_since=dt.date(2025, 3, 14),
    )


def _text(response: Any) -> str:
    return response.content.decode()


def _new(name: str, address: str, **more: str) -> dict[str, str]:
    return {
        "name": name,
        "detail_kind_0": "address",
        "detail_value_0": address,
        "status": "ok",
        **more,
    }


# --- the flag -----------------------------------------------------------------------------


def test_the_preview_flags_a_refused_agent_at_the_same_address_without_saving(
    world: World, refused: Agent
) -> None:
    response = world.clients["bob"].post(
        "/agents/new/", _new("ネクストライン", SAME_PLACE, preview="1")
    )

    assert response.status_code == 200
    assert (
        "同じ所在地: 以前お断りした 株式会社ライトコール (2025年3月、理由: 振込手数料を引いて入金)"
        in _text(response)
    )
    assert not Agent.objects.filter(name="ネクストライン").exists()


def test_saving_flags_the_refused_agent_at_once(world: World, refused: Agent) -> None:
    response = world.clients["bob"].post(
        "/agents/new/", _new("ネクストライン", SAME_PLACE), follow=True
    )

    page = _text(response)
    agent = Agent.objects.get(name="ネクストライン")
    assert response.redirect_chain[-1][0] == f"/agents/{agent.pk}/"
    assert "似ています。依頼を受ける前に、下の理由を読んでください。" in page
    assert "同じ所在地: 以前お断りした 株式会社ライトコール" in page
    assert agent.details.get().value == SAME_PLACE.strip()


def test_a_new_agent_at_another_address_is_not_flagged(world: World, refused: Agent) -> None:
    response = world.clients["bob"].post(
        "/agents/new/", _new("別の会社", "豊島区東池袋3-1-2", preview="1")
    )

    assert "以前お断りした" not in _text(response)
    assert "同じ代理店は登録されていません" in _text(response)


def test_the_same_number_as_a_fax_is_flagged(world: World, refused: Agent) -> None:
    data = {"name": "X", "status": "ok", "detail_kind_0": "fax", "detail_value_0": "03(5000)1234"}

    response = world.clients["bob"].post("/agents/new/", {**data, "preview": "1"})

    assert "同じ電話・FAX番号: 以前お断りした 株式会社ライトコール" in _text(response)


# --- the agent page -----------------------------------------------------------------------


def test_the_agent_page_shows_the_status_and_reason_before_the_details(
    world: World, refused: Agent
) -> None:
    page = _text(world.clients["vera"].get(f"/agents/{refused.pk}/"))

    status = page.index("お断り: 依頼を受けない")
    assert status < page.index("振込手数料を引いて入金") < page.index("東池袋3丁目1番1号")
    assert "2025年3月14日(金) から" in page
    assert 'href="tel:0350001234"' in page


def test_a_viewer_reads_but_cannot_change(world: World, refused: Agent) -> None:
    vera = world.clients["vera"]

    assert vera.get("/agents/").status_code == 200
    assert "この代理店を編集する" not in _text(vera.get(f"/agents/{refused.pk}/"))
    assert vera.get("/agents/new/").status_code == 403
    assert vera.post("/agents/new/", _new("V", "どこか")).status_code == 403
    assert vera.post(f"/agents/{refused.pk}/status/", {"status": "ok"}).status_code == 403
    assert Agent.objects.get(pk=refused.pk).status == AgentStatus.REFUSED


def test_refusing_without_a_reason_is_refused_and_keeps_what_was_typed(world: World) -> None:
    data = _new("ネクストライン", SAME_PLACE, status="refused")

    response = world.clients["bob"].post("/agents/new/", data)

    page = _text(response)
    assert response.status_code == 200
    assert "理由を書いてください" in page
    assert "ネクストライン" in page
    assert "ｻﾝｼｬｲﾝﾋﾞﾙ" in page
    assert not Agent.objects.exists()


def test_the_status_form_sets_the_status_from_today(world: World) -> None:
    agent = create_agent(world.org_a, name="ネクストライン")

    response = world.clients["bob"].post(
        f"/agents/{agent.pk}/status/", {"status": "caution", "status_reason": "支払いが遅い"}
    )

    agent.refresh_from_db()
    assert response.status_code == 302
    assert (agent.status, agent.status_reason) == ("caution", "支払いが遅い")
    assert agent.status_since == timezone.localdate()


def test_a_refused_status_form_shows_the_problem_on_the_page(world: World) -> None:
    agent = create_agent(world.org_a, name="ネクストライン")

    response = world.clients["bob"].post(f"/agents/{agent.pk}/status/", {"status": "refused"})

    assert response.status_code == 200
    assert "理由を書いてください" in _text(response)
    assert Agent.objects.get(pk=agent.pk).status == AgentStatus.OK


def test_editing_replaces_the_details_and_keeps_the_status(world: World, refused: Agent) -> None:
    data = {
        "name": "株式会社ライトコール",
        "status": "refused",
        "status_reason": refused.status_reason,
        "status_since": "2025-03-14",
        "detail_kind_0": "phone",
        "detail_value_0": "03-5000-9999",
    }

    world.clients["bob"].post(f"/agents/{refused.pk}/edit/", data)

    refused.refresh_from_db()
    assert [d.value for d in refused.details.all()] == ["03-5000-9999"]
    assert refused.status_since == dt.date(2025, 3, 14)


def test_the_payments_section_shows_and_the_requests_one_waits_for_its_app(
    world: World, refused: Agent
) -> None:
    from django.apps import apps

    page = _text(world.clients["alice"].get(f"/agents/{refused.pk}/"))

    # Each section is its app's fragment, which the page loads after it.
    payments = f'data-panel="/receivables/agents/{refused.pk}/payments/"'
    requests = f'data-panel="/subcontracts/agents/{refused.pk}/requests/"'
    assert (payments in page) == apps.is_installed("madoguchi.receivables")
    assert (requests in page) == apps.is_installed("madoguchi.subcontracts")
    client = world.clients["alice"]
    assert 'class="card agent-payments"' in _text(
        client.get(f"/receivables/agents/{refused.pk}/payments/")
    )
    assert "agent-requests" in _text(client.get(f"/subcontracts/agents/{refused.pk}/requests/"))


# --- the list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q", ["ライトコール", "東池袋三丁目1番1号", "03-5000-1234", "5000-1234", "サンシャイン"]
)
def test_the_list_finds_an_agent_by_any_name_number_or_address(
    world: World, refused: Agent, q: str
) -> None:
    page = _text(world.clients["vera"].get("/agents/", {"q": q}))

    assert "株式会社ライトコール" in page
    assert "✖" in page
    assert "お断り" in page


def test_the_list_leaves_out_agents_that_do_not_match(world: World, refused: Agent) -> None:
    page = _text(world.clients["vera"].get("/agents/", {"q": "西新宿"}))

    assert "株式会社ライトコール" not in page


def test_another_organizations_agents_are_not_listed(world: World, refused: Agent) -> None:
    page = _text(world.clients["mallory"].get("/agents/"))

    assert "ライトコール" not in page


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def _grow(world: World, count: int) -> None:
    for i in range(count):
        create_agent(
            world.org_a,
            name=f"代理店{i}",
            details=[("address", f"新宿区西新宿2-8-{i}"), ("phone", f"03-1111-{i:04d}")],
        )


@pytest.mark.parametrize("url", ["/agents/", "/agents/?q=西新宿", "/api/v1/agents"])
def test_list_queries_do_not_grow_with_agents(world: World, url: str) -> None:
    client = world.clients["alice"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"} if "/api/" in url else {}
    _grow(world, 1)
    client.get(url, **headers)
    few = _queries(lambda: client.get(url, **headers))
    _grow(world, 30)
    many = _queries(lambda: client.get(url, **headers))
    assert many == few


def test_the_agent_page_queries_do_not_grow_with_details_or_resemblances(
    world: World, refused: Agent, django_assert_max_num_queries: Any
) -> None:
    client = world.clients["alice"]
    client.get(f"/agents/{refused.pk}/")
    few = _queries(lambda: client.get(f"/agents/{refused.pk}/"))
    for i in range(10):
        create_agent(world.org_a, name=f"同住所{i}", details=[("address", SAME_PLACE)])
    create_agent(world.org_a, name="ライトコール")
    many = _queries(lambda: client.get(f"/agents/{refused.pk}/"))
    assert many == few
    with django_assert_max_num_queries(12):
        client.get(f"/agents/{refused.pk}/")


# --- the API ------------------------------------------------------------------------------


def test_creating_an_agent_answers_what_it_resembles(world: World, refused: Agent) -> None:
    body = {"name": "ネクストライン", "details": [{"kind": "address", "value": SAME_PLACE}]}

    response = world.api("post", "/api/v1/agents", body)

    assert response.status_code == 201
    [found] = response.json()["resembles"]
    assert found["agent"]["id"] == refused.pk
    assert found["shared"] == ["address"]
    assert found["text"].startswith("同じ所在地: 以前お断りした 株式会社ライトコール")


def test_refusing_through_the_api_needs_a_reason(world: World, refused: Agent) -> None:
    response = world.api("post", f"/api/v1/agents/{refused.pk}/status", {"status": "caution"})

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["status_reason"]


def test_the_api_sets_a_status(world: World, refused: Agent) -> None:
    response = world.api(
        "post",
        f"/api/v1/agents/{refused.pk}/status",
        {"status": "ok", "reason": "", "since": "2026-11-01"},
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_since"]) == ("ok", "2026-11-01")


def test_the_api_searches_like_the_list(world: World, refused: Agent) -> None:
    response = world.api("get", "/api/v1/agents?q=東池袋三丁目1-1")

    assert [a["name"] for a in response.json()["items"]] == ["株式会社ライトコール"]


def test_patching_details_replaces_them(world: World, refused: Agent) -> None:
    response = world.api(
        "patch", f"/api/v1/agents/{refused.pk}", {"details": [{"kind": "fax", "value": "0311"}]}
    )

    assert response.json()["details"] == [{"kind": "fax", "value": "0311"}]
    assert response.json()["name"] == "株式会社ライトコール"


def test_a_viewer_may_ask_who_resembles_some_details(world: World, refused: Agent) -> None:
    body = {"name": "新しい会社", "details": [{"kind": "phone", "value": "0350001234"}]}

    response = world.api("post", "/api/v1/agents/resemblances", body, who="vera")

    assert response.status_code == 200
    assert [(r["agent"]["name"], r["shared"]) for r in response.json()] == [
        ("株式会社ライトコール", ["number"])
    ]


def test_another_organization_asking_finds_nothing(world: World, refused: Agent) -> None:
    body = {"details": [{"kind": "address", "value": REFUSED_ADDRESS}]}

    response = world.api("post", "/api/v1/agents/resemblances", body, who="mallory")

    assert response.json() == []


def test_a_viewer_cannot_create_through_the_api(world: World) -> None:
    response = world.api("post", "/api/v1/agents", {"name": "V"}, who="vera")

    assert response.status_code == 403
    assert not Agent.objects.exists()


# --- the command --------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = StringIO()
    call_command("agents", *args, stdout=out)
    return out.getvalue()


def test_the_command_adds_an_agent_and_flags_the_refused_one(world: World, refused: Agent) -> None:
    bob = world.org_a.memberships.get(role="staff").user.username

    out = _run("--user", bob, "add", "ネクストライン", "--address", SAME_PLACE, "--person", "田中")

    assert "! 同じ所在地: 以前お断りした 株式会社ライトコール" in out
    assert Agent.objects.get(name="ネクストライン").details.count() == 2


def test_the_command_lists_matches_and_sets_a_status(world: World, refused: Agent) -> None:
    alice = world.org_a.memberships.get(role="owner").user.username

    assert "株式会社ライトコール" in _run("--user", alice, "list", "東池袋三丁目1番1号")
    assert "以前お断りした" in _run("--user", alice, "match", "--fax", "03-5000-1234")
    _run("--user", alice, "status", str(refused.pk), "caution", "--reason", "様子見")
    assert Agent.objects.get(pk=refused.pk).status == AgentStatus.CAUTION


def test_the_command_refuses_a_viewers_write(world: World, refused: Agent) -> None:
    vera = world.org_a.memberships.get(role="viewer").user.username

    with pytest.raises(CommandError):
        _run("--user", vera, "status", str(refused.pk), "ok")


def test_the_command_names_the_missing_reason(world: World) -> None:
    alice = world.org_a.memberships.get(role="owner").user.username

    with pytest.raises(CommandError, match="status_reason"):
        _run("--user", alice, "add", "X", "--status", "refused")


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_shows_the_flag_on_the_new_agent(db: Any) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # idempotent
    from django.test import Client

    from madoguchi.orgs.models import Organization

    organization = Organization.objects.get(slug="demo")
    new = Agent.objects.get(organization=organization, name="ネクストライン株式会社")
    client = Client()
    client.force_login(organization.memberships.get().user)

    page = _text(client.get(f"/agents/{new.pk}/"))

    for name in ("株式会社ライトコール", "ネクストライン株式会社"):
        assert Agent.objects.filter(organization=organization, name=name).count() == 1
    assert "同じ所在地: 以前お断りした 株式会社ライトコール (2025年3月" in page


def test_rekey_recomputes_keys_written_by_older_rules(world: World, refused: Agent) -> None:
    from madoguchi.agents.models import AgentDetail

    alice = world.org_a.memberships.get(role="owner").user.username
    AgentDetail.objects.filter(kind="address").update(key="古い鍵")

    assert _run("--user", alice, "rekey").startswith("1 keys changed")
    assert AgentDetail.objects.get(kind="address").key == "豊島区東池袋3-1-1"


def test_a_nul_character_is_a_field_error_not_a_crash(world: World, refused: Agent) -> None:
    data = _new("ネクスト\x00ライン", "豊島区東池袋3-1-1\x00")

    preview = world.clients["bob"].post("/agents/new/", {**data, "preview": "1"})
    saved = world.clients["bob"].post("/agents/new/", data)

    assert preview.status_code == saved.status_code == 200
    assert saved.context["form"].errors["name"]
    assert not Agent.objects.filter(name__startswith="ネクスト").exists()


def test_a_nul_in_the_agents_search_answers_a_page_that_says_why(world: World) -> None:
    # No person types a NUL into a search: like every list's, this one answers the input
    # guard's 400 page naming the character (server/inputs.py), not a list searched for
    # something else than what was asked.
    listed = world.clients["bob"].get("/agents/", {"q": "東池袋\x00"})
    assert listed.status_code == 400
    assert "使えない文字（NUL）" in listed.content.decode()


def test_the_list_warns_of_an_agent_at_a_refused_agents_address(
    world: World, refused: Agent
) -> None:
    create_agent(world.org_a, name="ひかりサポート株式会社", details=[("address", SAME_PLACE)])
    page = _text(world.clients["alice"].get("/agents/"))
    row = page[page.index("ひかりサポート株式会社") :].split("</li>")[0]
    assert "依頼を受ける" not in row
    assert "お断りした代理店と共通点あり" in row
    assert "株式会社ライトコール" in row


def test_the_list_shows_an_agent_elsewhere_as_accepted(world: World, refused: Agent) -> None:
    create_agent(
        world.org_a, name="ひかりサポート株式会社", details=[("address", "大阪府大阪市1-1")]
    )
    page = _text(world.clients["alice"].get("/agents/"))
    row = page[page.index("ひかりサポート株式会社") :].split("</li>")[0]
    assert "依頼を受ける" in row


def test_another_organizations_refused_agent_is_not_a_lookalike(
    world: World, refused: Agent
) -> None:
    create_agent(world.org_b, name="ひかりサポート株式会社", details=[("address", SAME_PLACE)])
    page = _text(world.clients["mallory"].get("/agents/"))
    assert "お断りした代理店と共通点あり" not in page
