"""In Chromium: the sign-in page in Indonesian, and every role signing in to see only its own."""

from __future__ import annotations

import pytest

from tests.conftest import BALIKPAPAN_VILLAGE, sign_in

pytestmark = pytest.mark.browser


def nav_labels(page):
    return [t.strip() for t in page.locator("#nav .navbar-nav.me-auto .nav-link").all_inner_texts()]


def test_sign_in_page_is_indonesian(page, live_server, users):
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/masuk/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Masuk ke Berdaya"
    assert page.get_by_label("Kata sandi").is_visible()
    page.fill("#id_username", "op.smd")
    page.fill("#id_password", "salah sekali")
    page.click("main button[type=submit]")
    assert "salah" in page.locator(".alert-danger").inner_text()


# What each role finds in its menu; anything else in the menu is a failure.
STAFF = [
    "Beranda",
    "Dasbor",
    "Penduduk",
    "Lembaga (LKS)",
    "Usulan",
    "Penetapan",
    "Penyaluran",
    "Pemantauan",
    "Program",
]
MENUS = {
    "admin": [*STAFF, "DTKS", "Rujukan", "Wilayah", "Jejak audit", "Data pribadi", "Pengguna"],
    "verifier": [*STAFF, "DTKS", "Wilayah"],
    "head": [*STAFF, "Wilayah", "Jejak audit"],
    "op_smd": [*STAFF, "DTKS", "Wilayah", "Data pribadi"],
    "facilitator": [*STAFF, "Wilayah"],
    "viewer": [*STAFF, "Wilayah", "Jejak audit"],
    "partner": ["Beranda", "Rujukan", "Wilayah"],
}


def test_every_role_signs_in_and_sees_only_what_it_may(page, live_server, users, person_factory):
    base = live_server.url
    own = person_factory(name="Siti Rahmah")
    other = person_factory(village=BALIKPAPAN_VILLAGE, name="Nur Aisyah")
    for role, menu in MENUS.items():
        sign_in(page, base, users[role].username)
        assert nav_labels(page) == menu, role
        page.goto(f"{base}/orang/")
        if "Penduduk" in menu:
            table = page.locator("#people-table").inner_text()
            assert "Siti Rahmah" in table
            if role in ("op_smd", "facilitator"):
                assert "Nur Aisyah" not in table
                response = page.goto(f"{base}/orang/{other.pk}/")
                assert response.status == 404
                assert (
                    "tidak berada di wilayah Anda" in page.content()
                    or "tidak ada" in page.content()
                )
            else:
                assert "Nur Aisyah" in table
            # NIKs are masked in lists for everyone.
            assert own.nik not in table and own.masked_nik in table
        else:
            assert page.locator("h1").inner_text() == "Tidak diizinkan"
        page.click("#user-menu")
        page.click("#sign-out")
        page.wait_for_url(f"{base}/masuk/")


def test_operator_adds_a_person_on_a_phone(browser, live_server, users):
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "op.smd")
    page.goto(f"{base}/orang/baru/")
    page.fill("#id_nik", "6472014708880003")
    page.fill("#id_kk", "6472010101150009")
    page.fill("#id_name", "Rusmini")
    page.fill("#id_birth_date", "1988-08-07")
    page.select_option("#id_sex", "P")
    page.fill("#id_village", "6472011001")
    page.select_option("#id_relation", "KEPALA KELUARGA")
    page.click("main button[type=submit]")
    assert page.locator("#person-name").inner_text().startswith("Rusmini")
    assert "6472********0003" in page.locator("#nik-shown").inner_text()
    # Another region's village is refused with the field named.
    page.goto(f"{base}/orang/baru/")
    page.fill("#id_nik", "6471014708880004")
    page.fill("#id_name", "Orang Balikpapan")
    page.fill("#id_birth_date", "1988-08-07")
    page.select_option("#id_sex", "P")
    page.fill("#id_village", "64.71.01.1001")
    page.click("main button[type=submit]")
    assert page.url.endswith("/orang/baru/")
    assert "di luar wilayah Anda" in page.locator("#id_village ~ .invalid-feedback").inner_text()
    context.close()


@pytest.mark.parametrize("username", ["admin", "op.smd"])
def test_the_menu_fits_a_laptop_screen(page, live_server, users, username):
    """At 1280 px the province admin's dozen menu entries wrap onto a second row, each entry
    whole, and the account menu (with Sign out) stays on the screen."""
    sign_in(page, live_server.url, username)
    page.goto(live_server.url + "/")
    width = page.evaluate("window.innerWidth")
    account = page.locator("#user-menu").bounding_box()
    assert account is not None and account["x"] >= 0
    assert account["x"] + account["width"] <= width
    heights = page.eval_on_selector_all(
        "#nav .navbar-nav.me-auto .nav-link",
        "els => els.map(e => e.getBoundingClientRect().height)",
    )
    assert len(heights) >= 8
    assert max(heights) < 1.5 * min(heights)  # no entry broken over two lines
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("#user-menu")
    assert page.locator("#sign-out").is_visible()
