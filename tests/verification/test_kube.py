"""KUBE groups: members verified like persons, the group by size, villages and other groups."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from berdaya.intake.models import Proposal, ProposalGroup
from berdaya.intake.services import proposals_upload
from berdaya.programs.services import program_year_for
from berdaya.verification.models import GroupVerification, Verification
from berdaya.verification.services import verify
from tests.verification.test_verify import load_register, reg_row

V1, V2 = "64.72.01.1001", "64.72.01.1002"
PEOPLE = [
    reg_row(10 + i, name, dt.date(1970 + i, 1 + i, 3 + i), sex="L" if i % 2 else "P")
    for i, name in enumerate(
        [
            "AHMAD RIFAI",
            "SUMIATI",
            "BAHRUL ILMI",
            "NORMAH",
            "JUHRAN",
            "SALASIAH",
            "ARBAINAH",
            "MUKHLIS",
        ]
    )
]
PEOPLE[6]["STATUS_HIDUP"] = "MENINGGAL"
PEOPLE.append(reg_row(30, "SYAHRANI", dt.date(1982, 4, 4), village=V2, sex="L"))
HEADER = (
    "ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,HUBUNGAN_KELUARGA,KELOMPOK,"
    "JABATAN,JENIS_USAHA\n"
)
ROLES = ["KETUA", "SEKRETARIS", "BENDAHARA", "ANGGOTA", "ANGGOTA", "ANGGOTA"]


def member(i, person, group, role):
    return (
        f"{i},{person['NIK']},{person['NAMA']},{person['TGL_LAHIR']},"
        f"{person['JENIS_KELAMIN']},{person['KODE_WILAYAH']},KEPALA KELUARGA,{group},{role},"
        "Warung sembako"
    )


def upload(users, py, lines):
    data = (HEADER + "\n".join(lines) + "\n").encode()
    return proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=SimpleUploadedFile("kube.csv", data),
    )


@pytest.fixture
def py(users, tmp_path):
    load_register(users, tmp_path, PEOPLE)
    return program_year_for(actor=users["admin"], program="KUBE", year=2025)[0]


def group_of(name):
    g = ProposalGroup.objects.get(name=name)
    gv = GroupVerification.objects.get(group=g)
    return gv.verdict, gv.reasons


def test_a_dead_member_puts_the_group_in_review_and_replacing_them_clears_it(users, py):
    lines = [
        member(i + 1, PEOPLE[j], "KUBE Maju Bersama", ROLES[i])
        for i, j in enumerate([0, 1, 2, 3, 6])
    ]
    result = upload(users, py, lines)
    assert result.saved and ProposalGroup.objects.count() == 1
    verify(actor=users["verifier"], program_year=py)
    dead = Proposal.objects.get(row_id="5")
    assert Verification.objects.get(proposal=dead).reasons == ["DECEASED"]
    assert group_of("KUBE Maju Bersama") == ("review", [])
    # The operator replaces the member: the same row ID with another person.
    lines[4] = member(5, PEOPLE[4], "KUBE Maju Bersama", "ANGGOTA")
    assert upload(users, py, lines).batch.rows_changed == 1
    verify(actor=users["verifier"], program_year=py)
    assert group_of("KUBE Maju Bersama") == ("eligible", [])


def test_group_size_villages_and_other_groups(users, py):
    lines = [member(i + 1, PEOPLE[i], "KUBE Kecil", ROLES[i]) for i in range(4)]
    lines += [
        member(10 + i, PEOPLE[j], "KUBE Dua Desa", ROLES[i]) for i, j in enumerate([4, 5, 7, 8, 3])
    ]
    upload(users, py, lines)
    verify(actor=users["verifier"], program_year=py)
    assert group_of("KUBE Kecil") == ("ineligible", ["GROUP_SIZE"])
    verdict, reasons = group_of("KUBE Dua Desa")
    assert verdict == "ineligible" and "GROUP_VILLAGES" in reasons
    assert "MEMBER_IN_OTHER_GROUP" in reasons
    normah = Proposal.objects.get(row_id="14")  # Normah is already in KUBE Kecil
    assert Verification.objects.get(proposal=normah).reasons == ["MEMBER_IN_OTHER_GROUP"]
    first = Proposal.objects.get(row_id="4")
    assert "MEMBER_IN_OTHER_GROUP" not in Verification.objects.get(proposal=first).reasons


def test_a_group_without_its_board_is_refused_at_upload(users, py):
    lines = [member(i + 1, PEOPLE[i], "KUBE Tanpa Ketua", "ANGGOTA") for i in range(5)]
    result = upload(users, py, lines)
    assert not result.saved and ProposalGroup.objects.count() == 0
    assert {e["field"] for e in result.batch.errors} == {"JABATAN"}
    assert "KETUA" in result.batch.errors[0]["message"]


def test_missing_group_columns_are_named(users, py):
    data = b"NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH\n1,A,1980-01-01,L,64.72\n"
    result = proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=SimpleUploadedFile("k.csv", data),
    )
    assert "KELOMPOK" in result.batch.file_error and "JABATAN" in result.batch.file_error


def test_export_has_group_columns(users, py, tmp_path):
    lines = [
        member(i + 1, PEOPLE[j], "KUBE Maju Bersama", ROLES[i])
        for i, j in enumerate([0, 1, 2, 3, 4])
    ]
    upload(users, py, lines)
    verify(actor=users["verifier"], program_year=py)
    out = tmp_path / "k.csv"
    call_command(
        "export-verdicts",
        "--program",
        "KUBE",
        "--year",
        "2025",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert list(rows[0])[-3:] == ["group_id", "group_verdict", "group_reasons"]
    assert {r["group_id"] for r in rows} == {"KUBE Maju Bersama"}
    assert {r["group_verdict"] for r in rows} == {"eligible"}
