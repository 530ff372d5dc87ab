"""Cases: one trouble at a site, from "it is down" to "fixed", with its timeline and promises.

Rows are written only through `cases.services`, which keeps the timeline append-only: a
status change, a call, a kept or broken promise each add an entry in the same transaction,
and a correction is a new entry pointing at the one it corrects.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.orgs.models import OrgOwned, OrgScopedQuerySet
from madoguchi.server.bounds import validate_date, yen_validators


class Status(models.TextChoices):
    OPEN = "open", _("open")
    WAITING = "waiting", _("waiting on a party")
    VISIT = "visit", _("visit scheduled")
    RESOLVED = "resolved", _("resolved")
    # Its own context: "closed" is also what a desk is outside its hours (受付時間外).
    CLOSED = "closed", pgettext_lazy("case status", "closed")


ACTIVE_STATUSES = (Status.OPEN, Status.WAITING, Status.VISIT)

# Which status may follow which; going back to open from resolved or closed is a reopening.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.WAITING, Status.VISIT, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.OPEN, Status.VISIT, Status.RESOLVED}),
    Status.VISIT: frozenset({Status.OPEN, Status.WAITING, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.OPEN}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


# What a row in a list never shows: the assessment snapshot alone is a few kilobytes of JSON
# per case, which lists would otherwise read, send and decode twenty or fifty times a page.
CASE_SNAPSHOT_FIELDS = ("assessment", "observations", "symptoms")
CASE_DETAIL_FIELDS = (*CASE_SNAPSHOT_FIELDS, "note", "services", "reports")
# What a case read as a row model shows (reminders, `case list`; the web pages read plain
# values, see cases.selectors.CASE_ROW_PATHS): columns left unread are neither sent nor decoded.
CASE_ROW_FIELDS = (
    "organization",
    "site",
    "ref",
    "title",
    "status",
    "waiting_on",
    "finding_holder",
    "assignee",
    "first_party",
    "services",
    "outage_started",
    "outage_ended",
    "created",
    "site__name",
    "assignee__username",
    "assignee__email",
)


class CaseQuerySet(OrgScopedQuerySet):
    def active(self) -> Self:
        return self.filter(status__in=ACTIVE_STATUSES)

    def listed(self) -> Self:
        """Cases as list rows: the row columns of the case, its site and assignee."""
        return self.select_related("site", "assignee").only(*CASE_ROW_FIELDS)


CaseManager = models.Manager.from_queryset(CaseQuerySet)


class Case(OrgOwned):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="cases")
    ref = models.CharField(_("ref"), max_length=bounds.REF)
    title = models.CharField(_("title"), max_length=bounds.NAME, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    waiting_on = models.SlugField(_("waiting on"), max_length=80, blank=True)
    # A party said "no contract with us" and nobody else is awaited: the next step is ours,
    # to find who holds the line (cases.services keeps it with waiting_on).
    finding_holder = models.BooleanField(_("finding the holder"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    # What was seen when it was reported: ONU lamps, and who said "no contract".
    observations = models.JSONField(_("observations"), default=dict, blank=True)
    outage_started = models.DateTimeField(
        _("outage started"), null=True, blank=True, validators=[validate_date]
    )
    outage_ended = models.DateTimeField(
        _("outage ended"), null=True, blank=True, validators=[validate_date]
    )
    # The services that were out (engine Service values); empty: those the site's symptoms touch.
    services = models.JSONField(_("services out"), default=list, blank=True)
    # When each party was told, from an imported site file ([{"party", "at"}], ISO times); the
    # case's site file adds the first call to each party from the timeline (cases.assessment).
    reports = models.JSONField(_("reports"), default=list, blank=True)
    # The assessment when the case was opened: what was known, and who was called first.
    assessment = models.JSONField(_("assessment at opening"), default=dict, blank=True)
    first_party = models.SlugField(max_length=80, blank=True)
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    objects: ClassVar[CaseManager] = CaseManager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["site", "ref"], name="case_ref_unique_per_site")
        ]
        indexes = [
            models.Index(fields=["organization", "status", "created"]),
            models.Index(fields=["organization", "created", "id"]),
            # The dashboard's open cases, oldest first, read a page at a time.
            models.Index(
                fields=["organization", "created", "id"],
                condition=models.Q(status__in=["open", "waiting", "visit"]),
                name="case_active_by_age_idx",
            ),
            models.Index(fields=["organization", "ref"], name="case_ref_lookup_idx"),
            # The desk filtered by a party: each side of "first with or waiting on" in its own
            # index range, read without the case rows (cases.filters.with_parties), with the
            # age so a side's oldest cases are known from the index alone. Not partial
            # indexes on the active statuses: SQLite uses a partial index only when the query
            # spells its condition in constants, and Django binds them.
            models.Index(
                fields=["organization", "first_party", "status", "created", "id"],
                name="case_first_party_age_idx",
            ),
            models.Index(
                fields=["organization", "waiting_on", "status", "created", "id"],
                name="case_waiting_on_age_idx",
            ),
        ]

    def __str__(self) -> str:
        """The title; without one, what is down since when (cases.names), never the ref."""
        from madoguchi.cases.names import case_name  # i18n helpers import the engine

        return case_name(self.title, self.services, self.outage_started)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def outage(self, now: dt.datetime | None = None) -> dt.timedelta | None:
        """How long the service has been (or was) out; None when the start is unknown."""
        if self.outage_started is None:
            return None
        return (self.outage_ended or now or timezone.now()) - self.outage_started


class EntryKind(models.TextChoices):
    CALL_OUT = "call-out", _("call (we called)")
    CALL_IN = "call-in", _("call (they called)")
    VISIT = "visit", _("visit")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    NOTE = "note", _("note")
    STATUS = "status", _("status change")
    PROMISE = "promise", _("promise kept or broken")
    CORRECTION = "correction", _("correction")


class Outcome(models.TextChoices):
    """What a call came to, as the person logging it heard it."""

    NO_CONTRACT = "no-contract", _("they said there is no contract with them")
    REFUSED = "refused", _("they refused, or would not pass me to a supervisor")
    CALLBACK = "callback", _("they promised to call back")
    VISIT = "visit", _("they promised a visit")
    RESOLVED = "resolved", _("resolved")
    # Not chosen in the form: a promise marked broken, on its timeline entry.
    BROKEN = "broken", _("promise broken")


# Outcomes that move the case to the next rung of the escalation ladder.
ESCALATING_OUTCOMES = frozenset({Outcome.REFUSED, Outcome.BROKEN})


class TimelineEntry(OrgOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    recorded = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party = models.SlugField(_("party"), max_length=80, blank=True)
    desk = models.SlugField(_("desk"), max_length=80, blank=True)
    person = models.CharField(_("person (name as given)"), max_length=bounds.PERSON, blank=True)
    reference = models.CharField(_("reference number"), max_length=bounds.REFERENCE, blank=True)
    said = models.TextField(_("what was said"), max_length=bounds.NOTE, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    status_from = models.CharField(max_length=10, choices=Status.choices, blank=True)
    status_to = models.CharField(max_length=10, choices=Status.choices, blank=True)
    # A correction goes with the entry it corrects: the timeline is never edited, but a case
    # (or its site) deleted as a whole takes all its entries with it.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["case", "at"]),
            models.Index(fields=["reference"], name="timeline_reference_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class PromiseKind(models.TextChoices):
    CALLBACK = "callback", _("callback")
    VISIT = "visit", _("visit")
    REFUND = "refund", _("refund")
    WRITTEN_ANSWER = "written-answer", _("written answer")
    ESCALATION = "escalation", _("escalation to a supervisor")
    OTHER = "other", _("other")


PROMISE_ROW_FIELDS = (
    "organization",
    "case",
    "by",
    "what",
    "amount_yen",
    "due",
    "kept",
    "broken",
    "reminded_due_soon",
    "reminded_overdue",
)


class PromiseQuerySet(OrgScopedQuerySet):
    def open(self) -> Self:
        return self.filter(kept__isnull=True, broken__isnull=True)

    def overdue(self, now: dt.datetime) -> Self:
        return self.open().filter(due__lt=now)

    def of_active_cases(self) -> Self:
        return self.filter(case_active=True)

    def listed(self) -> Self:
        """Promises as list rows: with their case as a row (its site and assignee)."""
        return self.select_related("case__site", "case__assignee").only(
            *PROMISE_ROW_FIELDS, *(f"case__{name}" for name in CASE_ROW_FIELDS)
        )


PromiseManager = models.Manager.from_queryset(PromiseQuerySet)


class Promise(OrgOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="promises")
    made_in = models.ForeignKey(
        TimelineEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="promises"
    )
    by = models.SlugField(_("promised by"), max_length=80)
    what = models.CharField(_("what"), max_length=bounds.PROMISE)
    amount_yen = models.PositiveIntegerField(
        _("amount (yen)"), null=True, blank=True, validators=yen_validators()
    )
    due = models.DateTimeField(_("due"), validators=[validate_date])
    kept = models.DateTimeField(_("kept"), null=True, blank=True, validators=[validate_date])
    broken = models.DateTimeField(_("broken"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    # A copy of "the case is open, waiting or visit scheduled", kept by cases.services, so the
    # dashboard finds overdue promises of active cases in one index range.
    case_active = models.BooleanField(default=True)
    reminded_due_soon = models.DateTimeField(null=True, blank=True)
    reminded_overdue = models.DateTimeField(null=True, blank=True)
    # Set while a reminder run sends this promise's mail (see cases.reminders): another run
    # leaves it alone until the mail is accepted or refused, or the lease expires.
    reminder_lease = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[PromiseManager] = PromiseManager()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        indexes = [
            # The dashboard's question: open promises of active cases, soonest due first.
            models.Index(
                fields=["organization", "due", "id"],
                condition=models.Q(case_active=True, kept__isnull=True, broken__isnull=True),
                name="promise_awaited_by_due_idx",
            ),
            # The same promises by who made them (the desk filtered by a party).
            models.Index(
                fields=["organization", "by", "due", "id"],
                condition=models.Q(case_active=True, kept__isnull=True, broken__isnull=True),
                name="promise_awaited_by_party_idx",
            ),
            # ... and by case: the promises of the cases first with or waiting on that party.
            models.Index(
                fields=["case", "due", "id"],
                condition=models.Q(case_active=True, kept__isnull=True, broken__isnull=True),
                name="promise_awaited_by_case_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.by}: {self.what} by {self.due:%Y-%m-%d %H:%M}"

    @property
    def state(self) -> str:
        if self.kept:
            return "kept"
        if self.broken:
            return "broken"
        return "open"

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.state == "open" and self.due < now


class ReminderSettings(models.Model):
    """What a user wants mailed besides their promises (a user without a row gets both)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    deadlines = models.BooleanField(_("deadlines (7 days, 1 day and on the day)"), default=True)
    contract_ends = models.BooleanField(
        _("contract ends (90, 60 and 30 days before)"), default=True
    )

    def __str__(self) -> str:
        return f"reminder settings of {self.user}"


