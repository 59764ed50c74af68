from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.masking import mask_nik
from berdaya.regions.models import Region


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Relation(models.TextChoices):
    """Relation to the head of the family, as written on the family card (KK)."""

    HEAD = "KEPALA KELUARGA", _("Head of family")
    WIFE = "ISTRI", _("Wife")
    HUSBAND = "SUAMI", _("Husband")
    CHILD = "ANAK", _("Child")
    CHILD_IN_LAW = "MENANTU", _("Son/daughter-in-law")
    GRANDCHILD = "CUCU", _("Grandchild")
    PARENT = "ORANG TUA", _("Parent")
    PARENT_IN_LAW = "MERTUA", _("Parent-in-law")
    OTHER_RELATIVE = "FAMILI LAIN", _("Other relative")
    HELPER = "PEMBANTU", _("Household helper")
    OTHER = "LAINNYA", _("Other")


class LifeStatus(models.TextChoices):
    ALIVE = "HIDUP", _("Alive")
    DECEASED = "MENINGGAL", _("Deceased")


class Source(models.TextChoices):
    REGISTER = "register", _("National register (DTKS/DTSEN)")
    PROPOSAL = "proposal", _("Regional proposal")
    FORM = "form", _("Entered by staff")
    DEMO = "demo", _("Demo data")


class Household(models.Model):
    """A family by its KK number. A KK changes when a family moves or splits: it is a label of
    the family as registered now, not a permanent key."""

    kk = models.CharField(_("family card (KK) number"), max_length=16, unique=True)
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    regency = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    region_scope_field = "regency"

    class Meta:
        ordering = ["kk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"KK {mask_nik(self.kk)}"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class Person(models.Model):
    """A person Berdaya serves (the national register itself lives apart, as it came)."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk = models.CharField(_("KK number"), max_length=16, blank=True, db_index=True)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("household"),
    )
    name = models.CharField(_("full name"), max_length=150)
    # Normalised for spelling (Muhammad/M., Siti/St., dj/j...): what name search matches.
    name_norm = models.CharField(max_length=150, db_index=True, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    regency = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
        editable=False,
    )
    relation = models.CharField(
        _("relation to head of family"), max_length=20, choices=Relation.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=80, blank=True)
    decile = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True)
    life_status = models.CharField(
        _("life status"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ALIVE
    )
    disability = models.BooleanField(_("disability"), default=False)
    extreme_poverty = models.BooleanField(_("on the extreme-poverty list (P3KE)"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "regency"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["regency", "name_norm"]),
            models.Index(fields=["village", "name_norm"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decile__isnull=True) | models.Q(decile__gte=1, decile__lte=10),
                name="person_decile_1_10",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return f"{self.name} ({mask_nik(self.nik)})"

    @property
    def audit_region_code(self) -> str:
        return self.village_id

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_deceased(self) -> bool:
        return self.life_status == LifeStatus.DECEASED
