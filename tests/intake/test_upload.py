import io
import subprocess
import sys

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.models import AuditEvent
from berdaya.intake.models import Proposal, UploadBatch
from berdaya.intake.services import proposal_create, proposals_upload
from berdaya.programs.services import program_year_for

HEADER = "ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,HUBUNGAN_KELUARGA\n"
GOOD = [
    "1,6472015203850001,Siti Aminah,1985-03-12,P,64.72.01.1001,KEPALA KELUARGA",
    "2,647201520385000,Nur Hasanah,12-03-1985,P,64.72.01.1001,ISTRI",  # 15 digits: accepted
]
BAD = [
    "3,6472015203850003,Rahmawati,1985-13-40,P,64.72.01.1001,KEPALA KELUARGA",
    "4,6.47201E+15,Salmah,1980-01-01,P,64.72.01.1001,KEPALA KELUARGA",
    "5,6472015203850005,Aisyah,1980-01-01,W,64.72.01.1001,KEPALA KELUARGA",
    "6,6472015203850006,Fatimah,1980-01-01,P,sungai,KEPALA KELUARGA",
]


def csv_file(rows, name="usulan.csv"):
    return SimpleUploadedFile(name, (HEADER + "\n".join(rows) + "\n").encode())


@pytest.fixture
def py(users):
    return program_year_for(actor=users["admin"], program="WRSE", year=2025)[0]


def test_clean_upload_is_saved_and_sending_it_again_creates_nothing(users, py):
    result = proposals_upload(
        actor=users["op_smd"], program_year=py, region="64.72", upload=csv_file(GOOD)
    )
    assert result.saved and result.batch.rows_new == 2
    again = proposals_upload(
        actor=users["op_smd"], program_year=py, region="64.72", upload=csv_file(GOOD)
    )
    assert again.batch.rows_new == 0 and again.batch.rows_same == 2
    assert Proposal.objects.count() == 2
    assert {p.row_id for p in Proposal.objects.all()} == {"1", "2"}


def test_rows_with_errors_save_nothing_and_name_row_and_field(users, py):
    result = proposals_upload(
        actor=users["op_smd"], program_year=py, region="64.72", upload=csv_file(GOOD + BAD)
    )
    assert not result.saved and Proposal.objects.count() == 0
    errors = {(e["row"], e["field"]) for e in result.batch.errors}
    assert errors == {(4, "TGL_LAHIR"), (5, "NIK"), (6, "JENIS_KELAMIN"), (7, "KODE_WILAYAH")}
    excel = next(e for e in result.batch.errors if e["field"] == "NIK")
    assert "Teks" in excel["message"] or "Text" in excel["message"]


def test_accept_valid_saves_the_readable_rows(users, py):
    result = proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=csv_file(GOOD + BAD),
        accept_valid=True,
    )
    assert result.saved and result.batch.status == UploadBatch.Status.PARTLY_SAVED
    assert Proposal.objects.count() == 2


def test_a_corrected_row_with_the_same_id_updates_the_proposal(users, py):
    proposals_upload(actor=users["op_smd"], program_year=py, region="64.72", upload=csv_file(GOOD))
    fixed = [GOOD[0], GOOD[1].replace("647201520385000,", "6472015203850002,")]
    result = proposals_upload(
        actor=users["op_smd"], program_year=py, region="64.72", upload=csv_file(fixed)
    )
    assert (result.batch.rows_new, result.batch.rows_changed, result.batch.rows_same) == (0, 1, 1)
    assert Proposal.objects.get(row_id="2").nik == "6472015203850002"
    event = AuditEvent.objects.get(action="proposal.correct")
    assert event.before == {"nik": "647201520385000"}


def test_rows_without_id_are_the_same_when_all_fields_agree(users, py):
    rows = [",".join(r.split(",")[1:]) for r in GOOD]
    header = HEADER.split(",", 1)[1]
    upload = lambda: SimpleUploadedFile("x.csv", (header + "\n".join(rows)).encode())  # noqa: E731
    first = proposals_upload(
        actor=users["op_smd"], program_year=py, region="64.72", upload=upload()
    )
    assert first.batch.rows_new == 2
    assert {p.row_id for p in Proposal.objects.all()} == {"row-1", "row-2"}
    second = proposals_upload(
        actor=users["op_smd"], program_year=py, region="64.72", upload=upload()
    )
    assert second.batch.rows_same == 2 and Proposal.objects.count() == 2


