"""Private storage for uploaded documents and photos: checked, resized, served only when allowed."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from berdaya.core.audit import audit_record
from berdaya.core.models import StoredFile

# What an upload's first bytes must be; the browser's declared type is not trusted.
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
MAX_IMAGE_SIDE = 2000
Image.MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused, not resized


def sniff_type(head: bytes) -> str | None:
    for sig, ctype in _SIGNATURES.items():
        if head.startswith(sig):
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _normalise_image(data: bytes) -> tuple[bytes, str]:
    """Re-encode an image: resized to at most MAX_IMAGE_SIDE, EXIF (and its GPS) dropped."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg"
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image cannot be read: %(err)s") % {"err": exc}) from exc


@transaction.atomic
def check_upload_size(upload: Any, limit: int | None = None) -> None:
    """Refuse an upload over the limit before reading it, saying both sizes."""
    limit = limit or settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file %(name)s is %(size).1f MB; at most %(limit).1f MB is allowed.")
            % {"name": upload.name, "size": size / 1e6, "limit": limit / 1e6}
        )


def stored_file_save(
    *,
    actor: Any,
    upload: Any,
    owner: Any,
    kind: str = "",
    max_bytes: int | None = None,
) -> StoredFile:
    """Check and store an uploaded file for `owner` (a model with `audit_region_code`)."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    check_upload_size(upload, limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file %(name)s is larger than %(limit).1f MB.")
            % {"name": upload.name, "limit": limit / 1e6}
        )
    if not data:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": upload.name})
    ctype = sniff_type(data[:16])
    if ctype is None:
        raise ValidationError(
            _("The file %(name)s is not a PDF, JPEG, PNG or WebP file.") % {"name": upload.name}
        )
    if ctype.startswith("image/"):
        data, ctype = _normalise_image(data)
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    if ctype == "image/jpeg" and not name.lower().endswith((".jpg", ".jpeg")):
        name = name.rsplit(".", 1)[0] + ".jpg"
    stored = StoredFile(
        original_name=name,
        content_type=ctype,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        owner_type=owner._meta.label_lower,
        owner_id=str(owner.pk),
        region_code=getattr(owner, "audit_region_code", "") or "",
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    stored.file.save(name, ContentFile(data), save=False)
    try:
        stored.save()
        audit_record(
            actor=actor,
            action="file.upload",
            obj=owner,
            note=f"{kind}: {name} ({len(data)} B)",
            after={"file": str(stored.pk), "kind": kind, "sha256": stored.sha256},
        )
    except Exception:
        # No row, no file: a failed save must not leave a document on disk.
        stored.file.delete(save=False)
        raise
    return stored


def stored_file_for_user(user: Any, file_id: Any) -> StoredFile:
    """The file if the user may read its owner's region; otherwise 404, as for a missing file."""
    try:
        stored = StoredFile.objects.get(pk=file_id)
    except (StoredFile.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if not user.is_authenticated or not user.can_read_region(stored.region_code):
        raise Http404
    return stored


def files_of(owner: Any) -> list[StoredFile]:
    return list(
        StoredFile.objects.filter(owner_type=owner._meta.label_lower, owner_id=str(owner.pk))
    )
