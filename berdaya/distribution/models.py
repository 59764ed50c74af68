"""Training (Bimtek) and its attendance, procurement, each unit's goods and their handover (BAST).

Every row names the regency/city it belongs to (`region`), so the region scope is one filter.
Handovers and attendance marks are never deleted: a mistaken handover is voided with its reason
and stays in the record, as an auditor expects.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.masking import mask_nik


class PackageStatus(models.TextChoices):
    PENDING = "pending", _("Not handed over")
    PARTIAL = "partial", _("Partly handed over")
    COMPLETE = "complete", _("Fully handed over")


class UnitPackage(models.Model):
    """The goods one approved unit (a person, a group, an institution) is to receive.

    Copied from a catalogue package and adjustable, always within the unit's value in the
    decree. `delivered` on each line counts what the handovers have given so far.
    """

    allocation = models.OneToOneField(
        "allocation.Allocation", on_delete=models.PROTECT, related_name="package"
    )
    program_year = models.ForeignKey(
        "programs.ProgramYear", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    source = models.ForeignKey(
        "programs.GoodsPackage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("catalogue package"),
    )
    total = models.BigIntegerField(_("total (Rp)"), default=0)
    delivered_value = models.BigIntegerField(_("handed over (Rp)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=PackageStatus.choices, default=PackageStatus.PENDING
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivered_value__gte=0)
                & models.Q(delivered_value__lte=models.F("total")),
                name="unitpackage_delivered_within",
            ),
        ]
        verbose_name = _("beneficiary's package")
        verbose_name_plural = _("beneficiaries' packages")

    def __str__(self) -> str:
        return f"{self.allocation_id}: {self.total}"

    def audit_repr(self) -> str:
        return f"package of allocation {self.allocation_id}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class UnitPackageLine(models.Model):
    package = models.ForeignKey(UnitPackage, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "programs.GoodsItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.BigIntegerField(_("unit price (Rp)"))
    delivered = models.PositiveIntegerField(_("handed over"), default=0)

    class Meta:
        ordering = ["package", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "item"], name="unitpackageline_unique"),
            models.CheckConstraint(
                condition=models.Q(delivered__lte=models.F("quantity")),
                name="unitpackageline_delivered_within",
            ),
        ]
        verbose_name = _("package line")
        verbose_name_plural = _("package lines")

    def __str__(self) -> str:
        return f"{self.delivered}/{self.quantity} x {self.item_id}"

    @property
    def value(self) -> int:
        return self.quantity * self.unit_price

    @property
    def remaining(self) -> int:
        return self.quantity - self.delivered


class Topic(models.TextChoices):
    GOODS = "goods", _("Using the goods")
    BUSINESS = "business", _("Business management")
    FINANCE = "finance", _("Financial literacy")
    MARKETING = "marketing", _("Marketing")
    OTHER = "other", _("Other")


class TrainingSession(models.Model):
    """A technical training session (Bimtek) for the approved units of one regency/city."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    program_year = models.ForeignKey(
        "programs.ProgramYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    trainers = models.TextField(_("trainers"), help_text=_("One per line: name and institution."))
    topics = models.JSONField(_("topics"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    sheet = models.ForeignKey(
        "core.StoredFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed attendance sheet"),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("training session (Bimtek)")
        verbose_name_plural = _("training sessions (Bimtek)")

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on})"

    def audit_repr(self) -> str:
        return f"Bimtek {self.program_year_id} {self.region_id} {self.starts_on}: {self.title}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topics or []]


