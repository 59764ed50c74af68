from __future__ import annotations

import uuid

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
            # Name search: the people of each matching spelling, in the region asked, and the
            # columns it orders them by, from the index alone.
            models.Index(fields=["name_norm", "regency", "name", "id"], name="person_name_search"),
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


class RegisterImport(models.Model):
    """One load or refresh of a DTKS/DTSEN extract: its progress, counts and unread rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        STAGING = "staging", _("Reading the file")
        MERGING = "merging", _("Merging")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    region_filter = models.CharField(_("region"), max_length=13, blank=True)
    regions = models.JSONField(_("regions in the file"), default=list, blank=True)
    total_bytes = models.BigIntegerField(default=0)
    read_bytes = models.BigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows not readable"), default=0)
    inserted = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    left = models.PositiveIntegerField(_("left the extract"), default=0)
    returned = models.PositiveIntegerField(_("back in the extract"), default=0)
    invalid_nik = models.PositiveIntegerField(_("invalid NIKs"), default=0)
    duplicate_nik = models.PositiveIntegerField(_("duplicate NIKs"), default=0)
    reverified = models.PositiveIntegerField(_("proposals re-verified"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Rows that could not be read, as CSV text: line, field, reason, raw row.
    refused_report = models.TextField(blank=True)
    audit_event = models.ForeignKey(
        "core.AuditEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(100 * self.read_bytes / self.total_bytes))


class RegisterRecord(models.Model):
    """A row of the national register (DTKS/DTSEN) as it came, invalid and duplicate NIKs kept.

    Keyed by the extract's own ID; a refresh updates rows in place and marks those that left.
    """

    source_id = models.CharField(_("register ID"), max_length=64)
    nik = models.CharField(_("NIK"), max_length=32, db_index=False)
    nik_valid = models.BooleanField(_("valid NIK"), default=True)
    nik_duplicate = models.BooleanField(_("NIK shared with another row"), default=False)
    kk = models.CharField(_("KK number"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=150)
    name_norm = models.CharField(max_length=150)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    village_code = models.CharField(_("village"), max_length=13, blank=True)
    regency_code = models.CharField(_("regency/city"), max_length=5, blank=True)
    decile = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True)
    relation = models.CharField(_("relation to head of family"), max_length=30, blank=True)
    occupation = models.CharField(_("occupation"), max_length=80, blank=True)
    life_status = models.CharField(_("life status"), max_length=10, blank=True)
    disability = models.BooleanField(_("disability"), default=False)
    extreme_poverty = models.BooleanField(_("extreme poverty (P3KE)"), default=False)
    row_hash = models.CharField(max_length=32)
    present = models.BooleanField(_("in the latest extract"), default=True)
    # Not enforced by the database: a load writes a million rows naming one import, and a
    # foreign-key check (a trigger event on PostgreSQL) per row would cost more than the row.
    # Nor indexed: only a refresh reads them, once, in a full scan it makes anyway.
    first_import = models.ForeignKey(
        RegisterImport,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    last_import = models.ForeignKey(
        RegisterImport,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    region_scope_field = "regency_code"

    class Meta:
        # Secondary indexes are created by migration SQL with fixed names, so that a first load
        # into an empty table can drop them and build them once at the end (register_sql.py).
        # The unique ID is a constraint rather than `unique=True`, which on PostgreSQL would
        # add a second, LIKE-pattern index that a load would have to fill for nothing.
        constraints = [
            models.UniqueConstraint(fields=["source_id"], name="registry_register_source_id"),
        ]
        verbose_name = _("register record")
        verbose_name_plural = _("register records")

    def __str__(self) -> str:
        return f"{self.name} ({mask_nik(self.nik)})"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def audit_region_code(self) -> str:
        return self.village_code or self.regency_code

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_deceased(self) -> bool:
        return self.life_status == LifeStatus.DECEASED


class InstitutionKind(models.TextChoices):
    """The kind of a social welfare institution (LKS)."""

    CHILDREN = "ANAK", _("Orphanage / children's home (LKSA)")
    ELDERLY = "LANSIA", _("Elderly home")
    DISABILITY = "DISABILITAS", _("Disability home")
    OTHER = "LAINNYA", _("Other")


class Accreditation(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Institution(models.Model):
    """A social welfare institution (LKS) registered with a social affairs office.

    Registered means: in this list with a registration number and not revoked. The
    accreditation (grade and date) decides whether it may receive technical assistance.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        REVOKED = "revoked", _("Registration revoked")

    uid = models.UUIDField(_("system id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_norm = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=12, choices=InstitutionKind.choices)
    # Written as issued ("463/112/DINSOS/2021"); the key is upper-case without spaces.
    registration_number = models.CharField(_("registration number"), max_length=50)
    registration_key = models.CharField(max_length=50, unique=True, editable=False)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    accreditation = models.CharField(
        _("accreditation"), max_length=1, choices=Accreditation.choices, blank=True
    )
    accreditation_date = models.DateField(_("accreditation date"), null=True, blank=True)
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
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    head_name = models.CharField(_("head of the institution"), max_length=150, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_scope_field = "regency"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("institution (LKS)")
        verbose_name_plural = _("institutions (LKS)")

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        return f"{self.name} ({self.registration_number})"

    @property
    def audit_region_code(self) -> str:
        return self.village_id


def registration_key(value: str) -> str:
    """The key of a registration number: upper-case, without spaces."""
    return "".join(str(value or "").upper().split())


class PersonCount(models.Model):
    """People counted by regency/city (PostgreSQL), as rows of changes that triggers on the
    people table add (migration 0010; `berdaya.core.counts` says how they are kept and read).
    The people list reads its count here when nothing but a region narrows it, instead of
    counting up to a million rows on each page. SQLite counts the rows and leaves this empty.
    """

    regency_code = models.CharField(max_length=13)
    n = models.IntegerField()

    region_scope_field = "regency_code"

    def __str__(self) -> str:
        return f"{self.regency_code}: {self.n}"
