"""Sites and their contract map: the database form of a site file.

Field names and values follow the site file (SITE-FILE.md) so that the adapter between the
two is a plain copy. Parties are referenced by slug, as in the file: a slug resolves to the
site's own party (from its file), else the organization's own, else the shipped catalog's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from madoguchi.engine import bounds
from madoguchi.engine.model import (
    Acquired,
    Building,
    EventKind,
    Holder,
    Payment,
    Region,
    Service,
)
from madoguchi.orgs.models import OrgOwned, OrgScopedQuerySet
from madoguchi.server.bounds import validate_date, yen_validators
from madoguchi.server.choices import enum_choices


class Customer(OrgOwned):
    name = models.CharField(_("name"), max_length=bounds.NAME)
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name


class Site(OrgOwned):
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=bounds.NAME)
    prefecture = models.CharField(_("prefecture"), max_length=bounds.PREFECTURE, blank=True)
    region = models.CharField(_("region"), max_length=5, choices=enum_choices(Region), blank=True)
    building = models.CharField(
        _("building"), max_length=12, choices=enum_choices(Building), blank=True
    )
    # Who holds the contracts: a person (consumer rules such as the fee cap apply) or a business.
    holder = models.CharField(
        _("contract holder"), max_length=10, choices=enum_choices(Holder), default=Holder.PERSON
    )
    # The trouble being reported now (site file: symptoms, observations).
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    onu = models.JSONField(_("ONU lamps"), default=dict, blank=True)
    said_no_contract = models.JSONField(default=list, blank=True)
    outage_notice = models.JSONField(default=list, blank=True)
    # The site file's own `parties:` (engine Party records as JSON, validated on import):
    # they apply to this site only, over the catalog and the organization's own parties.
    parties = models.JSONField(_("this site's own parties"), default=list, blank=True)
    # A fixed "now" for this site's assessment (site file: now); empty means the clock.
    assess_at = models.DateTimeField(_("assess as of"), null=True, blank=True)
    # Who signs a letter (申入書) about this site's services: asked once, kept here.
    sender_name = models.CharField(_("your name"), max_length=bounds.PERSON, blank=True)
    sender_address = models.CharField(_("your address"), max_length=bounds.ADDRESS, blank=True)
    sender_phone = models.CharField(_("your phone number"), max_length=bounds.PHONE, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # When a write last changed what the site's checks can find (contracts.changes): what is
    # derived from the site and stored (money.SiteMoney) is stale when older.
    changed = models.DateTimeField(null=True, blank=True, editable=False)
    # Raised by every write to the site's rows, its cases or their promises, inside the
    # write's transaction (contracts.changes.site_changed, contracts.services.lock_site): the key of
    # the site's cached document (cases.assessment.stored_site).
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        # In the order of `ordering` within an organization: the dashboard's site picker (its
        # first 300 by name) is read in order, without sorting the organization's sites.
        indexes = [models.Index(fields=["organization", "name", "id"])]

    def __str__(self) -> str:
        return self.name


class SiteChild(OrgOwned):
    """A row that belongs to one site (and, through it, to one organization)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Contract(SiteChild):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="contracts")
    ref = models.CharField(_("ref"), max_length=bounds.REF)
    service = models.CharField(_("service"), max_length=10, choices=enum_choices(Service))
    party = models.SlugField(_("party"), max_length=80)
    product = models.CharField(_("product"), max_length=bounds.NAME, blank=True)
    option = models.SlugField(_("option"), max_length=80, blank=True)
    course = models.CharField(
        _("course"), max_length=12, choices=enum_choices(Building), blank=True
    )
    includes_isp = models.BooleanField(_("includes ISP"), default=False)
    ids = models.JSONField(_("IDs"), default=dict, blank=True)
    start = models.DateField(_("start"), null=True, blank=True, validators=[validate_date])
    end = models.DateField(_("end"), null=True, blank=True, validators=[validate_date])
    # The day the contract was made (申込・契約日): the fee cap applies to contracts made from
    # 2022-07-01, not to renewals of older ones; empty: `start` stands for it.
    signed = models.DateField(_("signed"), null=True, blank=True, validators=[validate_date])
    acquired = models.CharField(
        _("acquired"), max_length=16, choices=enum_choices(Acquired), blank=True
    )
    document_received = models.DateField(
        _("document received"), null=True, blank=True, validators=[validate_date]
    )
    monthly_yen = models.PositiveIntegerField(
        _("monthly (yen)"), null=True, blank=True, validators=yen_validators()
    )
    cancellation_fee_yen = models.PositiveIntegerField(
        _("cancellation fee (yen)"), null=True, blank=True, validators=yen_validators()
    )
    payment = models.CharField(
        _("payment"), max_length=20, choices=enum_choices(Payment), blank=True
    )
    wanted = models.BooleanField(_("wanted"), default=True)
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)

    class Meta(SiteChild.Meta):
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["site", "ref"], name="contract_ref_unique_per_site")
        ]
        # The site search finds the contracts a party holds by its slug (contracts.selectors).
        indexes = [models.Index(fields=["organization", "party"], name="contract_party_idx")]

    def __str__(self) -> str:
        return f"{self.ref} ({self.service}, {self.party})"


