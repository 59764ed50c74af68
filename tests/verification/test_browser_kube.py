"""In Chromium: a KUBE group of five is proposed by form, one member is found ineligible, the
operator replaces them, and the group becomes eligible."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.verification.test_kube import PEOPLE
from tests.verification.test_verify import load_register

pytestmark = pytest.mark.browser


def add_member(page, base, person, role):
    page.click("#add-member")
    page.fill("#id_nik", person["NIK"])
    page.fill("#id_name", person["NAMA"])
    page.fill("#id_birth_date", person["TGL_LAHIR"])
    page.select_option("#id_sex", person["JENIS_KELAMIN"])
    page.fill("#id_village_code", person["KODE_WILAYAH"])
    page.select_option("#id_relation", "KEPALA KELUARGA")
    page.select_option("#id_role", role)
    page.click("main button[type=submit]")
    page.wait_for_selector("#member-table")


def verify_now(page, base, py):
    page.goto(f"{base}/usulan/?py={py.pk}")
    page.click("#run-verify")
    page.wait_for_selector("#run-counts")


def test_group_with_a_rejected_member_replaced(page, live_server, users, tmp_path):
    from berdaya.programs.services import program_year_for

    load_register(users, tmp_path, PEOPLE)
    py, _ = program_year_for(actor=users["admin"], program="KUBE", year=2025)
    base = live_server.url
    sign_in(page, base, "op.smd")
    page.goto(f"{base}/usulan/?py={py.pk}")
    page.click("#new-group")
    page.select_option("#id_py", str(py.pk))
    page.fill("#id_name", "KUBE Sumber Rezeki")
    page.fill("#id_business_type", "Warung sembako")
    page.click("main button[type=submit]")
    assert page.locator("#group-name").inner_text() == "KUBE Sumber Rezeki"
    roles = ["KETUA", "SEKRETARIS", "BENDAHARA", "ANGGOTA", "ANGGOTA"]
    for person, role in zip([PEOPLE[i] for i in (0, 1, 2, 3, 6)], roles, strict=True):
        add_member(page, base, person, role)
    group_url = page.url
    page.click("#user-menu")
    page.click("#sign-out")

    sign_in(page, base, "verifier")
    verify_now(page, base, py)
    page.goto(group_url)
    assert page.locator("#group-verdict-badge").inner_text() == "Perlu ditinjau"
    assert "DECEASED" in page.locator("#member-table").inner_text()
    page.click("#user-menu")
    page.click("#sign-out")

    sign_in(page, base, "op.smd")
    page.goto(group_url)
    page.click(f"#member-table a:text('{PEOPLE[6]['NAMA']}')")
    page.click("text=Tarik usulan ini")
    page.fill("input[name=reason]", "Meninggal dunia, diganti anggota lain")
    page.click("form[action$='/tarik/'] button[type=submit]")
    page.click("#member-of")
    add_member(page, base, PEOPLE[4], "ANGGOTA")
    page.click("#user-menu")
    page.click("#sign-out")

    sign_in(page, base, "verifier")
    verify_now(page, base, py)
    page.goto(group_url)
    assert page.locator("#group-verdict-badge").inner_text() == "Layak"
