from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri region: province, regency/city, district or village, keyed by dotted code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        REGENCY = "regency", _("Regency/city")
        DISTRICT = "district", _("District")
        VILLAGE = "village", _("Village")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    # Codes retired by a split (64.04 -> 65.01 in 2012) stay known for reading old NIKs.
    historical = models.BooleanField(_("historical"), default=False)
    successor = models.CharField(_("successor code"), max_length=13, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def regency_code(self) -> str | None:
        return self.code[:5] if len(self.code) >= 5 else None

    @property
    def undotted(self) -> str:
        return self.code.replace(".", "")
