"""The priority formula: each component read from the register, weights as data, ties broken by
who was sent first; groups by their members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from berdaya.allocation.ranking import COMPONENTS, DEFAULT_WEIGHTS, ranking, score_of
from berdaya.allocation.services import formula_save
from tests.allocation.conftest import SMD, SMD_VILLAGE, eligible, eligible_group, register_row


def components_of(py, proposal):
    units, _w = ranking(py, SMD)
    return next(u for u in units if u.proposal_id == proposal.pk).components


def test_each_component_is_read_from_the_register(users, wrse):
    v = users["verifier"]
    p = eligible(
        wrse,
        SMD,
        v,
        decile=1,
        extreme_poverty=True,
        birth=dt.date(1966, 1, 1),
        days_ago=365,
        kk="6472000000000777",
    )
    # Two more on the family card, one of them with a disability.
    register_row(
        SMD_VILLAGE,
        "ANAK SATU",
        dt.date(2010, 1, 1),
        kk="6472000000000777",
        relation="ANAK",
        disability=True,
    )
    register_row(
        SMD_VILLAGE, "ANAK DUA", dt.date(2012, 1, 1), kk="6472000000000777", relation="ANAK"
    )
    c = components_of(wrse, p)
    assert c == {
        "decile": 1.0,
        "extreme_poverty": 1.0,
        "woman_headed": 1.0,
        "disability": 1.0,
        "family_size": round(2 / 6, 4),
        "age": round(41 / 42, 4),
        "waiting": 1.0,
    }
    plain = eligible(
        wrse, SMD, v, decile=10, relation="ISTRI", birth=dt.date(2007, 1, 1), days_ago=0
    )
    assert components_of(wrse, plain) == {k: 0.0 for k in COMPONENTS}


def test_the_score_is_the_weighted_mean_times_100():
    c = {k: 0.0 for k in COMPONENTS} | {"decile": 1.0, "extreme_poverty": 0.5}
    assert score_of(c, DEFAULT_WEIGHTS) == Decimal("50.00")
    assert score_of(c, {k: 0 for k in COMPONENTS}) == Decimal("0.00")


@given(
    st.dictionaries(st.sampled_from(list(COMPONENTS)), st.floats(0, 1), min_size=7),
    st.dictionaries(st.sampled_from(list(COMPONENTS)), st.integers(0, 100), min_size=7),
)
def test_scores_stay_between_0_and_100(components, weights):
    assert Decimal("0") <= score_of(components, weights) <= Decimal("100")


def test_weights_are_data_and_change_the_order(users, wrse):
    v = users["verifier"]
    poorest = eligible(wrse, SMD, v, decile=1, days_ago=1)
    waited = eligible(wrse, SMD, v, decile=4, days_ago=300)
    units, _w = ranking(wrse, SMD)
    assert [u.proposal_id for u in units] == [poorest.pk, waited.pk]
    formula_save(
        actor=users["admin"],
        program_year=wrse,
        weights={k: 0 for k in COMPONENTS} | {"waiting": 100, "decile": 10},
    )
    units, _w = ranking(wrse, SMD)
    assert [u.proposal_id for u in units] == [waited.pk, poorest.pk]


def test_ties_go_to_the_one_sent_first(users, wrse):
    v = users["verifier"]
    later = eligible(wrse, SMD, v, days_ago=3)
    earlier = eligible(wrse, SMD, v, days_ago=3)
    from berdaya.intake.models import Proposal

    Proposal.objects.filter(pk=earlier.pk).update(
        submitted_at=later.submitted_at - dt.timedelta(hours=1)
    )
    units, _w = ranking(wrse, SMD)
    assert units[0].score == units[1].score
    assert [u.proposal_id for u in units] == [earlier.pk, later.pk]


def test_only_current_eligible_proposals_are_ranked(users, wrse):
    from berdaya.verification.models import Verification

    v = users["verifier"]
    ok = eligible(wrse, SMD, v)
    stale = eligible(wrse, SMD, v)
    review = eligible(wrse, SMD, v)
    withdrawn = eligible(wrse, SMD, v)
    Verification.objects.filter(proposal=stale).update(stale=True)
    Verification.objects.filter(proposal=review).update(verdict="review")
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    units, waiting = ranking(wrse, SMD)
    assert [u.proposal_id for u in units] == [ok.pk]
    assert waiting["unverified"] == 1


def test_a_group_is_ranked_by_its_members(users, kube):
    v = users["verifier"]
    poor, _m = eligible_group(kube, SMD, v, "KUBE MISKIN", decile=1)
    better, _m = eligible_group(kube, SMD, v, "KUBE MAMPU", decile=4)
    units, _w = ranking(kube, SMD)
    assert [u.group_id for u in units] == [poor.pk, better.pk]
    assert units[0].components["decile"] == 1.0 and units[0].value == 20_000_000
    assert len(units[0].members) == 5 and units[0].members[0][0] == "KETUA"


def test_per_need_programmes_use_the_stated_value(users):
    from berdaya.programs.services import program_year_for

    py = program_year_for(actor=users["admin"], program="PPKS", year=2025)[0]
    v = users["verifier"]
    with_value = eligible(py, SMD, v, need_value=3_500_000)
    eligible(py, SMD, v, need_value=None)
    units, waiting = ranking(py, SMD)
    assert [(u.proposal_id, u.value) for u in units] == [(with_value.pk, 3_500_000)]
    assert waiting["no_value"] == 1


def test_the_formula_is_set_by_the_province_only(users, wrse):
    import pytest
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        formula_save(actor=users["op_smd"], program_year=wrse, weights=DEFAULT_WEIGHTS)
    with pytest.raises(ValidationError):
        formula_save(actor=users["admin"], program_year=wrse, weights={k: 0 for k in COMPONENTS})
    with pytest.raises(ValidationError):
        formula_save(
            actor=users["admin"], program_year=wrse, weights=DEFAULT_WEIGHTS | {"age": 101}
        )
