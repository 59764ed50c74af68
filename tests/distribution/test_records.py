"""Distribution in the rest of the system: the dashboards' stages, a person's data report,
the retention of handover evidence."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from berdaya.core.models import StoredFile
from berdaya.core.personal_data import collect
from berdaya.core.retention import purge
from berdaya.distribution.models import Handover
from berdaya.distribution.stages import count_handed_over, count_trained
from tests.distribution.conftest import BPN, SMD, record


def test_stages_count_trained_and_fully_handed_over_units(users, wrse, trained):
    record(users, trained[0])
    record(
        users, trained[1], quantities={trained[1].package.lines.order_by("pk").first().item_id: 1}
    )
    assert count_trained(wrse, [SMD, BPN]) == {SMD: 3}
    assert count_handed_over(wrse, [SMD, BPN]) == {SMD: 1}
    assert count_trained(wrse, [BPN]) == {}


def test_a_persons_report_lists_handovers_and_attendance_in_scope(users, trained):
    h, _ = record(users, trained[0])
    nik = h.receiver_nik
    titles = [s.title for s in collect(users["op_smd"], nik)]
    assert "Handovers of goods (BAST)" in titles
    assert "Training (Bimtek) attendance" in titles and "Handover photos" in titles
    section = next(s for s in collect(users["op_smd"], nik) if s.title.startswith("Handovers"))
    assert section.rows[0][2] == h.number
    assert not [s for s in collect(users["op_bpn"], nik) if "BAST" in s.title]


def test_old_handover_evidence_is_purged_and_the_record_kept(users, wrse, trained):
    h, _ = record(users, trained[0], latitude="-0.5", longitude="117.1")
    path = h.photo.file.path
    later = timezone.now() + dt.timedelta(days=366 * (settings.RETENTION_AUDIT_YEARS + 2))
    counts = purge(actor=users["admin"], dry_run=True, now=later)
    assert counts["handover evidence"] == 1 and Handover.objects.get().photo_id
    purge(actor=users["admin"], now=later)
    h = Handover.objects.get()
    assert h.photo_id is None and h.latitude is None and h.receiver_nik.count("*") == 8
    assert h.number and h.value == 4_750_000
    assert not StoredFile.objects.filter(owner_type="distribution.handover").exists()
    import os

    assert not os.path.exists(path)
    # Recent evidence stays.
    assert purge(actor=users["admin"], dry_run=True)["handover evidence"] == 0
