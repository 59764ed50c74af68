"""Retention of handover evidence.

A BAST is an accountability record of public money: its number, items, values and names are
kept. The personal evidence around it (the photo of the person receiving, the GPS position and
the full NIK of the receiver) is removed once the period for audit records
(RETENTION_AUDIT_YEARS, 10 by default) has passed since the end of its programme year; the NIK
is then kept masked, as the printed BAST shows it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from berdaya.core.masking import mask_nik
from berdaya.core.models import StoredFile
from berdaya.distribution.models import Handover


def handover_photos_rule(now: dt.datetime, dry_run: bool) -> tuple[str, int]:
    years = getattr(settings, "RETENTION_HANDOVER_YEARS", settings.RETENTION_AUDIT_YEARS)
    last_year = now.year - years - 1
    old = Handover.objects.filter(program_year__year__lte=last_year).filter(
        Q(photo__isnull=False) | Q(latitude__isnull=False) | Q(receiver_nik__regex=r"^[0-9]{16}$")
    )
    ids = list(old.values_list("pk", flat=True))
    if not dry_run and ids:
        for i in range(0, len(ids), 2000):
            chunk = ids[i : i + 2000]
            for f in StoredFile.objects.filter(
                owner_type="distribution.handover", owner_id__in=[str(pk) for pk in chunk]
            ):
                f.file.delete(save=False)
                f.delete()
            for h in Handover.objects.filter(pk__in=chunk).only("pk", "receiver_nik"):
                Handover.objects.filter(pk=h.pk).update(
                    photo=None,
                    latitude=None,
                    longitude=None,
                    gps_accuracy=None,
                    receiver_nik=mask_nik(h.receiver_nik),
                )
    return "handover evidence", len(ids)
