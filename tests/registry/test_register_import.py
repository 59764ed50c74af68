import csv
import datetime as dt
import functools
import string
import threading

import openpyxl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.core.models import AuditChange, AuditEvent
from berdaya.registry import register_import as ri
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.nik import NikError, parse_nik
from berdaya.registry.register_import import (
    reading,
    register_import_create,
    register_import_run,
    staging,
)
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
    store = staging.Store(str(tmp_path), region)
    run = RegisterImport(file_name="x.csv", file_path=str(path), region_filter=region)
    with open(path, "rb") as f:
        write = lambda run, **fields: run.__dict__.update(fields)  # noqa: E731
        writer = type("Keep", (), {"encode": staticmethod(lambda t: [t]), "send": tables.append})
        staging.stage(run, f, store, None, write, writer)
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
    got = reading._NikCheck().apply(pa.array(niks, pa.string()), pa.array(hints, pa.date32()))
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
    got = reading._NikCheck().apply(pa.array(niks), pa.array(hints, pa.date32())).to_pylist()
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
    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    monkeypatch.setattr(reading, "XLSX_BATCH", 2)
    rows = [person(i) for i in range(60)]
    seen = []
    path = write_csv(tmp_path / "a.csv", rows)
    run = register_import_create(actor=users["admin"], path=str(path))
    done = register_import_run(run.pk, progress=lambda r: seen.append((r.status, r.rows_read)))
    assert done.status == "done" and done.inserted == 60
    staging = [n for status, n in seen if status == "staging"]
    assert len(staging) > 3 and staging == sorted(staging) and 0 < staging[0] < 60


@pytest.mark.django_db(transaction=True)
def test_pages_see_the_progress_while_the_file_is_read(users, tmp_path, monkeypatch):
    """Progress is committed outside the merge (on PostgreSQL, through a second connection
    while COPY holds the first): another connection, like a page's, sees it grow."""
    from django.db import connection, connections

    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    path = write_csv(tmp_path / "a.csv", [person(i) for i in range(60)])
    run = register_import_create(actor=users["admin"], path=str(path))
    main = connections[connection.alias]
    page = main.__class__(main.settings_dict, alias=main.alias)
    seen = []

    def peek(r):
        if r.status == "staging":
            with page.cursor() as c:
                c.execute("SELECT rows_read FROM registry_registerimport WHERE id = %s", [r.pk])
                seen.append(c.fetchone()[0])

    try:
        done = register_import_run(run.pk, progress=peek)
    finally:
        page.close()
    assert done.status == "done" and done.inserted == 60
    assert len(seen) > 3 and seen == sorted(seen) and 0 < seen[0] < 60


# --- A first load: all or nothing, and the register keeps its shape ----------------------------


def _register_schema():
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'registry_registerrecord' "
                "ORDER BY indexname"
            )
            indexes = [r[0] for r in c.fetchall()]
            c.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'registry_registerrecord'::regclass "
                "OR confrelid = 'registry_registerrecord'::regclass ORDER BY conname"
            )
            return indexes, c.fetchall()
        c.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'registry_registerrecord' "
            "ORDER BY name"
        )
        objects = c.fetchall()
        c.execute("SELECT * FROM pragma_foreign_key_list('verification_verification')")
        return objects, sorted(c.fetchall())


def _load_tables():
    from django.db import connection

    if connection.vendor == "postgresql":
        return []
    with connection.cursor() as c:
        c.execute("SELECT name FROM sqlite_master WHERE name LIKE 'register_load%'")
        return c.fetchall()


def test_first_load_keeps_the_registers_schema_and_ids(users, tmp_path, base_rows):
    from django.db import connection

    # A register emptied after a load: ids go on after the old ones, never used twice.
    load(users["admin"], write_csv(tmp_path / "a.csv", base_rows[:2]))
    last_id = RegisterRecord.objects.order_by("-id").values_list("id", flat=True)[0]
    RegisterRecord.objects.all().delete()
    if connection.vendor == "postgresql":
        # The deletion's deferred foreign-key checks, done now as its commit would.
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema = _register_schema()
    run = load(users["admin"], write_csv(tmp_path / "b.csv", base_rows))
    assert run.status == "done" and run.inserted == len(base_rows)
    assert _register_schema() == schema
    ids = sorted(RegisterRecord.objects.values_list("id", flat=True))
    assert ids[0] > last_id and ids == list(range(ids[0], ids[0] + len(base_rows)))
    assert _load_tables() == []
    new = RegisterRecord.objects.create(
        source_id="NEW", nik="1", name="X", name_norm="X", row_hash="x", regency_code="64.72"
    )
    assert new.id > ids[-1]


