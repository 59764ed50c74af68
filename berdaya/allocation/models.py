"""Ranking formulas, approvals within quotas and budgets, decrees (SK) and objections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorityFormula(models.Model):
    """The weights of the priority formula of one programme year (see ranking.py)."""

    program_year = models.OneToOneField(
        "programs.ProgramYear", on_delete=models.CASCADE, related_name="priority_formula"
    )
    # {"decile": 40, "extreme_poverty": 20, ...}: whole numbers 0-100.
    weights = models.JSONField(_("weights"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("priority formula")
        verbose_name_plural = _("priority formulas")

    def __str__(self) -> str:
        return f"{self.program_year_id}: {self.weights}"

    def audit_repr(self) -> str:
        return f"{self.program_year}"


class Allocation(models.Model):
    """One unit (a person, a group or an institution) approved within its region's quota.

    A person or institution programme allocates proposals; a group programme allocates groups.
    The value, rank, score and the formula's components are kept as they were when approved.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CANCELLED = "cancelled", _("Cancelled")

    program_year = models.ForeignKey(
        "programs.ProgramYear", on_delete=models.PROTECT, related_name="allocations"
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
    )
    proposal = models.ForeignKey(
        "intake.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "intake.ProposalGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    components = models.JSONField(_("components"), default=dict)
    value = models.BigIntegerField(_("value (Rp)"))
    reason = models.TextField(_("reason"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"))
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The decree version that fixed it (the latest one it is in).
    decree = models.ForeignKey(
        "allocation.Decree",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocations",
    )
    # What has been handed over (the distribution stage adds to it).
    realised_value = models.BigIntegerField(_("realised (Rp)"), default=0)

    region_scope_field = "region"

    class Meta:
        ordering = ["program_year", "region_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(status="approved"),
                name="allocation_one_approved_proposal",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status="approved"),
                name="allocation_one_approved_group",
            ),
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=False, group__isnull=True)
                | models.Q(proposal__isnull=True, group__isnull=False),
                name="allocation_one_unit",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="allocation_value"),
        ]
        indexes = [models.Index(fields=["program_year", "region", "status"])]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return f"{self.program_year_id} {self.region_id} #{self.rank}"

    def audit_repr(self) -> str:
        return f"{self.program_year_id} {self.region_id} #{self.rank}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def unit_key(self) -> str:
        return f"g{self.group_id}" if self.group_id else f"p{self.proposal_id}"


class Decree(models.Model):
    """The decree (SK) that fixes the recipients of a programme year in one regency/city.

    Version 1 is the first decree; each revision is a new version with its reason. Only a draft
    changes (a discarded draft is deleted, and the audit trail keeps it); an issued version is
    locked, and superseded when its revision is issued.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        SUPERSEDED = "superseded", _("Superseded by a revision")

    program_year = models.ForeignKey(
        "programs.ProgramYear",
        on_delete=models.PROTECT,
        related_name="decrees",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revision",
        verbose_name=_("revises"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(_("decree number"), max_length=100, blank=True)
    place = models.CharField(_("issued at"), max_length=60, default="Samarinda")
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    revision_reason = models.TextField(_("reason for the revision"), blank=True)
    signatory_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signatory_title = models.CharField(_("title of the signatory"), max_length=200, blank=True)
    units = models.PositiveIntegerField(_("recipients"), default=0)
    total = models.BigIntegerField(_("total (Rp)"), default=0)
    reserves = models.PositiveIntegerField(_("reserves"), default=0)
    content_hash = models.CharField(max_length=64, blank=True)
    pdf = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["program_year", "region_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "region", "version"], name="decree_unique_version"
            ),
            models.UniqueConstraint(
                fields=["program_year", "region"],
                condition=models.Q(status="draft"),
                name="decree_one_draft",
            ),
            models.UniqueConstraint(
                fields=["program_year", "region"],
                condition=models.Q(status="issued"),
                name="decree_one_issued",
            ),
        ]
        verbose_name = _("decree (SK)")
        verbose_name_plural = _("decrees (SK)")

    def __str__(self) -> str:
        return f"SK {self.program_year} {self.region_id} v{self.version}"

    def audit_repr(self) -> str:
        return f"{self} {self.number}".strip()

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def is_revision(self) -> bool:
        return self.previous_id is not None


class DecreeEntry(models.Model):
    """A line of an issued decree, as printed: recipients numbered, then ordered reserves."""

    class Kind(models.TextChoices):
        RECIPIENT = "recipient", _("Recipient")
        RESERVE = "reserve", _("Reserve")

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField(_("no."))
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposal = models.ForeignKey(
        "intake.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "intake.ProposalGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    # Printed masked: a decree is read aloud, posted and passed around.
    nik_masked = models.CharField(_("NIK"), max_length=32, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    village_name = models.CharField(_("village"), max_length=120, blank=True)
    value = models.BigIntegerField(_("value (Rp)"), default=0)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True)
    # Against the previous version: "" (first decree), kept, added.
    change = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["decree", "kind", "number"]
        verbose_name = _("decree entry")
        verbose_name_plural = _("decree entries")

    def __str__(self) -> str:
        return f"{self.number}. {self.name} ({self.nik_masked})"


class DecreeChange(models.Model):
    """A change a revision draft makes to the issued list: remove a recipient or add a unit."""

    class Action(models.TextChoices):
        REMOVE = "remove", _("Remove")
        ADD = "add", _("Add")

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("change"), max_length=6, choices=Action.choices)
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey(
        "intake.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "intake.ProposalGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("reason"))
    objection = models.ForeignKey(
        "allocation.Objection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("decree change")
        verbose_name_plural = _("decree changes")

    def __str__(self) -> str:
        return f"{self.action} {self.allocation_id or self.proposal_id or self.group_id}"


class Objection(models.Model):
    """An objection (sanggahan) to an issued decree: someone left out, or a recipient reported
    as ineligible. Recorded, reviewed and answered; an upheld one goes through a revision."""

    class Kind(models.TextChoices):
        LEFT_OUT = "left_out", _("A person left out")
        INELIGIBLE = "ineligible", _("An ineligible recipient reported")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("Under review")
        UPHELD = "upheld", _("Upheld: revision under way")
        REJECTED = "rejected", _("Rejected")
        RESOLVED = "resolved", _("Upheld: revision issued")

    decree = models.ForeignKey(
        Decree, on_delete=models.PROTECT, related_name="objections", verbose_name=_("decree")
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The recipient reported (an entry of the decree) or the person left out (their proposal).
    entry = models.ForeignKey(
        DecreeEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recipient reported"),
    )
    proposal = models.ForeignKey(
        "intake.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposal of the person left out"),
    )
    subject_name = models.CharField(_("person concerned"), max_length=150, blank=True)
    complainant_name = models.CharField(_("objection raised by"), max_length=150)
    complainant_contact = models.CharField(_("contact"), max_length=150, blank=True)
    received_on = models.DateField(_("received on"))
    description = models.TextField(_("objection"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    review_note = models.TextField(_("review notes"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revision = models.ForeignKey(
        Decree,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revision"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name or self.complainant_name}"

    def audit_repr(self) -> str:
        return f"{self.decree} #{self.pk} {self.kind}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id
