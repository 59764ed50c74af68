from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.intake.models import Proposal
from berdaya.registry.models import RegisterRecord
from berdaya.verification.reasons import Verdict


class Verification(models.Model):
    """The outcome of checking one proposal against the register and the programme's rules.

    `computed_verdict` is what the rules say; `verdict` is what counts: the computed one, or a
    verifier's override (kept beside it, with the reason).
    """

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="verification")
    register_record = models.ForeignKey(
        RegisterRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("register person"),
    )
    # For an institution programme (LKS): the registered institution the row names.
    institution = models.ForeignKey(
        "registry.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered institution"),
    )
    link_method = models.CharField(_("how it was found"), max_length=20, blank=True)
    link_score = models.FloatField(_("match probability"), null=True, blank=True)
    # Per-field evidence of the link: {"name": "agree", "birth_date": "partial", ...}.
    evidence = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    computed_verdict = models.CharField(
        _("computed verdict"), max_length=12, choices=Verdict.choices, blank=True
    )
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=Verdict.choices, blank=True, db_index=True
    )
    overridden = models.BooleanField(_("overridden"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    # Set when the proposal, its register row, the criteria or the history changed.
    stale = models.BooleanField(default=True, db_index=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.verdict or '-'}"

    @property
    def audit_region_code(self) -> str:
        return self.proposal.region_id

    def audit_repr(self) -> str:
        return self.proposal.audit_repr()


class GroupVerification(models.Model):
    """The verdict on a proposed group: its own reasons, and at least review when a member is
    not eligible (the operator can replace the member). Overridden like a person's."""

    group = models.OneToOneField(
        "intake.ProposalGroup", on_delete=models.CASCADE, related_name="verification"
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    members = models.PositiveSmallIntegerField(_("members"), default=0)
    computed_verdict = models.CharField(
        _("computed verdict"), max_length=12, choices=Verdict.choices, blank=True
    )
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=Verdict.choices, blank=True, db_index=True
    )
    overridden = models.BooleanField(_("overridden"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("group verification")
        verbose_name_plural = _("group verifications")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.verdict or '-'}"


class VerificationRun(models.Model):
    """A verification of a programme year (or one region of it): progress and counts."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    program_year = models.ForeignKey(
        "programs.ProgramYear", on_delete=models.CASCADE, related_name="+"
    )
    region_code = models.CharField(max_length=5, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    region_scope_field = "region_code"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.program_year_id} {self.region_code} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ProposalCount(models.Model):
    """Proposals counted by programme year, region, status, verdict and staleness (PostgreSQL).

    Rows are changes, not totals: triggers on proposals and verifications (migration 0004)
    add a row of +n or -n for each group a statement changes, so writers never wait on one
    another for a shared counter row; a group's count is the sum of its rows, and readers
    fold the rows together now and then (`selectors.compact_counts`). The proposals page reads
    its summary here instead of joining every proposal of a region to its verification.
    SQLite, whose table rebuilds on schema changes would drop such triggers, counts by the
    join instead and leaves this table empty.
    """

    program_year_id = models.IntegerField()
    region_code = models.CharField(max_length=13)
    status = models.CharField(max_length=20)
    verdict = models.CharField(max_length=12, null=True)  # null: not verified yet
    stale = models.BooleanField(null=True)  # null: not verified yet
    n = models.IntegerField()

    region_scope_field = "region_code"

    class Meta:
        indexes = [models.Index(fields=["program_year_id", "region_code"], name="proposal_counts")]

    def __str__(self) -> str:
        return f"{self.program_year_id} {self.region_code} {self.status} {self.verdict}: {self.n}"
