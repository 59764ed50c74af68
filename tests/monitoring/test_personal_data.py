"""Visits and referrals in a data-subject report, and their retention."""

from __future__ import annotations

from django.utils import timezone

from berdaya.core.models import StoredFile
from berdaya.core.personal_data import collect
from berdaya.core.retention import purge
from berdaya.monitoring.defaults import seed_agencies
from berdaya.monitoring.models import PartnerAgency, Visit
from berdaya.monitoring.referrals import referral_complete, referral_create
from tests.monitoring.conftest import record


def test_report_and_purge(users, scheduled):
    seed_agencies(PartnerAgency)
    unit = scheduled(days_ago=95)
    visit, _c = record(unit.visits.get(month=3), users["facilitator"])
    r = referral_create(
        actor=users["op_smd"],
        unit=unit,
        agency=PartnerAgency.objects.get(code="DINKES"),
        service="health",
        reason="Pemeriksaan kesehatan lansia di rumah.",
        contact="0812 0000 1111",
    )
    titles = {s.title for s in collect(users["op_smd"], unit.nik)}
    assert {"Follow-up visits", "Referrals to partner agencies", "Follow-up visit photos"} <= titles
    assert not collect(users["op_bpn"], unit.nik) or "Follow-up visits" not in {
        s.title for s in collect(users["op_bpn"], unit.nik)
    }
    referral_complete(
        actor=users["partner"],
        referral=r,
        outcome="served",
        note="Diperiksa di puskesmas, dapat JKN.",
    )
    # Years on: the photos and the family's contact go; the figures stay.
    later = timezone.now().replace(year=visit.visited_on.year + 7)
    counts = purge(actor=users["admin"], now=later)
    assert counts["visit photos"] == 1 and counts["referral contacts"] == 1
    assert not StoredFile.objects.filter(owner_type="monitoring.visit").exists()
    r.refresh_from_db()
    assert r.contact == "" and "*" in r.subject_nik and r.outcome == "served"
    assert Visit.objects.get(pk=visit.pk).revenue == 1_500_000
