"""The demo's sales agents (seed 003): an agent the shop refused, and a "new" agent calling
from the same address written another way, so that the flag shows on the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.services import create_agent
from madoguchi.orgs.models import Organization

DEMO_AGENTS: list[dict[str, Any]] = [
    {
        "name": "株式会社ライトコール",
        "details": [
            ("address", "〒170-0013 東京都豊島区東池袋3丁目1番1号 サンシャインビル12F"),
            ("phone", "03-5000-1234"),
            ("fax", "03-5000-1235"),
            ("domain", "lightcall.example.jp"),
            ("person", "佐藤(下の名前は言わない)"),
            ("person", "鈴木"),
        ],
        "status": AgentStatus.REFUSED,
        "status_reason": (
            "マンションの回線に戸建て向けのプロバイダ契約を売っていた。IDとパスワードを手書きの"
            "FAXで送ってきて誤字があった。約束した出張費の支払いが遅れ、振込手数料を引いて入金。"
        ),
        "status_since": dt.date(2025, 3, 14),
        "note": "担当者が毎回変わり、フルネームを言わない。Webフォームへの記入を嫌がる。",
    },
    {
        "name": "ネクストライン株式会社",
        "details": [
            ("address", "豊島区東池袋三丁目１－１　ｻﾝｼｬｲﾝﾋﾞﾙ 12階"),
            ("phone", "03-5000-2200"),
            ("person", "田中"),
        ],
        "status": AgentStatus.OK,
        "status_reason": "",
        "status_since": None,
        "note": "2026年11月に初めて電話があった。代理でのサポート訪問の依頼。",
    },
]


def load_demo_agents(organization: Organization) -> int:
    """Add the demo agents the organization does not have yet (by name); how many were added."""
    known = set(Agent.objects.filter(organization=organization).values_list("name", flat=True))
    added = 0
    for spec in DEMO_AGENTS:
        if spec["name"] in known:
            continue
        create_agent(organization, **spec)
        added += 1
    return added
