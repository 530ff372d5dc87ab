"""Every write to receivables: the pages, the API and the CLI call these."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from madoguchi.agents.models import Agent
from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.orgs.models import Organization
from madoguchi.receivables.models import Deduction, DeductionKind, Payment, Receivable

# What a PostgreSQL integer holds.
YEN_MAX = bounds.YEN_MAX


class ReceivableError(ValueError):
    """Input a receivable or payment cannot take; `field` names what to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _yen(field: str, value: int, *, least: int) -> None:
    if value < least or value > YEN_MAX:
        raise ReceivableError(
            field,
            _("Enter an amount of at least %(least)d yen.") % {"least": least}
            if value < least
            else _("The amount is too large."),
        )


@transaction.atomic
def create_receivable(
    organization: Organization,
    *,
    agent: Agent,
    description: str,
    amount_yen: int,
    due: dt.date,
    site: Site | None = None,
    case: Case | None = None,
    note: str = "",
) -> Receivable:
    """What an agent promised to pay, by when, for which job."""
    if agent.organization_id != organization.pk:
        raise ReceivableError("agent", _("No such sales agent."))
    if site is not None and site.organization_id != organization.pk:
        raise ReceivableError("site", _("No such site."))
    if case is not None and case.organization_id != organization.pk:
        raise ReceivableError("case", _("No such case."))
    if case is not None and site is not None and case.site_id != site.pk:
        raise ReceivableError("case", _("The case belongs to another site."))
    if not description.strip():
        raise ReceivableError("description", _("Say what the money is for."))
    _yen("amount_yen", amount_yen, least=1)
    return Receivable.objects.create(
        organization=organization,
        agent=agent,
        description=description.strip(),
        amount_yen=amount_yen,
        due=due,
        site=site if site is not None else (case.site if case is not None else None),
        case=case,
        note=note.strip(),
    )


@transaction.atomic
def record_payment(
    receivable: Receivable,
    *,
    paid_on: dt.date,
    amount_yen: int,
    fee_yen: int = 0,
    other_yen: int = 0,
    other_what: str = "",
    note: str = "",
) -> Payment:
    """Money that came in for the receivable, with what the payer deducted from it (the bank
    fee, something else): all of it or nothing."""
    _yen("amount_yen", amount_yen, least=0)
    _yen("fee_yen", fee_yen, least=0)
    _yen("other_yen", other_yen, least=0)
    if amount_yen == 0 and not fee_yen and not other_yen:
        raise ReceivableError("amount_yen", _("Enter the amount received."))
    if other_yen and not other_what.strip():
        raise ReceivableError("other_what", _("Say what the other deduction was for."))
    payment = Payment.objects.create(
        organization_id=receivable.organization_id,
        receivable=receivable,
        paid_on=paid_on,
        amount_yen=amount_yen,
        note=note.strip(),
    )
    deductions = [
        Deduction(
            organization_id=receivable.organization_id,
            payment=payment,
            kind=kind,
            amount_yen=amount,
            what=what,
        )
        for kind, amount, what in (
            (DeductionKind.BANK_FEE, fee_yen, ""),
            (DeductionKind.OTHER, other_yen, other_what.strip()),
        )
        if amount
    ]
    Deduction.objects.bulk_create(deductions)
    return payment
