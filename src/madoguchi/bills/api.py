"""Bill files into a site (the same services as the page and `import_bills`), and the
organization's answers for payee names several parties bill under."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from madoguchi.bills.models import PayeeChoice
from madoguchi.bills.parsing import ColumnMap, parse_columns
from madoguchi.bills.services import ImportRefused, Outcome, answer_payee, import_bills, preview
from madoguchi.bills.uploads import BILL_MAX_MB
from madoguchi.contracts import selectors
from madoguchi.contracts.models import Site
from madoguchi.orgs.api import require_write, target_organization
from madoguchi.orgs.models import Organization
from madoguchi.server.api_common import Invalid, MaybeSlug, PathId, answers
from madoguchi.server.uploads import refused_uploads

router = Router(tags=["bill files"])


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


PAYEE_MAX = PayeeChoice._meta.get_field("payee").max_length


class PayeeAnswerIn(Schema):
    name: str = Field(max_length=PAYEE_MAX, description="the payee as the statement writes it")
    party: MaybeSlug = ""  # "" = not a telecom charge


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
    if outcome.needs_columns is not None:
        header = ", ".join(h for h in outcome.needs_columns.header if h.strip())
        errors.append(
            {
                "path": "columns",
                "message": f"the file's columns are: {header}; send "
                "columns=date=COLUMN,payee=COLUMN,amount=COLUMN (optional item=, month=, "
                "service=, expenses=negative)",
            }
        )
    errors += [
        {
            "path": f"file: line {u.first_line}",
            "message": f"{u.name!r} bills for several parties ({', '.join(u.candidates)}): "
            "answer once with POST /sites/{id}/payee-answers",
        }
        for u in outcome.unanswered.values()
    ]
    return Invalid("the file was not imported; nothing was written", errors)


def _columns(text: str) -> ColumnMap | None:
    if not text.strip():
        return None
    try:
        return parse_columns(text)
    except ValueError as exc:
        raise Invalid("not a column mapping", [{"path": "columns", "message": str(exc)}]) from None


def _import(
    request: HttpRequest,
    organization: Organization,
    site: Site | None,
    file: UploadedFile | None,
    columns: str,
    dry_run: bool,
) -> Status[BillImportOut]:
    if file is None:
        if refused_uploads(request):
            message = f"the file is larger than {BILL_MAX_MB} MB and was not read"
            raise Invalid("file too large", [{"path": "file", "message": message}])
        raise Invalid("no file", [{"path": "file", "message": "send the statement as `file`"}])
    mapping = _columns(columns)
    stream = file.open("rb")
    try:
        if dry_run:
            outcome = preview(organization=organization, site=site, stream=stream, columns=mapping)
            if not outcome.ok:
                raise _refused(outcome)
            return Status(200, _out(outcome))
        outcome = import_bills(organization=organization, site=site, stream=stream, columns=mapping)
    except ImportRefused as exc:
        raise _refused(exc.outcome) from None
    return Status(201, _out(outcome))


@router.post(
    "/sites/{site_id}/bills/import", response={**answers(201, BillImportOut), 200: BillImportOut}
)
def import_bill_file(
    request: HttpRequest,
    site_id: PathId,
    file: File[UploadedFile | None] = None,
    columns: Form[str] = "",
    dry_run: bool = False,
) -> Status[BillImportOut]:
    """Import a statement file (マネーフォワード ME, Zaim, Madoguchi's bill CSV, or any other
    statement with `columns`) into the site, all or nothing; `dry_run=true` says what it would
    add and writes nothing. `columns` (a form field: `date=利用日,payee=利用店名,amount=利用金額`,
    optional `item=`, `month=`, `service=`, `expenses=negative`) names the columns of a
    statement no preset knows; it is remembered for files with the same header once imported."""
    site = selectors.user_site(request.user, site_id)
    require_write(request, site.organization_id)  # before the body: a stranger learns nothing
    return _import(request, site.organization, site, file, columns, dry_run)


@router.post("/bill-sheets/import", response={**answers(201, BillImportOut), 200: BillImportOut})
def import_bill_sheet(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    organization: Form[str] = "",
    dry_run: bool = False,
) -> Status[BillImportOut]:
    """Import an installer's sheet with a site column (the site's name or id on each line,
    then party, month, item, yen; CSV or XLSX) into the organization's sites: all lines of
    all sites, or nothing. `organization` (its slug) when you write to several."""
    target = target_organization(request, organization or request.GET.get("organization"))
    return _import(request, target, None, file, "", dry_run)


@router.post("/sites/{site_id}/payee-answers", response=answers(200, PayeeAnswerOut))
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
