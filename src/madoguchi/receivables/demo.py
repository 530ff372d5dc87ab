"""The demo's sales agent and what it owes (seed 003): the telephone-sales agent behind the
wrong course at 山本 (サンハイツ 302) paid the first job short, the bank fee deducted, and has
not paid the second visit at all."""

from __future__ import annotations

import datetime as dt

from madoguchi.agents.models import Agent
from madoguchi.agents.services import create_agent
from madoguchi.contracts.models import Site
from madoguchi.orgs.models import Organization
from madoguchi.receivables.models import Receivable
from madoguchi.receivables.services import create_receivable, record_payment

DEMO_AGENT = "株式会社ひかりコネクト"
DEMO_SITE = "山本 (サンハイツ 302)"


def load_demo_receivables(organization: Organization) -> bool:
    """Add the demo agent's receivables once; False when they are already there."""
    agent = Agent.objects.filter(organization=organization, name=DEMO_AGENT).first()
    if agent is None:
        agent = create_agent(
            organization,
            name=DEMO_AGENT,
            details=[("phone", "03-5555-0123"), ("person", "担当 田中 (下の名前は名乗らず)")],
        )
    if Receivable.objects.filter(agent=agent).exists():
        return False
    site = Site.objects.filter(organization=organization, name=DEMO_SITE).first()
    first = create_receivable(
        organization,
        agent=agent,
        description="山本様 宅 回線切替の出張サポート",
        amount_yen=12000,
        due=dt.date(2026, 4, 30),
        site=site,
        note="作業完了後、月末までに振込の約束。",
    )
    record_payment(
        first,
        paid_on=dt.date(2026, 4, 30),
        amount_yen=11560,
        fee_yen=440,
        note="振込手数料を差し引いて入金",
    )
    create_receivable(
        organization,
        agent=agent,
        description="山本様 宅 設定やり直しの再訪問",
        amount_yen=8800,
        due=dt.date(2026, 5, 15),
        site=site,
        note="コースの誤りによる再訪問。代理店の負担で払うと約束。",
    )
    return True
