"""Import statement files (マネーフォワード ME, Zaim, Madoguchi's bill CSV, an installer's
sheet) into a site or, for a sheet with a site column, an organization; each file all or
nothing. Exit 0 when every file was imported, 1 with the problems when not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from madoguchi.bills.parsing import ColumnMap, parse_columns
from madoguchi.bills.services import ImportRefused, Outcome, answer_payee, import_bills, preview
from madoguchi.contracts.models import Site
from madoguchi.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Import bill files (マネーフォワード ME / Zaim CSV, Madoguchi's bill CSV, or a sheet with "
        "a site column, CSV or XLSX) into a site (--site) or an organization (--org)."
    )

    def add_arguments(self, parser: Any) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--site", type=int, help="the site's id")
        where.add_argument("--org", help="organization slug (a sheet with a site column)")
        parser.add_argument(
            "--payee",
            action="append",
            default=[],
            metavar="NAME=PARTY",
            help="answer a shared payee name once for the organization, e.g. "
            "NTTファイナンス=ntt-east (PARTY empty: not a telecom charge)",
        )
        parser.add_argument(
            "--columns",
            metavar="ROLE=COLUMN,…",
            help="for a statement no preset knows: which column is what, by the file's header "
            "texts, e.g. 'date=利用日,payee=利用店名,amount=利用金額' (optional item=, month=, "
            "service=; expenses=negative when spending is written negative). Remembered for "
            "the organization's files with the same header once imported",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be added; write nothing"
        )
        parser.add_argument("files", nargs="+", type=Path)

    def handle(
        self,
        *args: Any,
        files: list[Path],
        site: int | None = None,
        org: str | None = None,
        payee: list[str],
        dry_run: bool = False,
        columns: str | None = None,
        **options: Any,
    ) -> None:
        mapping: ColumnMap | None = None
        if columns:
            try:
                mapping = parse_columns(columns)
            except ValueError as exc:
                raise CommandError(f"--columns: {exc}") from None
        target: Site | None = None
        if site is not None:
            target = Site.objects.select_related("organization").filter(pk=site).first()
            if target is None:
                raise CommandError(f"no site with id {site}")
            organization = target.organization
        else:
            found = Organization.objects.filter(slug=org).first()
            if found is None:
                raise CommandError(f"no organization with slug {org!r}")
            organization = found
        for answer in payee:
            name, _, party = answer.partition("=")
            try:
                answer_payee(organization=organization, name=name.strip(), party=party.strip())
            except ValueError as exc:
                raise CommandError(f"--payee {answer}: {exc}") from None
        console = Console(stderr=True)
        failed = 0
        for path in files:
            try:
                size = path.stat().st_size
                stream = path.open("rb")
            except OSError as exc:
                self.stderr.write(f"{path}: cannot read ({exc.strerror})")
                failed += 1
                continue
            with (
                stream,
                Progress(
                    "[progress.description]{task.description}",
                    BarColumn(),
                    DownloadColumn(),
                    TimeRemainingColumn(),
                    console=console,
                    transient=True,
                ) as bar,
            ):
                task = bar.add_task(path.name, total=size)

                def step(done: int, lines: int, task: Any = task, bar: Progress = bar) -> None:
                    bar.update(task, completed=done)

                try:
                    run = preview if dry_run else import_bills
                    outcome = run(
                        organization=organization,
                        stream=stream,
                        site=target,
                        progress=step,
                        columns=mapping,
                    )
                except ImportRefused as exc:
                    outcome = exc.outcome
            if not outcome.ok:
                failed += 1
                self._report_problems(path, outcome)
                continue
            self.stdout.write(self._summary(path, outcome, dry_run=dry_run))
        if failed:
            raise CommandError(f"{failed} file(s) not imported")

    def _summary(self, path: Path, outcome: Outcome, *, dry_run: bool) -> str:
        verb = "would add" if dry_run else "added"
        parts = [
            f"{path}: {outcome.rows} lines read; {verb} {outcome.added}",
            f"already imported {outcome.already}",
            f"transfers skipped {outcome.transfers}",
            f"not telecom skipped {outcome.not_telecom}",
        ]
        lines = ["; ".join(parts)]
        for (site_id, party), (count, yen) in sorted(outcome.matched.items()):
            lines.append(f"  site {site_id}: {party}: {count} line(s), {yen:,} yen")
        return "\n".join(lines)

    def _report_problems(self, path: Path, outcome: Outcome) -> None:
        for problem in outcome.problems:
            self.stderr.write(f"{path}: {problem.text('en')}")
        for entry in outcome.unanswered.values():
            self.stderr.write(
                f"{path}: line {entry.first_line}: {entry.name!r} bills for several parties "
                f"({', '.join(entry.candidates)}; {entry.lines} line(s)): answer once with "
                f"--payee '{entry.name}=PARTY' (PARTY empty: not a telecom charge)"
            )
        if outcome.needs_columns is not None:
            header = ", ".join(h for h in outcome.needs_columns.header if h.strip())
            self.stderr.write(
                f"{path}: the columns are: {header}; name them with "
                "--columns 'date=COLUMN,payee=COLUMN,amount=COLUMN'"
            )
        self.stderr.write(f"{path}: not imported; nothing was written")
