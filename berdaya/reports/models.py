"""Indicators entered by staff: the official poverty rate per region and year, and its targets."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PovertyIndicator(models.Model):
    """An official figure (BPS) or a target: the share of people below the poverty line.

    The province (code 64) or one of its regencies/cities; one figure per kind, region and
    year. Figures are entered by province staff, every change in the audit trail.
    """

    class Kind(models.TextChoices):
        RATE = "rate", _("Official poverty rate")
        TARGET = "target", _("Target")

    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.RATE)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Percent of the population, two decimals as published (6.11 for 6.11%).
    rate = models.DecimalField(
        _("poverty rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Thousands of people below the poverty line, where published.
    poor_people = models.PositiveIntegerField(_("poor people"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "region_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "year"], name="povertyindicator_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0) & models.Q(rate__lte=100),
                name="povertyindicator_rate_percent",
            ),
        ]
        verbose_name = _("poverty indicator")
        verbose_name_plural = _("poverty indicators")

    def __str__(self) -> str:
        return f"{self.kind} {self.region_id} {self.year}: {self.rate}%"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def audit_region_code(self) -> str:
        return self.region_id
