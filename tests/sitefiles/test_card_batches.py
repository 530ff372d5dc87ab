"""Card batches (many sites' emergency cards in one PDF) run on the task queue: progress in
the database, a page that shows it and then offers the file, retries after a database error,
and one file and one print per site however often a worker stops or a task is delivered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from madoguchi.contracts.models import CardBatch, CardPrint, Customer, Site
from madoguchi.sitefiles import card_batches, cards
from tests.conftest import World
from tests.factories import SiteFactory


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


@pytest.fixture(autouse=True)
def pdf_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A stand-in for WeasyPrint (test_card.py reads real PDFs back): the sites' names."""
    calls: list[int] = []

    def pdf(made: list[cards.SiteCard], *, size: str, printed: Any = None) -> bytes:
        calls.append(len(made))
        return ("%PDF " + " ".join(c.site.name for c in made)).encode()

    monkeypatch.setattr(card_batches, "cards_pdf", pdf)
    return calls


def _start(world: World, **more: Any) -> CardBatch:
    alice = world.org_a.memberships.order_by("pk").first()
    assert alice is not None
    batch = card_batches.start(
        organization=world.org_a,
        customer=more.get("customer"),
        user=alice.user,
        size="a4",
        base_url="https://madoguchi.example.jp/",
    )
    assert batch is not None
    batch.refresh_from_db()
    return batch


def _running(world: World, **fields: Any) -> CardBatch:
    """A batch recorded but not yet (or not fully) made: as a worker would leave it."""
    alice = world.org_a.memberships.order_by("pk").first()
    assert alice is not None
    values = {"site_ids": [world.site_a.pk], "base_url": "https://x.example.jp"} | fields
    return CardBatch.objects.create(organization=world.org_a, user=alice.user, **values)


