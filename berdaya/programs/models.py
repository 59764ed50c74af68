from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.programs.defaults import ACCREDITATION_VALIDITY
from berdaya.registry.models import Sex


class Unit(models.TextChoices):
    PERSON = "person", _("Person")
    GROUP = "group", _("Group")
    INSTITUTION = "institution", _("Institution")


# The criteria a programme year holds; a programme keeps the same keys as defaults for new years.
CRITERIA_FIELDS = [
    "value_per_unit",
    "sex",
    "age_min",
    "age_max",
    "age_reference_month",
    "age_reference_day",
    "max_decile",
    "head_of_family_required",
    "excluded_occupations",
    "once_in_lifetime",
    "excluded_programs",
    "group_min",
    "group_max",
    "categories",
    "accreditation_required",
    "accreditation_validity",
    "handover_before_training",
]


class Program(models.Model):
    """A programme is data: who a unit is, what a unit is worth, and its default criteria."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    value_per_unit = models.BigIntegerField(
        _("value per unit (Rp)"), default=0, help_text=_("Whole rupiah; 0 when set per need.")
    )
    in_kind = models.BooleanField(_("aid in goods"), default=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Criteria for a programme year created for the first time (same keys as ProgramYear).
    defaults = models.JSONField(_("default criteria"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def audit_repr(self) -> str:
        return self.code


class ProgramYear(models.Model):
    """One programme in one year, with the criteria verification applies."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="years", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value_per_unit = models.BigIntegerField(_("value per unit (Rp)"), default=0)
    sex = models.CharField(
        _("sex"),
        max_length=1,
        choices=Sex.choices,
        blank=True,
        help_text=_("Empty: men and women."),
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # Age is in completed years on this day of the programme year (1 January by default).
    age_reference_month = models.PositiveSmallIntegerField(_("age reference month"), default=1)
    age_reference_day = models.PositiveSmallIntegerField(_("age reference day"), default=1)
    max_decile = models.PositiveSmallIntegerField(_("highest decile"), null=True, blank=True)
    head_of_family_required = models.BooleanField(_("head of family required"), default=False)
    excluded_occupations = models.JSONField(_("excluded occupations"), default=list, blank=True)
    once_in_lifetime = models.BooleanField(_("once in a lifetime"), default=False)
    excluded_programs = models.JSONField(
        _("programmes that exclude"),
        default=list,
        blank=True,
        help_text=_("Codes of programmes whose past recipients may not receive this one."),
    )
    group_min = models.PositiveSmallIntegerField(_("smallest group"), null=True, blank=True)
    group_max = models.PositiveSmallIntegerField(_("largest group"), null=True, blank=True)
    # Social welfare categories (PPKS codes) a proposal may name; empty: no category column.
    categories = models.JSONField(
        _("welfare categories"),
        default=list,
        blank=True,
        help_text=_("PPKS category codes a proposal may name; empty when the programme has none."),
    )
    accreditation_required = models.BooleanField(
        _("valid accreditation required"),
        default=False,
        help_text=_("For institutions: a missing or expired accreditation makes them ineligible."),
    )
    accreditation_validity = models.JSONField(
        _("accreditation validity (years per grade)"),
        default=dict,
        blank=True,
        help_text=_('Years an accreditation stays valid by grade, e.g. {"A": 5, "B": 3, "C": 2}.'),
    )
    handover_before_training = models.BooleanField(
        _("goods may be handed over before the training"),
        default=False,
        help_text=_("Otherwise a unit receives its goods only after attending a Bimtek session."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_from = models.CharField(_("created from"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="programyear_unique"),
        ]
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")

    def __str__(self) -> str:
        return f"{self.program.code} {self.year}"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def reference_date(self) -> dt.date:
        return dt.date(self.year, self.age_reference_month, self.age_reference_day)

    def criteria(self) -> dict:
        return {name: getattr(self, name) for name in CRITERIA_FIELDS}

    @property
    def value_per_need(self) -> bool:
        """No fixed value per unit: each proposal states its need and what it costs."""
        return not self.value_per_unit

    def validity_years(self, grade: str) -> int | None:
        table = self.accreditation_validity or ACCREDITATION_VALIDITY
        years = table.get((grade or "").upper())
        return int(years) if years not in (None, "") else None


class WelfareCategory(models.Model):
    """A social welfare category (PPKS, Permensos 8/2012) and who fits it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=150)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sex = models.CharField(
        _("sex"),
        max_length=1,
        choices=Sex.choices,
        blank=True,
        help_text=_("Empty: men and women."),
    )
    once_only = models.BooleanField(
        _("once in a lifetime"),
        default=False,
        help_text=_("Otherwise a person may receive assistance in this category once a year."),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("welfare category (PPKS)")
        verbose_name_plural = _("welfare categories (PPKS)")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def audit_repr(self) -> str:
        return self.code


class PastRecipient(models.Model):
    """Someone who received a programme in a year: the history "already received" checks."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="recipients")
    year = models.PositiveSmallIntegerField(_("year"))
    # The NIK of a person; an institution's registration number.
    nik = models.CharField(_("NIK"), max_length=50, db_index=True)
    name = models.CharField(_("name"), max_length=150)
    # The PPKS category the assistance was given in, where the programme has categories.
    category = models.CharField(_("category"), max_length=10, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "nik", "category"], name="pastrecipient_unique"
            ),
        ]
        indexes = [models.Index(fields=["program", "nik"])]
        verbose_name = _("past recipient")
        verbose_name_plural = _("past recipients")

    def __str__(self) -> str:
        return f"{self.program_id} {self.year} {self.name}"


# --- Targets, quotas and budgets (issue 5) -------------------------------------------------
# Counters (`approved_units`, `committed`) are kept by conditional UPDATEs in the allocation
# services; the check constraints below are the database's own guarantee that no approval
# passes a quota or a budget, whatever a caller does.


class FundingSource(models.TextChoices):
    APBD = "APBD", _("Provincial budget (APBD)")
    APBN = "APBN", _("National budget (APBN)")
    OTHER = "LAINNYA", _("Other source")


class BudgetEnvelope(models.Model):
    """Money of one fiscal year from one source, drawn on by one or more programme years."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    name = models.CharField(_("name"), max_length=200)
    amount = models.BigIntegerField(_("budget ceiling (Rp)"))
    # The value of every approved unit drawing on it, in whole rupiah.
    committed = models.BigIntegerField(_("committed (Rp)"), default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "source", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budgetenvelope_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(committed__gte=0) & models.Q(committed__lte=models.F("amount")),
                name="budgetenvelope_committed_within",
            ),
        ]
        verbose_name = _("budget envelope")
        verbose_name_plural = _("budget envelopes")

    def __str__(self) -> str:
        return f"{self.source} {self.fiscal_year} — {self.name}"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def remaining(self) -> int:
        return self.amount - self.committed


class ProgramTarget(models.Model):
    """A programme year's target: units overall, deadline, and the budget it draws on."""

    program_year = models.OneToOneField(
        ProgramYear,
        on_delete=models.CASCADE,
        related_name="target",
        verbose_name=_("programme year"),
    )
    units = models.PositiveIntegerField(_("target (units)"), default=0)
    deadline = models.DateField(_("distribution deadline"), null=True, blank=True)
    envelope = models.ForeignKey(
        BudgetEnvelope,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        verbose_name=_("budget envelope"),
    )
    # Optional: the part of the envelope set aside for this programme year.
    budget = models.BigIntegerField(
        _("amount for this programme (Rp)"),
        null=True,
        blank=True,
        help_text=_("Optional; empty: the programme may draw on the whole envelope."),
    )
    committed = models.BigIntegerField(_("committed (Rp)"), default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committed__gte=0)
                & (models.Q(budget__isnull=True) | models.Q(committed__lte=models.F("budget"))),
                name="programtarget_committed_within",
            ),
        ]
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")

    def __str__(self) -> str:
        return f"{self.program_year}: {self.units}"

    def audit_repr(self) -> str:
        return f"{self.program_year}"


