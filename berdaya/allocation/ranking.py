"""The priority formula and the ranking of eligible units within a region.

Each component is a number from 0 to 1 read from the national register (or, where a person is
not linked, from the proposal's row); the score is the weighted mean of the components times
100, so 0-100 whatever the weights. Ties go to the unit sent earlier, then to the older row.
A group is scored by the mean of its active members' components, and waits from the day the
group was sent. docs/allocation.md explains each component.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.masking import mask_nik
from berdaya.programs.models import ProgramYear

# Component key -> (label, how it is read). The order is the order of the ranking page.
COMPONENTS: dict[str, tuple[Any, Any]] = {
    "decile": (
        _("Welfare decile"),
        _("1 for decile 1, falling evenly to 0 at decile 10; 0 when unknown."),
    ),
    "extreme_poverty": (
        _("Extreme poverty (P3KE)"),
        _("1 when the register lists the person as extremely poor."),
    ),
    "woman_headed": (_("Woman-headed family"), _("1 for a woman who is the head of her family.")),
    "disability": (
        _("Disability in the family"),
        _("1 when anyone on the family card has a disability."),
    ),
    "family_size": (
        _("Family size"),
        _("0 for one person, rising evenly to 1 at seven or more on the family card."),
    ),
    "age": (
        _("Age"),
        _(
            "0 at 18 or younger, rising evenly to 1 at 60 or older (age on the programme "
            "year's reference date)."
        ),
    ),
    "waiting": (
        _("Waiting time"),
        _("Days since the proposal was sent, up to a year: 0 today, 1 after 365 days."),
    ),
}
DEFAULT_WEIGHTS = {
    "decile": 40,
    "extreme_poverty": 20,
    "woman_headed": 10,
    "disability": 10,
    "family_size": 5,
    "age": 5,
    "waiting": 10,
}
HEAD = "KEPALA KELUARGA"
_CHUNK = 900  # SQLite takes at most a few thousand parameters in one IN list on old versions


@dataclass
class Unit:
    """What is allocated: a proposal (person or institution) or a group, with its ranking."""

    key: str  # "p<proposal id>" or "g<group id>"
    proposal_id: int | None
    group_id: int | None
    name: str
    nik: str
    village_code: str
    value: int | None
    submitted_at: dt.datetime
    components: dict[str, float]
    # Users who verified the proposal (or a member) or overrode its verdict.
    verifiers: set[int] = field(default_factory=set)
    members: list[tuple[str, str, str]] = field(default_factory=list)  # role, name, nik
    score: Decimal = Decimal("0")
    rank: int = 0

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def pk(self) -> int:
        return self.group_id or self.proposal_id or 0


def weights_for(program_year: ProgramYear) -> dict[str, int]:
    from berdaya.allocation.models import PriorityFormula

    formula = PriorityFormula.objects.filter(program_year=program_year).first()
    stored = formula.weights if formula else {}
    return {
        k: int(stored.get(k, DEFAULT_WEIGHTS[k]) if formula else DEFAULT_WEIGHTS[k])
        for k in COMPONENTS
    }


def score_of(components: dict[str, float], weights: dict[str, int]) -> Decimal:
    total = sum(max(0, int(w)) for w in weights.values())
    if not total:
        return Decimal("0.00")
    raw = sum(max(0, int(weights.get(k, 0))) * float(components.get(k, 0)) for k in COMPONENTS)
    return Decimal(str(100 * raw / total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rank_units(units: list[Unit], weights: dict[str, int], start: int = 1) -> list[Unit]:
    """Score and order units: highest score first, then sent earlier, then the older row."""
    for u in units:
        u.score = score_of(u.components, weights)
    units.sort(key=lambda u: (-u.score, u.submitted_at, u.key[0], u.pk))
    for i, u in enumerate(units, start=start):
        u.rank = i
    return units


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _families(kks: set[str]) -> dict[str, tuple[int, bool]]:
    """KK -> (people on the card in the latest register extract, anyone with a disability)."""
    from berdaya.registry.models import RegisterRecord

    out: dict[str, tuple[int, bool]] = {}
    kks = sorted(k for k in kks if k)
    for i in range(0, len(kks), _CHUNK):
        rows = (
            RegisterRecord.objects.filter(kk__in=kks[i : i + _CHUNK], present=True)
            .values("kk")
            .annotate(n=Count("id"), dis=Count("id", filter=Q(disability=True)))
        )
        for r in rows:
            out[r["kk"]] = (r["n"], r["dis"] > 0)
    return out


_PERSON_VALUES = [
    "id",
    "name",
    "nik",
    "village_code",
    "need_value",
    "submitted_at",
    "birth_date",
    "sex",
    "relation",
    "group_id",
    "role",
    "verification__register_record_id",
    "verification__verified_by_id",
    "verification__overridden_by_id",
    "verification__register_record__decile",
    "verification__register_record__extreme_poverty",
    "verification__register_record__disability",
    "verification__register_record__kk",
    "verification__register_record__sex",
    "verification__register_record__relation",
    "verification__register_record__birth_date",
    "verification__register_record__village_code",
]


def _components(rows: list[dict], reference: dt.date, today: dt.date) -> dict[int, dict]:
    """Per proposal id: its components (waiting time from its own sending)."""
    families = _families({r["verification__register_record__kk"] or "" for r in rows})
    out = {}
    for r in rows:
        linked = r["verification__register_record_id"] is not None
        decile = r["verification__register_record__decile"]
        sex = (r["verification__register_record__sex"] or r["sex"] or "") if linked else r["sex"]
        relation = (r["verification__register_record__relation"] or r["relation"] or "").upper()
        birth = r["verification__register_record__birth_date"] or r["birth_date"]
        size, disabled = families.get(r["verification__register_record__kk"] or "", (1, False))
        disabled = disabled or bool(r["verification__register_record__disability"])
        age = _age(birth, reference)
        waited = (today - timezone.localtime(r["submitted_at"]).date()).days
        out[r["id"]] = {
            "decile": round((10 - decile) / 9, 4) if decile and 1 <= decile <= 10 else 0.0,
            "extreme_poverty": 1.0 if r["verification__register_record__extreme_poverty"] else 0.0,
            "woman_headed": 1.0 if sex == "P" and relation == HEAD else 0.0,
            "disability": 1.0 if disabled else 0.0,
            "family_size": round(min(max(size, 1) - 1, 6) / 6, 4),
            "age": round(min(max(age - 18, 0), 42) / 42, 4) if age is not None else 0.0,
            "waiting": round(min(max(waited, 0), 365) / 365, 4),
        }
    return out


def _verifiers(r: dict) -> set[int]:
    return {
        u for u in (r["verification__verified_by_id"], r["verification__overridden_by_id"]) if u
    }


def candidates(
    program_year: ProgramYear,
    region_code: str,
    *,
    today: dt.date | None = None,
    approved_keys: set[str] | None = None,
) -> tuple[list[Unit], dict[str, int]]:
    """The units of a region that may be approved now, unranked, and counts of the others.

    A unit may be approved when it is proposed (not withdrawn), its verdict is eligible and
    its verification is current, and it is not approved already. A group also needs every
    active member verified and current.
    """
    from berdaya.allocation.models import Allocation
    from berdaya.intake.models import Proposal, ProposalGroup

    today = today or timezone.localdate()
    reference = program_year.reference_date
    if approved_keys is None:
        approved_keys = {
            a.unit_key
            for a in Allocation.objects.filter(
                program_year=program_year, region_id=region_code, status=Allocation.Status.APPROVED
            ).only("proposal_id", "group_id")
        }
    waiting = {"unverified": 0, "no_value": 0}
    if program_year.program.unit == "group":
        groups = {
            g.pk: g
            for g in ProposalGroup.objects.filter(
                program_year=program_year,
                region_id=region_code,
                status=ProposalGroup.Status.PROPOSED,
            ).select_related("verification")
        }
        members = list(
            Proposal.objects.filter(
                group_id__in=list(groups), status=Proposal.Status.PROPOSED
            ).values(*_PERSON_VALUES, "verification__verdict", "verification__stale")
        )
        by_group: dict[int, list[dict]] = defaultdict(list)
        for m in members:
            by_group[m["group_id"]].append(m)
        comps = _components(members, reference, today)
        units = []
        for gid, g in groups.items():
            if f"g{gid}" in approved_keys:
                continue
            gv = getattr(g, "verification", None)
            ms = by_group.get(gid, [])
            current = (
                gv is not None
                and ms
                and all(m["verification__verdict"] and not m["verification__stale"] for m in ms)
            )
            if not current:
                waiting["unverified"] += 1
                continue
            if gv.verdict != "eligible":
                continue
            order = {"KETUA": 0, "SEKRETARIS": 1, "BENDAHARA": 2}
            ms.sort(key=lambda m: (order.get(m["role"], 3), m["id"]))
            chair = ms[0]
            mean = {
                k: round(sum(comps[m["id"]][k] for m in ms) / len(ms), 4)
                for k in COMPONENTS
                if k != "waiting"
            }
            waited = (today - timezone.localtime(g.submitted_at).date()).days
            mean["waiting"] = round(min(max(waited, 0), 365) / 365, 4)
            verifiers = set().union(*(_verifiers(m) for m in ms))
            if gv.overridden_by_id:
                verifiers.add(gv.overridden_by_id)
            units.append(
                Unit(
                    key=f"g{gid}",
                    proposal_id=None,
                    group_id=gid,
                    name=g.name,
                    nik=chair["nik"],
                    village_code=chair["verification__register_record__village_code"]
                    or chair["village_code"],
                    value=program_year.value_per_unit or None,
                    submitted_at=g.submitted_at,
                    components=mean,
                    verifiers=verifiers,
                    members=[(m["role"], m["name"], m["nik"]) for m in ms],
                )
            )
        return units, waiting
    base = Proposal.objects.filter(
        program_year=program_year, region_id=region_code, status=Proposal.Status.PROPOSED
    )
    waiting["unverified"] = base.filter(
        Q(verification__isnull=True) | Q(verification__stale=True)
    ).count()
    rows = list(
        base.filter(verification__verdict="eligible", verification__stale=False).values(
            *_PERSON_VALUES
        )
    )
    rows = [r for r in rows if f"p{r['id']}" not in approved_keys]
    comps = _components(rows, reference, today)
    units = []
    per_need = program_year.value_per_need
    for r in rows:
        value = r["need_value"] if per_need else program_year.value_per_unit
        if not value or value <= 0:
            waiting["no_value"] += 1
            continue
        units.append(
            Unit(
                key=f"p{r['id']}",
                proposal_id=r["id"],
                group_id=None,
                name=r["name"],
                nik=r["nik"],
                village_code=r["verification__register_record__village_code"] or r["village_code"],
                value=int(value),
                submitted_at=r["submitted_at"],
                components=comps[r["id"]],
                verifiers=_verifiers(r),
            )
        )
    return units, waiting


def ranking(
    program_year: ProgramYear,
    region_code: str,
    *,
    start: int = 1,
    weights: dict[str, int] | None = None,
    today: dt.date | None = None,
    approved_keys: set[str] | None = None,
) -> tuple[list[Unit], dict[str, int]]:
    """The ranked units of a region that may be approved now, and counts of those waiting."""
    units, waiting = candidates(program_year, region_code, today=today, approved_keys=approved_keys)
    return rank_units(units, weights or weights_for(program_year), start=start), waiting