class DeadlineReminder(OrgOwned):
    """One reminder mail of one deadline at one stage (days before) to one user: the row is
    taken before the mail is sent (a unique key, so two runs never both send it) and marked
    sent once the mail server accepted it; a refused mail's row is removed for the next run."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300)  # the deadline's calendar UID: stable across edits
    stage = models.PositiveSmallIntegerField()  # days before the deadline
    due = models.DateField()
    lease = models.DateTimeField(null=True, blank=True)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "due", "stage"], name="deadline_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.stage}d"


class StoredRecord(OrgOwned):
    """A site's record as its pages assess it (cases.assessment.stored_site), validated and
    pickled by the task queue (cases.stored_records), so that a site's first look in a
    worker reads one row instead of the site's rows and their validation.

    `version` is the site's version the rows were read at and `made_with` what else the
    record depends on (the organization's directory, the shipped catalog, the code that
    converts): a page takes the record only when both are what it reads now, so a stale row
    is never used, only made again. `data` is empty for a site that did not read as a valid
    site file at that version (its pages name the problems; the sweep does not retry it)."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, primary_key=True, related_name="stored_record"
    )
    version = models.PositiveBigIntegerField()
    made_with = models.CharField(max_length=200)
    data = models.BinaryField()
    computed = models.DateTimeField()

    def __str__(self) -> str:
        return f"record of site {self.site_id} at version {self.version}"
