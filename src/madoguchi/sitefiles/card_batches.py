"""The emergency cards of many sites at once, made on the task queue rather than in the web
request: the request records a CardBatch (the sites fixed then) and enqueues
`sitefiles.tasks.run_card_batch` in the same transaction; the person is sent to a page that
reloads itself until the batch says it is ready, then offers the PDF. A worker
(`madoguchi manage worker`) runs the task.

One attempt makes every card (committing `done` after each, for the progress page), writes
the PDF to a file of its own (`cards-<batch>-<attempt>.pdf`, written whole, then renamed into
place) and then, in one transaction, names that file on the batch, marks it done and records
the prints. A run owns its batch through `worker` (host:pid) and gives up as soon as it does
not, so a run that was given up on can never record prints beside the run that replaced it:
whatever happens, a batch ends with one file and one print per site.

Retries, as for bill imports: an attempt stopped by a database error is enqueued again after
RETRY_BACKOFF × 2^(attempt-1) seconds, up to MAX_ATTEMPTS; a worker killed half way leaves
its batch running, and the next worker to start (`recover`) enqueues it again. Finished
batches and their files are removed after KEEP (they are made again in a minute).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from madoguchi.cases.assessment import with_site_file_rows
from madoguchi.contracts.models import CardBatch, Customer, Site
from madoguchi.contracts.services import record_card_prints
from madoguchi.directory.selectors import parties_for
from madoguchi.orgs.models import Organization
from madoguchi.server.queue import forget_task, this_worker, worker_gone
from madoguchi.sitefiles.cards import SIZES, SiteCard, cards_pdf, site_card

log = logging.getLogger(__name__)

CARDS_AT_ONCE = 200  # far above an installer's customer; bounds one batch's work
QUIET_SECONDS = 300  # a run silent this long (no card made) belongs to a worker that is gone
MAX_ATTEMPTS = 5
RETRY_BACKOFF = 10  # seconds before the first retry; doubled for each further one
KEEP = dt.timedelta(days=1)


class Superseded(Exception):
    """This run no longer owns its batch (it was given up on and enqueued again)."""


def batch_dir() -> Path:
    return Path(settings.DATA_DIR) / "card-batches"


def file_path(batch: CardBatch) -> Path | None:
    """The finished batch's PDF, or None while it is being made (or if it is gone)."""
    if batch.state != CardBatch.State.DONE or not batch.file:
        return None
    path = batch_dir() / Path(batch.file).name
    return path if path.exists() else None


def start(
    *,
    organization: Organization,
    customer: Customer | None,
    user: Any,
    size: str,
    base_url: str,
) -> CardBatch | None:
    """Record the cards of every site of `customer` (or of the organization) and enqueue them;
    None when there is no site to make a card for."""
    sites = Site.objects.filter(organization=organization)
    if customer is not None:
        sites = sites.filter(customer=customer)
    site_ids = list(sites.order_by("name", "id").values_list("pk", flat=True)[:CARDS_AT_ONCE])
    if not site_ids:
        return None
    prune()
    with transaction.atomic():
        batch = CardBatch.objects.create(
            organization=organization,
            customer=customer,
            user=user,
            size=size if size in SIZES else "a4",
            site_ids=site_ids,
            base_url=base_url.rstrip("/")[:200],
        )
        enqueue(batch)
    batch.refresh_from_db()
    return batch


def enqueue(batch: CardBatch, *, delay: float = 0) -> None:
    """Put the batch's task on the queue (after `delay` seconds, where the backend can wait)."""
    from madoguchi.sitefiles.tasks import run_card_batch  # the task module imports this one

    task = run_card_batch
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    CardBatch.objects.filter(pk=batch.pk).update(worker="", heartbeat=None)
    result = task.enqueue(batch.pk)
    CardBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])


def execute(batch_id: int) -> None:
    """One attempt at the batch (the task's body): claim it, make its cards and its PDF,
    record how it ended, or enqueue it again after a database error."""
    me = this_worker()
    claimed = CardBatch.objects.filter(pk=batch_id, state=CardBatch.State.RUNNING).update(
        worker=me, heartbeat=timezone.now(), attempts=F("attempts") + 1, error="", done=0
    )
    if not claimed:
        return  # ended already (a duplicate delivery of its task)
    batch = CardBatch.objects.select_related("organization", "user").get(pk=batch_id)
    try:
        _make(batch, me)
    except Superseded:
        log.warning("card batch %s was taken over by another run", batch_id)
    except DatabaseError as exc:
        _retry_or_fail(batch, me, exc)
    except Exception as exc:
        log.exception("card batch %s did not finish", batch_id)
        CardBatch.objects.filter(pk=batch_id, worker=me, state=CardBatch.State.RUNNING).update(
            state=CardBatch.State.FAILED, finished=timezone.now(), error=type(exc).__name__
        )


