import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.registry.nik import make_nik
from berdaya.verification.reasons import REASONS, verdict_for
from berdaya.verification.rules import Criteria, Person, age_on, person_reasons

WRSE = Criteria(
    sex="P",
    age_min=18,
    age_max=59,
    reference_date=dt.date(2025, 1, 1),
    max_decile=4,
    head_of_family_required=True,
    excluded_occupations=("PEGAWAI NEGERI SIPIL", "PNS", "TNI", "POLRI"),
)
BIRTH = dt.date(1985, 3, 12)
NIK = make_nik("647201", BIRTH, "P", 7)


def person(**over):
    base = dict(
        nik=NIK,
        birth_date=BIRTH,
        sex="P",
        relation="KEPALA KELUARGA",
        occupation="PEDAGANG",
        village_code="64.72.01.1001",
        decile=2,
        life_status="HIDUP",
    )
    base.update(over)
    return Person(**base)


def reasons(row=None, register="same", **kw):
    row = row or person()
    reg = row if register == "same" else register
    args = dict(
        row=row,
        register=reg,
        criteria=WRSE,
        proposing_region="64.72",
        already_received=False,
        duplicate=False,
    )
    args.update(kw)
    return person_reasons(**args)


def test_clean_person_is_eligible():
    assert reasons() == []
    assert verdict_for([]) == "eligible"


@pytest.mark.parametrize(
    "over,code",
    [
        ({"decile": 5}, "DESIL_ABOVE_LIMIT"),
        ({"decile": None}, "DESIL_UNKNOWN"),
        ({"life_status": "MENINGGAL"}, "DECEASED"),
        ({"occupation": "PNS"}, "EXCLUDED_OCCUPATION"),
        ({"occupation": "TNI/POLRI"}, "EXCLUDED_OCCUPATION"),
        ({"relation": "ISTRI"}, "NOT_HEAD_OF_FAMILY"),
        ({"village_code": "64.71.01.1001"}, "OUTSIDE_REGION"),
    ],
)
def test_register_values_decide(over, code):
    assert reasons(register=person(**over)) == [code]


def test_criteria_use_the_register_not_the_row():
    # The row claims a head of family in decile 1; the register says wife in decile 6.
    row = person(decile=1)
    assert reasons(row=row, register=person(relation="ISTRI", decile=6)) == [
        "DESIL_ABOVE_LIMIT",
        "NOT_HEAD_OF_FAMILY",
    ]


def test_not_in_register_uses_the_row():
    assert reasons(register=None) == ["NOT_IN_REGISTER"]
    assert reasons(row=person(relation="ANAK"), register=None) == [
        "NOT_HEAD_OF_FAMILY",
        "NOT_IN_REGISTER",
    ]


def test_nik_codes():
    assert reasons(row=person(nik="647201520385000"), register=None) == [
        "NIK_INVALID",
        "NOT_IN_REGISTER",
    ]
    typo = NIK[:-1] + "8"
    assert reasons(row=person(nik=typo), register=person()) == ["NIK_MISMATCH"]
    # An invalid NIK is NIK_INVALID only, even when the person is found under another NIK.
    assert reasons(row=person(nik="12345"), register=person()) == ["NIK_INVALID"]
    assert reasons(row=person(birth_date=dt.date(1985, 3, 13))) == ["NIK_BIRTHDATE_MISMATCH"]
    assert "NIK_SEX_MISMATCH" in reasons(row=person(sex="L"), register=person())


def test_sex_age_history_duplicate():
    man_birth = dt.date(1980, 1, 1)
    man = person(nik=make_nik("647201", man_birth, "L", 3), sex="L", birth_date=man_birth)
    assert reasons(row=man, register=man) == ["SEX_NOT_ELIGIBLE"]
    assert reasons(already_received=True) == ["ALREADY_RECEIVED"]
    assert reasons(duplicate=True) == ["DUPLICATE_IN_BATCH"]


@pytest.mark.parametrize(
    "birth,out",
    [
        (dt.date(2007, 1, 1), False),  # exactly 18 on the reference date: eligible
        (dt.date(2007, 1, 2), True),  # 17
        (dt.date(1965, 1, 2), False),  # 59
        (dt.date(1965, 1, 1), True),  # 60 on the reference date
    ],
)
def test_age_bounds_inclusive(birth, out):
    p = person(birth_date=birth, nik=make_nik("647201", birth, "P", 9))
    assert ("AGE_OUT_OF_RANGE" in reasons(row=p, register=p)) is out


def test_leap_day_birthday():
    assert age_on(dt.date(2004, 2, 29), dt.date(2022, 2, 28)) == 17
    assert age_on(dt.date(2004, 2, 29), dt.date(2022, 3, 1)) == 18


@given(st.sets(st.sampled_from(sorted(REASONS))))
@settings(max_examples=100)
def test_verdict_is_the_worst_effect(codes):
    effects = {REASONS[c][0] for c in codes}
    expected = "ineligible" if "ineligible" in effects else "review" if effects else "eligible"
    assert verdict_for(codes) == expected