class Participant(models.Model):
    """A person invited to a session: the beneficiary, or each member of a group."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    class Via(models.TextChoices):
        PHONE = "phone", _("Marked on a phone")
        SHEET = "sheet", _("From the signed sheet")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="participants"
    )
    allocation = models.ForeignKey(
        "allocation.Allocation", on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey("intake.Proposal", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role in the group"), max_length=12, blank=True)
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    via = models.CharField(_("recorded"), max_length=10, choices=Via.choices, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    region_scope_field = "session__region"

    class Meta:
        ordering = ["session", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "proposal"], name="participant_unique"),
        ]
        indexes = [models.Index(fields=["allocation", "status"])]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class ProcurementBatch(models.Model):
    """Goods ordered from one vendor for one regency/city: what was ordered, delivered, where."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        PARTIAL = "partial", _("Partly delivered")
        DELIVERED = "delivered", _("Delivered")

    program_year = models.ForeignKey(
        "programs.ProgramYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("for regency/city"),
    )
    vendor = models.CharField(_("vendor"), max_length=200)
    contract_number = models.CharField(_("contract or order number"), max_length=100)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    location = models.CharField(
        _("where the goods are"), max_length=200, help_text=_("Warehouse or office holding them.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ORDERED
    )
    total = models.BigIntegerField(_("ordered value (Rp)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("procurement batch")
        verbose_name_plural = _("procurement batches")

    def __str__(self) -> str:
        return f"{self.vendor} · {self.contract_number}"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class ProcurementLine(models.Model):
    batch = models.ForeignKey(ProcurementBatch, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "programs.GoodsItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    ordered = models.PositiveIntegerField(_("ordered"))
    unit_price = models.BigIntegerField(_("unit price (Rp)"))
    delivered = models.PositiveIntegerField(_("delivered"), default=0)

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "item"], name="procurementline_unique"),
            models.CheckConstraint(
                condition=models.Q(delivered__lte=models.F("ordered")),
                name="procurementline_delivered_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivered}/{self.ordered} x {self.item_id}"

    @property
    def value(self) -> int:
        return self.ordered * self.unit_price


class Delivery(models.Model):
    """Goods of a batch received at a place on a day, with the vendor's delivery note."""

    batch = models.ForeignKey(ProcurementBatch, on_delete=models.PROTECT, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    location = models.CharField(_("received at"), max_length=200)
    received_by = models.CharField(_("received by"), max_length=150)
    quantities = models.JSONField(_("quantities"), default=dict)  # {item code: quantity}
    document = models.ForeignKey(
        "core.StoredFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("delivery note"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["batch", "delivered_on", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.batch_id} {self.delivered_on}"

    @property
    def audit_region_code(self) -> str:
        return self.batch.region_id


class Handover(models.Model):
    """A handover of goods to a unit, the content of one BAST (Berita Acara Serah Terima).

    `client_key` is made by the phone that recorded it: sending the same record twice (a retry
    after a dropped connection) finds this row instead of creating a second one.
    """

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        VOIDED = "voided", _("Voided")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_key = models.UUIDField(_("idempotency key"), unique=True)
    allocation = models.ForeignKey(
        "allocation.Allocation", on_delete=models.PROTECT, related_name="handovers"
    )
    program_year = models.ForeignKey(
        "programs.ProgramYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    seq = models.PositiveIntegerField()
    number = models.CharField(_("BAST number"), max_length=80, unique=True)
    handed_on = models.DateField(_("date of handover"))
    place = models.CharField(_("place"), max_length=200)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    gps_accuracy = models.PositiveIntegerField(_("GPS accuracy (m)"), null=True, blank=True)
    receiver = models.ForeignKey(
        "intake.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiver"),
    )
    receiver_name = models.CharField(_("received by"), max_length=150)
    receiver_nik = models.CharField(_("NIK of the receiver"), max_length=32, blank=True)
    receiver_role = models.CharField(_("as"), max_length=60, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer_name = models.CharField(_("handed over by"), max_length=150)
    officer_title = models.CharField(_("title of the officer"), max_length=150, blank=True)
    witness_name = models.CharField(_("witness"), max_length=150, blank=True)
    value = models.BigIntegerField(_("value (Rp)"))
    partial = models.BooleanField(_("partial handover"), default=False)
    photo = models.ForeignKey(
        "core.StoredFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    # Captured on a phone without signal and sent later: when it was captured there.
    captured_at = models.DateTimeField(_("captured on the phone"), null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-handed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "region", "seq"], name="handover_unique_seq"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="handover_value"),
        ]
        indexes = [models.Index(fields=["program_year", "region", "handed_on"])]
        verbose_name = _("handover (BAST)")
        verbose_name_plural = _("handovers (BAST)")

    def __str__(self) -> str:
        return self.number

    def audit_repr(self) -> str:
        return f"{self.number} {self.receiver_name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def receiver_nik_masked(self) -> str:
        return mask_nik(self.receiver_nik)

    @property
    def voided(self) -> bool:
        return self.status == self.Status.VOIDED


class HandoverLine(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        "programs.GoodsItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.BigIntegerField(_("unit price (Rp)"))
    value = models.BigIntegerField(_("value (Rp)"))

    class Meta:
        ordering = ["handover", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="handoverline_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item_id}"