def _beat(batch: CardBatch, me: str, done: int) -> None:
    owned = CardBatch.objects.filter(pk=batch.pk, worker=me, state=CardBatch.State.RUNNING).update(
        heartbeat=timezone.now(), done=done
    )
    if not owned:
        raise Superseded(batch.pk)


def _make(batch: CardBatch, me: str) -> None:
    sites = with_site_file_rows(
        Site.objects.filter(organization=batch.organization, pk__in=batch.site_ids).order_by(
            "name", "id"
        )
    )
    directory = parties_for(batch.organization)
    made: list[SiteCard] = []
    for site in sites:
        url = batch.base_url + reverse("sites:detail", args=[site.pk])
        made.append(site_card(site, url, directory))
        _beat(batch, me, len(made))
    printed = timezone.now()
    pdf = cards_pdf(made, size=batch.size, printed=printed)
    attempt = CardBatch.objects.values_list("attempts", flat=True).get(pk=batch.pk)
    name = f"cards-{batch.pk}-{attempt}.pdf"
    batch_dir().mkdir(parents=True, exist_ok=True)
    partial = batch_dir() / f".{name}.partial"
    partial.write_bytes(pdf)
    os.replace(partial, batch_dir() / name)
    with transaction.atomic():
        ended = CardBatch.objects.filter(
            pk=batch.pk, worker=me, state=CardBatch.State.RUNNING
        ).update(state=CardBatch.State.DONE, file=name, done=len(made), finished=timezone.now())
        if not ended:
            raise Superseded(batch.pk)
        record_card_prints(
            [(c.site, c.card.fingerprint()) for c in made], user=batch.user, at=printed
        )
    for other in batch_dir().glob(f"cards-{batch.pk}-*.pdf"):  # an earlier attempt's
        if other.name != name:
            other.unlink(missing_ok=True)


def _retry_or_fail(batch: CardBatch, me: str, exc: Exception) -> None:
    batch.refresh_from_db()
    if batch.worker != me or batch.state != CardBatch.State.RUNNING:
        return  # another run has it now (or it ended): that run decides
    error = f"{type(exc).__name__}: {exc}"[:200]
    if batch.attempts >= MAX_ATTEMPTS:
        log.error("card batch %s failed after %s attempts: %s", batch.pk, batch.attempts, error)
        CardBatch.objects.filter(pk=batch.pk, worker=me).update(
            state=CardBatch.State.FAILED, finished=timezone.now(), error=error
        )
        return
    delay = RETRY_BACKOFF * 2 ** (batch.attempts - 1)
    log.warning("card batch %s: attempt %s stopped (%s)", batch.pk, batch.attempts, error)
    CardBatch.objects.filter(pk=batch.pk, worker=me).update(error=error)
    enqueue(batch, delay=delay)


def recover(now: dt.datetime | None = None) -> list[int]:
    """Enqueue again the batches whose run died with its worker: a worker of this host whose
    process is gone, or any run silent for QUIET_SECONDS. Called when a worker starts."""
    now = now or timezone.now()
    again: list[int] = []
    for batch in CardBatch.objects.filter(state=CardBatch.State.RUNNING).exclude(worker=""):
        silent = batch.heartbeat is None or batch.heartbeat < now - dt.timedelta(
            seconds=QUIET_SECONDS
        )
        if not (worker_gone(batch.worker) or silent):
            continue
        forget_task(batch.task_id)
        if batch.attempts >= MAX_ATTEMPTS:
            CardBatch.objects.filter(pk=batch.pk, worker=batch.worker).update(
                state=CardBatch.State.FAILED, finished=now, error="the worker stopped"
            )
            continue
        if CardBatch.objects.filter(pk=batch.pk, worker=batch.worker).update(
            worker="", heartbeat=None, task_id="", error="the worker stopped"
        ):
            enqueue(batch)
            again.append(batch.pk)
    return again


def prune(now: dt.datetime | None = None) -> int:
    """Remove the batches (and their files) that ended more than KEEP ago."""
    now = now or timezone.now()
    old = CardBatch.objects.exclude(state=CardBatch.State.RUNNING).filter(finished__lt=now - KEEP)
    gone = 0
    for batch in old:
        for path in batch_dir().glob(f"cards-{batch.pk}-*.pdf"):
            path.unlink(missing_ok=True)
        batch.delete()
        gone += 1
    return gone
