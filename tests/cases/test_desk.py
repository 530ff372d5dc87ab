"""The desk: dashboard, case page, logging a call, reminders, the report, statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from madoguchi.cases.models import Case, EntryKind, Promise, Status
from madoguchi.cases.reminders import send_reminders
from madoguchi.cases.rows import capped_counts
from madoguchi.cases.services import (
    PromiseSpec,
    change_status,
    correct_entry,
    log_entry,
    open_case,
)
from madoguchi.cases.stored_records import refresh_records
from madoguchi.server.i18n import duration_text
from tests.conftest import World, forget_stored_sites, session_queries
from tests.factories import ContractFactory, PromiseFactory, SiteFactory


@pytest.fixture
def alice(world: World):  # type: ignore[no-untyped-def]
    user = world.org_a.memberships.get(role="owner").user
    user.email = "alice@example.jp"
    user.save()
    return user


@pytest.fixture
def case(world: World, alice) -> Case:  # type: ignore[no-untyped-def]
    return open_case(
        world.site_a, user=alice, outage_started=timezone.now() - dt.timedelta(hours=5)
    )


def _promise(case: Case, due: dt.datetime, by: str = "docomo-hikari") -> Promise:
    entry = log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        promise=PromiseSpec(by=by, what="callback", due=due),
    )
    return entry.promises.get()


def test_an_overdue_promise_tops_the_dashboard(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(minutes=5))
    page = world.clients["alice"].get("/cases/").content.decode()
    assert page.index('id="overdue"') < page.index('id="open-cases"')
    assert "callback" in page or "折り返し" in page


def test_every_dashboard_row_links_to_its_case(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(minutes=5))
    _promise(case, timezone.now() + dt.timedelta(hours=1))
    page = world.clients["alice"].get("/cases/").content.decode()
    # the overdue promise, the promise due soon and the open case
    assert page.count(f'href="/cases/{case.pk}/"') == 3


def test_overdue_promises_name_the_party_and_how_late(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(hours=2, minutes=5))
    page = world.clients["alice"].get("/cases/").content.decode()
    assert "ドコモ光 が" in page  # the party by name, in the sentence about its promise
    assert "2時間5分超過" in page


def test_open_cases_show_their_outage_in_japanese(world: World, case: Case) -> None:
    page = world.clients["alice"].get("/cases/").content.decode()
    assert "5時間0分" in page


def test_open_cases_show_their_outage_in_english(world: World, case: Case) -> None:
    client = world.clients["alice"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    page = client.get("/cases/").content.decode()
    assert "5 h 0 min" in page
    assert "時間" not in page


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (dt.timedelta(days=3, hours=4, minutes=59), "3日4時間"),
        (dt.timedelta(hours=2, minutes=5), "2時間5分"),
        (dt.timedelta(minutes=40, seconds=59), "40分"),
        (dt.timedelta(minutes=-3), "0分"),  # a clock a little ahead is no negative age
        (None, "—"),
    ],
)
def test_durations_keep_their_two_largest_units(span: dt.timedelta | None, text: str) -> None:
    with translation.override("ja"):
        assert duration_text(span) == text


def test_the_dashboard_filters_by_party(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(minutes=5), by="ntt-east")
    response = world.clients["alice"].get("/cases/?party=so-net")
    assert response.context["overdue"] == []


def test_a_malformed_filter_value_is_left_out_on_the_web(world: World, case: Case) -> None:
    response = world.clients["alice"].get("/cases/?site=abc&party=so-net")
    assert response.status_code == 200
    assert response.context["cases"] == []  # the party still applies
    assert world.clients["alice"].get("/cases/?site=abc").context["cases"] != []


def test_the_dashboard_pages_keep_their_filters(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    for _ in range(21):
        open_case(world.site_a, user=alice)
    page = world.clients["alice"].get("/cases/?assignee=me").content.decode()
    assert 'href="?assignee=me&amp;page=2"' in page


def test_counts_stop_at_the_cap(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        open_case(world.site_a, user=alice)
    cases = Case.objects.for_user(alice)
    total = cases.count()
    assert capped_counts(cases, cases.none(), cases.filter(ref="none"), cap=2) == ["2+", "0", "0"]
    assert capped_counts(cases, cap=total) == [str(total)]


def test_a_user_without_an_organization_sees_an_empty_desk(db: object) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user("loner"))
    page = client.get("/cases/").content.decode()
    assert "対応中のケースはありません。" in page


def test_the_dashboard_queries_do_not_grow_with_cases(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert world.clients["alice"].get("/cases/").status_code == 200
        return len(captured)

    first = open_case(world.site_a, user=alice)
    _promise(first, timezone.now() - dt.timedelta(hours=1))
    _promise(first, timezone.now() + dt.timedelta(hours=1))
    few = count()
    for _ in range(15):
        more = open_case(SiteFactory(organization=world.org_a), user=alice)
        _promise(more, timezone.now() - dt.timedelta(hours=2))
        _promise(more, timezone.now() + dt.timedelta(hours=2))
    assert count() == few
    # (session), the user with their memberships (one query); overdue page, open cases
    # page, both counts; due soon;
    # the colleagues, the sites (one query) and the parties (the organizations, their
    # directory stamps) to filter by, whose cached directories also give the overdue rows
    # their numbers to dial. (13 before the incident suggestions (2 queries) and the
    # receivables panel's totals (1) became fragments of their own apps, loaded after the
    # page: /incidents/suggestions/, /receivables/panel/.)
    assert few == session_queries() + 9


def test_the_case_page_queries_do_not_grow_with_the_timeline(world: World, case: Case) -> None:
    def count(*, site_cached: bool = False) -> int:
        if not site_cached:
            forget_stored_sites()  # the site's document read from its rows
        with CaptureQueriesContext(connection) as captured:
            assert world.clients["alice"].get(f"/cases/{case.pk}/").status_code == 200
        return len(captured)

    _promise(case, timezone.now() - dt.timedelta(hours=1))
    count()  # the first read of the directory fills the cache
    few = count()
    for _ in range(10):
        _promise(case, timezone.now() + dt.timedelta(hours=3))
    assert count() == few
    # (session), the user with their memberships (one query); the case, its promises; the
    # directory's stamps (the directory itself is cached); the site's kept record (none
    # here: the worker's sweep has not run), so the site's contracts, events, bills, open
    # cases, their promises and their calls (the reports); the timeline; the colleagues a
    # writer can assign to.
    # (16 before the case's incident, else the incident suggested for it (the recent open
    # cases and their sites' contracts), became the incidents app's fragment, loaded after
    # the page: /incidents/cases/<pk>/panel/.)
    assert few == session_queries() + 13
    # Again while the site is unchanged: its record comes from `stored_site`, without the
    # six reads of its rows or the kept one.
    assert count(site_cached=True) == few - 7
    # A first look once the worker has kept the site's record: that one read, no rows.
    refresh_records()
    assert count() == few - 6


def test_a_correction_names_the_entry_it_corrects_without_a_query_more(
    world: World, case: Case
) -> None:
    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            content = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
        return content, len(captured)

    entry = log_entry(case, user=None, kind=EntryKind.CALL_OUT, reference="R-1")
    page()  # the first read of the directory fills the cache
    _, before = page()
    correct_entry(entry, user=None, said="受付番号は R-7 の誤り")
    content, after = page()
    assert "訂正対象:" in content
    assert after == before


def test_the_case_page_shows_the_call_assistant_with_a_tel_link(world: World, case: Case) -> None:
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, reference="R-555")
    page = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
    assert 'id="call-assistant"' in page
    assert 'href="tel:' in page
    assert "R-555" in page  # previous reference numbers to have ready


def test_logging_a_call_with_a_promise_from_the_form(world: World, case: Case) -> None:
    due = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = world.clients["bob"].post(
        f"/cases/{case.pk}/log/",
        {
            "kind": "call-out",
            "party": "docomo-hikari",
            "person": "山田",
            "reference": "A-1",
            "said": "2時間以内に折り返し",
            "status": "waiting",
            "promise_what": "callback",
            "promise_due": due,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WAITING
    assert case.promises.get(made_in__isnull=False).by == "docomo-hikari"


def test_a_promise_without_a_due_time_is_refused(world: World, case: Case) -> None:
    world.clients["bob"].post(
        f"/cases/{case.pk}/log/",
        {
            "kind": "call-out",
            "party": "docomo-hikari",
            "promise_what": "callback",
        },
    )
    assert not case.promises.exists()


def test_a_refused_call_log_keeps_what_was_typed(world: World, case: Case) -> None:
    response = world.clients["bob"].post(
        f"/cases/{case.pk}/log/",
        {
            "kind": "call-out",
            "party": "docomo-hikari",
            "reference": "R-2026-777",
            "said": "明後日に技術担当が訪問",
            "promise_what": "visit",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "明後日に技術担当が訪問" in page
    assert 'value="R-2026-777"' in page
    assert "期限" in page  # the error is next to the due field
    assert not case.entries.filter(reference="R-2026-777").exists()


def test_the_blank_call_log_form_follows_the_page_language(world: World, case: Case) -> None:
    client = world.clients["alice"]
    assert "事業者" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'for="id_party">party' in page or 'for="id_party">Party' in page


def test_settling_a_promise_from_the_page(world: World, case: Case) -> None:
    promise = _promise(case, timezone.now() + dt.timedelta(hours=1))
    world.clients["bob"].post(f"/cases/{case.pk}/promises/{promise.pk}/broken/")
    promise.refresh_from_db()
    assert promise.state == "broken"


def test_reminders_are_sent_once(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(minutes=1))
    _promise(case, timezone.now() + dt.timedelta(minutes=30))
    assert send_reminders() == (1, 1)
    assert send_reminders() == (0, 0)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["alice@example.jp"]


def test_a_due_soon_reminder_is_followed_by_an_overdue_one(world: World, case: Case) -> None:
    due = timezone.now() + dt.timedelta(minutes=30)
    _promise(case, due)
    assert send_reminders() == (1, 0)
    assert send_reminders(due + dt.timedelta(minutes=1)) == (0, 1)


def test_no_reminders_for_resolved_cases(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(minutes=1))
    change_status(case, user=None, to=Status.RESOLVED)
    assert send_reminders() == (0, 0)


def test_the_markdown_report_has_the_facts(world: World, case: Case) -> None:
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        party="docomo-hikari",
        person="山田",
        reference="R-9",
        said="調査します",
    )
    _promise(case, timezone.now() - dt.timedelta(hours=1))
    text = world.clients["alice"].get(f"/cases/{case.pk}/report.md").content.decode()
    assert "障害時間 / Outage duration: 5時間" in text
    assert "受付番号 #R-9" in text
    assert "期限切れ (未実行)" in text


def test_the_pdf_report_is_a_pdf(world: World, case: Case) -> None:
    response = world.clients["alice"].get(f"/cases/{case.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_party_statistics(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    from madoguchi.cases.stats import party_figures

    start = timezone.now() - dt.timedelta(days=10)
    for hours in (2, 4, 48):
        site = SiteFactory(organization=world.org_a)
        ContractFactory(site=site)
        c = open_case(site, user=alice, outage_started=start)
        change_status(c, user=None, to=Status.RESOLVED, at=start + dt.timedelta(hours=hours))
    PromiseFactory(case=c, by="docomo-hikari", kept=timezone.now())
    figures = {f.party: f for f in party_figures(alice, timezone.now())}
    docomo = figures["docomo-hikari"]
    assert docomo.median_restore == dt.timedelta(hours=4)
    assert docomo.restored == 3
    assert docomo.kept == 1
    page = world.clients["alice"].get("/cases/stats/").content.decode()
    assert "<svg" in page


def test_search_finds_a_case_by_reference_number(world: World, case: Case) -> None:
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, reference="NTT-778899")
    response = world.clients["alice"].get("/cases/all/?q=NTT-778899")
    assert [c.pk for c in response.context["cases"]] == [case.pk]


def test_search_finds_cases_by_site_name(world: World, case: Case) -> None:
    response = world.clients["alice"].get("/cases/all/?q=本社")
    assert case.pk in [c.pk for c in response.context["cases"]]


def test_search_never_shows_another_organizations_cases(world: World, case: Case) -> None:
    response = world.clients["mallory"].get("/cases/all/?q=本社")
    assert response.context["cases"] == []


def test_another_organizations_reference_number_changes_nothing(
    world: World,
    alice,  # type: ignore[no-untyped-def]
) -> None:
    mine = open_case(world.site_a, user=alice, title="請求の件 REF-4242 について")
    theirs = open_case(world.site_b, user=None)
    log_entry(theirs, user=None, kind=EntryKind.CALL_OUT, reference="REF-4242")
    response = world.clients["alice"].get("/cases/all/?q=REF-4242")
    # Found by its title, as if no other organization had that number.
    assert [c.pk for c in response.context["cases"]] == [mine.pk]


def test_case_list_queries_are_fixed(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert world.clients["alice"].get("/cases/all/?q=拠点").status_code == 200
        return len(captured)

    for _ in range(2):
        open_case(SiteFactory(organization=world.org_a, name="拠点X"), user=alice)
    few = count()
    for _ in range(5):  # still a rare word (under SAMPLE_HITS), so the same path
        open_case(SiteFactory(organization=world.org_a, name="拠点Y"), user=alice)
    assert count() == few


def test_search_finds_a_word_inside_a_title(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    found = open_case(world.site_a, user=alice, title="FAXだけ不通 受付 4711")
    response = world.clients["alice"].get("/cases/all/?q=受付 4711")
    assert [c.pk for c in response.context["cases"]] == [found.pk]


def test_search_follows_a_changed_title(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    found = open_case(world.site_a, user=alice, title="古い件名")
    Case.objects.filter(pk=found.pk).update(title="新しい件名 XYZ")
    assert world.clients["alice"].get("/cases/all/?q=古い件名").context["cases"] == []
    hits = world.clients["alice"].get("/cases/all/?q=件名 XYZ").context["cases"]
    assert [c.pk for c in hits] == [found.pk]


def test_sqlite_search_has_its_trigram_tables(db: object) -> None:
    from django.db import connection

    from madoguchi.cases.search import _sqlite_fts_ready

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL uses pg_trgm instead")
    assert _sqlite_fts_ready()


def test_a_common_word_pages_through_every_match_newest_first(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    opened = [open_case(world.site_a, user=alice, title=f"共通の不具合 {n}") for n in range(25)]
    newest_first = [c.pk for c in reversed(opened)]
    first = world.clients["alice"].get("/cases/all/?q=共通の不具合").context
    second = world.clients["alice"].get("/cases/all/?q=共通の不具合&page=2").context
    assert [c.pk for c in first["cases"]] == newest_first[:20]
    assert first["more"]
    assert [c.pk for c in second["cases"]] == newest_first[20:]
    assert not second["more"]


def test_the_case_list_shows_pages_only_when_there_are_several(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    """A lone "1" under "no cases" tells a person nothing: the pager is for two pages or more."""
    for n in range(21):
        open_case(world.site_a, user=alice, title=f"共通の不具合 {n}")
    pages = '<nav class="pages"'
    assert pages not in world.clients["alice"].get("/cases/all/?q=見つからない語").content.decode()
    assert pages in world.clients["alice"].get("/cases/all/?q=共通の不具合").content.decode()
    assert pages in world.clients["alice"].get("/cases/all/?q=共通の不具合&page=2").content.decode()


def test_a_case_is_handed_to_a_colleague_from_its_page(world: World, case: Case) -> None:
    bob = world.org_a.memberships.get(role="staff").user
    page = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{bob.pk}"' in page
    world.clients["alice"].post(f"/cases/{case.pk}/assign/", {"assignee": bob.pk})
    case.refresh_from_db()
    assert case.assignee == bob


def test_a_stranger_is_never_offered_nor_assigned(world: World, case: Case) -> None:
    mallory = world.org_b.memberships.get().user
    page = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
    assert mallory.username not in page
    world.clients["alice"].post(f"/cases/{case.pk}/assign/", {"assignee": mallory.pk})
    case.refresh_from_db()
    assert case.assignee != mallory


def test_the_desk_filters_by_any_colleague(world: World, case: Case) -> None:
    bob = world.org_a.memberships.get(role="staff").user
    _promise(case, timezone.now() - dt.timedelta(minutes=5))
    page = world.clients["alice"].get(f"/cases/?assignee={bob.pk}")
    assert page.context["overdue"] == []
    assert f'<option value="{bob.pk}" selected>' in page.content.decode()


def test_search_triggers_that_a_table_rebuild_dropped_come_back_after_migrate(  # type: ignore[no-untyped-def]
    world: World, alice
) -> None:
    from django.db import connection

    from madoguchi.cases.sqlite_search import after_migrate, missing_triggers

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL uses pg_trgm instead")
    with connection.cursor() as cursor:  # what rebuilding cases_case does to them
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER cases_case_fts_{suffix}")
    written_meanwhile = open_case(world.site_a, user=alice, title="再構築中の件名")
    assert missing_triggers(connection) == ["cases_case_fts"]

    after_migrate(using="default")

    assert missing_triggers(connection) == []
    hits = world.clients["alice"].get("/cases/all/?q=再構築中の件名").context["cases"]
    assert [c.pk for c in hits] == [written_meanwhile.pk]
    later = open_case(world.site_a, user=alice, title="あとから来た件名")
    hits = world.clients["alice"].get("/cases/all/?q=あとから来た件名").context["cases"]
    assert [c.pk for c in hits] == [later.pk]


def test_the_numbers_of_overdue_rows_take_no_query_per_row(world: World, alice) -> None:  # type: ignore[no-untyped-def]
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            page = world.clients["alice"].get("/cases/").content.decode()
        overdue = page[page.index('id="overdue"') : page.index('id="due-soon"')]
        return len(captured), overdue.count('href="tel:0120-800-000"')

    _promise(open_case(world.site_a, user=alice), timezone.now() - dt.timedelta(hours=1))
    count()  # the first read of the directory fills the cache
    queries, numbers = count()
    for _ in range(9):
        more = open_case(SiteFactory(organization=world.org_a), user=alice)
        _promise(more, timezone.now() - dt.timedelta(hours=2))
    assert count() == (queries, numbers + 9)


def test_an_overdue_row_gives_the_partys_number_for_mobiles(world: World, case: Case) -> None:
    _promise(case, timezone.now() - dt.timedelta(minutes=5))  # by ドコモ光, whose 113 is docomo's
    page = world.clients["alice"].get("/cases/").content.decode()
    overdue = page[page.index('id="overdue"') : page.index('id="due-soon"')]
    assert 'href="tel:0120-800-000"' in overdue
    assert 'href="tel:113"' not in overdue
