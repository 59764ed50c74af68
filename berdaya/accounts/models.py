from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.accounts.roles import PROVINCE_ROLES, REGIONAL_ROLES, Role, role_has
from berdaya.regions.models import Region


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": Region.Level.REGENCY, "historical": False},
        related_name="+",
        verbose_name=_("regency/city"),
        help_text=_("Required for operators and facilitators: the only region they work in."),
    )
    agency = models.CharField(
        _("partner agency"),
        max_length=120,
        blank=True,
        help_text=_("For partner agency users: the agency whose referrals they see."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def clean(self) -> None:
        super().clean()
        if self.role in REGIONAL_ROLES and not self.region_id:
            raise ValidationError({"region": _("This role works in one regency/city: choose it.")})
        if self.role not in REGIONAL_ROLES:
            self.region = None
        if self.role == Role.PARTNER and not self.agency.strip():
            raise ValidationError({"agency": _("A partner agency user needs the agency's name.")})

    # The region scope is decided here and applied by berdaya.accounts.scope, nowhere else.
    @property
    def region_scope(self) -> str | None:
        """None: the whole province; a regency code: only that region; "": nothing."""
        if not self.is_active:
            return ""
        if self.role in PROVINCE_ROLES:
            return None
        if self.role in REGIONAL_ROLES and self.region_id:
            return self.region_id
        return ""

    def can_read_region(self, region_code: str | None) -> bool:
        scope = self.region_scope
        if scope is None:
            return True
        if not scope or not region_code:
            return False
        return region_code == scope or region_code.startswith(scope + ".")

    def has_capability(self, capability: str) -> bool:
        return self.is_active and role_has(self.role, capability)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def audit_repr(self) -> str:
        return f"{self.username} ({self.get_role_display()})"

    @property
    def audit_region_code(self) -> str:
        return self.region_id or ""
