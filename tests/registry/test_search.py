import datetime as dt

import pytest

from berdaya.registry.selectors import person_list
from tests.conftest import BALIKPAPAN_VILLAGE


@pytest.fixture
def people(person_factory):
    out = {}
    for i, name in enumerate(
        [
            "Muhammad Rizky Pratama",
            "Siti Nurhaliza",
            "Djoko Susilo",
            "Noor Aisyah Binti Saleh",
            "Abdul Rahman",
            "Yohanes Lung",
            "Ahmad Fauzi",
        ]
    ):
        out[name] = person_factory(name=name, birth=dt.date(1970 + i, 1 + i, 10 + i))
    out["Balikpapan"] = person_factory(
        name="Siti Nurhaliza", village=BALIKPAPAN_VILLAGE, birth=dt.date(1990, 2, 2)
    )
    return out


@pytest.mark.parametrize(
    "query,expected",
    [
        ("M. Rizki Pratama", "Muhammad Rizky Pratama"),
        ("Muhamad Rizky", "Muhammad Rizky Pratama"),
        ("St. Nurhaliza", "Siti Nurhaliza"),
        ("Joko Susilo", "Djoko Susilo"),
        ("Nur Aisyah", "Noor Aisyah Binti Saleh"),
        ("abdul rahman", "Abdul Rahman"),
        ("Yohanis Lung", "Yohanes Lung"),
    ],
)
def test_name_search_tolerates_spelling(users, people, query, expected):
    found = person_list(users["op_smd"], q=query)
    assert found, query
    assert found[0].pk == people[expected].pk


def test_search_never_crosses_the_region(users, people):
    found = person_list(users["op_smd"], q="Siti Nurhaliza")
    assert people["Balikpapan"].pk not in {p.pk for p in found}
    found = person_list(users["verifier"], q="Siti Nurhaliza")
    assert people["Balikpapan"].pk in {p.pk for p in found}


def test_search_by_nik_prefix(users, people):
    person = people["Ahmad Fauzi"]
    assert list(person_list(users["op_smd"], q=person.nik)) == [person]
    assert person in list(person_list(users["op_smd"], q=person.nik[:8]))
    assert list(person_list(users["op_smd"], q="64")) == []


def test_unrelated_name_finds_nothing(users, people):
    assert person_list(users["op_smd"], q="Bambang Wijaya") == []
