"""PostgreSQL keeps the number of people per regency/city as rows of changes written by
triggers; the people list reads its count there when only a region narrows it, and the
count always equals one made here."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.models import Count

from berdaya.core.counts import LOOSE_ROWS, fold
from berdaya.registry.models import Person, PersonCount
from tests.conftest import BALIKPAPAN, BALIKPAPAN_VILLAGE, SAMARINDA, SAMARINDA_VILLAGE

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def kept() -> dict[str, int]:
    sums: dict[str, int] = {}
    for code, n in PersonCount.objects.values_list("regency_code", "n"):
        sums[code] = sums.get(code, 0) + n
    return {code: n for code, n in sums.items() if n}


def counted() -> dict[str, int]:
    rows = Person.objects.values_list("regency_id").annotate(n=Count("pk")).order_by()
    return dict(rows)


@pytest.fixture
def people(person_factory):
    made = [person_factory(name=f"WARGA {i}", birth=dt.date(1970 + i, 1, 1 + i)) for i in range(4)]
    made += [
        person_factory(
            village=BALIKPAPAN_VILLAGE, name=f"WARGA B{i}", birth=dt.date(1980 + i, 2, 2)
        )
        for i in range(3)
    ]
    return made


def test_counts_follow_additions_moves_and_deletions(people):
    assert kept() == counted() == {SAMARINDA: 4, BALIKPAPAN: 3}
    moved = people[0]
    Person.objects.filter(pk=moved.pk).update(regency_id=BALIKPAPAN, village_id=BALIKPAPAN_VILLAGE)
    assert kept() == counted() == {SAMARINDA: 3, BALIKPAPAN: 4}
    rows = PersonCount.objects.count()
    Person.objects.filter(regency_id=SAMARINDA).update(name="WARGA BARU")  # nobody moved
    assert PersonCount.objects.count() == rows
    Person.objects.filter(pk__in=[people[1].pk, people[4].pk]).delete()
    assert kept() == counted() == {SAMARINDA: 2, BALIKPAPAN: 3}
    Person.objects.filter(regency_id=BALIKPAPAN).update(
        regency_id=SAMARINDA, village_id=SAMARINDA_VILLAGE
    )
    assert kept() == counted() == {SAMARINDA: 5}


def test_the_list_reads_the_kept_count_only_when_it_can(client, users, people):
    Person.objects.filter(pk=people[0].pk).update(sex="L")
    for who, query, expected in [
        ("admin", {}, Person.objects.count()),
        ("admin", {"regency": BALIKPAPAN}, 3),
        ("op_smd", {}, 4),
        ("op_smd", {"regency": BALIKPAPAN}, 4),  # not a choice of theirs: their own
        ("admin", {"sex": "P"}, Person.objects.filter(sex="P").count()),  # counted
        ("op_smd", {"sex": "L"}, 1),
    ]:
        client.force_login(users[who])
        page = client.get("/orang/", query).context["page"]
        assert page.paginator.count == expected, (who, query)
        assert len(page.paginator.object_list) == expected, (who, query)
    # The kept count is what the page showed: a wrong one would show (not hidden by a count).
    PersonCount.objects.create(regency_code=SAMARINDA, n=100)
    client.force_login(users["op_smd"])
    assert client.get("/orang/").context["page"].paginator.count == 104


def test_folding_and_the_migration_keep_the_counts(people):
    for _ in range(LOOSE_ROWS // 2 + 5):
        Person.objects.filter(pk=people[0].pk).update(regency_id=BALIKPAPAN)
        Person.objects.filter(pk=people[0].pk).update(regency_id=SAMARINDA)
    assert PersonCount.objects.count() > LOOSE_ROWS
    assert fold(PersonCount, ["regency_code"]) == 2
    assert PersonCount.objects.count() == 2
    assert kept() == counted()
    migration = importlib.import_module("berdaya.registry.migrations.0010_person_counts")
    PersonCount.objects.all().delete()
    with connection.cursor() as c:
        c.execute(migration.FILL)
    assert kept() == counted() == {SAMARINDA: 4, BALIKPAPAN: 3}
