"""Retention: what is past its period goes, what is not stays; a dry run removes nothing."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from berdaya.core.models import AuditEvent
from berdaya.core.retention import purge
from berdaya.intake.models import Proposal
from berdaya.intake.services import proposal_create, proposal_withdraw
from berdaya.programs.services import program_year_for
from berdaya.registry.models import RegisterRecord
from berdaya.verification.models import Verification
from tests.conftest import SAMARINDA_VILLAGE


def _record(i, present, changed):
    return RegisterRecord(
        source_id=f"R{i}",
        nik=f"64720101018{i:05d}",
        name="X",
        name_norm="X",
        village_code=SAMARINDA_VILLAGE,
        regency_code="64.72",
        row_hash="h",
        present=present,
        changed_at=changed,
    )


def test_purge_removes_only_what_is_past_its_period(users, person_factory):
    now = timezone.now()
    RegisterRecord.objects.bulk_create(
        [
            _record(1, False, now - dt.timedelta(days=3 * 365)),  # left 3 years ago: goes
            _record(2, False, now - dt.timedelta(days=300)),  # left last year: stays
            _record(3, True, now - dt.timedelta(days=9 * 365)),  # still present: stays
        ]
    )
    siti = person_factory(village=SAMARINDA_VILLAGE, name="Siti Rahmah")
    old_py, _n = program_year_for(actor=users["admin"], program="WRSE", year=now.year - 7)
    new_py, _n = program_year_for(actor=users["admin"], program="WRSE", year=now.year - 1)

    def propose(py):
        return proposal_create(
            actor=users["op_smd"],
            program_year=py,
            region="64.72",
            nik=siti.nik,
            name=siti.name,
            birth_date=siti.birth_date,
            sex="P",
            village_code=SAMARINDA_VILLAGE,
            relation="KEPALA KELUARGA",
        )

    old_withdrawn, old_eligible, recent_withdrawn = (
        propose(old_py),
        propose(old_py),
        propose(new_py),
    )
    proposal_withdraw(actor=users["op_smd"], proposal=old_withdrawn, reason="pindah domisili")
    proposal_withdraw(actor=users["op_smd"], proposal=recent_withdrawn, reason="pindah")
    Verification.objects.create(proposal=old_eligible, verdict="eligible")
    AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id").first().pk).update(
        at=now - dt.timedelta(days=11 * 366)
    )
    dry = purge(actor=users["admin"], dry_run=True)
    core = {"register rows that left the extract": 1, "refused proposals": 1, "audit events": 1}
    # Later apps add their own rules (photos, referral contacts): nothing of theirs is due here.
    assert {k: dry[k] for k in core} == core
    assert {k: v for k, v in dry.items() if k not in core and v} == {}
    assert RegisterRecord.objects.count() == 3 and Proposal.objects.count() == 3
    out = io.StringIO()
    call_command("purge", stdout=out)
    assert "removed 1 refused proposals" in out.getvalue()
    assert set(RegisterRecord.objects.values_list("source_id", flat=True)) == {"R2", "R3"}
    assert set(Proposal.objects.values_list("pk", flat=True)) == {
        old_eligible.pk,
        recent_withdrawn.pk,
    }
    event = AuditEvent.objects.filter(action="retention.purge").order_by("id").last()
    assert event.after["refused proposals"] == 1 and not event.after["dry_run"]
