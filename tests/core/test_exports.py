import io

import openpyxl
import pytest

from berdaya.core.exports import build_csv, build_xlsx, export_response, safe_cell
from berdaya.core.models import AuditEvent


@pytest.mark.parametrize("value", ["=1+1", "+62811", "-5", "@SUM(A1)", "\t=x", "\r=x"])
def test_formula_like_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Siti", "6472011203840001", 5, None, ""])
def test_ordinary_cells_are_kept(value):
    assert safe_cell(value) == value


def test_xlsx_keeps_nik_as_text_and_neutralises_formulas():
    data, count = build_xlsx(["NIK", "NAMA"], [["6472011203840001", '=HYPERLINK("x")']])
    assert count == 1
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "6472011203840001"
    assert ws["A2"].data_type == "s"
    assert ws["B2"].value == '\'=HYPERLINK("x")'


def test_csv_has_bom_and_safe_cells():
    data, count = build_csv(["a"], [["=cmd"], ["ok"]])
    assert count == 2
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=cmd" in text


def test_every_export_is_logged(users):
    response = export_response(
        user=users["admin"],
        name="penduduk",
        headers=["x"],
        rows=[[1], [2], [3]],
        filters={"regency": "64.72"},
    )
    assert response["Content-Disposition"].startswith('attachment; filename="penduduk-')
    event = AuditEvent.objects.get(action="export")
    assert event.actor == users["admin"]
    assert event.after["rows"] == 3
    assert event.after["filters"] == {"regency": "64.72"}
