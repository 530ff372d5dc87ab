"""Every write of the bill importer: statement files into BillLine rows, and the answers an
organization gives about shared payee names. The web page, the API and `import_bills` call
these.

A file imports whole or not at all: the lines are read one at a time (memory flat in the
file's size) and written in batches inside one transaction, which is rolled back when any
line has a problem, a shared payee name is still unanswered, or a site would no longer read
as a site file. `preview` runs the same pass without writing.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from madoguchi.bills.matching import Match, PayeeIndex, payee_key
from madoguchi.bills.models import ColumnMapping, PayeeChoice
from madoguchi.bills.parsing import (
    MAX_PROBLEMS,
    OWN,
    SHEET,
    BadFile,
    ColumnMap,
    NeedsColumns,
    Problem,
    Reading,
    StatementLine,
    fingerprint,
    own_key,
    read_statement,
)
from madoguchi.contracts.changes import site_changed
from madoguchi.contracts.integrity import site_problems, site_problems_with_staged
from madoguchi.contracts.models import BillLine, Site
from madoguchi.directory.selectors import find_parties, parties_for
from madoguchi.engine import load_catalog
from madoguchi.engine.limits import SITE_RECORDS
from madoguchi.engine.model import Service
from madoguchi.engine.sitefile import Problem as SiteProblem
from madoguchi.orgs.models import Organization

BATCH = 2_000
SERVICES = {s.value for s in Service}
ITEM_MAX = 200
MAX_BILLS = SITE_RECORDS["bills"]

# Called every BATCH lines with the bytes and the lines read so far.
type Progress = Callable[[int, int], None]


@dataclass
class Unanswered:
    """A payee name several parties bill under, met in the file and not yet answered."""

    name: str
    candidates: tuple[str, ...]
    first_line: int
    lines: int = 0


@dataclass
class Outcome:
    """What a file adds (or would add): counts per kind of line, matched parties per site."""

    preset: str = ""
    rows: int = 0
    added: int = 0
    already: int = 0  # imported before (same file or an overlapping period)
    transfers: int = 0
    not_telecom: int = 0
    # (site id, party) → [lines, yen] of the lines added
    matched: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    unanswered: dict[str, Unanswered] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sites: dict[int, Site] = field(default_factory=dict)
    # A header no preset knows and no mapping is remembered for: which column is what
    # (the header, the first data row) has to be asked.
    needs_columns: NeedsColumns | None = None
    columns: ColumnMap | None = None  # the column mapping the file was read through
    signature: str = ""  # the header's signature (what a mapping is remembered by)
    header: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unanswered


class ImportRefused(ValueError):
    """The file was not imported (nothing was written); `outcome` says why."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("; ".join(p.text() for p in outcome.problems[:5]))
        self.outcome = outcome


def answers_for(organization: Organization) -> dict[str, str]:
    return dict(PayeeChoice.objects.filter(organization=organization).values_list("payee", "party"))


@transaction.atomic
def answer_payee(*, organization: Organization, name: str, party: str) -> PayeeChoice:
    """Remember which party a shared payee name is for this organization ("" = not a
    telecom charge). Refused (ValueError) for a party that does not bill under the name."""
    index = PayeeIndex(load_catalog().parties.values(), {})
    key = payee_key(name)
    shared = index.shared_names()
    if key not in shared:
        raise ValueError(f"{name!r} is not a name several parties bill under")
    if party and party not in shared[key][1]:
        raise ValueError(f"{party!r} does not bill under {name!r}")
    choice, _ = PayeeChoice.objects.update_or_create(
        organization=organization, payee=key, defaults={"party": party}
    )
    return choice


def remembered_columns(organization: Organization, signature: str) -> ColumnMap | None:
    """The column mapping the organization gave for files with this header, if any."""
    row = ColumnMapping.objects.filter(organization=organization, signature=signature).first()
    if row is None:
        return None
    return ColumnMap(
        date=row.date,
        payee=row.payee,
        amount=row.amount,
        expenses_negative=row.expenses_negative,
        item=row.item,
        month=row.month,
        service=row.service,
    )


def remember_columns(
    *, organization: Organization, signature: str, header: list[str], columns: ColumnMap
) -> ColumnMapping:
    """Keep `columns` for the organization's files with this header (one per header)."""
    values = {
        "header": header[:200],
        "expenses_negative": columns.expenses_negative,
        **{role: getattr(columns, role)[:200] for role in ColumnMap.ROLES},
    }
    row, _ = ColumnMapping.objects.update_or_create(
        organization=organization, signature=signature, defaults=values
    )
    return row


