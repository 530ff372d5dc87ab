"""The emergency card batches' task (Django's tasks framework; a worker runs it)."""

from __future__ import annotations

from django.tasks import task

from madoguchi.sitefiles import card_batches


@task
def run_card_batch(batch_id: int) -> None:
    """One attempt at a card batch (sitefiles.card_batches.execute: its retries, its
    progress and how it ended are on its CardBatch row)."""
    card_batches.execute(batch_id)
