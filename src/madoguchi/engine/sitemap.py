"""The contract map of a site: its services, their holders and desks, as of `now`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from madoguchi.engine.assess import resolve_now
from madoguchi.engine.catalog import Catalog, load_catalog
from madoguchi.engine.context import Context
from madoguchi.engine.results import Route
from madoguchi.engine.routes import contract_map

if TYPE_CHECKING:
    from madoguchi.engine.model import SiteFile


def site_map(
    site: SiteFile,
    *,
    now: dt.datetime | None = None,
    lang: str = "ja",
    catalog: Catalog | None = None,
) -> list[Route]:
    ctx = Context(
        site=site, catalog=catalog or load_catalog(), now=resolve_now(site, now), lang=lang
    )
    return contract_map(ctx)