def test_operator_cannot_propose_for_another_region(users, py):
    with pytest.raises(ValidationError):
        proposals_upload(
            actor=users["op_smd"], program_year=py, region="64.71", upload=csv_file(GOOD)
        )
    assert UploadBatch.objects.count() == 0


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "kosong"),
        (b"ID,NAMA\n1,Ani\n", "NIK"),
        (b"PK\x03\x04 broken zip", "XLSX"),
        (b"\xd0\xcf\x11\xe0 old excel", ".xls"),
        (HEADER.encode(), "tidak ada baris"),
    ],
)
def test_unreadable_files_get_a_clear_message(users, py, content, needle):
    result = proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=SimpleUploadedFile("f.csv", content),
    )
    assert result.batch.status == UploadBatch.Status.REFUSED
    assert needle.lower() in result.batch.file_error.lower()
    assert Proposal.objects.count() == 0


def test_xlsx_upload_and_numeric_nik(users, py):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ID", "NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH"])
    ws.append(["1", "6472015203850001", "Siti", "1985-03-12", "P", "64.72.01.1001"])
    ws.append(["2", 6472015203850002, "Ani", "1985-03-12", "P", "64.72.01.1001"])
    buf = io.BytesIO()
    book.save(buf)
    result = proposals_upload(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        upload=SimpleUploadedFile("u.xlsx", buf.getvalue()),
    )
    assert [(e["row"], e["field"]) for e in result.batch.errors] == [(3, "NIK")]


def test_upload_pages_and_error_sheet(client, users, py):
    client.force_login(users["op_smd"])
    response = client.post(
        "/usulan/unggah/", {"py": py.pk, "region": "64.72", "file": csv_file(GOOD + BAD)}
    )
    assert response.status_code == 302
    batch = UploadBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "TGL_LAHIR" in page and "Simpan baris yang terbaca" in page
    sheet = client.get(f"/usulan/unggahan/{batch.pk}/kesalahan/")
    ws = openpyxl.load_workbook(io.BytesIO(sheet.content)).active
    assert ws.cell(1, 8).value == "KESALAHAN"
    assert "TGL_LAHIR" in ws.cell(4, 8).value and not ws.cell(2, 8).value
    client.post(f"/usulan/unggahan/{batch.pk}/simpan/")
    assert Proposal.objects.count() == 2
    batch.refresh_from_db()
    assert batch.status == UploadBatch.Status.PARTLY_SAVED
    # Another region's operator sees none of it.
    client.force_login(users["op_bpn"])
    assert client.get(f"/usulan/unggahan/{batch.pk}/").status_code == 404


def test_template_has_text_columns_and_dropdowns(client, users, py):
    client.force_login(users["op_smd"])
    response = client.get(f"/usulan/templat/?py={py.pk}&region=64.72")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = book.worksheets[0]
    assert [c.value for c in ws[1]][:3] == ["ID", "NIK", "NO_KK"]
    assert ws["B2"].number_format == "@"
    sqrefs = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert "G2" in sqrefs and "J2" in sqrefs
    codes = book.worksheets[2]
    assert codes["A2"].value.startswith("64.72.")
    assert client.get(f"/usulan/templat/?py={py.pk}&region=64.71").status_code == 404


def test_form_entry(users, py):
    p = proposal_create(
        actor=users["op_smd"],
        program_year=py,
        region="64.72",
        nik="6472015203850001",
        name="Siti",
        birth_date="1985-03-12",
        sex="P",
        village_code="6472011001",
    )
    assert p.row_id == "form" and p.village_code == "64.72.01.1001"
    with pytest.raises(ValidationError) as exc:
        proposal_create(
            actor=users["op_smd"],
            program_year=py,
            region="64.72",
            nik="",
            name="",
            birth_date=None,
            sex="X",
            village_code="?",
        )
    assert {"nik", "name", "birth_date", "sex", "village_code"} <= set(exc.value.message_dict)


def test_cli_exit_codes(users, py, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "u.csv"
    path.write_text(HEADER + "\n".join(GOOD + BAD) + "\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(
            "import-proposals",
            str(path),
            "--program",
            "WRSE",
            "--year",
            "2025",
            "--region",
            "64.72",
            "--dry-run",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert exc.value.code == 1
    assert "TGL_LAHIR" in err.getvalue() and Proposal.objects.count() == 0
    # --accept-valid saves the readable rows and succeeds; the refused ones are still listed.
    err = io.StringIO()
    call_command(
        "import-proposals",
        str(path),
        "--program",
        "WRSE",
        "--year",
        "2025",
        "--region",
        "64.72",
        "--accept-valid",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert Proposal.objects.count() == 2 and "TGL_LAHIR" in err.getvalue()
    # A usage error (a missing option) exits 2 before anything is read.
    done = subprocess.run(
        [sys.executable, "-m", "berdaya", "import-proposals", str(path), "--program", "WRSE"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "--year" in done.stderr