class Event(SiteChild):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(_("date"), validators=[validate_date])
    kind = models.CharField(_("kind"), max_length=24, choices=enum_choices(EventKind))
    contract = models.CharField(_("contract ref"), max_length=bounds.REF, blank=True)
    effective = models.DateField(_("effective"), null=True, blank=True, validators=[validate_date])
    party = models.SlugField(_("party"), max_length=80, blank=True)
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)

    class Meta(SiteChild.Meta):
        ordering = ["date", "position", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class VisibleBillLineManager(models.Manager.from_queryset(OrgScopedQuerySet)):  # type: ignore[misc]
    """Bill lines that are on record: not those an import still going on has staged."""

    def get_queryset(self) -> OrgScopedQuerySet:
        return super().get_queryset().filter(staging__isnull=True)


class BillLine(SiteChild):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="bills")
    party = models.SlugField(_("party"), max_length=80)
    month = models.CharField(_("month"), max_length=7, help_text="YYYY-MM")
    item = models.CharField(_("item"), max_length=bounds.ITEM, blank=True)
    yen = models.IntegerField(_("yen"), validators=yen_validators(negative=True))
    service = models.CharField(
        _("service"), max_length=10, choices=enum_choices(Service), blank=True
    )
    contract = models.CharField(_("contract ref"), max_length=bounds.REF, blank=True)
    # A line imported from a statement (madoguchi.bills): a stable id of the statement line,
    # so that importing the same file or an overlapping period adds nothing twice. Empty for
    # a line typed by hand. Not a site-file field.
    fingerprint = models.CharField(max_length=40, blank=True, default="", editable=False)
    # A line written by an import still going on (madoguchi.bills): the import's mark. A
    # long import commits its lines in short transactions so that other writers never wait
    # long; until the import ends they are staged, and every reader skips them (the default
    # manager), so the file still imports all or nothing.
    staging = models.UUIDField(null=True, blank=True, editable=False)

    objects = VisibleBillLineManager()  # type: ignore[misc]  # OrgOwned.objects, narrowed
    with_staged = OrgScopedQuerySet.as_manager()  # staged lines too (the importer's own)

    class Meta(SiteChild.Meta):
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        indexes = [
            models.Index(fields=["site", "fingerprint"], name="billline_fingerprint_idx"),
            models.Index(
                fields=["staging"], name="billline_staging_idx", condition=Q(staging__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.party} {self.yen}"


class CardPrint(OrgOwned):
    """A printed emergency card: when, by whom, and a digest of the facts it carried
    (engine.card.Card.fingerprint). The site page compares the latest print's digest with
    today's card: a changed contract, holder, desk, number, hours or ID makes it out of date."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="card_prints")
    printed = models.DateTimeField(_("printed"))
    fingerprint = models.CharField(max_length=64)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-printed", "-id"]
        verbose_name = _("printed card")
        verbose_name_plural = _("printed cards")
        indexes = [models.Index(fields=["site", "-printed"], name="card_print_latest_idx")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.printed:%Y-%m-%d}"


class OfflineCopy(OrgOwned):
    """A copy of a site's desks taken away for when the server is out of reach: the
    contacts file (.vcf) or the single-file offline page, when, by whom, and a digest of
    the facts it carried. Like a printed card, the site page says when the latest copy of
    each kind is out of date (a contract or desk changed since)."""

    class Kind(models.TextChoices):
        CONTACTS = "contacts", _("contacts")
        PAGE = "page", _("offline page")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="offline_copies")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    made = models.DateTimeField(_("saved"))
    fingerprint = models.CharField(max_length=64)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-made", "-id"]
        verbose_name = _("offline copy")
        verbose_name_plural = _("offline copies")
        indexes = [models.Index(fields=["site", "kind", "-made"], name="offline_copy_latest_idx")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.kind} {self.made:%Y-%m-%d}"


class CardBatch(OrgOwned):
    """The emergency cards of many sites in one PDF (an organization's, or one customer's),
    made by a task on the queue (sitefiles.card_batches), not in the web request.

    `site_ids` is fixed when it is asked for; `done` counts the cards made so far (the
    progress page reads it). The PDF is written to `file` (under the data dir) before the
    batch is marked done, and the prints are recorded in the same transaction as `done`:
    a worker killed half way leaves no print recorded and no file named, and the attempt
    that takes it up again starts over and writes the same file. `worker` and `heartbeat`
    say who runs it now, so a restarted worker knows a dead one's batch."""

    class State(models.TextChoices):
        RUNNING = "running", _("making the cards")
        DONE = "done", _("ready")
        FAILED = "failed", _("did not finish")

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    size = models.CharField(max_length=2, default="a4")  # a4, or a6 postcards
    site_ids = models.JSONField(default=list)
    base_url = models.CharField(max_length=200)  # for the site links on the cards
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    done = models.PositiveIntegerField(default=0)  # cards made so far
    file = models.CharField(max_length=200, blank=True)  # the PDF, once done
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (retries included)
    worker = models.CharField(max_length=120, blank=True)  # host:pid of the run going on
    heartbeat = models.DateTimeField(null=True, blank=True)  # the run's latest sign of life
    task_id = models.CharField(max_length=64, blank=True)  # the queued task's result id
    error = models.CharField(max_length=200, blank=True)  # why the latest attempt stopped

    class Meta:
        verbose_name = _("card batch")
        verbose_name_plural = _("card batches")

    def __str__(self) -> str:
        return f"{len(self.site_ids)} cards ({self.state})"

    @property
    def total(self) -> int:
        return len(self.site_ids)
