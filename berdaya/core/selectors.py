from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from berdaya.core.models import AuditEvent


def audit_events(
    user: Any,
    *,
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail for admins and auditors: whole province (they hold no region)."""
    if not user.has_capability("audit.view"):
        raise PermissionDenied("audit.view")
    qs = AuditEvent.objects.all()
    if user.region_scope is not None:
        qs = (
            qs.filter(region_code__startswith=user.region_scope) if user.region_scope else qs.none()
        )
    if username:
        qs = qs.filter(actor_username__iexact=username.strip())
    if action:
        qs = qs.filter(action__startswith=action.strip())
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(
            at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs


def object_history(object_type: str, object_id: Any, limit: int = 50) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .exclude(action="person.reveal")
        .order_by("-at", "-id")[:limit]
    )
