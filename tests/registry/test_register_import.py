import csv
import datetime as dt

import openpyxl
import pytest

from berdaya.core.models import AuditChange, AuditEvent
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.register_import import register_import_create, register_import_run
from tests.conftest import make_nik

HEADER = ["ID", "NIK", "NO_KK", "NAMA", "TEMPAT_LAHIR", "TGL_LAHIR", "JENIS_KELAMIN", "ALAMAT",
          "KODE_WILAYAH", "DESIL", "HUBUNGAN_KELUARGA", "PEKERJAAN", "STATUS_HIDUP"]


def person(i, village="64.72.01.1001", sex="P", decile="2", **over):
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=97 * i)
    row = {
        "ID": f"R{i:05d}", "NIK": make_nik(village, birth, sex), "NO_KK": "",
        "NAMA": f"Warga Nomor {i}", "TEMPAT_LAHIR": "Samarinda", "TGL_LAHIR": birth.isoformat(),
        "JENIS_KELAMIN": sex, "ALAMAT": "RT 01", "KODE_WILAYAH": village, "DESIL": decile,
        "HUBUNGAN_KELUARGA": "KEPALA KELUARGA", "PEKERJAAN": "PEDAGANG", "STATUS_HIDUP": "HIDUP",
    }
    row.update(over)
    return row


def write_csv(path, rows, delimiter=",", header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def load(actor, path, region=""):
    run = register_import_create(actor=actor, path=str(path), region=region)
    return register_import_run(run.pk)


@pytest.fixture
def base_rows():
    return [person(i) for i in range(10)] + [
        person(i, village="64.71.01.1001") for i in range(10, 15)
    ]


def test_first_load_keeps_invalid_and_duplicate_niks(users, tmp_path, base_rows):
    rows = base_rows + [
        person(20, NIK="12345"),  # invalid, kept and flagged
        person(21, NIK=base_rows[0]["NIK"], NAMA="Orang Lain"),  # duplicate NIK, kept
        person(22, TGL_LAHIR="31-02-1990"),  # not a date: refused
    ]
    run = load(users["admin"], write_csv(tmp_path / "dtks.csv", rows, delimiter=";"))
    assert run.status == "done", run.error
    assert (run.rows_read, run.inserted, run.rows_refused) == (17, 17, 1)
    assert RegisterRecord.objects.get(source_id="R00020").nik_valid is False
    dups = RegisterRecord.objects.filter(nik=base_rows[0]["NIK"])
    assert dups.count() == 2 and all(r.nik_duplicate for r in dups)
    assert "TGL_LAHIR" in run.refused_report and "R00022" in run.refused_report
    event = AuditEvent.objects.get(action="register.import")
    assert event.actor == users["admin"] and event.after["inserted"] == 17


def test_refresh_updates_in_place_marks_leavers_and_touches_only_its_regions(
        users, tmp_path, base_rows):
    load(users["admin"], write_csv(tmp_path / "a.csv", base_rows))
    ids_before = dict(RegisterRecord.objects.values_list("source_id", "id"))
    # Samarinda only: one changed decile, one died, one left, one new.
    smd = [dict(r) for r in base_rows[:10]]
    smd[0]["DESIL"] = "7"
    smd[1]["STATUS_HIDUP"] = "MENINGGAL"
    del smd[2]
    smd.append(person(30))
    run = load(users["admin"], write_csv(tmp_path / "b.csv", smd))
    assert (run.inserted, run.updated, run.left, run.unchanged) == (1, 2, 1, 7)
    assert run.regions == ["64.72"]
    r0 = RegisterRecord.objects.get(source_id="R00000")
    assert r0.decile == 7 and r0.id == ids_before["R00000"]  # updated in place
    assert RegisterRecord.objects.get(source_id="R00002").present is False
    # Balikpapan was not in the file: untouched, still present.
    assert RegisterRecord.objects.filter(regency_code="64.71", present=True).count() == 5
    changes = AuditChange.objects.filter(event=run.audit_event)
    assert changes.filter(change="updated").count() == 2
    upd = changes.get(change="updated", object_id=str(r0.id))
    assert upd.before["decile"] == 2 and upd.after["decile"] == 7
    assert changes.filter(change="left").count() == 1
    assert changes.filter(change="created").count() == 1
    # The same file again changes nothing.
    again = load(users["admin"], write_csv(tmp_path / "c.csv", smd))
    assert (again.inserted, again.updated, again.left, again.unchanged) == (0, 0, 0, 10)


def test_region_option_limits_the_refresh(users, tmp_path, base_rows):
    load(users["admin"], write_csv(tmp_path / "a.csv", base_rows))
    run = load(users["admin"], write_csv(tmp_path / "b.csv", base_rows[:3]), region="6472")
    assert run.regions == ["64.72"]
    assert run.left == 7
    assert RegisterRecord.objects.filter(regency_code="64.71", present=True).count() == 5


def test_xlsx_with_aliases_and_excel_damaged_nik(users, tmp_path, base_rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["id_dtks", "Nomor Induk Kependudukan", "Nama Lengkap", "Tanggal Lahir", "JK",
               "Kode Desa", "desil"])
    for r in base_rows[:3]:
        ws.append([r["ID"], r["NIK"], r["NAMA"], r["TGL_LAHIR"], r["JENIS_KELAMIN"],
                   r["KODE_WILAYAH"], int(r["DESIL"])])
    ws.append(["X1", 6472015203850001, "Angka", "1985-03-12", "P", "64.72.01.1001", 2])
    book.save(tmp_path / "dtks.xlsx")
    run = load(users["admin"], tmp_path / "dtks.xlsx")
    assert run.status == "done", run.error
    assert run.inserted == 3 and run.rows_refused == 1
    assert "Text" in run.refused_report or "Teks" in run.refused_report


def test_missing_columns_fail_with_the_names(users, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("ID,NAMA\n1,Ani\n", encoding="utf-8")
    run = load(users["admin"], path)
    assert run.status == RegisterImport.Status.FAILED
    assert "NIK" in run.error and "TGL_LAHIR" in run.error
    assert RegisterRecord.objects.count() == 0


def test_only_province_admin_imports(users, tmp_path, base_rows):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register_import_create(actor=users["op_smd"],
                               path=str(write_csv(tmp_path / "a.csv", base_rows)))
