import csv
import datetime as dt
import string

import openpyxl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.core.models import AuditChange, AuditEvent
from berdaya.registry import register_import as ri
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.nik import NikError, parse_nik
from berdaya.registry.register_import import register_import_create, register_import_run
from tests.conftest import make_nik

HEADER = [
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TEMPAT_LAHIR",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "KODE_WILAYAH",
    "DESIL",
    "HUBUNGAN_KELUARGA",
    "PEKERJAAN",
    "STATUS_HIDUP",
]


def person(i, village="64.72.01.1001", sex="P", decile="2", **over):
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=97 * i)
    row = {
        "ID": f"R{i:05d}",
        "NIK": make_nik(village, birth, sex),
        "NO_KK": "",
        "NAMA": f"Warga Nomor {i}",
        "TEMPAT_LAHIR": "Samarinda",
        "TGL_LAHIR": birth.isoformat(),
        "JENIS_KELAMIN": sex,
        "ALAMAT": "RT 01",
        "KODE_WILAYAH": village,
        "DESIL": decile,
        "HUBUNGAN_KELUARGA": "KEPALA KELUARGA",
        "PEKERJAAN": "PEDAGANG",
        "STATUS_HIDUP": "HIDUP",
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
    users, tmp_path, base_rows
):
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
    ws.append(
        [
            "id_dtks",
            "Nomor Induk Kependudukan",
            "Nama Lengkap",
            "Tanggal Lahir",
            "JK",
            "Kode Desa",
            "desil",
        ]
    )
    for r in base_rows[:3]:
        ws.append(
            [
                r["ID"],
                r["NIK"],
                r["NAMA"],
                r["TGL_LAHIR"],
                r["JENIS_KELAMIN"],
                r["KODE_WILAYAH"],
                int(r["DESIL"]),
            ]
        )
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
        register_import_create(
            actor=users["op_smd"], path=str(write_csv(tmp_path / "a.csv", base_rows))
        )


# --- The column-wise reader agrees with parse_register_row, row for row -----------------------


FULL_HEADER = HEADER + ["DISABILITAS", "KEMISKINAN_EKSTREM", "CATATAN"]
SPACES = st.sampled_from([" ", "  ", "\t", "\xa0", "\u3000", "\u2028", ""])


def _messy(core):
    """A value with the whitespace, case and junk that real extracts carry around it."""
    return st.builds(lambda a, v, b: a + v + b, SPACES, core, SPACES) | core


def _text(alphabet=string.ascii_letters + string.digits + " .,'-/\"\r\n"):
    return st.text(alphabet=alphabet, max_size=40)


NIKS = st.one_of(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.builds(
        lambda region, day, month, yy, serial: f"{region}01{day:02d}{month:02d}{yy:02d}{serial}",
        st.sampled_from(["6472", "6471", "6404", "3171", "9999", "0000"]),
        st.integers(0, 99),
        st.integers(0, 13),
        st.integers(0, 99),
        st.sampled_from(["0001", "0000", "0420"]),
    ),
    st.sampled_from(
        [
            "",
            "12345",
            "6.47201E+15",
            "6472015203850001.0",
            "'6472015203850001",
            "6472 0152 0385 0001",
            "647201520385000X",
            "６４７２",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
)
DATES = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)).map(str),
    st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(
        [
            "",
            "31-02-1990",
            "1990-02-30",
            "0000-01-01",
            "2020-13-01",
            "kemarin",
            "1985/03/12",
            "12.03.1985",
            "２０２０-01-01",
        ]
    ),
)
CELLS = {
    "ID": st.one_of(
        st.text(alphabet=string.ascii_uppercase + string.digits, max_size=8),
        _messy(st.sampled_from(["R1", "R2", "R 3", "X" * 70, ""])),
    ),
    "NIK": _messy(NIKS),
    "NO_KK": _messy(st.one_of(NIKS, st.just(""))),
    "NAMA": _messy(
        st.one_of(
            _text(),
            st.sampled_from(["", "Muhammad  Ali", "St. Ámina", "N" * 200, "h. m. yusuf, s.pd"]),
        )
    ),
    "TEMPAT_LAHIR": _messy(_text()),
    "TGL_LAHIR": _messy(DATES),
    "JENIS_KELAMIN": _messy(
        st.sampled_from(["L", "P", "l", "perempuan", "Laki-laki", "X", "", "2", "ß"])
    ),
    "ALAMAT": st.one_of(_text(), _messy(st.sampled_from(["RT 01  RW 02", "Jl. Ñandu", "A" * 300]))),
    "KODE_WILAYAH": _messy(
        st.sampled_from(
            ["64.72.01.1001", "6472011001", "6472", "64.72", "64", "64.72.01", "abc", "", "64.7.2"]
        )
    ),
    "DESIL": _messy(st.sampled_from(["", "1", "4", "10", "11", "0", "04", "x", "３"])),
    "HUBUNGAN_KELUARGA": _messy(
        st.sampled_from(["KEPALA KELUARGA", "istri", "KK", "Anak", "lainnya", "", "Cucu angkat"])
    ),
    "PEKERJAAN": _messy(st.one_of(_text(), st.sampled_from(["straße", "petani", "P" * 90]))),
    "STATUS_HIDUP": _messy(st.sampled_from(["HIDUP", "meninggal", "", "0", "1", "MATI", "?"])),
    "DISABILITAS": _messy(st.sampled_from(["Y", "n", "ya", "TIDAK", "", "-", "maybe"])),
    "KEMISKINAN_EKSTREM": _messy(st.sampled_from(["Y", "N", "", "1", "benar", "no", "2"])),
    "CATATAN": _text(),
}
ROWS = st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=40)


