"""Outcome figures: the survival curve against a hand-computed Kaplan-Meier, revenue before and
after, jobs, independent families, and the dashboards' stage."""

from __future__ import annotations

import pytest

from berdaya.monitoring import outcomes
from berdaya.monitoring.outcomes import Filters, kaplan_meier
from tests.monitoring.conftest import BPN, SMD, record

# Six businesses, months from the goods received (hand-computed Kaplan-Meier):
#   A stopped at 3; B running at 6, then not seen; C stopped at 6; D stopped at 12;
#   E running at 12, then not seen; F running at 24.
#   t=3:  6 at risk, 1 stops -> S = 5/6
#   t=6:  5 at risk (B censored at 6 still counts), 1 stops -> S = 5/6 * 4/5 = 2/3
#   t=12: 3 at risk, 1 stops -> S = 2/3 * 2/3 = 4/9
#   t=24: 1 at risk, none stops -> S = 4/9; the median is 12 months (first S below 1/2).
EXPECTED = [(0, 1.0), (3, 5 / 6), (6, 2 / 3), (12, 4 / 9), (24, 4 / 9)]


def test_kaplan_meier_matches_the_hand_computed_case():
    km = kaplan_meier([3, 6, 6, 12, 12, 24], [True, False, True, True, False, False])
    assert [(p["t"], pytest.approx(p["s"])) for p in km.points] == [
        (t, pytest.approx(s)) for t, s in EXPECTED
    ]
    assert (km.n, km.events, km.median) == (6, 3, 12)
    assert km.at[3] == pytest.approx(5 / 6) and km.at[24] == pytest.approx(4 / 9)
    for p in km.points[1:]:
        assert p["lo"] <= p["s"] <= p["hi"]


def test_kaplan_meier_with_nothing_to_count():
    km = kaplan_meier([], [])
    assert km.n == 0 and km.points == [] and km.at[12] is None


@pytest.fixture
def cohort(scheduled, hand_over, users):
    fac = users["facilitator"]

    def visits(unit):
        return {v.month: v for v in unit.visits.all()}

    units = {k: scheduled(days_ago=800, name=f"USAHA {k}") for k in "ABCDEF"}
    v = {k: visits(u) for k, u in units.items()}
    record(
        v["A"][3],
        fac,
        business_status="stopped",
        stop_reason="capital",
        revenue="",
        profit="",
        workers="",
        workers_poor="",
    )
    record(v["B"][3], fac)
    record(v["B"][6], fac)
    record(v["C"][3], fac)
    record(
        v["C"][6],
        fac,
        business_status="stopped",
        stop_reason="market",
        revenue="0",
        profit="0",
        workers="0",
        workers_poor="0",
    )
    for m in (3, 6):
        record(v["D"][m], fac)
    record(
        v["D"][12],
        fac,
        business_status="stopped",
        stop_reason="market",
        revenue="0",
        profit="0",
        workers="0",
        workers_poor="0",
    )
    for m in (3, 6, 12):
        record(v["E"][m], fac, business_status="growing")
    for m in (3, 6, 12):
        record(v["F"][m], fac)
    record(
        v["F"][24],
        fac,
        business_status="growing",
        revenue="2500000",
        profit="900000",
        workers="3",
        workers_poor="2",
        independent="1",
    )
    # A KUBE group of 5 families, independent at its first visit (another programme).
    from berdaya.monitoring.models import MonitoredUnit
    from berdaya.monitoring.scheduling import visits_schedule

    allocation, _h = hand_over(program="KUBE", group=True, days_ago=100)
    visits_schedule(actor=users["admin"])
    group = MonitoredUnit.objects.get(allocation=allocation)
    record(group.visits.get(month=3), fac, independent="1", workers="0", workers_poor="0")
    return units, group


def test_outcomes_of_a_cohort(cohort):
    units, group = cohort
    s = outcomes.summary(Filters(program="WRSE", regions=[SMD, BPN]))
    km = s["survival"]
    assert [(p["t"], pytest.approx(p["s"])) for p in km.points] == [
        (t, pytest.approx(v)) for t, v in EXPECTED
    ]
    assert km.median == 12
    assert s["units"] == 6 and s["visited"] == 6
    # Revenue: 600,000 declared before by each; latest 0 (A, C, D stopped), 1.5m (B, E), 2.5m.
    rev = s["revenue"]
    assert (rev["n"], rev["before_median"], rev["after_median"]) == (6, 600_000, 750_000)
    assert rev["higher"] == 3
    assert s["jobs"] == {"workers": 1 + 1 + 3, "workers_poor": 1 + 1 + 2, "businesses": 3}
    assert s["status_mix"] == {"running": 1, "growing": 2, "stagnant": 0, "stopped": 3, "none": 0}
    assert s["stop_reasons"] == {"market": 2, "capital": 1}
    assert s["independent"] == {"units": 1, "families": 1}
    everything = outcomes.summary(Filters(regions=[SMD]))
    assert everything["independent"] == {"units": 2, "families": 1 + 5}
    assert group.families == 5


def test_outcomes_follow_the_filters(cohort):
    units, _group = cohort
    assert outcomes.summary(Filters(regions=[BPN]))["units"] == 0
    assert outcomes.summary(Filters(program="WRSE", year=2024, regions=[SMD]))["units"] == 0
    from berdaya.monitoring.models import MonitoredUnit

    MonitoredUnit.objects.filter(pk=units["F"].pk).update(business_type="Menjahit dan konveksi")
    typed = outcomes.summary(Filters(business_type="Menjahit dan konveksi", regions=[SMD]))
    assert typed["units"] == 1 and typed["jobs"]["workers"] == 3
    rows = {r["key"]: r for r in outcomes.summary(Filters(regions=[SMD]))["by_business_type"]}
    assert rows["Menjahit dan konveksi"]["units"] == 1 and rows[""]["units"] == 6


def test_dashboard_stage_and_outcomes(cohort):
    units, _group = cohort
    from berdaya.monitoring import stages

    py = units["A"].program_year
    assert stages.STAGES["monitored"]["count"](py, [SMD, BPN]) == {SMD: 6}
    figures = {f["label"]: f["count"] for f in stages.OUTCOMES(py, [SMD])}
    assert figures["Businesses stopped"] == 3 and figures["Jobs created"] == 5
    assert all(f["link"].startswith("/pemantauan/hasil/?") for f in stages.OUTCOMES(py, [SMD]))
    # A region the user may not read is never counted.
    assert stages.STAGES["monitored"]["count"](py, [BPN]) == {}


def test_the_reports_registry_finds_the_monitored_stage(db):
    from berdaya.reports.stages import outcome_functions, stages

    monitored = next(s for s in stages() if s.key == "monitored")
    assert monitored.available
    from berdaya.monitoring.outcomes import dashboard_outcomes

    assert dashboard_outcomes in outcome_functions()
