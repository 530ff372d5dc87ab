"""The assessment: routes, first call, causes, findings, deadlines and the escalation ladder.

Pure Python over a validated SiteFile and the catalog. Given the same site, catalog and
`now`, the result is always the same.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from madoguchi.engine import deadlines, escalation, findings, hypotheses, routes
from madoguchi.engine.catalog import Catalog, load_catalog
from madoguchi.engine.context import Context
from madoguchi.engine.messages import LANGS
from madoguchi.engine.results import Assessment
from madoguchi.engine.timezone import TOKYO

if TYPE_CHECKING:
    from madoguchi.engine.model import SiteFile


def resolve_now(site: SiteFile, now: dt.datetime | None = None) -> dt.datetime:
    """`now` given by the caller wins, then the file's `now:`, then the clock (in Tokyo)."""
    chosen = now or site.now or dt.datetime.now(TOKYO)
    if chosen.tzinfo is None:
        chosen = chosen.replace(tzinfo=TOKYO)
    return chosen.astimezone(TOKYO)


def assess(
    site: SiteFile,
    *,
    now: dt.datetime | None = None,
    lang: str = "ja",
    catalog: Catalog | None = None,
    warnings: list[str] | None = None,
) -> Assessment:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    ctx = Context(
        site=site, catalog=catalog or load_catalog(), now=resolve_now(site, now), lang=lang
    )
    ranked = hypotheses.rank(ctx)
    caller = routes.caller_for(ctx, ranked)
    first = routes.first_call(ctx, ranked, caller)
    found = findings.run_checks(ctx)
    return Assessment(
        site=site.site.name,
        now=ctx.now.isoformat(),
        region=ctx.region.value if ctx.region else None,
        routes=routes.routes(ctx, caller),
        first_call=first,
        hypotheses=ranked,
        findings=found,
        deadlines=deadlines.collect(ctx),
        escalation=escalation.ladder(ctx, first, found, caller),
        lang=lang,
        warnings=list(warnings or []),
    )