def test_a_first_load_that_fails_leaves_the_register_empty(users, tmp_path, base_rows, monkeypatch):
    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    add = staging.Store.add
    calls = []

    def failing_add(self, table):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk gone")
        return add(self, table)

    monkeypatch.setattr(staging.Store, "add", failing_add)
    schema = _register_schema()
    run = load(users["admin"], write_csv(tmp_path / "a.csv", [person(i) for i in range(60)]))
    assert run.status == "failed" and "disk gone" in run.error
    assert RegisterRecord.objects.count() == 0
    assert _register_schema() == schema and _load_tables() == []
    monkeypatch.setattr(staging.Store, "add", add)
    again = load(users["admin"], tmp_path / "a.csv")
    assert again.status == "done" and again.inserted == 60


def test_a_file_that_fails_to_read_fails_the_import(users, tmp_path, monkeypatch):
    """An error in Arrow's I/O thread (the disk, say) reaches the import, which fails whole."""
    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    readinto, calls = reading.Utf8Stream.readinto, []

    def failing_readinto(self, buffer):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk gone")
        return readinto(self, buffer)

    monkeypatch.setattr(reading.Utf8Stream, "readinto", failing_readinto)
    run = load(users["admin"], write_csv(tmp_path / "a.csv", [person(i) for i in range(60)]))
    assert run.status == "failed" and "disk gone" in run.error
    assert RegisterRecord.objects.count() == 0


def test_a_reading_given_up_leaves_nothing_waiting(tmp_path, monkeypatch):
    """Readings given up after a few blocks (an import that fails) neither wait for Arrow's
    I/O thread nor leave it waiting: with Arrow down to one such thread, either would stall
    everything after (as it once did, on the reader's close)."""
    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    path = write_csv(tmp_path / "a.csv", [person(i) for i in range(60)])
    mapped, _unknown = ri.map_headers(HEADER)
    run = type("Run", (), {})()
    rows = []

    def read() -> None:
        for _ in range(3):
            with open(path, "rb") as f:
                blocks = reading.csv_blocks(run, f, mapped)
                next(blocks), next(blocks)
                blocks.close()
        with open(path, "rb") as f:
            rows.append(sum(block[0].num_rows for block in reading.csv_blocks(run, f, mapped)))

    io_threads = pa.io_thread_count()
    pa.set_io_thread_count(1)
    try:
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout=60)
    finally:
        pa.set_io_thread_count(io_threads)
    assert rows == [60]


