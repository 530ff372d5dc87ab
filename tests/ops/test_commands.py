"""Management commands: import, export, tokens and the demo."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from madoguchi.contracts.models import Site
from madoguchi.engine import load_catalog, parse_site
from madoguchi.orgs.models import ApiToken
from tests.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_import_sites_stores_good_files_and_fails_on_bad_ones(world: World) -> None:
    good = EXAMPLES / "seed002-bankrupt-provider.yaml"
    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "import_sites",
            "--org",
            "org-a",
            str(good),
            str(EXAMPLES / "invalid-site.yaml"),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert Site.objects.filter(organization=world.org_a, name="田中家").exists()


def test_export_site_prints_a_valid_site_file(world: World) -> None:
    out = StringIO()
    call_command("export_site", str(world.site_a.pk), stdout=out)
    assert parse_site(out.getvalue(), load_catalog()).site.site.name == "A社 本社"


def test_create_token_issues_a_working_token(world: World) -> None:
    out = StringIO()
    user = world.org_a.memberships.first().user
    call_command("create_token", user.username, stdout=out)
    assert ApiToken.objects.filter(digest=ApiToken.hash(out.getvalue().strip())).exists()


def test_load_demo_is_idempotent(db: object) -> None:
    call_command("load_demo", stdout=StringIO())
    count = Site.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Site.objects.count() == count >= 8


def test_case_command_opens_logs_and_reports(world: World) -> None:
    user = world.org_a.memberships.get(role="owner").user.username
    out = StringIO()
    call_command("case", "--user", user, "open", str(world.site_a.pk), "--title", "CLI", stdout=out)
    case_id = out.getvalue().split()[2]
    call_command(
        "case",
        "--user",
        user,
        "log",
        case_id,
        "--party",
        "docomo-hikari",
        "--reference",
        "CLI-1",
        "--promise",
        "callback",
        "--due",
        "2026-06-10T15:00",
        stdout=StringIO(),
    )
    report = StringIO()
    call_command("case", "--user", user, "report", case_id, stdout=report)
    assert "CLI-1" in report.getvalue()


def test_case_command_assigns_and_unassigns(world: World) -> None:
    owner = world.org_a.memberships.get(role="owner").user.username
    bob = world.org_a.memberships.get(role="staff").user
    case = str(world.case_a.pk)
    call_command("case", "--user", owner, "assign", case, bob.username, stdout=StringIO())
    world.case_a.refresh_from_db()
    assert world.case_a.assignee == bob
    call_command("case", "--user", owner, "assign", case, "-", stdout=StringIO())
    world.case_a.refresh_from_db()
    assert world.case_a.assignee is None


def test_case_command_refuses_viewers(world: World) -> None:
    viewer = world.org_a.memberships.get(role="viewer").user.username
    with pytest.raises(CommandError):
        call_command(
            "case", "--user", viewer, "status", str(world.case_a.pk), "waiting", stdout=StringIO()
        )


def test_optimize_db_runs(db: object) -> None:
    out = StringIO()
    call_command("optimize_db", stdout=out)
    assert "statistics updated" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_optimize_db_vacuums_postgresql_outside_a_transaction() -> None:
    out = StringIO()
    call_command("optimize_db", stdout=out)
    expected = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE"
    assert f": {expected})" in out.getvalue()
