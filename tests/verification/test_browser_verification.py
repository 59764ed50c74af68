"""In Chromium: an operator uploads a file with errors, fixes it and sends it again; a verifier
verifies and overrides a verdict with a reason."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.verification.test_verify import PEOPLE, load_register

pytestmark = pytest.mark.browser

HEADER = "ID,NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH,HUBUNGAN_KELUARGA\n"


def rows(siti_date: str) -> bytes:
    siti, jubaidah = PEOPLE[0], PEOPLE[4]
    lines = [
        f"1,{siti['NIK']},{siti['NAMA']},{siti_date},P,{siti['KODE_WILAYAH']},KEPALA KELUARGA",
        f"2,{jubaidah['NIK']},{jubaidah['NAMA']},{jubaidah['TGL_LAHIR']},P,"
        f"{jubaidah['KODE_WILAYAH']},KEPALA KELUARGA",
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_upload_fix_resubmit_and_override(page, live_server, users, tmp_path):
    from berdaya.programs.services import program_year_for

    load_register(users, tmp_path, PEOPLE)
    py, _ = program_year_for(actor=users["admin"], program="WRSE", year=2025)
    base = live_server.url
    sign_in(page, base, "op.smd")
    page.goto(f"{base}/usulan/unggah/")
    page.select_option("#id_py", str(py.pk))
    page.set_input_files(
        "#id_file", {"name": "usulan.csv", "mimeType": "text/csv", "buffer": rows("1985-02-30")}
    )
    page.click("main button[type=submit]")
    errors = page.locator("#row-errors").inner_text()
    assert "TGL_LAHIR" in errors and "bukan tanggal" in errors
    assert "Belum ada yang disimpan" in page.locator("#batch-status").inner_text()
    # Fix the date and send the file again.
    page.click("text=Kirim berkas yang sudah diperbaiki")
    page.select_option("#id_py", str(py.pk))
    page.set_input_files(
        "#id_file",
        {"name": "usulan.csv", "mimeType": "text/csv", "buffer": rows(PEOPLE[0]["TGL_LAHIR"])},
    )
    page.click("main button[type=submit]")
    assert "2 usulan baru" in page.locator("#batch-status").inner_text()
    page.click("#user-menu")
    page.click("#sign-out")

    sign_in(page, base, "verifier")
    page.goto(f"{base}/usulan/?py={py.pk}")
    page.click("#run-verify")
    page.wait_for_selector("#run-counts")
    assert "1 layak" in page.locator("#run-counts").inner_text()
    page.goto(f"{base}/usulan/?py={py.pk}&verdict=ineligible")
    page.click("#proposal-table a:text('JUBAIDAH')")
    assert "DESIL_ABOVE_LIMIT" in page.locator("#reasons").inner_text()
    page.select_option("#override-form select[name=verdict]", "eligible")
    page.fill(
        "#override-form textarea[name=reason]", "Desil 3 menurut pemutakhiran DTSEN triwulan ini"
    )
    page.click("#override-form button[type=submit]")
    assert page.locator("#verdict-badge").inner_text() == "Layak"
    assert "Tidak layak" in page.locator("#verdict").inner_text()  # the computed one, beside
