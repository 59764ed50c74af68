"""NIK and KK parsing: plain pytest, no database."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.regions.codes import all_regions
from berdaya.registry.nik import (
    Flag,
    KkInfo,
    NikError,
    NikInfo,
    check_nik_against_row,
    make_nik,
    mask_nik,
    parse_kk,
    parse_nik,
)

REF = dt.date(2026, 11, 24)
ERROR_CODES = {"length", "not_digits", "unknown_regency", "bad_date", "zero_serial"}
DISTRICTS = sorted(
    code.replace(".", "") for code, row in all_regions().items() if row.level == "district"
)


def nik(region6: str, ddmmyy: str, serial: str = "0001") -> str:
    return region6 + ddmmyy + serial


def error_of(value: str, **kwargs: object) -> NikError:
    with pytest.raises(NikError) as info:
        parse_nik(value, **kwargs)
    return info.value


# --- valid NIKs --------------------------------------------------------------------------------


def test_parses_a_samarinda_man() -> None:
    info = parse_nik("6472011203840001", reference=REF)
    assert info == NikInfo(
        nik="6472011203840001",
        province_code="64",
        regency_code="64.72",
        district_code="64.72.01",
        regency_name="Kota Samarinda",
        historical=False,
        birth_date=dt.date(1984, 3, 12),
        sex="L",
        serial="0001",
    )


def test_woman_day_has_40_added() -> None:
    info = parse_nik(nik("647201", "520384"), reference=REF)
    assert info.sex == "P"
    assert info.birth_date == dt.date(1984, 3, 12)


@pytest.mark.parametrize(("field", "day"), [("41", 1), ("71", 31), ("69", 29)])
def test_woman_day_bounds(field: str, day: int) -> None:
    info = parse_nik(nik("647201", f"{field}0190"), reference=REF)
    assert (info.sex, info.birth_date) == ("P", dt.date(1990, 1, day))


def test_surrounding_whitespace_is_stripped() -> None:
    assert parse_nik("  6472011203840001\n", reference=REF).nik == "6472011203840001"


@pytest.mark.parametrize("code", ["6404", "6405", "6406", "6410", "6473"])
def test_historical_east_kalimantan_codes_are_valid(code: str) -> None:
    info = parse_nik(nik(code + "01", "120384"), reference=REF)
    assert info.historical is True
    assert info.province_code == "64"
    assert info.regency_code == f"{code[:2]}.{code[2:]}"


def test_historical_regency_name() -> None:
    assert parse_nik(nik("647301", "120384"), reference=REF).regency_name == "Kota Tarakan"


@pytest.mark.parametrize(
    ("region6", "regency"),
    [("317101", "31.71"), ("737101", "73.71"), ("650101", "65.01"), ("110101", "11.01")],
)
def test_other_provinces_are_valid(region6: str, regency: str) -> None:
    info = parse_nik(nik(region6, "120384"), reference=REF)
    assert info.regency_code == regency
    assert info.historical is False


def test_district_is_not_validated() -> None:
    # District 99 does not exist in Samarinda; old district codes get renumbered.
    assert parse_nik(nik("647299", "120384"), reference=REF).district_code == "64.72.99"


# --- the two-digit year --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [
        ("010130", dt.date(1930, 1, 1)),
        ("010105", dt.date(2005, 1, 1)),
        ("241126", dt.date(2026, 11, 24)),  # the reference day itself is not in the future
        ("251126", dt.date(1926, 11, 25)),
        ("010100", dt.date(2000, 1, 1)),
    ],
)
def test_year_is_read_for_a_living_person(ddmmyy: str, expected: dt.date) -> None:
    assert parse_nik(nik("647201", ddmmyy), reference=REF).birth_date == expected


def test_hint_chooses_the_century() -> None:
    # Without the hint 20 would be read as 2020: a newborn, not a person born in 1920.
    value = nik("647201", "150620")
    assert parse_nik(value, reference=REF).birth_date == dt.date(2020, 6, 15)
    hinted = parse_nik(value, reference=REF, birth_date_hint=dt.date(1920, 6, 15))
    assert hinted.birth_date == dt.date(1920, 6, 15)


def test_hint_with_other_year_digits_is_ignored() -> None:
    info = parse_nik(nik("647201", "150620"), reference=REF, birth_date_hint=dt.date(1921, 6, 15))
    assert info.birth_date == dt.date(2020, 6, 15)


def test_hint_century_is_used_even_when_day_differs() -> None:
    info = parse_nik(nik("647201", "150620"), reference=REF, birth_date_hint=dt.date(1920, 1, 1))
    assert info.birth_date == dt.date(1920, 6, 15)


def test_hint_in_the_future_is_ignored() -> None:
    info = parse_nik(nik("647201", "010130"), reference=REF, birth_date_hint=dt.date(2030, 1, 1))
    assert info.birth_date == dt.date(1930, 1, 1)


def test_default_reference_is_today() -> None:
    today = dt.date.today()
    info = parse_nik(make_nik("647201", today, "L", 1))
    assert info.birth_date == today


# --- 29 February -------------------------------------------------------------------------------


def test_29_february_2000_is_valid() -> None:
    assert parse_nik(nik("647201", "290200"), reference=REF).birth_date == dt.date(2000, 2, 29)


def test_29_february_of_a_woman() -> None:
    info = parse_nik(nik("647201", "690288"), reference=REF)
    assert (info.sex, info.birth_date) == ("P", dt.date(1988, 2, 29))


def test_29_february_in_a_common_year_is_bad() -> None:
    err = error_of(nik("647201", "290201"), reference=REF)
    assert err.code == "bad_date"
    assert "290201" in err.message_id
    assert "kabisat" in err.message_id
    assert "leap year" in err.message_en


def test_29_february_with_hint_1900_falls_back_to_2000() -> None:
    # 1900 is not a leap year, so the hint's century cannot hold the NIK's date.
    info = parse_nik(nik("647201", "290200"), reference=REF, birth_date_hint=dt.date(1900, 3, 1))
    assert info.birth_date == dt.date(2000, 2, 29)


def test_29_february_00_before_2000_is_impossible() -> None:
    # Read in 1999, 290200 is either 1900 (no 29 February) or the future.
    err = error_of(nik("647201", "290200"), reference=dt.date(1999, 12, 31))
    assert err.code == "bad_date"


# --- rejections --------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [15, 17])
def test_wrong_length(length: int) -> None:
    value = ("6472011203840001" + "1")[:length]
    err = error_of(value, reference=REF)
    assert err.code == "length"
    assert err.message_id == f"NIK harus 16 digit, yang diisi {length} digit"
    assert err.message_en == f"NIK must have 16 digits; {length} were given"
    assert str(err) == err.message_id


def test_empty_is_a_length_error() -> None:
    assert error_of("   ").code == "length"
    assert error_of("").message_en == "NIK is empty; it must have 16 digits"


def test_inner_spaces_are_not_removed() -> None:
    err = error_of("6472 0112 0384 0001", reference=REF)
    assert err.code == "length"
    assert "19 karakter" in err.message_id


def test_letter_o_instead_of_zero() -> None:
    err = error_of("6472O11203840001", reference=REF)
    assert err.code == "not_digits"
    assert err.message_id == "NIK mengandung karakter selain angka: 'O' pada posisi 5"
    assert "'O' at position 5" in err.message_en


def test_non_ascii_digits_are_not_digits() -> None:
    assert error_of("647201120384000\u0661", reference=REF).code == "not_digits"


@pytest.mark.parametrize("regency", ["6499", "0000", "9999", "6400"])
def test_unknown_regency(regency: str) -> None:
    err = error_of(nik(regency + "01", "120384"), reference=REF)
    assert err.code == "unknown_regency"
    assert err.message_id == f"Kode kabupaten/kota {regency} pada NIK tidak dikenal"


def test_31_february() -> None:
    err = error_of(nik("647201", "310299"), reference=REF)
    assert err.code == "bad_date"
    assert err.message_id == "Tanggal lahir pada NIK (310299) tidak mungkin: 31 Februari tidak ada"
    assert "February 31 does not exist" in err.message_en


@pytest.mark.parametrize("ddmmyy", ["000185", "320185", "400185", "720185", "990185"])
def test_impossible_day_field(ddmmyy: str) -> None:
    err = error_of(nik("647201", ddmmyy), reference=REF)
    assert err.code == "bad_date"
    assert "41-71" in err.message_id


@pytest.mark.parametrize("ddmmyy", ["120085", "121385"])
def test_impossible_month(ddmmyy: str) -> None:
    err = error_of(nik("647201", ddmmyy), reference=REF)
    assert err.code == "bad_date"
    assert f"bulan {ddmmyy[2:4]}" in err.message_id


def test_31_april_of_a_woman() -> None:
    err = error_of(nik("647201", "710485"), reference=REF)
    assert err.code == "bad_date"
    assert "31 April tidak ada" in err.message_id


def test_zero_serial() -> None:
    err = error_of(nik("647201", "120384", "0000"), reference=REF)
    assert err.code == "zero_serial"
    assert err.message_id == "Nomor urut NIK 0000 tidak sah"


def test_checks_run_in_order() -> None:
    # Unknown regency and a bad date and serial 0000: the regency is reported first.
    assert error_of("6499013299000000", reference=REF).code == "unknown_regency"
    assert error_of("6472013299000000", reference=REF).code == "bad_date"


def test_error_is_a_value_error_and_pickles() -> None:
    err = error_of("123", reference=REF)
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.message_id, again.message_en) == (
        err.code,
        err.message_id,
        err.message_en,
    )


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    district=st.sampled_from(DISTRICTS),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=REF),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_make_parse_round_trip_with_hint(
    district: str, birth: dt.date, sex: str, serial: int
) -> None:
    value = make_nik(district, birth, sex, serial)
    info = parse_nik(value, reference=REF, birth_date_hint=birth)
    assert info.nik == value
    assert info.birth_date == birth
    assert info.sex == sex
    assert info.serial == f"{serial:04d}"
    assert info.district_code.replace(".", "") == district
    assert check_nik_against_row(info, birth_date=birth, sex=sex) == []


@settings(max_examples=200, deadline=None)
@given(
    district=st.sampled_from(DISTRICTS),
    # Within the last hundred years the two digits alone are enough.
    birth=st.dates(min_value=dt.date(1926, 11, 25), max_value=REF),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_make_parse_round_trip_without_hint(
    district: str, birth: dt.date, sex: str, serial: int
) -> None:
    info = parse_nik(make_nik(district, birth, sex, serial), reference=REF)
    assert (info.birth_date, info.sex) == (birth, sex)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_16_digits_parse_or_raise_nik_error(value: str) -> None:
    try:
        info = parse_nik(value, reference=REF)
    except NikError as err:
        assert err.code in ERROR_CODES
        assert err.message_id and err.message_en
    else:
        assert info.birth_date <= REF
        assert info.serial != "0000"


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["6472", "6404", "3171", "7371"]),
    rest=st.text(alphabet="0123456789", min_size=12, max_size=12),
)
def test_known_regencies_with_random_digits(prefix: str, rest: str) -> None:
    # Random tails hit the date and serial checks far more often than fully random digits.
    try:
        parse_nik(prefix + rest, reference=REF)
    except NikError as err:
        assert err.code in {"bad_date", "zero_serial"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=24))
def test_any_text_parses_or_raises_nik_error(value: str) -> None:
    try:
        parse_nik(value, reference=REF)
    except NikError as err:
        assert err.code in ERROR_CODES


# --- mismatch flags ----------------------------------------------------------------------------


def test_no_flags_when_row_agrees() -> None:
    info = parse_nik("6472015203840001", reference=REF)
    assert check_nik_against_row(info, birth_date=dt.date(1984, 3, 12), sex="P") == []


def test_birth_date_compares_two_digit_year_only() -> None:
    info = parse_nik("6472011203840001", reference=REF)
    # 1884 and 1984 share the two digits the NIK holds.
    assert check_nik_against_row(info, birth_date=dt.date(1884, 3, 12), sex=None) == []


def test_birth_date_mismatch_is_a_flag() -> None:
    info = parse_nik("6472011203840001", reference=REF)
    flags = check_nik_against_row(info, birth_date=dt.date(1984, 3, 13), sex="L")
    assert [f.code for f in flags] == ["NIK_BIRTHDATE_MISMATCH"]
    assert isinstance(flags[0], Flag)
    assert "12-03-84" in flags[0].message_id
    assert "13-03-1984" in flags[0].message_en


def test_sex_mismatch_is_a_flag() -> None:
    info = parse_nik("6472011203840001", reference=REF)
    flags = check_nik_against_row(info, birth_date=None, sex="P")
    assert [f.code for f in flags] == ["NIK_SEX_MISMATCH"]
    assert "perempuan" in flags[0].message_id


def test_both_mismatches() -> None:
    info = parse_nik("6472011203840001", reference=REF)
    flags = check_nik_against_row(info, birth_date=dt.date(1990, 1, 1), sex="P")
    assert {f.code for f in flags} == {"NIK_BIRTHDATE_MISMATCH", "NIK_SEX_MISMATCH"}


@pytest.mark.parametrize("sex", [None, "", "X"])
def test_missing_or_unknown_sex_is_not_compared(sex: str | None) -> None:
    info = parse_nik("6472011203840001", reference=REF)
    assert check_nik_against_row(info, birth_date=None, sex=sex) == []


# --- masking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6472011203840001", "6472********0001"),
        ("647201120384001", "64***********01"),
        ("12345", "12*45"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_nik(value: str | None, masked: str) -> None:
    assert mask_nik(value) == masked  # type: ignore[arg-type]


# --- make_nik ----------------------------------------------------------------------------------


def test_make_nik() -> None:
    assert make_nik("647201", dt.date(1984, 3, 12), "P", 1) == "6472015203840001"
    assert make_nik("64.72.01", dt.date(2005, 1, 1), "L", 12) == "6472010101050012"


@pytest.mark.parametrize(
    "args",
    [
        ("64720", dt.date(1984, 3, 12), "L", 1),
        ("647201", dt.date(1984, 3, 12), "X", 1),
        ("647201", dt.date(1984, 3, 12), "L", 10000),
    ],
)
def test_make_nik_refuses_bad_input(args: tuple) -> None:
    with pytest.raises(ValueError):
        make_nik(*args)


# --- KK ----------------------------------------------------------------------------------------


def test_parse_kk() -> None:
    info = parse_kk("6472011503120003", reference=REF)
    assert info == KkInfo(
        kk="6472011503120003",
        province_code="64",
        regency_code="64.72",
        district_code="64.72.01",
        regency_name="Kota Samarinda",
        historical=False,
        issued=dt.date(2012, 3, 15),
        serial="0003",
    )


def test_kk_with_impossible_issue_date_is_accepted() -> None:
    assert parse_kk("6473019999990003", reference=REF).issued is None


def test_kk_historical_code() -> None:
    assert parse_kk("6404010101100001", reference=REF).historical is True


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("647201150312000", "length"),
        ("64720115031200031", "length"),
        ("6472O11503120003", "not_digits"),
        ("6499011503120003", "unknown_regency"),
        ("6472011503120000", "zero_serial"),
    ],
)
def test_kk_rejections(value: str, code: str) -> None:
    with pytest.raises(NikError) as info:
        parse_kk(value, reference=REF)
    assert info.value.code == code
    assert "KK" in info.value.message_id
    assert "KK" in info.value.message_en


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_16_digit_kk_parses_or_raises_nik_error(value: str) -> None:
    try:
        info = parse_kk(value, reference=REF)
    except NikError as err:
        assert err.code in {"unknown_regency", "zero_serial"}
    else:
        assert info.issued is None or info.issued <= REF
