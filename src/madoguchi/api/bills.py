"""Bill files into a site (the same services as the page and `import_bills`), and the
organization's answers for payee names several parties bill under."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from madoguchi.api.auth import require_write
from madoguchi.api.common import Invalid, PathId, answers
from madoguchi.bills.services import ImportRefused, Outcome, answer_payee, import_bills, preview
from madoguchi.sites import selectors

bills_router = Router(tags=["bill files"])


class MatchedOut(Schema):
    site_id: int
    party: str
    lines: int
    yen: int


class BillImportOut(Schema):
    preset: str
    rows: int
    added: int
    already: int
    transfers: int
    not_telecom: int
    matched: list[MatchedOut]


class PayeeAnswerIn(Schema):
    name: str
    party: str = ""  # "" = not a telecom charge


class PayeeAnswerOut(Schema):
    name: str
    party: str


def _out(outcome: Outcome) -> BillImportOut:
    return BillImportOut(
        preset=outcome.preset,
        rows=outcome.rows,
        added=outcome.added,
        already=outcome.already,
        transfers=outcome.transfers,
        not_telecom=outcome.not_telecom,
        matched=[
            MatchedOut(site_id=site_id, party=party, lines=count, yen=yen)
            for (site_id, party), (count, yen) in sorted(outcome.matched.items())
        ],
    )


def _refused(outcome: Outcome) -> Invalid:
    errors = [
        {
            "path": f"file: line {p.line}" + (f", column {p.column}" if p.column else ""),
            "message": p.en,
        }
        for p in outcome.problems
    ]
    errors += [
        {
            "path": f"file: line {u.first_line}",
            "message": f"{u.name!r} bills for several parties ({', '.join(u.candidates)}): "
            "answer once with POST /sites/{id}/payee-answers",
        }
        for u in outcome.unanswered.values()
    ]
    return Invalid("the file was not imported; nothing was written", errors)


@bills_router.post(
    "/sites/{site_id}/bills/import", response={**answers(201, BillImportOut), 200: BillImportOut}
)
def import_bill_file(
    request: HttpRequest,
    site_id: PathId,
    file: File[UploadedFile | None] = None,
    dry_run: bool = False,
) -> Status[BillImportOut]:
    """Import a statement file (マネーフォワード ME, Zaim, Madoguchi's bill CSV) into the
    site, all or nothing; `dry_run=true` says what it would add and writes nothing."""
    site = selectors.user_site(request.user, site_id)
    require_write(request, site.organization_id)  # before the body: a stranger learns nothing
    if file is None:
        raise Invalid("no file", [{"path": "file", "message": "send the statement as `file`"}])
    stream = file.open("rb")
    try:
        if dry_run:
            outcome = preview(organization=site.organization, site=site, stream=stream)
            if not outcome.ok:
                raise _refused(outcome)
            return Status(200, _out(outcome))
        outcome = import_bills(organization=site.organization, site=site, stream=stream)
    except ImportRefused as exc:
        raise _refused(exc.outcome) from None
    return Status(201, _out(outcome))


@bills_router.post("/sites/{site_id}/payee-answers", response=answers(200, PayeeAnswerOut))
def answer_shared_payee(
    request: HttpRequest, site_id: PathId, payload: PayeeAnswerIn
) -> PayeeAnswerOut:
    """Which party a shared payee name (NTTファイナンス) is, for the site's organization."""
    site = selectors.user_site(request.user, site_id)
    require_write(request, site.organization_id)
    try:
        answer_payee(organization=site.organization, name=payload.name, party=payload.party)
    except ValueError as exc:
        raise Invalid("not a payee answer", [{"path": "party", "message": str(exc)}]) from None
    return PayeeAnswerOut(name=payload.name, party=payload.party)
