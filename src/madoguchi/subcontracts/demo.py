"""The demo's subcontract request (seed 003): a telephone-sales agent asks for a set-up job
in an apartment, having sold the customer a house course, so that the request page shows
the engine's course mismatch before anyone accepts the job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from madoguchi.orgs.models import Organization
from madoguchi.subcontracts.models import Channel, SubcontractRequest
from madoguchi.subcontracts.services import receive_request

DEMO_REQUEST: dict[str, Any] = {
    "job": "光回線の切り替え後、インターネットにつながらないので設定してほしい",
    "customer_name": "鈴木 和子",
    "customer_address": "東京都世田谷区三軒茶屋1-2-3 サンハイツ三軒茶屋 205",
    "customer_phone": "03-5555-0101",
    "line_product": "フレッツ光ネクスト マンション・ハイスピードタイプ",
    "course": "detached",
    "building": "multi-unit",
    "holders": {"access": "ntt-east", "isp": "so-net", "phone": "", "tv": ""},
    "includes_isp": False,
    "ids": {"customer_id": "CAF1111222233", "isp_user_id": "demo1234"},
    "promised": "月額が1,000円安くなる。切り替えの設定費用は当社負担。",
    "agent_name": "株式会社サンプル光通信",
    "agent_address": "東京都新宿区西新宿2-8-1 サンプルビル5F",
    "agent_phone": "03-6666-0202",
    "agent_fax": "03-6666-0203",
    "agent_email": "",
    "caller_name": "田中 次郎",
    "payer": "株式会社サンプル光通信",
    "amount_yen": 8800,
    "pay_by": dt.date(2026, 2, 27),
    "note": "",
}


def load_demo_request(organization: Organization) -> SubcontractRequest | None:
    """Add the demo request once (None when the organization already has requests)."""
    if SubcontractRequest.objects.filter(organization=organization).exists():
        return None
    return receive_request(organization, values=DEMO_REQUEST, channel=Channel.INTAKE)
