from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Uploaded documents live outside STATIC/MEDIA and are served only through a checked view."""
    return storages["private"]


class AuditEvent(models.Model):
    """Who did what to which object, when, with the values before and after.

    Bulk work (a register load) is one event whose per-row changes live in AuditChange.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too: the event must still name its author if the account is renamed.
    actor_username = models.CharField(_("user name"), max_length=150, db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region"), max_length=13, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"


class AuditChange(models.Model):
    """One changed row of a bulk event (a register refresh), kept apart from the event."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="changes")
    object_id = models.CharField(max_length=64, db_index=True)
    change = models.CharField(max_length=20)  # created | updated | left
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit change")
        verbose_name_plural = _("audit changes")

    def __str__(self) -> str:
        return f"{self.change} {self.object_id}"


class StoredFile(models.Model):
    """An uploaded file kept in private storage and served only to those allowed.

    Access follows the region of the object the file belongs to: `region_code` is copied from
    it when the file is stored.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(storage=private_storage, upload_to="%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(_("document kind"), max_length=40, blank=True)
    owner_type = models.CharField(max_length=60, db_index=True)
    owner_id = models.CharField(max_length=64, db_index=True)
    region_code = models.CharField(_("region"), max_length=13, blank=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.original_name
