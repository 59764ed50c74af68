"""Referrals: made from a person, a group or a visit; a partner agency's users see only theirs
and record what they did; followed to an outcome."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from berdaya.core.models import AuditEvent
from berdaya.monitoring.models import PartnerAgency, Referral
from berdaya.monitoring.referrals import (
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_create,
    referral_note,
)
from berdaya.monitoring.selectors import agency_for_user, referral_get, referrals_visible
from tests.conftest import BALIKPAPAN_VILLAGE, _make_user
from tests.monitoring.conftest import record


@pytest.fixture
def agencies(db):
    from berdaya.monitoring.defaults import seed_agencies

    seed_agencies(PartnerAgency)
    return {a.code: a for a in PartnerAgency.objects.all()}


def test_the_seed_agencies_and_who_belongs_to_them(users, agencies):
    assert set(agencies) == {"DISPERINDAGKOP", "DISDIKBUD", "DINKES", "DISNAKERTRANS", "PUPR"}
    # The shared fixture's partner names "Dinas Kesehatan": the health office's short name.
    assert agency_for_user(users["partner"]) == agencies["DINKES"]
    odd = _make_user("mitra.x", "partner", agency="  dinas   KESEHATAN ")
    assert agency_for_user(odd) == agencies["DINKES"]
    assert agency_for_user(_make_user("mitra.y", "partner", agency="Dinas Entah")) is None
    assert agency_for_user(users["admin"]) is None


def test_partner_sees_only_referrals_sent_to_its_agency(users, agencies, person_factory):
    own = person_factory(name="Siti Rahmah")
    other = person_factory(village=BALIKPAPAN_VILLAGE, name="Nur Aisyah")
    health = referral_create(
        actor=users["op_smd"],
        person=own,
        agency=agencies["DINKES"],
        service="nutrition",
        reason="Anak balita kurang gizi, perlu PMT.",
    )
    trade = referral_create(
        actor=users["op_smd"],
        person=own,
        agency=agencies["DISPERINDAGKOP"],
        service="product",
        reason="Kemasan dan izin PIRT untuk kue kering.",
    )
    far = referral_create(
        actor=users["op_bpn"],
        person=other,
        agency=agencies["DINKES"],
        service="nutrition",
        reason="Ibu hamil KEK, perlu makanan tambahan.",
    )
    partner = users["partner"]
    assert set(referrals_visible(partner)) == {health, far}  # any region, only its agency
    with pytest.raises(Http404):
        referral_get(partner, trade.uid)
    # Regional staff see their region's, whatever the agency.
    assert set(referrals_visible(users["op_smd"])) == {health, trade}
    assert set(referrals_visible(users["facilitator"])) == {health, trade}
    assert referrals_visible(users["viewer"]).count() == 3
    # A partner without a known agency sees nothing at all.
    lost = _make_user("mitra.z", "partner", agency="Dinas Tidak Dikenal")
    assert referrals_visible(lost).count() == 0
    # Nor can the partner act on another agency's referral.
    with pytest.raises(Http404):
        referral_accept(actor=partner, referral=trade)
    assert Referral.objects.get(pk=trade.pk).status == "sent"


def test_followed_to_an_outcome(users, agencies, person_factory):
    person = person_factory(name="Rusmini")
    r = referral_create(
        actor=users["facilitator"],
        person=person,
        agency=agencies["DINKES"],
        service="nutrition",
        reason="Dua anak balita gizi kurang (BB/U).",
        contact="0812-5555-0101",
    )
    assert (r.region_id, r.subject_nik, r.status) == ("64.72", person.nik, "sent")
    partner = users["partner"]
    referral_accept(actor=partner, referral=r)
    referral_note(actor=partner, referral=r, text="Kunjungan puskesmas, ditimbang dan diukur.")
    # The office may note its own follow-up too.
    referral_note(actor=users["op_smd"], referral=r, text="Keluarga dihubungi, sudah datang.")
    with pytest.raises(ValidationError) as exc:
        referral_complete(actor=partner, referral=r, outcome="", note="")
    assert set(exc.value.message_dict) == {"outcome", "note"}
    referral_complete(
        actor=partner,
        referral=r,
        outcome="served",
        note="Masuk program PMT 90 hari di Puskesmas Lempake.",
    )
    r.refresh_from_db()
    assert (r.status, r.outcome) == ("done", "served")
    assert [a.kind for a in r.actions.all()] == ["accepted", "note", "note", "outcome"]
    with pytest.raises(ValidationError):
        referral_cancel(actor=users["op_smd"], referral=r, reason="Salah kirim ke dinas lain")
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(r.pk), object_type="monitoring.referral"
        ).values_list("action", flat=True)
    )
    assert {"referral.create", "referral.accepted", "referral.note", "referral.outcome"} <= actions


def test_made_from_a_visit_or_a_group_and_never_twice(users, agencies, scheduled, hand_over):
    unit = scheduled(days_ago=95)
    visit, _c = record(unit.visits.get(month=3), users["facilitator"], business_status="stagnant")
    r = referral_create(
        actor=users["facilitator"],
        visit=visit,
        agency=agencies["DISPERINDAGKOP"],
        service="product",
        reason="Perlu pelatihan kemasan dan pemasaran daring.",
    )
    assert r.unit == unit and r.visit == visit and r.subject_name == unit.name
    with pytest.raises(ValidationError) as exc:
        referral_create(
            actor=users["op_smd"],
            unit=unit,
            agency=agencies["DISPERINDAGKOP"],
            service="product",
            reason="Kemasan produk, dikirim lagi.",
        )
    assert "already has an open referral" in str(exc.value)
    allocation, _h = hand_over(program="KUBE", group=True)
    g = referral_create(
        actor=users["op_smd"],
        group=allocation.group,
        agency=agencies["DISNAKERTRANS"],
        service="training",
        reason="Anggota kelompok ingin pelatihan las.",
    )
    assert g.subject_name.startswith("KUBE") and len(g.subject_nik) == 16
    # Another region's person is not the operator's to refer.
    other = scheduled(region="64.71", days_ago=95)
    with pytest.raises(Http404):
        referral_create(
            actor=users["op_smd"],
            unit=other,
            agency=agencies["DINKES"],
            service="health",
            reason="Perlu pemeriksaan kesehatan lansia.",
        )


def test_validation_names_the_fields(users, agencies, person_factory):
    person = person_factory()
    with pytest.raises(ValidationError) as exc:
        referral_create(
            actor=users["op_smd"],
            person=person,
            agency=agencies["DINKES"],
            service="teleport",
            reason="pendek",
        )
    assert set(exc.value.message_dict) == {"service", "reason"}
    with pytest.raises(Exception) as exc:
        referral_create(
            actor=users["partner"],
            person=person,
            agency=agencies["DINKES"],
            service="health",
            reason="Mitra tidak boleh membuat rujukan.",
        )
    assert exc.type.__name__ == "PermissionDenied"


def test_partner_pages_show_only_theirs_and_log_each_opening(
    client, users, agencies, person_factory
):
    own = person_factory(name="Siti Rahmah")
    mine = referral_create(
        actor=users["op_smd"],
        person=own,
        agency=agencies["DINKES"],
        service="nutrition",
        reason="Anak balita kurang gizi, perlu PMT.",
    )
    theirs = referral_create(
        actor=users["op_smd"],
        person=own,
        agency=agencies["DISPERINDAGKOP"],
        service="product",
        reason="Kemasan dan izin PIRT untuk kue kering.",
    )
    client.force_login(users["partner"])
    page = client.get("/pemantauan/rujukan/").content.decode()
    assert str(mine.uid) in page and str(theirs.uid) not in page
    detail = client.get(f"/pemantauan/rujukan/{mine.uid}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert own.nik not in text and own.masked_nik in text
    assert AuditEvent.objects.filter(action="referral.view", object_id=str(mine.pk)).exists()
    assert client.get(f"/pemantauan/rujukan/{theirs.uid}/").status_code == 404
    assert client.get("/pemantauan/").status_code == 403
    assert client.get(f"/orang/{own.pk}/").status_code in (403, 404)
    response = client.post(
        f"/pemantauan/rujukan/{mine.uid}/hasil/",
        {"outcome": "waiting", "note": "Masuk daftar tunggu PMT bulan depan."},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.outcome) == ("done", "waiting")
