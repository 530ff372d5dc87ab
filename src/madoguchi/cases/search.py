"""Case search: one function, `search_cases`, and the index machinery behind it.

A desk at 10⁶ cases must answer a search within 50 ms (bench/README.md has the figures and
how they were measured). A plain `icontains` over titles and site names reads every case of
the organization; each step below exists because it avoids that for one kind of query.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.server.expressions import AmongIds
from madoguchi.server.prepared import Values, prepared_or_built

# More candidates than this from the trigram index and the word is not rare after all: the
# newest-first walk pages faster than filtering on a thousand ids.
SEARCH_CANDIDATES = 1000
_CANDIDATES_READ = SEARCH_CANDIDATES + 1  # one more tells "too many"
# A word found this often among the newest cases (here 1 in 22 or more) fills a page by
# walking them: the walk is then the cheap path, and the trigram index (which collects every
# match before any LIMIT) the expensive one. The sample costs a lookup per case: 500 took
# 4 ms at 10⁶ cases on PostgreSQL, 200 about half of that.
SAMPLE_NEWEST = 200
SAMPLE_HITS = 9
# Enough exact matches for any reference number people read out on the phone.
EXACT_MATCHES = 200


def search_cases(
    cases: QuerySet[Case],
    query: str,
    parties: Collection[str] = (),
    *,
    organizations: Collection[int],
) -> QuerySet[Case]:
    """The cases among `cases` (already scoped to the user) that `query` finds, unordered.
    `organizations`: the user's, which scope the reads that choose the plan.

    `parties` are the slugs of the parties `query` names (directory.selectors
    .party_slugs_named, resolved by the caller): cases first with or waiting on one of them
    are found too, by the indexed slug (`first_party`), besides the text matches below.

    1. Exact matches first: a case's ref or a timeline entry's reference number (what people
       read out on the phone) equal to `query`. Two indexed lookups, 244 → 6 ms at 10⁶
       against the substring search. Reference numbers are looked up among the user's
       organizations only, so another organization's number neither matches nor turns the
       search away from titles; one found outside `cases` (another status, say) does not
       either.
    2. Otherwise, titles and site names that contain `query`. Whether the word is common or
       rare decides the plan, so a sample of the newest cases tells them apart:
       - common (`_common_among_newest`): walking the cases newest first fills a page
         quickly; a trigram index would collect every match before any LIMIT (common word on
         PostgreSQL at 10⁶: 67 / 135 → 20 / 25 ms);
       - rare: the walk would read nearly every case, so candidate ids come from a trigram
         index (`_trigram_candidates`: pg_trgm on PostgreSQL, FTS5 trigram tables on SQLite;
         294 → 27 and 262 → 21 ms) and only those cases are paged;
       - neither index available (another database, or fewer than three characters on
         SQLite) or too many candidates: the walk.

    The reads that choose among these (the exact matches, the sample, the candidates) are of
    the user's organizations and the word alone, whatever else narrows `cases`, so each is
    compiled once (`server.prepared`): building them per search was about a third of a
    search's CPU (issue 26). They only choose the plan; the page is `cases` narrowed by it.
    """
    query = query.strip()
    values = {"organization": sorted(organizations), "query": query}
    if not values["organization"]:
        return cases.none()
    exact = _exact_matches(values)
    if exact and cases.filter(pk__in=exact).exists():
        return cases.filter(pk__in=exact)
    found = _text_matches(cases, values)
    if parties:
        slugs = sorted(parties)
        return found | cases.filter(Q(first_party__in=slugs) | Q(waiting_on__in=slugs))
    return found


def _text_matches(cases: QuerySet[Case], values: Values) -> QuerySet[Case]:
    """Cases whose title or site name contains the word, by the cheapest plan (above)."""
    query = values["query"]
    newest_first_walk = cases.filter(Q(title__icontains=query) | Q(site__name__icontains=query))
    if _common_among_newest(values):
        return newest_first_walk
    candidates = _trigram_candidates(values)
    if candidates is None:
        return newest_first_walk
    by_title, by_site = candidates
    if len(by_title) < _CANDIDATES_READ and len(by_site) < _CANDIDATES_READ:
        return cases.filter(Q(pk__in=by_title) | Q(site_id__in=by_site))
    return newest_first_walk


def _exact_matches(values: Values) -> set[int]:
    """Ids of the organizations' cases whose ref, or one of whose reference numbers, is the
    word."""
    by_reference, by_ref = prepared_or_built(("case search: exact",), _exact_reads, values)
    return {row["id"] for row in by_reference} | {row["id"] for row in by_ref}


def _exact_reads(values: Values) -> list[QuerySet[Any]]:
    # A join, not `case__in=<the user's cases>`: the planner then starts from the reference
    # index instead of listing every case of the organization (16 → 0.3 ms at 10⁶ on SQLite).
    cases = Case.objects.filter(organization_id__in=values["organization"]).order_by()
    return [
        cases.filter(entries__reference=values["query"]).values("id")[:EXACT_MATCHES],
        cases.filter(ref=values["query"]).values("id")[:EXACT_MATCHES],
    ]


def _common_among_newest(values: Values) -> bool:
    (hits,) = prepared_or_built(("case search: sample",), _sample_reads, values)
    return len(hits) >= SAMPLE_HITS


def _sample_reads(values: Values) -> list[QuerySet[Any]]:
    # Among the newest ids as an array on PostgreSQL (AmongIds): with `IN (…)` it hashed
    # every case of the organization to find the newest (3.2 ms of its CPU at 10⁵ for a
    # rare word), where looking up each of them by id is 0.3 ms.
    cases = Case.objects.filter(organization_id__in=values["organization"])
    newest = cases.order_by("-created", "-id").values("id")[:SAMPLE_NEWEST]
    contains = Q(title__icontains=values["query"]) | Q(site__name__icontains=values["query"])
    return [
        cases.filter(AmongIds("pk", newest)).filter(contains).order_by().values("id")[:SAMPLE_HITS]
    ]


def _trigram_candidates(values: Values) -> tuple[list[int], list[int]] | None:
    """Case and site ids of the organizations whose title or name contains the word, found
    through a trigram index (pg_trgm on PostgreSQL, FTS5 on SQLite), at most
    SEARCH_CANDIDATES + 1 of each; None where no such index can answer. Scoped like every
    read: another organization's sites neither count toward the limit nor decide the plan.

    On PostgreSQL the statements are planned for each word (`server.prepared.unprepared`):
    a plan for any word cannot know that its trigrams are rare.

    The FTS5 tables (`cases_case_fts`, `sites_site_fts`) are kept by triggers (see the
    migrations); they are read with raw SQL because Django has no FTS5 lookup. The index is
    read first and each of its rows looked up in the table (`CROSS JOIN` fixes SQLite's
    order): from the organization's rows first, SQLite runs the whole match once per row,
    which a new index on the sites made it choose (a rare word: 21 → 0.1 ms; a site's name:
    115 → 0.2 ms at 10⁵ cases, issue 26)."""
    query, organizations = values["query"], values["organization"]
    if connection.vendor == "postgresql":
        by_title, by_site = prepared_or_built(
            ("case search: candidates",), _candidate_reads, values, planned_each_run=True
        )
        return [row["id"] for row in by_title], [row["id"] for row in by_site]
    if connection.vendor != "sqlite" or len(query) < 3 or not _sqlite_fts_ready():
        return None
    phrase = '"' + query.replace('"', '""') + '"'
    marks = ", ".join(["%s"] * len(organizations))
    with connection.cursor() as cursor:
        found = []
        for fts, table in (("cases_case_fts", "cases_case"), ("sites_site_fts", "sites_site")):
            cursor.execute(
                f"SELECT {fts}.rowid FROM {fts} CROSS JOIN {table} ON {table}.id = {fts}.rowid "
                f"WHERE {fts} MATCH %s AND {table}.organization_id IN ({marks}) LIMIT %s",
                [phrase, *organizations, _CANDIDATES_READ],
            )
            found.append([row[0] for row in cursor.fetchall()])
    return found[0], found[1]


def _candidate_reads(values: Values) -> list[QuerySet[Any]]:
    organization = values["organization"]
    titles = Case.objects.filter(organization_id__in=organization, title__icontains=values["query"])
    sites = Site.objects.filter(organization_id__in=organization, name__icontains=values["query"])
    return [titles.values("id")[:_CANDIDATES_READ], sites.values("id")[:_CANDIDATES_READ]]


def _sqlite_fts_ready() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'cases_case_fts'")
        return cursor.fetchone() is not None
