"""`{% standing_badge s %}`: a receivable's state in words. (The desk's panel and an agent's
payment record are fragments at their own addresses, which those pages load after them:
`receivables.views.desk_panel` and `agent_panel`.)"""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.receivables.selectors import Standing

register = template.Library()


@register.inclusion_tag("receivables/standing_badge.html")
def standing_badge(standing: Standing) -> dict[str, Any]:
    return {"s": standing}