class RegionQuota(models.Model):
    """How many units of a programme year one regency/city may receive."""

    program_year = models.ForeignKey(
        ProgramYear,
        on_delete=models.CASCADE,
        related_name="quotas",
        verbose_name=_("programme year"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
    )
    units = models.PositiveIntegerField(_("quota (units)"), default=0)
    approved_units = models.PositiveIntegerField(_("approved (units)"), default=0, editable=False)
    committed = models.BigIntegerField(_("committed (Rp)"), default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    region_scope_field = "region"

    class Meta:
        ordering = ["program_year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "region"], name="regionquota_unique"),
            models.CheckConstraint(
                condition=models.Q(approved_units__lte=models.F("units"))
                & models.Q(committed__gte=0),
                name="regionquota_approved_within",
            ),
        ]
        verbose_name = _("regional quota")
        verbose_name_plural = _("regional quotas")

    def __str__(self) -> str:
        return f"{self.program_year} {self.region_id}: {self.approved_units}/{self.units}"

    def audit_repr(self) -> str:
        return f"{self.program_year} {self.region_id}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def unused(self) -> int:
        return self.units - self.approved_units


class QuotaTransfer(models.Model):
    """Unused quota moved by the province from one regency/city to another, with its reason."""

    program_year = models.ForeignKey(
        ProgramYear, on_delete=models.CASCADE, related_name="quota_transfers"
    )
    from_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    units = models.PositiveIntegerField(_("units"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quota transfer")
        verbose_name_plural = _("quota transfers")

    def __str__(self) -> str:
        return f"{self.program_year} {self.from_region_id}->{self.to_region_id}: {self.units}"


# --- Goods catalogue and packages (issue 6) ------------------------------------------------
# Aid is given in goods, never cash (seed 003). The catalogue lists what may be bought, at a
# reference price; a package is a set of goods for one kind of business in one programme year,
# kept within the programme's value per unit. Each approved unit then gets its own copy of a
# package (berdaya.distribution.models.UnitPackage), which the handovers draw on.


class BusinessType(models.Model):
    """A kind of business a beneficiary runs (grocery stall, sewing, cakes...): data, not code."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business type")
        verbose_name_plural = _("business types")

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return self.code


class GoodsItem(models.Model):
    """An item of the catalogue with its unit of measure and reference price (whole rupiah)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=20, help_text=_("e.g. unit, set, kg"))
    unit_price = models.BigIntegerField(_("unit price (Rp)"))
    business_types = models.ManyToManyField(
        BusinessType, blank=True, related_name="items", verbose_name=_("business types")
    )
    specification = models.TextField(_("specification"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="goodsitem_price_positive"
            ),
        ]
        verbose_name = _("goods item")
        verbose_name_plural = _("goods items")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def audit_repr(self) -> str:
        return self.code


class GoodsPackage(models.Model):
    """A package of goods for one kind of business in one programme year."""

    program_year = models.ForeignKey(
        ProgramYear,
        on_delete=models.PROTECT,
        related_name="packages",
        verbose_name=_("programme year"),
    )
    name = models.CharField(_("name"), max_length=150)
    business_type = models.ForeignKey(
        BusinessType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packages",
        verbose_name=_("business type"),
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The sum of its lines, kept by the service that saves them.
    total = models.BigIntegerField(_("total (Rp)"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["program_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "name"], name="goodspackage_unique"),
        ]
        verbose_name = _("goods package")
        verbose_name_plural = _("goods packages")

    def __str__(self) -> str:
        return f"{self.program_year} · {self.name}"

    def audit_repr(self) -> str:
        return str(self)


class PackageLine(models.Model):
    """An item of a package: how many, at the price agreed for the package."""

    package = models.ForeignKey(GoodsPackage, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        GoodsItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.BigIntegerField(_("unit price (Rp)"))

    class Meta:
        ordering = ["package", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "item"], name="packageline_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0) & models.Q(unit_price__gte=0),
                name="packageline_positive",
            ),
        ]
        verbose_name = _("package line")
        verbose_name_plural = _("package lines")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item_id}"

    @property
    def value(self) -> int:
        return self.quantity * self.unit_price
