"""How long personal data is kept, and the purge that ends it (UU 27/2022: no longer than
needed).

Each app registers what it purges: `rule(now, dry_run) -> (label, count)`. The periods are
settings (environment), stated in docs/dpia.md:
- RETENTION_REGISTER_LEFT_YEARS (2): a national-register row that left the extract;
- RETENTION_REFUSED_YEARS (5): a proposal that was withdrawn or found ineligible, with its
  verification, comments and documents, counted from the end of its programme year;
- RETENTION_AUDIT_YEARS (10): audit events (the accountability record outlives the data).
A purge is one transaction and one audit event with its counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from berdaya.core.audit import audit_record

_RULES: list[Callable[[dt.datetime, bool], tuple[str, int]]] = []


def register_rule(fn: Callable[[dt.datetime, bool], tuple[str, int]]) -> None:
    if fn not in _RULES:
        _RULES.append(fn)


def years_ago(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def audit_rule(now: dt.datetime, dry_run: bool) -> tuple[str, int]:
    from berdaya.core.models import AuditChange, AuditEvent

    cutoff = years_ago(now, settings.RETENTION_AUDIT_YEARS)
    old = AuditEvent.objects.filter(at__lt=cutoff)
    count = old.count()
    if not dry_run and count:
        AuditChange.objects.filter(event__in=old).delete()
        old.delete()
    return "audit events", count


def purge(*, actor: Any, dry_run: bool = False, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every retention rule; return what was (or would be) removed."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for rule in [*_RULES, audit_rule]:
            label, n = rule(now, dry_run)
            counts[label] = counts.get(label, 0) + n
        audit_record(
            actor=actor,
            action="retention.purge",
            object_type="system",
            after={"dry_run": dry_run, **counts},
        )
    return counts
