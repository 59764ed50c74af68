"""The decree: drafted, signed by the head of office, locked; revised with a reason into a new
version; its PDF read back (names, count, totals in figures and words) and its XLSX."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from berdaya.allocation.decrees import (
    decree_change,
    decree_discard,
    decree_issue,
    decree_prepare,
    decree_revision_start,
    decree_update,
    sheet_for,
)
from berdaya.allocation.documents import decree_pdf
from berdaya.allocation.models import Allocation, Decree, DecreeEntry
from berdaya.allocation.services import allocation_approve, allocation_cancel, recount
from berdaya.core.models import AuditEvent
from berdaya.programs.models import BudgetEnvelope, RegionQuota
from tests.allocation.conftest import SMD, eligible, eligible_group, set_targets


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def approved(users, wrse):
    set_targets(users["admin"], wrse, {SMD: 3})
    people = [
        eligible(wrse, SMD, users["verifier"], name=n, decile=d)
        for n, d in (
            ("SITI AMINAH", 1),
            ("NURHAYATI", 2),
            ("RAHMAWATI", 3),
            ("JUBAIDAH", 4),
            ("MASITAH", 4),
        )
    ]
    allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    return people


def sign(users, decree):
    return decree_issue(
        actor=users["head"], decree=decree, content_hash=sheet_for(decree).content_hash
    )


def test_draft_sign_and_lock(users, wrse, approved):
    decree = decree_prepare(actor=users["admin"], program_year=wrse, region=SMD)
    sheet = sheet_for(decree)
    assert [x.name for x in sheet.recipients] == ["SITI AMINAH", "NURHAYATI", "RAHMAWATI"]
    assert [x.name for x in sheet.reserves] == ["JUBAIDAH", "MASITAH"]
    assert sheet.total == 15_000_000
    # Only the head of office signs, and only a numbered decree.
    with pytest.raises(PermissionDenied):
        decree_issue(actor=users["admin"], decree=decree, content_hash=sheet.content_hash)
    with pytest.raises(ValidationError, match="number"):
        sign(users, decree)
    decree = decree_update(
        actor=users["admin"], decree=decree, number="400.9/101/DINSOS/2025", place="Samarinda"
    )
    # The signer signs what they read: a list changed meanwhile is refused.
    with pytest.raises(ValidationError, match="changed"):
        decree_issue(actor=users["head"], decree=decree, content_hash=sheet.content_hash)
    decree = sign(users, decree)
    assert decree.status == "issued" and decree.units == 3 and decree.total == 15_000_000
    assert decree.signatory_name == users["head"].display_name
    assert DecreeEntry.objects.filter(decree=decree, kind="recipient").count() == 3
    assert DecreeEntry.objects.filter(decree=decree, kind="reserve").count() == 2
    assert decree.pdf is not None and decree.pdf.content_type == "application/pdf"
    assert set(Allocation.objects.filter(status="approved").values_list("decree", flat=True)) == {
        decree.pk
    }
    # Locked: no approval, cancellation or second draft outside a revision.
    a = Allocation.objects.first()
    with pytest.raises(ValidationError, match="revision"):
        allocation_cancel(
            actor=users["admin"],
            program_year=wrse,
            region=SMD,
            allocation_ids=[a.pk],
            reason="Pindah ke luar daerah",
        )
    RegionQuota.objects.filter(region_id=SMD).update(units=5)
    with pytest.raises(ValidationError, match="revision"):
        allocation_approve(actor=users["admin"], program_year=wrse, region=SMD)
    with pytest.raises(ValidationError, match="revision"):
        decree_prepare(actor=users["admin"], program_year=wrse, region=SMD)
    event = AuditEvent.objects.get(action="decree.issue")
    assert event.after["units"] == 3 and event.after["pdf_sha256"] == decree.pdf.sha256
    assert event.changes.count() == 3


def test_the_pdf_reads_back_with_names_count_and_totals(users, wrse, approved):
    decree = decree_prepare(
        actor=users["admin"], program_year=wrse, region=SMD, number="400.9/102/DINSOS/2025"
    )
    decree = sign(users, decree)
    text = pdf_text(decree.pdf.file.open("rb").read())
    for name in ("SITI AMINAH", "NURHAYATI", "RAHMAWATI", "JUBAIDAH", "MASITAH"):
        assert name in text
    assert "400.9/102/DINSOS/2025" in text
    assert "Rp15.000.000" in text and "15.000.000" in text
    assert "Lima belas juta rupiah" in text
    assert "Kota Samarinda".upper() in text.upper()
    # NIKs are printed masked, never whole.
    nik = approved[0].nik
    assert nik not in text and f"{nik[:4]}********{nik[-4:]}" in text
    assert users["head"].display_name in text
    assert decree.content_hash[:16].upper() in text


def test_a_draft_pdf_is_marked(users, wrse, approved):
    decree = decree_prepare(actor=users["admin"], program_year=wrse, region=SMD)
    text = pdf_text(decree_pdf(decree, sheet_for(decree)))
    assert "SITI AMINAH" in text and ("DRAFT" in text or "KONSEP" in text)


def test_revision_removes_and_adds_and_keeps_history(users, wrse, approved):
    decree = decree_prepare(
        actor=users["admin"], program_year=wrse, region=SMD, number="400.9/103/DINSOS/2025"
    )
    v1 = sign(users, decree)
    with pytest.raises(ValidationError, match="reason"):
        decree_revision_start(actor=users["admin"], decree=v1, reason="short")
    v2 = decree_revision_start(
        actor=users["admin"], decree=v1, reason="Penerima meninggal dunia sebelum penyaluran"
    )
    assert v2.version == 2 and v2.status == "draft" and v2.previous_id == v1.pk
    gone = Allocation.objects.get(proposal=approved[1])
    decree_change(
        actor=users["admin"],
        decree=v2,
        action="remove",
        allocation_id=gone.pk,
        note="Meninggal dunia 3 Maret, surat keterangan desa",
    )
    decree_change(
        actor=users["admin"],
        decree=v2,
        action="add",
        key=f"p{approved[3].pk}",
        note="Cadangan pertama menggantikan",
    )
    with pytest.raises(ValidationError, match="already"):
        decree_change(
            actor=users["admin"],
            decree=v2,
            action="add",
            key=f"p{approved[3].pk}",
            note="Cadangan pertama menggantikan",
        )
    sheet = sheet_for(v2)
    assert [x.name for x in sheet.recipients] == ["SITI AMINAH", "RAHMAWATI", "JUBAIDAH"]
    assert [x.name for x in sheet.removed] == ["NURHAYATI"]
    assert [x.name for x in sheet.reserves] == ["MASITAH"]
    v2 = decree_update(actor=users["admin"], decree=v2, number="400.9/104/DINSOS/2025")
    v2 = sign(users, v2)
    v1.refresh_from_db()
    assert v1.status == "superseded" and v2.status == "issued"
    # v1 keeps its lines as printed: history is not rewritten.
    assert list(v1.entries.filter(kind="recipient").values_list("name", flat=True)) == [
        "SITI AMINAH",
        "NURHAYATI",
        "RAHMAWATI",
    ]
    assert list(v2.entries.filter(kind="recipient").values_list("name", "change")) == [
        ("SITI AMINAH", "kept"),
        ("RAHMAWATI", "kept"),
        ("JUBAIDAH", "added"),
    ]
    gone.refresh_from_db()
    assert gone.status == "cancelled" and "Meninggal" in gone.cancel_reason
    assert recount(wrse, SMD) == {"units": 3, "value": 15_000_000}
    q = RegionQuota.objects.get(region_id=SMD)
    assert (q.approved_units, q.committed) == (3, 15_000_000)
    assert BudgetEnvelope.objects.get().committed == 15_000_000
    text = pdf_text(v2.pdf.file.open("rb").read())
    assert "JUBAIDAH" in text and "NURHAYATI" not in text
    assert "Penerima meninggal dunia" in text  # the reason of the revision


def test_a_revision_cannot_pass_the_quota(users, wrse, approved):
    v1 = sign(
        users,
        decree_prepare(
            actor=users["admin"], program_year=wrse, region=SMD, number="400.9/105/DINSOS/2025"
        ),
    )
    v2 = decree_revision_start(
        actor=users["admin"], decree=v1, reason="Tambahan penerima atas sanggahan"
    )
    decree_change(
        actor=users["admin"],
        decree=v2,
        action="add",
        key=f"p{approved[3].pk}",
        note="Tambahan tanpa kuota tersisa",
    )
    v2 = decree_update(actor=users["admin"], decree=v2, number="400.9/106/DINSOS/2025")
    with pytest.raises(ValidationError, match="quota"):
        sign(users, v2)
    v2.refresh_from_db()
    assert v2.status == "draft" and recount(wrse, SMD)["units"] == 3


def test_discarding_a_draft_is_recorded(users, wrse, approved):
    decree = decree_prepare(actor=users["admin"], program_year=wrse, region=SMD)
    decree_discard(actor=users["admin"], decree=decree, reason="Nomor salah, disusun ulang")
    assert not Decree.objects.exists()
    assert AuditEvent.objects.filter(action="decree.discard").exists()


def test_a_group_decree_lists_groups_with_their_chairs(users, kube):
    set_targets(users["admin"], kube, {SMD: 1})
    g, members = eligible_group(kube, SMD, users["verifier"], "KUBE MAJU BERSAMA")
    eligible_group(kube, SMD, users["verifier"], "KUBE SEJAHTERA")
    allocation_approve(actor=users["admin"], program_year=kube, region=SMD, keys=[f"g{g.pk}"])
    decree = decree_prepare(
        actor=users["admin"], program_year=kube, region=SMD, number="400.9/107/DINSOS/2025"
    )
    decree = sign(users, decree)
    text = pdf_text(decree.pdf.file.open("rb").read())
    assert "KUBE MAJU BERSAMA" in text and members[0].name in text
    assert "Rp20.000.000" in text and "Dua puluh juta rupiah" in text
    assert "KUBE SEJAHTERA" in text  # the reserve


def test_xlsx_of_the_decree(client, users, wrse, approved):
    decree = sign(
        users,
        decree_prepare(
            actor=users["admin"], program_year=wrse, region=SMD, number="400.9/108/DINSOS/2025"
        ),
    )
    client.force_login(users["op_smd"])
    response = client.get(f"/penetapan/sk/{decree.pk}/xlsx/")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    names = [r[1] for r in rows[1:4]]
    assert names == ["SITI AMINAH", "NURHAYATI", "RAHMAWATI"]
    assert rows[4][6] == 15_000_000 and rows[5][3] == "Lima belas juta rupiah"
    assert all("*" in r[2] for r in rows[1:4])
    assert AuditEvent.objects.filter(action="export", actor=users["op_smd"]).exists()
