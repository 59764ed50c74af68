from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.masking import mask_nik
from berdaya.programs.models import ProgramYear
from berdaya.regions.models import Region


class UploadBatch(models.Model):
    """One uploaded proposal file: what was read, refused and saved. The file is kept."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not saved")
        SAVED = "saved", _("Saved")
        PARTLY_SAVED = "partly", _("Readable rows saved")
        REFUSED = "refused", _("Refused")

    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposing region")
    )
    original_name = models.CharField(_("file"), max_length=255)
    stored_file = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)
    rows_new = models.PositiveIntegerField(_("new proposals"), default=0)
    rows_changed = models.PositiveIntegerField(_("corrected proposals"), default=0)
    rows_same = models.PositiveIntegerField(_("already sent"), default=0)
    # [{"row": 5, "field": "TGL_LAHIR", "message": "..."}], in the uploader's language.
    errors = models.JSONField(default=list, blank=True)
    file_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class Role(models.TextChoices):
    """A member's place on a group's board (KUBE: Permensos 2/2019)."""

    CHAIR = "KETUA", _("Chair")
    SECRETARY = "SEKRETARIS", _("Secretary")
    TREASURER = "BENDAHARA", _("Treasurer")
    MEMBER = "ANGGOTA", _("Member")


BOARD = (Role.CHAIR, Role.SECRETARY, Role.TREASURER)


class ProposalGroup(models.Model):
    """A group proposed for a group programme (KUBE); its members are proposals."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uid = models.UUIDField(_("system id"), default=uuid.uuid4, unique=True, editable=False)
    program_year = models.ForeignKey(
        ProgramYear,
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposing region")
    )
    # The group's name as written in the file (KELOMPOK), upper-case: its key within a region.
    key = models.CharField(max_length=150)
    name = models.CharField(_("group name"), max_length=150)
    business_type = models.CharField(_("business type"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["region_id", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "region", "key"], name="proposalgroup_unique_key"
            ),
        ]
        verbose_name = _("proposed group")
        verbose_name_plural = _("proposed groups")

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return f"{self.program_year} {self.region_id} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class Proposal(models.Model):
    """A candidate proposed by a regency/city office for a programme year.

    For a group programme each member is a proposal of its group, with a role on the board.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uid = models.UUIDField(_("system id"), default=uuid.uuid4, unique=True, editable=False)
    program_year = models.ForeignKey(
        ProgramYear,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposing region")
    )
    # The same proposal: programme year, region and the file's ID (else all its fields).
    key = models.CharField(max_length=100)
    row_id = models.CharField(_("ID in the file"), max_length=64)
    batch = models.ForeignKey(
        UploadBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    row_number = models.PositiveIntegerField(_("row"), null=True, blank=True)
    nik = models.CharField(_("NIK"), max_length=32)
    kk = models.CharField(_("KK number"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=150)
    name_norm = models.CharField(max_length=150, db_index=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    # Empty for an institution (LKS), whose identity is its registration number.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    village_code = models.CharField(_("region code"), max_length=13)
    relation = models.CharField(_("relation to head of family"), max_length=30, blank=True)
    occupation = models.CharField(_("occupation"), max_length=80, blank=True)
    # Planned individual assistance: the welfare category (PPKS code); any programme whose
    # value is set per need: what is needed and what it costs.
    category = models.CharField(_("welfare category"), max_length=10, blank=True)
    need = models.CharField(_("need"), max_length=255, blank=True)
    need_value = models.BigIntegerField(_("value (Rp)"), null=True, blank=True)
    # An institution (LKS) as the row describes it; verification links it to the registry.
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    institution_kind = models.CharField(_("institution type"), max_length=12, blank=True)
    accreditation = models.CharField(_("accreditation"), max_length=1, blank=True)
    accreditation_date = models.DateField(_("accreditation date"), null=True, blank=True)
    data_hash = models.CharField(max_length=32)
    group = models.ForeignKey(
        ProposalGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("group"),
    )
    role = models.CharField(_("role in the group"), max_length=12, choices=Role.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "Earlier" for duplicates: upload time, then row order.
    submitted_at = models.DateTimeField(_("sent"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["region_id", "submitted_at", "row_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "region", "key"], name="proposal_unique_key"
            ),
        ]
        indexes = [
            models.Index(fields=["program_year", "nik"]),
            models.Index(fields=["program_year", "region", "status"]),
            # The proposals page: a year's region in the list's order, read from the top.
            models.Index(
                fields=["program_year", "region", "submitted_at", "row_number", "id"],
                name="proposal_list_order",
            ),
            # The page's counts by region, status and verdict: the year's proposals read from
            # this index alone, in the order of their verifications' proposal_id.
            models.Index(
                fields=["program_year", "id", "region", "status"],
                name="proposal_year_counts",
            ),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        if not self.nik and self.registration_number:
            return f"{self.name} ({self.registration_number})"
        return f"{self.name} ({mask_nik(self.nik)})"

    def audit_repr(self) -> str:
        return f"{self.program_year} {self.region_id} {self.row_id}: {self}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


class ProposalComment(models.Model):
    """The thread between the province's verifier and the region's operator on a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]
