"""PostgreSQL keeps the proposals' counts by region, status and verdict as rows of changes
written by triggers: after any write, in any order, their sums equal a count made here with
the join of proposals and verifications; folding the rows (alone or while others write) keeps
them so."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.db import connection

from berdaya.intake.models import Proposal
from berdaya.verification.models import ProposalCount, Verification
from berdaya.verification.selectors import compact_counts, joined_counts, verdict_counts
from berdaya.verification.services import verification_override, verify
from tests.verification.test_verify import PEOPLE, load_register, propose

pytestmark = pytest.mark.postgres


def ordered(rows):
    return sorted(rows, key=lambda row: tuple("" if x is None else str(x) for x in row))


def kept(py):
    """What the triggers kept, summed per group (groups summing to nothing left out)."""
    sums: dict[tuple, int] = {}
    for row in ProposalCount.objects.filter(program_year_id=py.pk).values_list(
        "region_code", "status", "verdict", "stale", "n"
    ):
        sums[row[:4]] = sums.get(row[:4], 0) + row[4]
    return ordered((*key, n) for key, n in sums.items() if n)


def joined(py):
    return ordered(tuple(c) for c in joined_counts(Proposal.objects.filter(program_year=py)))


def assert_kept(py):
    expected = joined(py)
    assert kept(py) == expected
    return expected


@pytest.fixture
def year(users, tmp_path):
    from berdaya.programs.services import program_year_for

    load_register(users, tmp_path, PEOPLE)
    return program_year_for(actor=users["admin"], program="WRSE", year=2025)[0]


@pytest.mark.django_db
def test_counts_follow_every_kind_of_write(users, year):
    py = year
    made = [propose(users, py, person) for person in (PEOPLE[0], PEOPLE[1], PEOPLE[2], PEOPLE[4])]
    made.append(propose(users, py, PEOPLE[3], region="64.71"))
    counts = assert_kept(py)
    assert {c[2] for c in counts} == {None}  # nothing verified yet

    verify(actor=users["verifier"], program_year=py)  # verifications inserted in bulk
    counts = assert_kept(py)
    assert {c[2] for c in counts} >= {"eligible", "ineligible"}

    Verification.objects.filter(proposal=made[1]).update(stale=True)
    assert_kept(py)
    v = Verification.objects.get(proposal=made[4])
    verification_override(
        actor=users["verifier"],
        verification=v,
        verdict="ineligible",
        reason="Sudah pindah ke luar provinsi menurut kelurahan",
    )
    assert_kept(py)
    verify(actor=users["verifier"], program_year=py)  # the stale one verified again
    assert_kept(py)

    # Status and region changes, a name edit (which moves no count), a whole year's update.
    Proposal.objects.filter(pk=made[4].pk).update(status=Proposal.Status.WITHDRAWN)
    Proposal.objects.filter(pk=made[2].pk).update(region_id="64.71")
    Proposal.objects.filter(pk=made[0].pk).update(name="SITI AMINAH BINTI ALI")
    assert_kept(py)
    before = ProposalCount.objects.count()
    Proposal.objects.filter(pk=made[0].pk).update(name="SITI AMINAH")
    assert ProposalCount.objects.count() == before  # no key moved: no row written
    Proposal.objects.filter(program_year=py).update(status=Proposal.Status.PROPOSED)
    assert_kept(py)

    # Deleted: a verification alone, then a proposal with its verification (Django deletes
    # the verification first), then a proposal whose verification is already gone.
    Verification.objects.filter(proposal=made[3]).delete()
    assert_kept(py)
    Proposal.objects.filter(pk=made[1].pk).delete()
    assert_kept(py)
    Proposal.objects.filter(pk=made[3].pk).delete()
    counts = assert_kept(py)
    assert sum(c[4] for c in counts) == 3

    # A verification moved to another proposal (never done by Berdaya, but counted right).
    other = propose(users, py, PEOPLE[1])
    Verification.objects.filter(proposal=made[0]).update(proposal=other)
    assert_kept(py)


@pytest.mark.django_db
def test_folding_keeps_the_counts_and_the_page_reads_them(client, users, year):
    py = year
    made = [propose(users, py, person) for person in (PEOPLE[0], PEOPLE[1], PEOPLE[2])]
    verify(actor=users["verifier"], program_year=py)
    for p in made:  # many change rows for few groups
        for stale in (True, False, True, False):
            Verification.objects.filter(proposal=p).update(stale=stale)
    expected = assert_kept(py)
    rows_before = ProposalCount.objects.filter(program_year_id=py.pk).count()
    assert rows_before > len(expected)
    assert compact_counts(py.pk) == len(expected)
    assert ProposalCount.objects.filter(program_year_id=py.pk).count() == len(expected)
    assert assert_kept(py) == expected
    assert compact_counts(py.pk) == len(expected)  # folding folded rows changes nothing

    # The page's reader folds them itself once they pile up.
    from berdaya.core.counts import LOOSE_ROWS

    for _ in range(LOOSE_ROWS // 2 + 5):
        Verification.objects.filter(proposal=made[0]).update(stale=True)
        Verification.objects.filter(proposal=made[0]).update(stale=False)
    assert ProposalCount.objects.filter(program_year_id=py.pk).count() > LOOSE_ROWS
    read = ordered(tuple(c) for c in verdict_counts(users["verifier"], py))
    assert read == expected
    assert ProposalCount.objects.filter(program_year_id=py.pk).count() == len(expected)
    client.force_login(users["op_smd"])
    page = client.get("/usulan/", {"py": py.pk, "verdict": "eligible"}).context["page"]
    assert page.paginator.count == sum(c[4] for c in expected if c[2] == "eligible")


@pytest.mark.django_db
def test_the_migration_counts_what_was_there(users, year):
    py = year
    for person in (PEOPLE[0], PEOPLE[1], PEOPLE[4]):
        propose(users, py, person)
    verify(actor=users["verifier"], program_year=py)
    expected = assert_kept(py)
    migration = importlib.import_module("berdaya.verification.migrations.0004_proposal_counts")
    ProposalCount.objects.all().delete()
    with connection.cursor() as c:
        c.execute(migration.FILL)
    assert kept(py) == expected
    assert ProposalCount.objects.filter(program_year_id=py.pk).count() == len(expected)


@pytest.mark.django_db(transaction=True)
def test_folding_while_others_write_loses_nothing(regions, users, year):
    py = year
    made = [propose(users, py, person) for person in PEOPLE[:3]]
    verify(actor=users["verifier"], program_year=py)
    errors: list[str] = []
    barrier = threading.Barrier(4)

    def writer(p) -> None:
        try:
            barrier.wait()
            for i in range(40):
                Verification.objects.filter(proposal=p).update(stale=bool(i % 2))
        except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
            errors.append(repr(exc))
        finally:
            connection.close()

    def folder() -> None:
        try:
            barrier.wait()
            for _ in range(40):
                compact_counts(py.pk)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(p,)) for p in made[:2]]
    threads += [threading.Thread(target=folder) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = assert_kept(py)
    assert sum(c[4] for c in expected) == 3
