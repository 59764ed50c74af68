"""Retention of monitoring's personal data.

A visit's figures (business status, revenue, workers) are the evaluation of public money and
are kept; its photos of the family and their home are removed RETENTION_MONITORING_YEARS
(5 by default) after the year of the visit. A referral that ended (outcome recorded or
cancelled) keeps its agency, service and outcome, but loses the family's address and contact,
and its NIK is kept masked, the same number of years after it ended.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from berdaya.core.masking import mask_nik
from berdaya.core.models import StoredFile
from berdaya.monitoring.models import Referral, Visit


def _years() -> int:
    return int(getattr(settings, "RETENTION_MONITORING_YEARS", 5))


def visit_photos_rule(now: dt.datetime, dry_run: bool) -> tuple[str, int]:
    last_year = now.year - _years() - 1
    ids = [
        str(pk)
        for pk in Visit.objects.filter(visited_on__year__lte=last_year).values_list("pk", flat=True)
    ]
    count = 0
    for i in range(0, len(ids), 2000):
        files = StoredFile.objects.filter(
            owner_type="monitoring.visit", owner_id__in=ids[i : i + 2000]
        )
        count += files.count()
        if not dry_run:
            for f in files:
                f.file.delete(save=False)
                f.delete()
    return "visit photos", count


def referral_contacts_rule(now: dt.datetime, dry_run: bool) -> tuple[str, int]:
    cutoff = now - dt.timedelta(days=365 * _years())
    old = Referral.objects.filter(
        status__in=[Referral.Status.DONE, Referral.Status.CANCELLED], updated_at__lt=cutoff
    ).filter(~Q(address="") | ~Q(contact="") | Q(subject_nik__regex=r"^[0-9]{16}$"))
    rows = list(old.values_list("pk", "subject_nik"))
    if not dry_run:
        for pk, nik in rows:
            Referral.objects.filter(pk=pk).update(address="", contact="", subject_nik=mask_nik(nik))
    return "referral contacts", len(rows)
