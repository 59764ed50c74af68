"""Retention of refused proposals: withdrawn or ineligible proposals, with their verification,
comments and documents, are removed some years after their programme year ended."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from berdaya.core.models import StoredFile
from berdaya.intake.models import Proposal


def refused_proposals_rule(now: dt.datetime, dry_run: bool) -> tuple[str, int]:
    last_year = now.year - settings.RETENTION_REFUSED_YEARS - 1
    old = Proposal.objects.filter(program_year__year__lte=last_year).filter(
        Q(status=Proposal.Status.WITHDRAWN) | Q(verification__verdict="ineligible")
    )
    ids = list(old.values_list("pk", flat=True))
    if not dry_run and ids:
        for i in range(0, len(ids), 2000):
            chunk = [str(pk) for pk in ids[i : i + 2000]]
            for f in StoredFile.objects.filter(owner_type="intake.proposal", owner_id__in=chunk):
                f.file.delete(save=False)
                f.delete()
        Proposal.objects.filter(pk__in=ids).delete()
    return "refused proposals", len(ids)
