"""Re-importing a site file merges its cases' promises: outcomes, timelines and reminder
stamps survive, whether the file is the site's own export or the original file again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail

from madoguchi.cases.models import Case, EntryKind, Promise, TimelineEntry
from madoguchi.cases.reminders import send_reminders
from madoguchi.cases.services import PromiseSpec, log_entry, settle_promise
from tests.conftest import World

NOW = dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC)
ORIGINAL = """\
site: {name: 再取込邸}
contracts: [{ref: line, service: access, party: docomo-hikari, includes_isp: true}]
cases:
  - ref: c1
    promises:
      - {by: docomo-hikari, what: callback, due: "2026-02-01T15:00:00+09:00"}
      - {by: docomo-hikari, what: visit, due: "2026-02-01T16:00:00+09:00"}
      - {by: ntt-east, what: written-answer, due: "2026-02-03T12:00:00+09:00"}
"""


def _promise_state(case: Case) -> list[tuple[Any, ...]]:
    return list(
        case.promises.order_by("id").values_list(
            "id", "by", "what", "due", "kept", "broken", "reminded_due_soon", "reminded_overdue"
        )
    )


@pytest.fixture
def imported(world: World) -> Case:
    """The original file imported a day ago, its case assigned to alice, and then worked
    on: one promise kept, one broken, reminders sent, a call logged with a new promise."""
    alice = world.org_a.memberships.get(role="owner").user
    alice.email = "alice@example.jp"
    alice.save()
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        response = world.api(
            "post", "/api/v1/sites/import", {"content": ORIGINAL, "organization": "org-a"}
        )
    assert response.status_code == 201, response.content
    case = Case.objects.get(site_id=response.json()["id"], ref="c1")
    Case.objects.filter(pk=case.pk).update(assignee=alice)
    callback, visit, _answer = case.promises.order_by("due")
    with time_machine.travel(NOW, tick=False):
        settle_promise(callback, user=alice, kept=True)
        settle_promise(visit, user=alice, kept=False)
        log_entry(
            case,
            user=alice,
            kind=EntryKind.CALL_OUT,
            promise=PromiseSpec(by="ntt-east", what="callback", due=NOW + dt.timedelta(hours=1)),
        )
        assert send_reminders() == (1, 0)  # the logged callback, due within two hours
    mail.outbox.clear()
    return case


def _reimport(world: World, case: Case, text: str) -> None:
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        response = world.api("put", f"/api/v1/sites/{case.site_id}/import", {"content": text})
    assert response.status_code == 200, response.content


def test_reimporting_the_export_changes_nothing(world: World, imported: Case) -> None:
    before = _promise_state(imported)
    entries = imported.entries.count()
    export = world.api("get", f"/api/v1/sites/{imported.site_id}/export").content.decode()
    assert "visit" not in export  # a broken promise is not in a site file
    _reimport(world, imported, export)
    assert _promise_state(imported) == before
    assert imported.entries.count() == entries


def test_reimporting_the_original_file_resets_no_outcome(world: World, imported: Case) -> None:
    before = _promise_state(imported)
    _reimport(world, imported, ORIGINAL)
    assert _promise_state(imported) == before
    assert [p.state for p in imported.promises.order_by("due")] == [
        "kept",
        "broken",
        "open",
        "open",
    ]


def test_reimporting_the_original_file_sends_no_reminder_again(
    world: World, imported: Case
) -> None:
    _reimport(world, imported, ORIGINAL)
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        assert send_reminders() == (0, 1)  # only the logged callback, now overdue
    assert len(mail.outbox) == 1
    with time_machine.travel(NOW + dt.timedelta(hours=4), tick=False):
        _reimport(world, imported, ORIGINAL)
        assert send_reminders() == (0, 0)


def test_a_file_that_marks_an_open_promise_kept_settles_it(world: World, imported: Case) -> None:
    kept = ORIGINAL.replace(
        '"2026-02-03T12:00:00+09:00"}', '"2026-02-03T12:00:00+09:00", kept: "2026-02-02T09:00"}'
    )
    _reimport(world, imported, kept)
    answer = imported.promises.get(what="written-answer")
    assert answer.kept == dt.datetime(2026, 2, 2, 0, 0, tzinfo=dt.UTC)
    entry = imported.entries.filter(kind=EntryKind.PROMISE).latest("id")
    assert entry.party == "ntt-east"
    assert entry.at == answer.kept


def test_a_file_cannot_reopen_or_rewrite_a_settled_promise(world: World, imported: Case) -> None:
    kept = ORIGINAL.replace(
        '"2026-02-01T16:00:00+09:00"}', '"2026-02-01T16:00:00+09:00", kept: "2026-02-02T09:00"}'
    )
    _reimport(world, imported, kept)
    visit = imported.promises.get(what="visit")
    assert visit.state == "broken"
    assert visit.kept is None


def test_a_new_promise_in_the_file_is_added_once(world: World, imported: Case) -> None:
    more = ORIGINAL + '      - {by: ntt-east, what: refund, due: "2026-02-10T12:00:00+09:00"}\n'
    _reimport(world, imported, more)
    _reimport(world, imported, more)
    assert imported.promises.filter(what="refund").count() == 1
    assert imported.promises.count() == 5


def test_a_promise_missing_from_the_file_stays(world: World, imported: Case) -> None:
    shorter = ORIGINAL.split("      - {by: ntt-east")[0]
    _reimport(world, imported, shorter)
    assert imported.promises.filter(what="written-answer").exists()
    assert Promise.objects.filter(case=imported).count() == 4


def test_a_reimport_keeps_the_timeline(world: World, imported: Case) -> None:
    entries = list(TimelineEntry.objects.filter(case=imported).values_list("id", "said"))
    _reimport(world, imported, "site: {name: 再取込邸}\n")
    assert list(TimelineEntry.objects.filter(case=imported).values_list("id", "said")) == entries
    assert imported.promises.count() == 4