def _python_reading(path):
    """What the row-by-row rules say about every line of the file."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        mapped, _unknown = ri.map_headers(header)
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            record = {name: cells[i] for i, name in enumerate(mapped) if name}
            try:
                out[line] = ri.parse_register_row(record)
            except ri.RowRefused as exc:
                out[line] = (exc.field, exc.reason)
    return out


def _column_reading(path, tmp_path, region=""):
    tables = []
    store = ri._Store(str(tmp_path), region)
    run = RegisterImport(file_name="x.csv", file_path=str(path), region_filter=region)
    with open(path, "rb") as f:
        write = lambda run, **fields: run.__dict__.update(fields)  # noqa: E731
        writer = type("Keep", (), {"encode": staticmethod(lambda t: t), "send": tables.append})
        ri._stage(run, f, store, None, write, writer)
    staged = pa.concat_tables(tables).to_pylist() if tables else []
    return {r.pop("line"): r for r in staged}, list(ri.refused_rows(run))[1:], run


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS)
def test_column_wise_reading_is_parse_register_row(tmp_path, rows):
    path = tmp_path / "x.csv"
    write_csv(path, rows, header=FULL_HEADER)
    expected = _python_reading(path)
    staged, refused, run = _column_reading(path, tmp_path)
    seen_ids = set()
    for line, want in sorted(expected.items()):
        if isinstance(want, tuple):
            assert [str(line), *want] == next(r[:3] for r in refused if r[0] == str(line))
            continue
        if want["source_id"] in seen_ids:  # a repeated ID: refused, the first row kept
            assert any(r[0] == str(line) and r[1] == "ID" for r in refused)
            continue
        seen_ids.add(want["source_id"])
        assert staged[line] == want, line
    assert run.rows_read == len(staged) == len(seen_ids)
    assert run.rows_refused == len(refused)


@settings(max_examples=300, deadline=None)
@given(
    niks=st.lists(NIKS.filter(lambda n: len(n) < 40), min_size=1, max_size=50),
    hints=st.lists(st.one_of(st.none(), st.dates()), min_size=50, max_size=50),
)
def test_nik_check_is_parse_nik(niks, hints):
    hints = hints[: len(niks)]
    got = ri._NikCheck().apply(pa.array(niks, pa.string()), pa.array(hints, pa.date32()))
    assert got.to_pylist() == [ri.nik_is_valid(n, h) for n, h in zip(niks, hints, strict=True)]


@pytest.mark.parametrize("day", ["29", "69"])
@pytest.mark.parametrize("yy", ["00", "04", "23", "24", "25", "26", "99"])
def test_nik_check_on_leap_days_and_this_century(day, yy):
    today = dt.date.today()
    cases = [(f"64720 1{day}02{yy}0001".replace(" ", ""), None)]
    for hint_year in (1900 + int(yy), 2000 + int(yy), 1800 + int(yy), today.year):
        cases.append((cases[0][0], dt.date(hint_year, 1, 1)))
    # Today and tomorrow as a NIK date.
    for d in (today, today + dt.timedelta(days=1)):
        cases.append((f"647201{d.day:02d}{d.month:02d}{d.year % 100:02d}0001", None))
    niks = [nik for nik, _hint in cases]
    hints = [hint for _nik, hint in cases]
    got = ri._NikCheck().apply(pa.array(niks), pa.array(hints, pa.date32())).to_pylist()
    want = []
    for nik, hint in cases:
        try:
            parse_nik(nik, birth_date_hint=hint)
            want.append(True)
        except NikError:
            want.append(False)
    assert got == want


def test_structural_problems_keep_their_line_numbers(users, tmp_path, base_rows):
    path = tmp_path / "x.csv"
    write_csv(path, base_rows[:3])
    text = path.read_text(encoding="utf-8").splitlines()
    text.insert(2, "")  # a blank line: skipped, but counted
    text.insert(3, "R9,64720152038500011")  # too few fields
    quoted = person(40, ALAMAT="RT 01\nDUSUN II")
    body = "\n".join(text) + "\n"
    path.write_text(body, encoding="utf-8")
    with open(path, "a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=HEADER).writerow(quoted)  # a newline inside quotes
        f.write("R41,1,2,3\n")  # too few fields, after the quoted newline
    run = load(users["admin"], path)
    assert run.status == "done", run.error
    assert (run.rows_read, run.rows_refused) == (4, 2)
    refused = list(csv.reader(run.refused_report.splitlines()))[1:]
    # Numbered as the csv module counts records (a quoted newline does not start one).
    assert [(r[0], r[1]) for r in refused] == [("4", "-"), ("8", "-")]
    assert RegisterRecord.objects.get(source_id="R00040").address == "RT 01 DUSUN II"


def test_file_without_ids_and_in_windows_1252(users, tmp_path, base_rows):
    rows = [dict(r, NAMA=r["NAMA"] + " Ñ") for r in base_rows[:4]]
    path = tmp_path / "x.csv"
    with open(path, "w", newline="", encoding="cp1252") as f:
        w = csv.DictWriter(f, fieldnames=HEADER[1:], delimiter="\t", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    run = load(users["admin"], path)
    assert run.status == "done", run.error
    assert run.inserted == 4
    record = RegisterRecord.objects.get(nik=rows[0]["NIK"])
    assert record.name.endswith(" Ñ") and record.source_id.startswith("H")
    expected = ri.parse_register_row({k: v for k, v in rows[0].items() if k != "ID"})
    assert record.source_id == expected["source_id"] and record.row_hash == expected["row_hash"]
    # The same file again is the same rows.
    again = load(users["admin"], path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)


def test_refresh_returns_people_and_recomputes_duplicates_of_old_and_new_niks(
    users, tmp_path, base_rows
):
    first = base_rows[:4] + [person(50, NIK=base_rows[0]["NIK"])]
    load(users["admin"], write_csv(tmp_path / "a.csv", first))
    assert RegisterRecord.objects.filter(nik_duplicate=True).count() == 2
    # R00050 takes R00001's NIK: the first pair is no longer a pair, the second one is; R00003
    # leaves the extract.
    second = base_rows[:3] + [person(50, NIK=base_rows[1]["NIK"])]
    run = load(users["admin"], write_csv(tmp_path / "b.csv", second))
    assert (run.updated, run.left, run.returned, run.unchanged) == (1, 1, 0, 3)
    flags = dict(RegisterRecord.objects.values_list("source_id", "nik_duplicate"))
    assert flags["R00000"] is False and flags["R00050"] is True and flags["R00001"] is True
    assert RegisterRecord.objects.get(source_id="R00003").present is False
    # R00003 comes back unchanged.
    back = load(users["admin"], write_csv(tmp_path / "c.csv", second + [base_rows[3]]))
    assert (back.returned, back.updated, back.inserted, back.left) == (1, 0, 0, 0)
    assert RegisterRecord.objects.get(source_id="R00003").present is True


def test_progress_is_visible_while_the_file_is_read(users, tmp_path, base_rows, monkeypatch):
    monkeypatch.setattr(ri, "BLOCK_BYTES", 1024)
    monkeypatch.setattr(ri, "XLSX_BATCH", 2)
    rows = [person(i) for i in range(60)]
    seen = []
    path = write_csv(tmp_path / "a.csv", rows)
    run = register_import_create(actor=users["admin"], path=str(path))
    done = register_import_run(run.pk, progress=lambda r: seen.append((r.status, r.rows_read)))
    assert done.status == "done" and done.inserted == 60
    staging = [n for status, n in seen if status == "staging"]
    assert len(staging) > 3 and staging == sorted(staging) and 0 < staging[0] < 60