def test_ids_repeated_after_a_sorted_start_are_refused(users, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    rows = [person(i) for i in range(40)]
    rows += [person(3, NAMA="Orang Lain"), person(45), person(1, NAMA="Lagi")]
    run = load(users["admin"], write_csv(tmp_path / "a.csv", rows))
    assert (run.rows_read, run.rows_refused, run.inserted) == (41, 2, 41)
    refused = list(csv.reader(run.refused_report.splitlines()))[1:]
    assert [(r[0], r[1]) for r in refused] == [("42", "ID"), ("44", "ID")]
    assert RegisterRecord.objects.get(source_id="R00003").name == "Warga Nomor 3"


def test_rows_that_arrive_while_a_first_load_is_read(users, tmp_path, monkeypatch):
    """SQLite stages a first load beside the register; if the register got rows meanwhile,
    the load is merged with them as a refresh. PostgreSQL holds the register locked instead."""
    from django.db import connection, connections

    monkeypatch.setattr(reading, "BLOCK_BYTES", 1024)
    path = write_csv(tmp_path / "a.csv", [person(i) for i in range(60)])
    run = register_import_create(actor=users["admin"], path=str(path))
    outcome = []

    def meanwhile(r):
        if r.status != "staging" or outcome:
            return
        if connection.vendor == "postgresql":
            main = connections[connection.alias]
            other = main.__class__(main.settings_dict, alias=main.alias)
            try:
                with other.cursor() as c:
                    c.execute("SET lock_timeout = '200ms'")
                    c.execute(
                        "INSERT INTO registry_registerrecord (source_id, nik, nik_valid, "
                        "nik_duplicate, kk, name, name_norm, birth_place, sex, address, "
                        "village_code, regency_code, relation, occupation, life_status, "
                        "disability, extreme_poverty, row_hash, present) VALUES ('R00000', "
                        "'1', true, false, '', 'Lama', 'LAMA', '', '', '', '', '64.72', '', '', "
                        "'', false, false, 'old', true)"
                    )
                outcome.append("written")
            except Exception:  # noqa: BLE001 - what is checked is that it waited
                outcome.append("locked")
            finally:
                other.close()
        else:
            RegisterRecord.objects.create(
                source_id="R00000",
                nik="1",
                name="Lama",
                name_norm="LAMA",
                row_hash="old",
                regency_code="64.72",
                village_code="64.72.01.1001",
            )
            outcome.append("inserted")

    done = register_import_run(run.pk, progress=meanwhile)
    assert done.status == "done", done.error
    if connection.vendor == "postgresql":
        assert outcome == ["locked"] and done.inserted == 60
    else:
        assert outcome == ["inserted"]
        assert (done.inserted, done.updated) == (59, 1)
        assert RegisterRecord.objects.get(source_id="R00000").name == "Warga Nomor 0"
        assert _load_tables() == []
    assert RegisterRecord.objects.count() == 60


def _noted(seen: list, values):
    seen.append(values)
    return values


@pytest.mark.postgres
def test_copy_text_format_keeps_every_character(db, monkeypatch):
    """PostgreSQL gets the rows in COPY's text format: what needs escaping is escaped."""
    from django.db import connection

    from berdaya.registry import register_sql
    from berdaya.registry.register_sql import CopyWriter

    texts = ["plain", 'a "quoted", name', "back\\slash \\N", "tab\there", "two\nlines\r", ""]
    table = pa.table(
        {
            "t": pa.array(texts + [None], pa.string()),
            "d": pa.array([dt.date(2000, 1, i + 1) for i in range(len(texts))] + [None]),
            "b": pa.array([True, False] * 3 + [None]),
        }
    )
    with connection.cursor() as c:
        c.execute("CREATE TEMPORARY TABLE copy_check (id bigint, t text, d date, b boolean)")
        plain_and_null = pa.concat_tables([table.slice(0, 1), table.slice(len(texts))])
        # With values to escape, without, and with NULLs only (written \N, nothing escaped).
        for rows in (table, table.slice(0, 1), plain_and_null):
            with CopyWriter(c, "copy_check", ["id", "t", "d", "b"], first_id=1) as writer:
                escaped: list = []
                with monkeypatch.context() as m:
                    m.setattr(register_sql, "_escaped", functools.partial(_noted, escaped))
                    pieces = writer.encode(rows)
                assert bool(escaped) == (rows is table)  # the quick way unless needed
                if rows is table:
                    pieces = writer.encode(rows)  # escaped for real
                for piece in pieces:
                    writer.send(piece)
            c.execute("SELECT t, d, b FROM copy_check ORDER BY id")
            assert c.fetchall() == [
                (t, d, b)
                for t, d, b in zip(*(rows[k].to_pylist() for k in ("t", "d", "b")), strict=True)
            ]
            c.execute("TRUNCATE copy_check")


def test_names_with_quotes_and_backslashes_load_as_written(users, tmp_path, base_rows):
    rows = [
        dict(base_rows[0], NAMA='Siti "Ani" Aminah', ALAMAT="Jl. Mawar, RT 01\\02"),
        dict(base_rows[1], NAMA="O'Neil \\N", ALAMAT='Gg. "Buntu"; No. 5'),
        *base_rows[2:4],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    run = load(users["admin"], path)
    assert run.status == "done" and run.inserted == 4, run.error
    for row in rows[:2]:
        record = RegisterRecord.objects.get(source_id=row["ID"])
        expected = ri.parse_register_row(row)
        assert (record.name, record.address, record.row_hash) == (
            expected["name"],
            expected["address"],
            expected["row_hash"],
        )
    again = load(users["admin"], path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
