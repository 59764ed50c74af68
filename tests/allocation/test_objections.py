"""Objections (sanggahan): recorded by the region or the province, reviewed and answered by the
province; an upheld one becomes a revision of the decree, resolved when it is signed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from berdaya.allocation.decrees import decree_issue, decree_prepare, decree_update, sheet_for
from berdaya.allocation.models import Allocation, Decree, DecreeChange
from berdaya.allocation.objections import objection_answer, objection_record, objection_review
from berdaya.allocation.services import allocation_approve
from berdaya.core.models import AuditEvent
from tests.allocation.conftest import BPN, SMD, eligible, set_targets


@pytest.fixture
def decree(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 2, BPN: 1})
    people = [
        eligible(wrse, SMD, users["verifier"], name=n, decile=d)
        for n, d in (("SITI AMINAH", 1), ("NURHAYATI", 2), ("JUBAIDAH", 4))
    ]
    allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    d = decree_prepare(
        actor=users["admin"], program_year=wrse, region=SMD, number="400.9/201/DINSOS/2025"
    )
    d = decree_issue(actor=users["head"], decree=d, content_hash=sheet_for(d).content_hash)
    return d, people


def test_a_reported_recipient_upheld_is_removed_by_the_revision(users, wrse, decree):
    d, people = decree
    entry = d.entries.get(name="NURHAYATI")
    o = objection_record(
        actor=users["op_smd"],
        decree=d,
        kind="ineligible",
        complainant_name="Ketua RT 05",
        complainant_contact="0812",
        description="Suami penerima adalah PNS aktif",
        entry_id=entry.pk,
    )
    assert o.status == "received" and o.subject_name == "NURHAYATI"
    # The region records; only the province reviews and answers.
    with pytest.raises(PermissionDenied):
        objection_answer(actor=users["op_smd"], objection=o, upheld=True, answer="x" * 20)
    objection_review(
        actor=users["verifier"], objection=o, note="Cek data kepegawaian BKD: suami PNS golongan II"
    )
    o, notice = objection_answer(
        actor=users["verifier"],
        objection=o,
        upheld=True,
        answer="Benar, penerima dikeluarkan dari SK",
    )
    assert o.status == "upheld" and o.revision is not None and o.revision.version == 2
    change = DecreeChange.objects.get(decree=o.revision)
    assert change.action == "remove" and change.allocation_id == entry.allocation_id
    assert "2" in notice
    # The first reserve replaces her; the head signs the revision; the objection is resolved.
    from berdaya.allocation.decrees import decree_change

    decree_change(
        actor=users["admin"],
        decree=o.revision,
        action="add",
        key=f"p{people[2].pk}",
        note="Cadangan pertama menggantikan",
    )
    rev = decree_update(actor=users["admin"], decree=o.revision, number="400.9/202/DINSOS/2025")
    rev = decree_issue(actor=users["head"], decree=rev, content_hash=sheet_for(rev).content_hash)
    o.refresh_from_db()
    assert o.status == "resolved"
    assert list(rev.entries.filter(kind="recipient").values_list("name", flat=True)) == [
        "SITI AMINAH",
        "JUBAIDAH",
    ]
    assert Allocation.objects.get(pk=entry.allocation_id).status == "cancelled"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"objection.record", "objection.review", "objection.answer", "decree.issue"} <= actions


def test_a_rejected_objection_changes_nothing_and_cannot_be_answered_twice(users, decree):
    d, _people = decree
    o = objection_record(
        actor=users["admin"],
        decree=d,
        kind="other",
        complainant_name="Warga",
        description="Pembagian tidak merata antar RT",
    )
    o, _n = objection_answer(
        actor=users["admin"],
        objection=o,
        upheld=False,
        answer="Penetapan mengikuti peringkat desil DTSEN",
    )
    assert o.status == "rejected" and o.revision is None
    with pytest.raises(ValidationError):
        objection_answer(
            actor=users["admin"], objection=o, upheld=True, answer="Berubah pikiran setelah rapat"
        )
    assert not Decree.objects.filter(previous=d).exists()


def test_a_person_left_out_is_added_when_eligible(users, wrse, decree):
    d, people = decree
    o = objection_record(
        actor=users["op_smd"],
        decree=d,
        kind="left_out",
        complainant_name="JUBAIDAH",
        description="Saya layak tetapi tidak masuk",
        proposal_uid=people[2].uid,
    )
    o, notice = objection_answer(
        actor=users["admin"],
        objection=o,
        upheld=True,
        answer="Diterima: ditambahkan dalam perubahan SK",
    )
    change = DecreeChange.objects.get(decree=o.revision)
    assert change.action == "add" and change.proposal_id == people[2].pk


def test_objections_stay_in_their_region(users, wrse, decree):
    d, _people = decree
    with pytest.raises(Http404):
        objection_record(
            actor=users["op_bpn"],
            decree=d,
            kind="other",
            complainant_name="Warga",
            description="Penerima tidak tepat sasaran",
        )
    with pytest.raises(ValidationError) as exc:
        objection_record(
            actor=users["op_smd"],
            decree=d,
            kind="ineligible",
            complainant_name="Warga",
            description="Penerima tidak tepat sasaran",
            received_on=dt.date.today() + dt.timedelta(days=3),
        )
    assert {"entry", "received_on"} <= set(exc.value.error_dict)
