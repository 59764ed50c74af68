"""An approved proposal no longer changes through intake: by form, withdrawal or upload."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.allocation.decrees import decree_issue, decree_prepare, sheet_for
from berdaya.allocation.services import allocation_approve
from berdaya.intake.models import Proposal
from berdaya.intake.services import proposal_update, proposal_withdraw, proposals_upload
from tests.allocation.conftest import SMD, eligible, set_targets


def test_approved_proposals_change_only_through_the_decision_stage(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 1})
    winner = eligible(wrse, SMD, users["verifier"], name="SITI AMINAH", decile=1)
    other = eligible(wrse, SMD, users["verifier"], name="NURHAYATI", decile=4)
    allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    with pytest.raises(ValidationError, match="cancel the approval"):
        proposal_update(actor=users["op_smd"], proposal=winner, name="SITI AMINAH BINTI ALI")
    # A reserve is not approved: it can still be corrected.
    proposal_update(actor=users["op_smd"], proposal=other, occupation="PEDAGANG")
    decree = decree_prepare(
        actor=users["admin"], program_year=wrse, region=SMD, number="400.9/77/DINSOS/2025"
    )
    decree_issue(actor=users["head"], decree=decree, content_hash=sheet_for(decree).content_hash)
    with pytest.raises(ValidationError, match="revision"):
        proposal_withdraw(actor=users["op_smd"], proposal=winner, reason="Pindah domisili")
    # The same row sent again with other data: refused with its row, the rest saved.
    csv = (
        "ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH\n"
        f"{winner.row_id},{winner.nik},SITI AMINAH BINTI ALI,{winner.birth_date},P,"
        f"{winner.village_code}\n"
        f"NEW1,{winner.nik[:-1]}9,RAHMAWATI,1985-03-12,P,{winner.village_code}\n"
    )
    winner.key = f"id:{winner.row_id}"
    winner.save(update_fields=["key"])
    result = proposals_upload(
        actor=users["op_smd"],
        program_year=wrse,
        region=SMD,
        upload=SimpleUploadedFile("lagi.csv", csv.encode()),
    )
    batch = result.batch
    assert batch.rows_new == 1 and batch.rows_refused == 1 and batch.status == "partly"
    assert batch.errors[0]["row"] == 2 and "revision" in batch.errors[0]["message"]
    winner.refresh_from_db()
    assert winner.name == "SITI AMINAH" and winner.status == Proposal.Status.PROPOSED
