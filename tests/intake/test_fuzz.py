"""Bad input, generated: every upload and form answers with a clear message, never a server
error, and never saves half of what it was sent.

Files: wrong headers, broken XLSX and ZIP, huge cells, formulas, odd encodings, empty files,
random bytes; through the proposal upload (every programme's format), the past-recipient list,
the LKS register and the national register import. Forms: random values in every field.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from berdaya.intake.models import Proposal, UploadBatch
from berdaya.intake.services import proposals_upload
from berdaya.programs.models import PastRecipient
from berdaya.programs.services import program_by_code, program_year_for, recipients_import
from berdaya.registry.institutions import institutions_import
from berdaya.registry.models import Institution, RegisterImport, RegisterRecord

# Inputs tried per kind, printed at the end of the module.
FUZZED: Counter[str] = Counter()


@pytest.fixture(autouse=True, scope="module")
def _figure(request):
    yield
    if FUZZED:
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        parts = ", ".join(f"{n} {what}" for what, n in FUZZED.items())
        with capture.global_and_fixture_disabled():
            print(f"\nfuzzing: {sum(FUZZED.values())} inputs tried ({parts})")


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
COLUMNS = [
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
    "HUBUNGAN_KELUARGA",
    "PEKERJAAN",
    "KELOMPOK",
    "JABATAN",
    "JENIS_USAHA",
    "KATEGORI",
    "KEBUTUHAN",
    "NILAI",
    "NAMA_LEMBAGA",
    "NO_REGISTRASI",
    "JENIS_LEMBAGA",
    "AKREDITASI",
    "TGL_AKREDITASI",
    "ALAMAT",
    "TAHUN",
    "nik ",
    "Nama Lengkap",
    "",
    "=cmd|' /C calc'!A0",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "6472015708880003",
            "6.47201E+15",
            "647201570888000",
            "1988-08-17",
            "17-08-1988",
            "31-02-1988",
            "P",
            "L",
            "X",
            "KEPALA KELUARGA",
            "64.72",
            "64.72.01.1001",
            "99.99",
            "KETUA",
            "ANGGOTA",
            "LUT",
            "ZZZ",
            "Rp15.000.000",
            "-5",
            "A",
            "D",
            "=1+1",
            "@SUM(A1)",
            "+62812",
            "ANAK",
            "\u00a0",
            "null",
        ]
    ),
    st.text(max_size=40),
    st.text(alphabet="0123456789", min_size=15, max_size=17),
)


@st.composite
def sheets(draw, columns=COLUMNS, required=()):
    """A CSV-like text with a chosen header and rows of chosen cells."""
    header = [*required, *draw(st.lists(st.sampled_from(columns), min_size=0, max_size=12))]
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 2), max_size=6))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))

    def line(cells):
        return sep.join(
            '"' + c.replace('"', '""') + '"' if sep in c or "\n" in c else c for c in cells
        )

    text = "\n".join([line(header), *map(line, rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def _xlsx(cells: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    ws = book.active
    for row in cells:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _broken_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='a' r:id='x'/>")
    return buf.getvalue()


FILES = st.one_of(
    sheets().map(lambda b: ("usulan.csv", b)),
    st.binary(max_size=300).map(lambda b: ("usulan.csv", b)),
    st.binary(max_size=300).map(lambda b: ("usulan.xlsx", b)),
    st.sampled_from(["zip", "pk", "empty", "bom", "huge"]).map(
        lambda kind: {
            "zip": ("usulan.xlsx", _broken_zip()),
            "pk": ("usulan.xlsx", b"PK\x03\x04" + b"\x00" * 40),
            "empty": ("usulan.csv", b""),
            "bom": ("usulan.csv", b"\xef\xbb\xbf"),
            "huge": ("usulan.csv", b"NIK,NAMA\n6472015708880003," + b"A" * 200_000),
        }[kind]
    ),
    st.lists(st.lists(CELLS, max_size=8), min_size=1, max_size=5).map(
        lambda rows: (
            "usulan.xlsx",
            _xlsx([["NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH"], *rows]),
        )
    ),
)


@pytest.fixture
def years(users):
    return {
        code: program_year_for(actor=users["admin"], program=code, year=2025)[0]
        for code in ("WRSE", "KUBE", "LKS", "PPKS")
    }


def _check_batch(batch: UploadBatch, saved: bool) -> None:
    if batch.file_error:
        assert not saved and len(batch.file_error) > 10
    for e in batch.errors:
        assert e["row"] >= 2 and e["field"] and len(e["message"]) > 5


@FUZZ
@given(file=FILES, code=st.sampled_from(["WRSE", "KUBE", "LKS", "PPKS"]))
def test_proposal_uploads_never_fail_and_never_save_half(users, years, file, code):
    name, data = file
    FUZZED["proposal uploads"] += 1
    before = Proposal.objects.count()
    try:
        result = proposals_upload(
            actor=users["op_smd"],
            program_year=years[code],
            region="64.72",
            upload=SimpleUploadedFile(name, data),
        )
    except ValidationError as exc:
        assert exc.messages and all(len(m) > 5 for m in exc.messages)
        assert Proposal.objects.count() == before
        return
    _check_batch(result.batch, result.saved)
    added = Proposal.objects.count() - before
    if not result.saved:
        assert added == 0
    else:
        # All readable rows or none: with refused rows, nothing unless asked.
        assert not result.batch.errors and added == result.batch.rows_new


@FUZZ
@given(file=FILES)
def test_recipient_lists_and_lks_registers_are_all_or_nothing(users, years, file):
    name, data = file
    FUZZED["recipient lists and LKS registers"] += 1
    for load, count in (
        (
            lambda: recipients_import(
                actor=users["admin"],
                program=program_by_code("WRSE"),
                year=2024,
                fileobj=io.BytesIO(data),
                file_name=name,
            ),
            PastRecipient.objects.count,
        ),
        (
            lambda: institutions_import(
                actor=users["op_smd"], fileobj=io.BytesIO(data), file_name=name
            ),
            Institution.objects.count,
        ),
    ):
        before = count()
        try:
            load()
        except ValidationError as exc:
            assert exc.messages and all(len(m) > 5 for m in exc.messages)
            assert count() == before


def test_every_upload_has_a_size_limit(client, users, years, settings):
    """Over the limit: refused before reading, with the limit in the message."""
    settings.UPLOAD_MAX_BYTES = 1000
    settings.REGISTER_MAX_BYTES = 2000
    big = SimpleUploadedFile("besar.csv", b"NIK,NAMA\n" + b"1" * 5000)
    with pytest.raises(ValidationError, match="MB"):
        proposals_upload(
            actor=users["op_smd"], program_year=years["WRSE"], region="64.72", upload=big
        )
    client.force_login(users["op_smd"])
    page = client.post("/lks/muat/", {"file": SimpleUploadedFile("lks.csv", b"x" * 5000)})
    assert page.status_code == 200 and "MB" in page.content.decode()
    client.force_login(users["admin"])
    for url, extra in (("/program/WRSE/penerima-lalu/", {"year": "2024"}), ("/dtks/muat/", {})):
        before = PastRecipient.objects.count()
        response = client.post(
            url, {**extra, "file": SimpleUploadedFile("b.csv", b"x" * 5000)}, follow=True
        )
        assert response.status_code == 200 and "MB" in response.content.decode(), url
        assert PastRecipient.objects.count() == before


FORM_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99999999999999999999",
            "2025-02-30",
            "1988-08-17",
            "P",
            "L",
            "X",
            "64.72.01.1001",
            "64.71.01.1001",
            "ANAK",
            "A",
            "Z",
            "LUT",
            "<script>",
            "' OR 1=1 --",
        ]
    ),
)


@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "nik",
                "kk",
                "name",
                "birth_date",
                "sex",
                "village_code",
                "relation",
                "category",
                "need",
                "need_value",
                "registration_number",
                "institution_kind",
                "accreditation",
                "accreditation_date",
                "region",
                "village",
                "kind",
                "capacity",
                "residents",
            ]
        ),
        FORM_VALUES,
        max_size=12,
    ),
    target=st.sampled_from(["WRSE", "PPKS", "LKS", "inst"]),
)
def test_forms_answer_every_input_without_a_server_error(client, users, years, data, target):
    client.force_login(users["op_smd"])
    FUZZED["forms"] += 1
    before = (Proposal.objects.count(), Institution.objects.count())
    if target == "inst":
        response = client.post("/lks/baru/", data)
    else:
        response = client.post("/usulan/baru/", {**data, "py": years[target].pk})
    assert response.status_code in (200, 302)
    after = (Proposal.objects.count(), Institution.objects.count())
    if response.status_code == 200:
        assert after == before  # a refused form saves nothing
        assert (
            "invalid-feedback" in response.content.decode() or "alert" in response.content.decode()
        )
    else:
        assert sum(after) == sum(before) + 1


REGISTER_COLUMNS = [
    "ID",
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_WILAYAH",
    "DESIL",
    "HUBUNGAN_KELUARGA",
    "PEKERJAAN",
    "STATUS_HIDUP",
    "DISABILITAS",
    "KEMISKINAN_EKSTREM",
    "ALAMAT",
    "nik ",
    "Nama Lengkap",
    "",
    "=cmd|' /C calc'!A0",
]
REGISTER_FILES = st.one_of(
    # Often with every column the import needs, so that rows are read and merged.
    sheets(
        REGISTER_COLUMNS, required=("NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH")
    ).map(lambda b: ("dtks.csv", b)),
    sheets(REGISTER_COLUMNS).map(lambda b: ("dtks.csv", b)),
    FILES.map(lambda f: ("dtks" + f[0][len("usulan") :], f[1])),
)


def _register_state():
    return sorted(RegisterRecord.objects.values_list("source_id", "row_hash", "present"))


@FUZZ
@given(file=REGISTER_FILES)
def test_the_register_import_page_answers_every_file(client, users, years, file):
    """Through the page (the import runs as its task): a clear message and a report, never a
    server error; a failed import leaves the register as it was."""
    name, data = file
    FUZZED["register imports through the page"] += 1
    client.force_login(users["admin"])
    before, runs = _register_state(), RegisterImport.objects.count()
    response = client.post("/dtks/muat/", {"file": SimpleUploadedFile(name, data)}, follow=True)
    assert response.status_code == 200
    if RegisterImport.objects.count() == runs:  # refused by the form: the page says why
        event("refused by the form")
        assert (
            "invalid-feedback" in response.content.decode() or "alert" in response.content.decode()
        )
        assert _register_state() == before
        return
    run = RegisterImport.objects.latest("pk")
    event(f"import {run.status}" + (", rows refused" if run.rows_refused else ""))
    assert run.status in (RegisterImport.Status.DONE, RegisterImport.Status.FAILED)
    if run.status == RegisterImport.Status.FAILED:
        # A message for people, not an exception's repr, and nothing half-merged.
        assert len(run.error) > 10 and not run.error.startswith(("Traceback", "<")), run.error
        assert "Error(" not in run.error, run.error
        assert _register_state() == before
    else:
        assert run.inserted + run.updated + run.unchanged <= run.rows_read
    if run.rows_refused:
        report = client.get(f"/dtks/muat/{run.pk}/ditolak/")
        assert report.status_code == 200 and report.content
