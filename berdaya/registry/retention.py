"""Retention of the national register: rows that left the extract are kept for a while (a
person may come back, a decision may be questioned), then removed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from berdaya.core.retention import years_ago
from berdaya.registry.models import RegisterRecord

CHUNK = 5000


def register_left_rule(now: dt.datetime, dry_run: bool) -> tuple[str, int]:
    cutoff = years_ago(now, settings.RETENTION_REGISTER_LEFT_YEARS)
    old = RegisterRecord.objects.filter(present=False, changed_at__lt=cutoff)
    count = old.count()
    if not dry_run:
        while True:
            ids = list(old.values_list("pk", flat=True)[:CHUNK])
            if not ids:
                break
            RegisterRecord.objects.filter(pk__in=ids).delete()
    return "register rows that left the extract", count
