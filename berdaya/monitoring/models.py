"""Monitoring and evaluation after the handover: follow-up visits of each unit, its outcomes,
referrals to partner agencies and exhibitions of the beneficiaries' products.

A monitored unit is an approved unit (an `Allocation`) that has received goods: it starts on
the date of its first recorded handover, and its visits fall due that many months later (the
months are set per programme). Every row names its regency/city (`region`), so the region
scope is one filter. Visits are never deleted: a visit no longer wanted is cancelled.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.masking import mask_nik

DEFAULT_MONTHS = [3, 6, 12, 24]
DEFAULT_WINDOW_DAYS = 14


class FormKind(models.TextChoices):
    """What a visit asks, by what the programme gave."""

    BUSINESS = "business", _("A business (status, revenue, workers)")
    INSTITUTION = "institution", _("An institution (what improved for its residents)")
    ASSISTANCE = "assistance", _("Individual assistance (goods still held and used)")


class MonitoringPlan(models.Model):
    """When a programme's units are visited after the handover, and what the visit asks."""

    program = models.OneToOneField(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="monitoring_plan",
        verbose_name=_("programme"),
    )
    months = models.JSONField(_("visits, in months after the handover"), default=list)
    window_days = models.PositiveSmallIntegerField(
        _("days before and after the due date"),
        default=DEFAULT_WINDOW_DAYS,
        help_text=_("A visit is due this many days around its date; overdue after that."),
    )
    form_kind = models.CharField(_("visit form"), max_length=12, choices=FormKind.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")

    def __str__(self) -> str:
        return f"{self.program_id}: {self.months}"

    def audit_repr(self) -> str:
        return f"monitoring plan {self.program.code}"


class UnitStatus(models.TextChoices):
    MONITORED = "monitored", _("Monitored")
    INDEPENDENT = "independent", _("Independent (mandiri)")
    CLOSED = "closed", _("Monitoring closed")


class MonitoredUnit(models.Model):
    """A unit (person, group, institution) followed after it received its goods."""

    allocation = models.OneToOneField(
        "allocation.Allocation", on_delete=models.PROTECT, related_name="monitoring"
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
    kind = models.CharField(_("unit"), max_length=12)  # person | group | institution
    form_kind = models.CharField(_("visit form"), max_length=12, choices=FormKind.choices)
    name = models.CharField(_("name"), max_length=200)
    # The person, or a group's chair: shown masked; used for a data-subject report.
    nik = models.CharField(_("NIK"), max_length=32, blank=True)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    business_type = models.CharField(_("business type"), max_length=100, blank=True)
    families = models.PositiveSmallIntegerField(_("families"), default=1)
    started_on = models.DateField(_("goods received on"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.MONITORED
    )
    status_note = models.TextField(_("reason"), blank=True)
    # Why monitoring closed: "no_handover" (every handover voided: reopened by a new one),
    # "completed" (the last planned visit is recorded), "manual" (closed by staff).
    closed_because = models.CharField(max_length=12, blank=True)
    baseline_revenue = models.BigIntegerField(
        _("monthly revenue before the assistance (Rp)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["region_id", "name", "pk"]
        indexes = [
            models.Index(fields=["program_year", "region", "status"]),
            models.Index(fields=["facilitator", "status"]),
        ]
        verbose_name = _("monitored unit")
        verbose_name_plural = _("monitored units")

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return f"{self.program_year_id} {self.region_id} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


class BusinessStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    GROWING = "growing", _("Growing")
    STAGNANT = "stagnant", _("Stagnant")
    STOPPED = "stopped", _("Stopped")


class StopReason(models.TextChoices):
    CAPITAL = "capital", _("Ran out of capital")
    MARKET = "market", _("Market competition")
    MOTIVATION = "motivation", _("Lack of drive")
    HEALTH = "health", _("Illness")
    MOVED = "moved", _("Moved away")
    GOODS = "goods", _("Goods sold, broken or lost")
    FAMILY = "family", _("Family duties")
    DISASTER = "disaster", _("Fire, flood or another disaster")
    DIED = "died", _("The beneficiary died")
    OTHER = "other", _("Another reason")


class Improvement(models.TextChoices):
    FOOD = "food", _("Food and nutrition")
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("Education and skills")
    FACILITIES = "facilities", _("Rooms and facilities")
    CARE = "care", _("Quality of care")
    ACTIVITIES = "activities", _("Activities and recreation")


class Visit(models.Model):
    """A follow-up visit: scheduled at a month after the handover, then recorded once.

    `client_key` is made by the phone that recorded it: the same record sent twice (a retry
    after a dropped connection) is saved once.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Recorded")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(MonitoredUnit, on_delete=models.PROTECT, related_name="visits")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    month = models.PositiveSmallIntegerField(_("month after the handover"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    client_key = models.UUIDField(_("idempotency key"), null=True, blank=True, unique=True)
    visited_on = models.DateField(_("date of the visit"), null=True, blank=True)
    business_status = models.CharField(
        _("business status"), max_length=10, choices=BusinessStatus.choices, blank=True
    )
    stop_reason = models.CharField(
        _("why it stopped"), max_length=12, choices=StopReason.choices, blank=True
    )
    stop_note = models.CharField(_("about the reason"), max_length=300, blank=True)
    business_type = models.CharField(_("business type"), max_length=100, blank=True)
    baseline_revenue = models.BigIntegerField(
        _("monthly revenue before the assistance (Rp)"), null=True, blank=True
    )
    revenue = models.BigIntegerField(_("monthly revenue (Rp)"), null=True, blank=True)
    profit = models.BigIntegerField(_("monthly profit (Rp)"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers employed"), null=True, blank=True)
    workers_poor = models.PositiveIntegerField(
        _("of them from poor families"), null=True, blank=True
    )
    # {item id: quantity still held} for the goods of the unit's package.
    goods = models.JSONField(_("goods still held"), default=dict, blank=True)
    goods_held_percent = models.PositiveSmallIntegerField(
        _("share of the goods still held (%)"), null=True, blank=True
    )
    goods_in_use = models.BooleanField(_("goods in use"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residents served"), null=True, blank=True)
    improvements = models.JSONField(_("what improved for the residents"), default=list, blank=True)
    improvement_note = models.TextField(_("about the improvements"), blank=True)
    independent = models.BooleanField(_("no longer needs assistance (mandiri)"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    # Captured on a phone without signal and sent later: when it was captured there.
    captured_at = models.DateTimeField(_("captured on the phone"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # "no_handover", "plan" (the programme's months changed) or "closed": a visit cancelled by
    # the scheduler comes back when the reason goes away; "manual" ones stay cancelled.
    cancel_kind = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="visit_unit_month"),
            models.CheckConstraint(
                condition=models.Q(workers_poor__isnull=True)
                | models.Q(workers__isnull=False, workers_poor__lte=models.F("workers")),
                name="visit_workers_poor_within",
            ),
            models.CheckConstraint(
                condition=models.Q(revenue__isnull=True) | models.Q(revenue__gte=0),
                name="visit_revenue_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "due_on"]),
            models.Index(fields=["unit", "status"]),
        ]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")

    def __str__(self) -> str:
        return f"{self.unit_id} +{self.month}m {self.due_on}"

    def audit_repr(self) -> str:
        return f"{self.unit.name}: +{self.month} bln ({self.due_on})"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


# --- Referrals to partner agencies ------------------------------------------------------------


class Sector(models.TextChoices):
    TRADE = "trade", _("Trade, cooperatives and SMEs")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    MANPOWER = "manpower", _("Manpower")
    PUBLIC_WORKS = "public_works", _("Public works and housing")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    PRODUCT = "product", _("Product development and business facilitation")
    SCHOLARSHIP = "scholarship", _("Scholarship (Beasiswa Tuntas)")
    NUTRITION = "nutrition", _("Nutrition assistance")
    HEALTH = "health", _("Health care")
    TRAINING = "training", _("Workforce training")
    HOUSING = "housing", _("Livable housing (rumah layak huni)")
    OTHER = "other", _("Other assistance")


class PartnerAgency(models.Model):
    """A partner agency (OPD mitra) that receives referrals. Its users are those whose
    `agency` names it (its name, short name or code)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=120,
        blank=True,
        help_text=_("How the agency is usually called; a partner user's agency may name it so."),
    )
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices)
    services = models.JSONField(_("services"), default=list, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    respond_days = models.PositiveSmallIntegerField(_("days to answer a referral"), default=30)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")

    def __str__(self) -> str:
        return self.short_name or self.name

    def audit_repr(self) -> str:
        return self.code

    def service_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels.get(s, s)) for s in self.services or []]


class Referral(models.Model):
    """A family, group or institution referred to a partner agency, followed to an outcome."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Being handled")
        DONE = "done", _("Outcome recorded")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        SERVED = "served", _("Assisted")
        PARTLY = "partly", _("Partly assisted")
        WAITING = "waiting", _("On the agency's waiting list")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible for the agency's programme")
        UNREACHABLE = "unreachable", _("Could not be reached")
        DECLINED = "declined", _("The family declined")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    agency = models.ForeignKey(
        PartnerAgency,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner agency"),
    )
    service = models.CharField(_("assistance asked"), max_length=12, choices=Service.choices)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "intake.ProposalGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        MonitoredUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    subject_name = models.CharField(_("referred"), max_length=200)
    subject_nik = models.CharField(_("NIK"), max_length=32, blank=True)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact = models.CharField(_("phone or contact"), max_length=100, blank=True)
    reason = models.TextField(_("why they are referred"))
    respond_by = models.DateField(_("answer expected by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("what was done"), blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["region", "status"]),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.subject_name} → {self.agency}"

    def audit_repr(self) -> str:
        return f"{self.subject_name} ({mask_nik(self.subject_nik)}) → {self.agency.code}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.subject_nik)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ACCEPTED)


class ReferralAction(models.Model):
    """What was done about a referral, by whom: the agency's steps and the office's notes."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        ACCEPTED = "accepted", _("Accepted")
        OUTCOME = "outcome", _("Outcome")
        CANCELLED = "cancelled", _("Cancelled")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("what was done"))
    acted_on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["acted_on", "at", "pk"]
        verbose_name = _("referral action")
        verbose_name_plural = _("referral actions")

    def __str__(self) -> str:
        return f"{self.acted_on}: {self.text[:40]}"


# --- Exhibitions -------------------------------------------------------------------------------


class Exhibition(models.Model):
    """An SME (UMKM) exhibition where beneficiaries show and sell their products. Organised by
    the province (no region: every office may bring its beneficiaries) or by one regency/city."""

    name = models.CharField(_("name"), max_length=200)
    organiser = models.CharField(_("organised by"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
        help_text=_("Empty: organised by the province, open to every regency/city."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on})"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def audit_region_code(self) -> str:
        return self.region_id or ""

    @property
    def last_day(self):
        return self.ends_on or self.starts_on


class ExhibitionParticipant(models.Model):
    exhibition = models.ForeignKey(
        Exhibition, on_delete=models.PROTECT, related_name="participants"
    )
    unit = models.ForeignKey(MonitoredUnit, on_delete=models.PROTECT, related_name="exhibitions")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    sales = models.BigIntegerField(_("sales (Rp)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["exhibition", "region_id", "unit__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "unit"], name="participant_unit_once"),
            models.CheckConstraint(condition=models.Q(sales__gte=0), name="participant_sales"),
        ]
        verbose_name = _("exhibition participant")
        verbose_name_plural = _("exhibition participants")

    def __str__(self) -> str:
        return f"{self.exhibition_id}: {self.unit_id}"

    def audit_repr(self) -> str:
        return f"{self.exhibition.name}: {self.unit.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class ExhibitionProduct(models.Model):
    """A product a participant showed, and what was sold of it."""

    participant = models.ForeignKey(
        ExhibitionParticipant, on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("product"), max_length=150)
    unit_price = models.BigIntegerField(_("price (Rp)"))
    quantity_sold = models.PositiveIntegerField(_("sold"), default=0)
    sales = models.BigIntegerField(_("sales (Rp)"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["participant", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="product_price"),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name}: {self.quantity_sold}"