class _Pass:
    """One pass over a file: every line classified; the lines to add handed to `add`."""

    def __init__(
        self,
        organization: Organization,
        site: Site | None,
        columns: ColumnMap | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.progress = progress
        self.organization = organization
        self.site = site
        self.columns = columns
        self.outcome = Outcome()
        self.index = PayeeIndex(load_catalog().parties.values(), answers_for(organization))
        self.directory = parties_for(organization)
        self._sites_by_text: dict[str, Site | None] = {}
        self._ambiguous: set[str] = set()
        self._seen: dict[int, set[str]] = {}
        self._count: dict[int, int] = {}
        self._contracts: dict[int, set[str]] = {}
        self._occurrence: Counter[tuple[int, str]] = Counter()
        self._parties: dict[str, str | None] = {}
        self.over_limit = False

    def problem(self, line: int, column: str, en: str, ja: str) -> None:
        if len(self.outcome.problems) < 100:
            self.outcome.problems.append(Problem(line, column, en, ja))

    def lines(self, stream: IO[bytes]) -> Iterator[tuple[Site, BillLine]]:
        reading = Reading(problems=self.outcome.problems)
        try:
            statement = read_statement(
                stream,
                reading,
                self.columns,
                remembered=lambda signature: remembered_columns(self.organization, signature),
            )
            first = next(statement, None)
        except BadFile as exc:
            self.outcome.problems.extend(exc.problems)
            if isinstance(exc, NeedsColumns):
                self.outcome.needs_columns = exc
            return
        finally:
            self.outcome.signature = reading.signature
            self.outcome.header = reading.header
        preset = reading.preset
        assert preset is not None
        self.outcome.preset = preset.key
        self.outcome.columns = reading.columns
        if preset is SHEET and self.site is not None:
            self.problem(
                1,
                "site",
                "this file names a site on each line: import it for the organization",
                "この形式は行ごとに拠点を指定します。組織として取り込んでください",
            )
            return
        if preset is not SHEET and self.site is None:
            self.problem(
                1,
                "",
                "this file has no site column: import it into one site",
                "拠点の列がありません。拠点を選んで取り込んでください",
            )
            return
        own = preset in (OWN, SHEET)
        if first is not None:
            yield from self._classify(first, own=own)
        for n, line in enumerate(statement, start=2):
            if self.stopped():
                break  # the file is refused already and no further problem would be listed
            yield from self._classify(line, own=own)
            if self.progress and n % BATCH == 0:
                self.progress(stream.tell(), reading.rows)
        self.outcome.rows = reading.rows

    def stopped(self) -> bool:
        """Has reading on stopped making sense: a site went over its bill-line limit (the
        first line over it stops the read at once: a file of a million lines for one site
        is not read to its end to be refused), or the problems listed are full."""
        return self.over_limit or len(self.outcome.problems) >= MAX_PROBLEMS

    def _classify(self, line: StatementLine, *, own: bool) -> Iterator[tuple[Site, BillLine]]:
        out = self.outcome
        if line.skip:
            out.transfers += 1
            return
        site = self._site(line)
        if site is None:
            return
        if own:
            party = self._own_party(line)
            if party is None or not self._own_checks(line, site):
                return
            key = own_key(
                party, line.month, line.item[:ITEM_MAX], line.yen, line.contract, line.service
            )
        else:
            match = self.index.match(line.payee)
            if match is None or (not match.party and not match.shared):
                out.not_telecom += 1
                return
            if line.service and not self._service_ok(line, self.columns_service()):
                return
            if match.shared:
                self._unanswered(line, match)
                return
            party = match.party
            key = line.key()
        seen = self._fingerprints(site)
        self._occurrence[(site.pk, key)] += 1
        mark = fingerprint(key, self._occurrence[(site.pk, key)])
        if mark in seen:
            out.already += 1
            return
        seen.add(mark)
        self._count[site.pk] += 1
        if self._count[site.pk] > MAX_BILLS:
            self.over_limit = True
            if self._count[site.pk] == MAX_BILLS + 1:
                self.problem(
                    line.line,
                    "",
                    f"the site would have more than {MAX_BILLS} bill lines",
                    f"拠点の請求明細が {MAX_BILLS} 行を超えます",
                )
            return
        out.added += 1
        tally = out.matched.setdefault((site.pk, party), [0, 0])
        tally[0] += 1
        tally[1] += line.yen
        yield (
            site,
            BillLine(
                organization=self.organization,
                site=site,
                position=self._count[site.pk],
                party=party,
                month=line.month,
                item=line.item[:ITEM_MAX],
                yen=line.yen,
                contract=line.contract,
                service=line.service,
                fingerprint=mark,
            ),
        )

    def columns_service(self) -> str:
        columns = self.outcome.columns
        return columns.service if columns else "service"

    def _service_ok(self, line: StatementLine, column: str = "service") -> bool:
        if line.service in SERVICES:
            return True
        self.problem(
            line.line,
            column,
            f"not a service: {line.service!r} ({', '.join(sorted(SERVICES))})",
            f"サービスの種類として読めません: 「{line.service}」",
        )
        return False

    def _unanswered(self, line: StatementLine, match: Match) -> None:
        key = payee_key(match.shared)
        entry = self.outcome.unanswered.setdefault(
            key, Unanswered(match.shared, match.candidates, line.line)
        )
        entry.lines += 1

    def _site(self, line: StatementLine) -> Site | None:
        if self.site is not None:
            site: Site | None = self.site
        else:
            if line.site not in self._sites_by_text:
                found = Site.objects.filter(organization=self.organization)
                found = (
                    found.filter(pk=int(line.site))
                    if line.site.isdigit() and len(line.site) < 12
                    else found.filter(name=line.site)
                )
                sites = list(found[:2])
                self._sites_by_text[line.site] = sites[0] if len(sites) == 1 else None
                if len(sites) > 1:
                    self._ambiguous.add(line.site)
            site = self._sites_by_text[line.site]
            if site is None and line.site in self._ambiguous:
                self.problem(
                    line.line,
                    "site",
                    f"several sites are named {line.site!r}: write the site's id instead",
                    f"「{line.site}」という名前の拠点が複数あります。拠点の番号 (ID) で"
                    "指定してください",
                )
                return None
            if site is None:
                self.problem(
                    line.line,
                    "site",
                    f"this organization has no site {line.site!r}",
                    f"「{line.site}」という拠点が見つかりません",
                )
                return None
        assert site is not None
        self.outcome.sites.setdefault(site.pk, site)
        return site

    def _fingerprints(self, site: Site) -> set[str]:
        """The marks of the site's stored lines: their own fingerprints, and the key Madoguchi's
        own CSV gives each (so an export re-imported adds nothing)."""
        if site.pk not in self._seen:
            marks: set[str] = set()
            counts: Counter[str] = Counter()
            rows = BillLine.objects.filter(site=site).order_by("position", "id")
            fields = ("party", "month", "item", "yen", "contract", "service", "fingerprint")
            for party, month, item, yen, contract, service, mark in rows.values_list(*fields):
                if mark:
                    marks.add(mark)
                key = own_key(party, month, item, yen, contract, service)
                counts[key] += 1
                marks.add(fingerprint(key, counts[key]))
            self._seen[site.pk] = marks
            self._count[site.pk] = sum(counts.values())
        return self._seen[site.pk]

    def _own_party(self, line: StatementLine) -> str | None:
        text = line.party
        if text not in self._parties:
            if text in self.directory:
                self._parties[text] = text
            else:
                found = find_parties(self.organization, text)
                self._parties[text] = found[0].slug if len(found) == 1 else None
        party = self._parties[text]
        if party is None:
            self.problem(
                line.line,
                "party",
                f"not one known party: {text!r}",
                f"請求元がひとつに決まりません: 「{text}」",
            )
        return party

    def _own_checks(self, line: StatementLine, site: Site) -> bool:
        ok = True
        if line.service and not self._service_ok(line):
            ok = False
        if line.contract:
            if site.pk not in self._contracts:
                self._contracts[site.pk] = set(site.contracts.values_list("ref", flat=True))
            if line.contract not in self._contracts[site.pk]:
                ok = False
                self.problem(
                    line.line,
                    "contract",
                    f"the site has no contract {line.contract!r}",
                    f"拠点に契約「{line.contract}」がありません",
                )
        return ok


def preview(
    *,
    organization: Organization,
    stream: IO[bytes],
    site: Site | None = None,
    progress: Progress | None = None,
    columns: ColumnMap | None = None,
) -> Outcome:
    """What importing the file would add, skip and match; nothing is written. `columns`
    reads it through that column mapping (else a preset, or the mapping remembered for its
    header)."""
    run = _Pass(organization, site, columns, progress)
    for _ in run.lines(stream):
        pass
    return run.outcome


def import_bills(
    *,
    organization: Organization,
    stream: IO[bytes],
    site: Site | None = None,
    progress: Progress | None = None,
    columns: ColumnMap | None = None,
    staging: uuid.UUID | None = None,
    finished: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Import a statement file into `site` (or, for a sheet with a site column, into the
    organization's sites named on each line): all of it, or nothing (ImportRefused). A
    `columns` mapping the file imported through is remembered for its header.

    The lines are written in short transactions of at most BATCH rows, each committing the
    lines read so far (`progress`, called inside it, so a job's progress commits with its
    rows), marked with `staging` (new when not given): readers skip staged lines, so nothing
    of the file is visible until its end, when one transaction makes them all visible after
    checking that every site still reads as a site file, and calls `finished` (a job's end
    commits with its lines). A file that is refused has its staged lines deleted. Other
    writers (on SQLite the whole database is one lock) wait for one batch at most, not for
    the file. Lines a killed import staged under `staging` are deleted first
    (discard_staged), so running it again imports every line exactly once."""
    if staging is not None:
        discard_staged(staging)  # what an earlier, killed run of the same job left
    mark = staging or uuid.uuid4()
    run = _Pass(organization, site, None if columns is None else columns, None)
    before: dict[int, set[SiteProblem]] = {}
    batch: list[BillLine] = []
    pause = float(getattr(settings, "BILLS_BATCH_PAUSE", 0.0))

    def refused() -> bool:
        return bool(run.outcome.problems or run.outcome.unanswered)

    def commit(done: int, lines: int) -> None:
        """Write the batch (unless refused) and the progress in one short transaction."""
        with transaction.atomic():
            if batch and not refused():
                BillLine.with_staged.bulk_create(batch)
            if progress is not None:
                progress(done, lines)
        batch.clear()
        if pause:
            time.sleep(pause)  # let writers waiting on SQLite's lock in

    run.progress = commit
    try:
        for row_site, row in run.lines(stream):
            if row_site.pk not in before:
                before[row_site.pk] = set(site_problems(row_site.pk))
            if refused():
                batch.clear()  # refused anyway: read on for every problem, write nothing
                continue
            row.staging = mark
            batch.append(row)  # committed every BATCH lines read (run.progress)
        outcome = run.outcome
        if batch and outcome.ok:
            commit(stream.tell(), outcome.rows)
        batch.clear()
        if outcome.ok:  # read while nothing is locked: the site with its staged lines
            for site_id, problems in before.items():
                added = [p for p in site_problems_with_staged(site_id, mark) if p not in problems]
                if added:
                    outcome.problems.extend(
                        Problem(0, p.path, p.message, p.message) for p in added[:10]
                    )
        with transaction.atomic():
            if outcome.ok:
                _drop_lines_imported_meanwhile(mark, outcome)
                BillLine.with_staged.filter(staging=mark).update(staging=None)
            if outcome.ok and columns is not None and outcome.columns is not None:
                remember_columns(
                    organization=organization,
                    signature=outcome.signature,
                    header=outcome.header,
                    columns=outcome.columns,
                )
            if not outcome.ok:
                transaction.set_rollback(True)
            else:
                for site_id in sorted(before):  # the sites' row locks in one order
                    site_changed(site_id)
                if finished is not None:
                    finished(outcome)
        visible = outcome.ok
    except BaseException:
        # A job's own mark is left to the job (its retry, or the run that took it over,
        # discards what is staged); an import of its own cleans up after itself.
        if staging is None:
            discard_staged(mark)
        raise
    if not visible:
        discard_staged(mark)
    if not outcome.ok:
        raise ImportRefused(outcome)
    return outcome


def _drop_lines_imported_meanwhile(mark: uuid.UUID, outcome: Outcome) -> None:
    """Delete the staged lines another import made visible while this one read (the same
    file imported twice at once): the batches no longer share one transaction, so the
    fingerprints read at the start are checked once more, in the transaction that makes
    the lines visible."""
    on_record = BillLine.objects.filter(
        site_id=OuterRef("site_id"), fingerprint=OuterRef("fingerprint")
    )
    twice = BillLine.with_staged.filter(staging=mark).filter(Exists(on_record))
    gone, _ = twice.delete()
    if gone:
        outcome.added -= gone
        outcome.already += gone


def discard_staged(mark: uuid.UUID) -> int:
    """Delete the lines an import staged under `mark` and did not make visible (it was
    refused, or its worker died), a batch per short transaction."""
    gone = 0
    while True:
        with transaction.atomic():
            ids = list(
                BillLine.with_staged.filter(staging=mark).values_list("pk", flat=True)[:BATCH]
            )
            if ids:
                BillLine.with_staged.filter(pk__in=ids).delete()
        gone += len(ids)
        if len(ids) < BATCH:
            return gone
