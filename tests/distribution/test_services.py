"""The rules of distribution, held in the services: a decree issued, nobody dead, training
first (unless the programme year allows otherwise), never more than the package, partial
handovers recorded as such, a record sent twice stored once, region scope and audit."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from berdaya.allocation.models import Allocation
from berdaya.core.models import AuditEvent, StoredFile
from berdaya.distribution.models import Handover, Participant, UnitPackage
from berdaya.distribution.services import (
    attendance_mark,
    handover_problems,
    handover_void,
    realised,
    session_cancel,
    session_invite,
    unit_package_set,
)
from tests.distribution.conftest import BPN, SMD, eligible, held_session, photo, record


def test_a_full_handover_is_recorded_with_its_number_value_and_photo(users, wrse, trained):
    unit = trained[0]
    handover, created = record(users, unit)
    assert created and not handover.partial
    assert handover.number == "BAST/WRSE/2025/64.72/0001"
    assert handover.value == 4_750_000
    assert handover.receiver_name == "SITI AMINAH"
    assert handover.photo.content_type == "image/jpeg"
    assert handover.photo.region_code == SMD
    assert handover.officer_name == users["facilitator"].display_name
    package = UnitPackage.objects.get(allocation=unit)
    assert package.status == "complete" and package.delivered_value == 4_750_000
    unit.refresh_from_db()
    assert unit.realised_value == 4_750_000 == realised(wrse, SMD)
    event = AuditEvent.objects.get(action="handover.record")
    assert event.region_code == SMD and event.actor_username == "fac.smd"
    assert event.after["value"] == 4_750_000
    # The whole package given: nothing more may be handed over.
    assert "already been handed over" in " ".join(handover_problems(unit))
    with pytest.raises(ValidationError):
        record(users, unit, quantities={handover.lines.first().item_id: 1})
    second, _ = record(users, trained[1])
    assert second.number.endswith("/0002")


def test_a_partial_handover_is_recorded_as_partial_and_the_rest_follows(users, trained, catalogue):
    unit = trained[0]
    first, _ = record(
        users, unit, quantities={catalogue["etalase"].pk: 1, catalogue["beras"].pk: 4}
    )
    assert first.partial and first.value == 1_800_000
    assert UnitPackage.objects.get(allocation=unit).status == "partial"
    # More than is left of the package is refused, naming the item.
    with pytest.raises(ValidationError, match="only 6 are left"):
        record(users, unit, quantities={catalogue["beras"].pk: 7})
    with pytest.raises(ValidationError, match="not in this unit's package"):
        other = catalogue["etalase"].__class__.objects.create(
            code="X-1", name="Mesin jahit", unit="unit", unit_price=100
        )
        record(users, unit, quantities={other.pk: 1})
    rest, _ = record(users, unit)
    assert not rest.partial and rest.value == 2_950_000
    package = UnitPackage.objects.get(allocation=unit)
    assert package.status == "complete"
    assert [x.delivered for x in package.lines.order_by("pk")] == [1, 1, 10]
    unit.refresh_from_db()
    assert unit.realised_value == 4_750_000


def test_the_same_record_sent_twice_is_stored_once(users, trained):
    unit, key = trained[0], uuid.uuid4()
    first, created = record(users, unit, key=key)
    again, created_again = record(users, unit, key=key, place="somewhere else")
    assert created and not created_again and again.pk == first.pk
    assert Handover.objects.count() == 1
    assert StoredFile.objects.filter(owner_type="distribution.handover").count() == 1
    assert AuditEvent.objects.filter(action="handover.record").count() == 1
    unit.refresh_from_db()
    assert unit.realised_value == first.value
    # A key reused for another unit is refused, not silently matched.
    with pytest.raises(ValidationError, match="another handover"):
        record(users, trained[1], key=key)


def test_no_handover_outside_an_issued_decree(users, wrse, trained):
    # Approved but in no decree (a unit approved after the decree, awaiting a revision).
    p = eligible(wrse, SMD, users["verifier"], name="BELUM SK")
    loose = Allocation.objects.create(
        program_year=wrse,
        region_id=SMD,
        proposal=p,
        rank=9,
        score=10,
        value=5_000_000,
        approved_at=timezone.now(),
    )
    assert "not in an issued decree" in handover_problems(loose)[0]
    with pytest.raises(ValidationError, match="not in an issued decree"):
        record(users, loose, quantities={})
    # A recipient cancelled by a revision gets nothing either.
    unit = trained[2]
    Allocation.objects.filter(pk=unit.pk).update(status="cancelled")
    unit.refresh_from_db()
    with pytest.raises(ValidationError, match="not in an issued decree"):
        record(users, unit)
    assert not Handover.objects.exists()


def test_no_handover_to_a_person_the_register_now_marks_dead(users, trained):
    from berdaya.registry.models import RegisterRecord

    unit = trained[0]
    record_row = unit.proposal.verification.register_record
    RegisterRecord.objects.filter(pk=record_row.pk).update(life_status="MENINGGAL")
    with pytest.raises(ValidationError, match="deceased"):
        record(users, unit)
    # Also when another current row of the register with the same NIK says so.
    other = trained[1]
    rr = other.proposal.verification.register_record
    RegisterRecord.objects.create(
        source_id="NEW-1",
        nik=rr.nik,
        name=rr.name,
        name_norm=rr.name_norm,
        village_code=rr.village_code,
        regency_code=rr.regency_code,
        life_status="MENINGGAL",
        row_hash="x",
    )
    with pytest.raises(ValidationError, match="deceased"):
        record(users, other)
    assert not Handover.objects.exists()


def test_no_handover_before_training_unless_the_programme_year_allows(users, wrse, packaged):
    unit = packaged[0]
    with pytest.raises(ValidationError, match="Bimtek"):
        record(users, unit)
    # Invited is not trained; absent is not trained; a session in the future does not count.
    session = held_session(users, wrse)
    participant = session.participants.get(allocation=unit)
    attendance_mark(actor=users["facilitator"], session=session, marks={participant.pk: "absent"})
    with pytest.raises(ValidationError, match="Bimtek"):
        record(users, unit)
    attendance_mark(actor=users["facilitator"], session=session, marks={participant.pk: "attended"})
    # Training yesterday does not cover a handover dated before it.
    with pytest.raises(ValidationError, match="Bimtek"):
        record(users, unit, handed_on=timezone.localdate() - dt.timedelta(days=2))
    handover, _ = record(users, unit)
    assert handover.pk
    # A programme year that allows it: goods before the training.
    wrse.handover_before_training = True
    wrse.save()
    assert handover_problems(packaged[1]) == []
    early, _ = record(users, packaged[1])
    assert early.pk


def test_a_handover_needs_a_photo_a_place_and_a_date_not_in_the_future(users, trained):
    unit = trained[0]
    with pytest.raises(ValidationError, match="photo"):
        record(users, unit, photo=None)
    with pytest.raises(ValidationError, match="future"):
        record(users, unit, handed_on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        record(users, unit, place=" ")
    with pytest.raises(ValidationError, match="before the decree"):
        record(users, unit, handed_on=timezone.localdate() - dt.timedelta(days=400))
    with pytest.raises(ValidationError, match="latitude"):
        record(users, unit, latitude="-0.5")
    with pytest.raises(ValidationError):
        record(users, unit, photo=photo().__class__("x.jpg", b"not an image at all"))
    h, _ = record(users, unit, latitude="-0.502106", longitude="117.153709", gps_accuracy="12")
    assert str(h.latitude) == "-0.502106" and h.gps_accuracy == 12
    assert not Handover.objects.exclude(pk=h.pk).exists()


def test_only_facilitators_of_the_region_and_the_province_record(users, wrse, trained):
    from berdaya.allocation.models import Allocation

    bpn_unit = Allocation.objects.filter(program_year=wrse, region_id=BPN).first()
    with pytest.raises(Http404):
        record(users, bpn_unit, actor=users["facilitator"], quantities={})
    for role in ("viewer", "head", "verifier", "op_smd", "partner"):
        with pytest.raises(PermissionDenied):
            record(users, trained[0], actor=users[role])
    h, _ = record(users, trained[0], actor=users["admin"])
    assert h.officer_name == users["admin"].display_name


def test_a_void_handover_stays_and_gives_back_what_it_counted(users, wrse, trained):
    unit = trained[0]
    h, _ = record(users, unit)
    with pytest.raises(PermissionDenied):
        handover_void(actor=users["facilitator"], handover=h, reason="salah penerima barang")
    with pytest.raises(ValidationError, match="reason"):
        handover_void(actor=users["admin"], handover=h, reason="salah")
    handover_void(actor=users["admin"], handover=h, reason="Salah penerima, dicatat ulang")
    h.refresh_from_db()
    assert h.voided and h.void_reason.startswith("Salah")
    unit.refresh_from_db()
    assert unit.realised_value == 0 == realised(wrse, SMD)
    assert UnitPackage.objects.get(allocation=unit).status == "pending"
    again, _ = record(users, unit)
    assert again.number.endswith("/0002")
    with pytest.raises(ValidationError, match="already void"):
        handover_void(actor=users["admin"], handover=h, reason="Salah penerima, dicatat ulang")


def test_packages_stay_within_the_value_with_the_remainder_shown(users, wrse, decreed, catalogue):
    from berdaya.programs.catalogue import package_check, package_save

    with pytest.raises(ValidationError, match="more than the value per unit"):
        package_save(
            actor=users["admin"],
            program_year=wrse,
            name="Terlalu mahal",
            quantities={catalogue["kulkas"].pk: 3},
        )
    package = package_save(
        actor=users["admin"],
        program_year=wrse,
        name="Kulkas",
        quantities={catalogue["kulkas"].pk: 1},
    )
    assert package_check(wrse, package.total).remainder == 2_500_000
    with pytest.raises(ValidationError, match="more than the"):
        unit_package_set(
            actor=users["admin"],
            allocation=decreed[0],
            lines=[(catalogue["kulkas"], 2), (catalogue["beras"], 1)],
        )
    with pytest.raises(PermissionDenied):
        unit_package_set(actor=users["facilitator"], allocation=decreed[0], source=package)
    p = unit_package_set(actor=users["admin"], allocation=decreed[0], source=package)
    assert p.total == 2_500_000 and decreed[0].value - p.total == 2_500_000
    assert AuditEvent.objects.filter(action="package.set").count() == 1


def test_attendance_is_marked_on_the_day_within_the_region(users, wrse, packaged):
    future = held_session(users, wrse, days_ago=-3, title="Bimtek nanti")
    someone = future.participants.first()
    with pytest.raises(ValidationError, match="not started"):
        attendance_mark(actor=users["facilitator"], session=future, marks={someone.pk: "attended"})
    session = held_session(users, wrse, days_ago=0, title="Bimtek hari ini", invite=False)
    # Invited above to a session still to come: "invite all" leaves them out.
    with pytest.raises(ValidationError, match="Nobody left"):
        session_invite(actor=users["admin"], session=session)
    assert (
        session_invite(
            actor=users["admin"], session=session, allocation_ids=[a.pk for a in packaged]
        )
        == 3
    )
    marks = {p.pk: "attended" for p in session.participants.all()}
    assert attendance_mark(actor=users["facilitator"], session=session, marks=marks) == 3
    # Sent twice (a phone that retried): nothing changes, nothing is logged twice.
    assert attendance_mark(actor=users["facilitator"], session=session, marks=marks) == 0
    assert AuditEvent.objects.filter(action="bimtek.attendance").count() == 1
    session.refresh_from_db()
    assert session.status == "held"
    with pytest.raises(ValidationError, match="not invited"):
        attendance_mark(actor=users["facilitator"], session=session, marks={someone.pk: "absent"})
    with pytest.raises(PermissionDenied):
        attendance_mark(actor=users["viewer"], session=session, marks=marks)
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        session_cancel(actor=users["admin"], session=session, reason="Hujan deras, ditunda")
    other = held_session(users, wrse, region=BPN, title="Bimtek Balikpapan")
    with pytest.raises(Http404):
        attendance_mark(actor=users["facilitator"], session=other, marks={})


def test_only_units_of_the_issued_decree_are_invited(users, wrse, packaged):
    p = eligible(wrse, SMD, users["verifier"], name="BELUM SK")
    loose = Allocation.objects.create(
        program_year=wrse,
        region_id=SMD,
        proposal=p,
        rank=9,
        score=10,
        value=5_000_000,
        approved_at=timezone.now(),
    )
    session = held_session(users, wrse)
    assert set(session.participants.values_list("allocation_id", flat=True)) == {
        a.pk for a in packaged
    }
    with pytest.raises(ValidationError, match="issued decree"):
        session_invite(actor=users["admin"], session=session, allocation_ids=[loose.pk])
    with pytest.raises(ValidationError, match="Nobody left"):
        session_invite(actor=users["admin"], session=session)
    assert not Participant.objects.filter(allocation=loose).exists()


def test_a_group_receives_through_its_board_never_a_dead_member(users, kube, catalogue):
    from berdaya.distribution.services import attendance_mark
    from berdaya.programs.catalogue import package_save
    from berdaya.registry.models import RegisterRecord
    from tests.distribution.conftest import eligible_group, issue_decree, set_targets

    set_targets(users["admin"], kube, {SMD: 1})
    group, members = eligible_group(kube, SMD, users["verifier"], "KUBE Maju Bersama")
    issue_decree(users, kube, SMD, "400.9/9/SK-KUBE/2025")
    unit = Allocation.objects.get(program_year=kube, group=group)
    package = package_save(
        actor=users["admin"],
        program_year=kube,
        name="Warung KUBE",
        quantities={catalogue["kulkas"].pk: 4},
    )
    unit_package_set(actor=users["admin"], allocation=unit, source=package)
    session = held_session(users, kube, title="Bimtek KUBE")
    assert session.participants.count() == 5  # every member is invited
    chair = session.participants.get(role="KETUA")
    attendance_mark(actor=users["facilitator"], session=session, marks={chair.pk: "attended"})
    RegisterRecord.objects.filter(pk=members[0].verification.register_record_id).update(
        life_status="MENINGGAL"
    )
    with pytest.raises(ValidationError, match="deceased"):
        record(users, unit, receiver_id=members[0].pk)
    # By default the first living member of the board receives: the secretary here.
    h, _ = record(users, unit, quantities={catalogue["kulkas"].pk: 2})
    assert h.receiver_id == members[1].pk and h.receiver_role == "SEKRETARIS"
    assert h.partial


def test_realised_values_match_the_handovers(users, wrse, trained):
    for unit in trained:
        record(users, unit)
    total = sum(
        a.realised_value for a in Allocation.objects.filter(program_year=wrse, region_id=SMD)
    )
    assert total == realised(wrse, SMD) == 3 * 4_750_000


def test_a_recipient_with_goods_handed_over_cannot_leave_the_decree(users, wrse, trained):
    from berdaya.allocation.decrees import decree_change, decree_revision_start, sheet_for
    from berdaya.allocation.models import Decree

    unit, other = trained[0], trained[1]
    h, _ = record(users, unit)
    v1 = Decree.objects.get(program_year=wrse, region_id=SMD, status="issued")
    v2 = decree_revision_start(actor=users["admin"], decree=v1, reason="Penerima pindah domisili")
    with pytest.raises(ValidationError, match=h.number.replace("/", ".")):
        decree_change(
            actor=users["admin"],
            decree=v2,
            action="remove",
            allocation_id=unit.pk,
            note="Pindah ke luar provinsi",
        )
    # A removal drafted before the goods went out cannot be signed once they have.
    decree_change(
        actor=users["admin"],
        decree=v2,
        action="remove",
        allocation_id=other.pk,
        note="Pindah ke luar provinsi",
    )
    assert sheet_for(v2).problems == []
    late, _ = record(users, other)
    assert any(late.number in p for p in sheet_for(v2).problems)
    # Voided, the handover no longer holds the recipient.
    handover_void(actor=users["admin"], handover=h, reason="Salah penerima, dicatat ulang")
    change = decree_change(
        actor=users["admin"],
        decree=v2,
        action="remove",
        allocation_id=unit.pk,
        note="Pindah ke luar provinsi",
    )
    assert change.pk


def test_allowing_goods_before_training_verifies_nothing_again(users, wrse, decreed):
    from berdaya.programs.services import program_year_update
    from berdaya.verification.models import Verification

    assert Verification.objects.filter(stale=True).count() == 0
    program_year_update(actor=users["admin"], program_year=wrse, handover_before_training=True)
    wrse.refresh_from_db()
    assert wrse.handover_before_training
    assert Verification.objects.filter(stale=True).count() == 0
    program_year_update(actor=users["admin"], program_year=wrse, max_decile=3)
    assert Verification.objects.filter(stale=True).count() > 0
