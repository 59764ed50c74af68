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


@pytest.mark.postgres
def test_a_new_or_renamed_person_is_found_at_once(users, person_factory):
    from django.db import connection

    from berdaya.linkage.names import normalize_name
    from berdaya.registry.models import Person
    from berdaya.registry.services import person_update

    # Written through the service, then renamed by the service and by plain SQL (as a load
    # does): name search reads its spellings from a table that triggers keep, not a copy.
    person = person_factory(name="Bambang Wijaya")
    assert [p.pk for p in person_list(users["op_smd"], q="Bambang Wijaya")] == [person.pk]
    person_update(actor=users["admin"], person=person, name="Sutrisno Hadiwijoyo")
    assert [p.pk for p in person_list(users["op_smd"], q="Sutrisno Hadi")] == [person.pk]
    Person.objects.filter(pk=person.pk).update(
        name="Kartini Lestari", name_norm=normalize_name("Kartini Lestari")
    )
    assert [p.pk for p in person_list(users["op_smd"], q="Kartini Lestari")] == [person.pk]
    assert person_list(users["op_smd"], q="Sutrisno Hadi") == []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM registry_person_name WHERE name_norm = %s",
            [normalize_name("Kartini Lestari")],
        )
        assert cur.fetchone() == (1,)


def test_search_reads_whole_people_only_for_those_it_returns(users, people):
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        found = person_list(users["verifier"], q="Siti Nurhaliza")
    assert len(ctx.captured_queries) == 2  # the spellings, then their people: ids only
    assert len(found) == 2
    with CaptureQueriesContext(connection) as ctx:
        page = Paginator(found, 1).get_page(2)
        shown = list(page)
    # A page reads its own people, with their villages, in one query.
    assert len(ctx.captured_queries) == 1
    assert [p.pk for p in shown] == [found.ranked[1][0]]
    assert shown[0].village.name
    assert len(ctx.captured_queries) == 1
    assert {p.pk for p in found} == {people["Siti Nurhaliza"].pk, people["Balikpapan"].pk}
    assert all(p.search_score >= 70 for p in found)
    assert found[-1].pk == found.ranked[-1][0]
