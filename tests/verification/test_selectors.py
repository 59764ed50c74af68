"""The proposals page's counts: its summary table and its list's count, read from one query."""

from __future__ import annotations

import pytest
from django.db.models import Q

from berdaya.intake.models import Proposal
from berdaya.programs.services import program_year_for
from berdaya.verification.models import Verification
from berdaya.verification.services import verify
from tests.verification.test_verify import PEOPLE, load_register, propose

VERDICTS = ["", "eligible", "ineligible", "review", "pending"]


@pytest.fixture
def proposals(users, tmp_path):
    load_register(users, tmp_path, PEOPLE)
    py, _ = program_year_for(actor=users["admin"], program="WRSE", year=2025)
    smd = [propose(users, py, person) for person in (PEOPLE[0], PEOPLE[1], PEOPLE[2], PEOPLE[4])]
    bpn = propose(users, py, PEOPLE[3], region="64.71")
    # Typos make one for review; the decile one is ineligible.
    propose(users, py, PEOPLE[0], nik=PEOPLE[0]["NIK"][:-1] + "9")
    verify(actor=users["verifier"], program_year=py)
    # One changed since (to re-check), one never verified, one withdrawn: each counted apart.
    Verification.objects.filter(proposal=smd[1]).update(stale=True)
    Verification.objects.filter(proposal=smd[2]).delete()
    Proposal.objects.filter(pk=bpn.pk).update(status=Proposal.Status.WITHDRAWN)
    return py


def _independent(py, user_region, region, verdict):
    qs = Proposal.objects.filter(program_year=py)
    if user_region:
        qs = qs.filter(region_id=user_region)
    if region:
        qs = qs.filter(region_id=region)
    if verdict == "pending":
        return qs.filter(Q(verification__isnull=True) | Q(verification__stale=True)).count()
    if verdict:
        return qs.filter(verification__verdict=verdict).count()
    return qs.count()


@pytest.mark.parametrize("who,user_region", [("verifier", None), ("op_smd", "64.72")])
def test_list_count_and_summary_match_counts_made_here(client, users, proposals, who, user_region):
    py = proposals
    client.force_login(users[who])
    for region in ["", "64.72", "64.71"]:
        for verdict in VERDICTS:
            response = client.get("/usulan/", {"py": py.pk, "region": region, "verdict": verdict})
            page = response.context["page"]
            expected = _independent(py, user_region, region, verdict)
            assert page.paginator.count == expected, (region, verdict)
            assert len(page.object_list) == expected, (region, verdict)
    summary = client.get("/usulan/", {"py": py.pk}).context["summary"]
    proposed = Proposal.objects.filter(program_year=py, status=Proposal.Status.PROPOSED)
    if user_region:
        proposed = proposed.filter(region_id=user_region)
    regions = sorted(set(proposed.values_list("region_id", flat=True)))
    assert [s["region_id"] for s in summary] == regions
    for s in summary:
        mine = proposed.filter(region_id=s["region_id"])
        assert s["region__name"] == mine.first().region.name
        assert s["total"] == mine.count()
        for verdict in ("eligible", "ineligible", "review"):
            assert s[verdict] == mine.filter(verification__verdict=verdict).count()
        assert (
            s["pending"]
            == mine.filter(Q(verification__isnull=True) | Q(verification__stale=True)).count()
        )
    # The fixture made every kind of row this compares.
    assert {s["pending"] for s in summary} != {0}


def test_a_chosen_region_is_counted_alone(client, users, proposals):
    py = proposals
    client.force_login(users["verifier"])
    summary = client.get("/usulan/", {"py": py.pk}).context["summary"]
    everywhere = {s["region_id"]: s for s in summary}
    response = client.get("/usulan/", {"py": py.pk, "region": "64.72", "verdict": "eligible"})
    assert response.context["summary"] == [everywhere["64.72"]]
    assert response.context["page"].paginator.count == _independent(py, None, "64.72", "eligible")
    assert b'id="all-regions"' in response.content


def test_filters_the_counts_cannot_answer_are_counted(client, users, proposals):
    client.force_login(users["verifier"])
    py = proposals
    response = client.get("/usulan/", {"py": py.pk, "reason": "DESIL_ABOVE_LIMIT"})
    assert (
        response.context["page"].paginator.count
        == Verification.objects.filter(reasons__icontains='"DESIL_ABOVE_LIMIT"').count()
        == 1
    )
    response = client.get("/usulan/", {"py": py.pk, "q": "siti"})
    assert response.context["page"].paginator.count == 2
    response = client.get("/usulan/", {"py": py.pk, "verdict": "bogus"})
    assert response.context["page"].paginator.count == 0
