"""The bill importer's tasks (Django's tasks framework; a worker runs them)."""

from __future__ import annotations

from django.tasks import task

from madoguchi.bills import jobs


@task
def run_bill_job(job_id: int) -> None:
    """One attempt at a long import or preview (bills.jobs.execute: its retries, its
    progress and how it ended are on its BillImport row)."""
    jobs.execute(job_id)