def test_asking_for_the_cards_sends_to_the_batch_page_which_offers_the_file(
    world: World,
) -> None:
    SiteFactory(organization=world.org_a, name="A社 支店")
    alice = world.clients["alice"]
    response = alice.post("/sites/cards/", {"size": "a6"})
    batch = CardBatch.objects.get(organization=world.org_a)
    assert response["Location"] == reverse("sites:card-batch", args=[batch.pk])
    page = alice.get(response["Location"]).content.decode()
    assert "2枚のカードができました。" in page
    assert 'http-equiv="refresh"' not in page
    download = alice.get(reverse("sites:card-batch-file", args=[batch.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="cards-org-a-a6.pdf"'
    assert b"".join(download.streaming_content) == "%PDF A社 支店 A社 本社".encode()


def test_the_prints_are_recorded_once_per_site_when_the_batch_is_done(world: World) -> None:
    SiteFactory(organization=world.org_a, name="A社 支店")
    batch = _start(world)
    assert batch.state == CardBatch.State.DONE
    assert batch.done == 2
    assert CardPrint.objects.filter(organization=world.org_a).count() == 2


def test_a_customers_batch_holds_only_that_customers_sites(world: World) -> None:
    customer = Customer.objects.create(organization=world.org_a, name="山田工務店")
    SiteFactory(organization=world.org_a, name="山田邸", customer=customer)
    batch = _start(world, customer=customer)
    assert [Site.objects.get(pk=pk).name for pk in batch.site_ids] == ["山田邸"]


def test_the_page_shows_progress_while_the_cards_are_made(world: World) -> None:
    batch = _running(
        world,
        site_ids=[world.site_a.pk] * 5,
        done=3,
        heartbeat=timezone.now(),
        worker="h:1",
    )
    response = world.clients["alice"].get(reverse("sites:card-batch", args=[batch.pk]))
    page = response.content.decode()
    assert "5枚中 3枚できました" in page
    assert 'http-equiv="refresh"' in page
    assert 'id="card-batch-file"' not in page
    file = world.clients["alice"].get(reverse("sites:card-batch-file", args=[batch.pk]))
    assert file.status_code == 404


def test_the_page_says_when_no_worker_has_started_yet(world: World) -> None:
    batch = _running(world)
    page = world.clients["alice"].get(reverse("sites:card-batch", args=[batch.pk]))
    assert "開始待ち" in page.content.decode()


def test_a_database_error_is_retried_and_the_cards_are_made_once(
    world: World, pdf_calls: list[int]
) -> None:
    real = card_batches.site_card
    failures = iter([OperationalError("database is locked")])

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if (error := next(failures, None)) is not None:
            raise error
        return real(*args, **kwargs)

    with mock.patch.object(card_batches, "site_card", flaky):
        batch = _start(world)
    assert batch.state == CardBatch.State.DONE
    assert batch.attempts == 2
    assert CardPrint.objects.filter(site=world.site_a).count() == 1
    assert pdf_calls == [1]


def test_after_the_last_attempt_the_batch_fails_with_nothing_recorded(world: World) -> None:
    def locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    with mock.patch.object(card_batches, "site_card", locked):
        batch = _start(world)
    assert batch.state == CardBatch.State.FAILED
    assert batch.attempts == card_batches.MAX_ATTEMPTS
    assert not CardPrint.objects.exists()
    page = world.clients["alice"].get(reverse("sites:card-batch", args=[batch.pk]))
    assert "カードを作れませんでした" in page.content.decode()


def test_a_batch_left_by_a_killed_worker_is_made_again_once(world: World) -> None:
    batch = _running(world, worker="no-such-host:1", done=1, attempts=1, heartbeat=None)
    assert card_batches.recover() == [batch.pk]
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.DONE
    assert batch.attempts == 2
    assert CardPrint.objects.filter(site=world.site_a).count() == 1
    assert [p.name for p in card_batches.batch_dir().iterdir()] == [batch.file]


def test_a_live_workers_batch_is_left_alone(world: World) -> None:
    batch = _running(world, worker=card_batches.this_worker(), heartbeat=timezone.now())
    assert card_batches.recover() == []
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.RUNNING


def test_a_task_delivered_twice_makes_nothing_twice(world: World, pdf_calls: list[int]) -> None:
    batch = _start(world)
    card_batches.execute(batch.pk)
    assert CardPrint.objects.filter(site=world.site_a).count() == 1
    assert pdf_calls == [1]


def test_a_run_given_up_on_records_nothing_beside_the_run_that_replaced_it(
    world: World,
) -> None:
    """Run 1 is judged gone while it writes the PDF; run 2 makes the batch; run 1 then finds
    it no longer owns it and records nothing."""
    real = card_batches.cards_pdf

    def pdf_while_replaced(made: list[Any], **kwargs: Any) -> bytes:
        if not getattr(pdf_while_replaced, "replaced", False):
            pdf_while_replaced.replaced = True  # type: ignore[attr-defined]
            CardBatch.objects.filter(pk=batch.pk).update(worker="", heartbeat=None)
            card_batches.execute(batch.pk)  # run 2, start to end
        return real(made, **kwargs)

    batch = _running(world)
    with (
        mock.patch.object(card_batches, "this_worker", side_effect=["host:1", "host:2"]),
        mock.patch.object(card_batches, "cards_pdf", pdf_while_replaced),
    ):
        card_batches.execute(batch.pk)
    batch.refresh_from_db()
    assert (batch.state, batch.worker, batch.file) == ("done", "host:2", f"cards-{batch.pk}-2.pdf")
    assert CardPrint.objects.filter(site=world.site_a).count() == 1
    assert sorted(p.name for p in card_batches.batch_dir().glob("*.pdf")) == [batch.file]


def test_batches_that_ended_a_day_ago_are_cleared_away(world: World) -> None:
    old = _start(world)
    path = card_batches.file_path(old)
    assert path is not None
    CardBatch.objects.filter(pk=old.pk).update(finished=timezone.now() - dt.timedelta(days=2))
    new = _start(world)
    assert list(CardBatch.objects.values_list("pk", flat=True)) == [new.pk]
    assert not path.exists()


def test_another_organization_sees_no_batch(world: World) -> None:
    batch = _start(world)
    mallory = world.clients["mallory"]
    assert mallory.get(reverse("sites:card-batch", args=[batch.pk])).status_code == 404
    assert mallory.get(reverse("sites:card-batch-file", args=[batch.pk])).status_code == 404


def test_another_organizations_customer_cannot_be_asked_for(world: World) -> None:
    theirs = Customer.objects.create(organization=world.org_b, name="B社の客")
    response = world.clients["alice"].post("/sites/cards/", {"customer": theirs.pk})
    assert response.status_code == 404
    assert not CardBatch.objects.exists()


def test_with_no_sites_nothing_is_enqueued(world: World) -> None:
    Site.objects.filter(organization=world.org_a).delete()
    response = world.clients["alice"].post("/sites/cards/")
    assert response["Location"] == reverse("sites:list")
    assert not CardBatch.objects.exists()


def test_a_viewer_cannot_ask_for_a_batch(world: World) -> None:
    assert world.clients["vera"].post("/sites/cards/").status_code == 403
    assert not CardBatch.objects.exists()
