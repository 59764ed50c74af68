"""What distribution needs to know about an approved unit: who it is, who may receive for it,
whether the register now marks them dead, and whether it has been trained.

A unit is an Allocation that is approved and fixed in an issued decree. A person unit receives
in person; a group (KUBE) receives through a member of its board, its chair by default; an
institution (LKS) through whoever its head sends, named on the BAST.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from berdaya.allocation.models import Allocation, Decree
from berdaya.core.masking import mask_nik
from berdaya.distribution.models import Participant, TrainingSession
from berdaya.registry.models import LifeStatus, RegisterRecord

ROLE_ORDER = {"KETUA": 0, "SEKRETARIS": 1, "BENDAHARA": 2, "ANGGOTA": 3}


def decreed(qs: QuerySet[Allocation] | None = None) -> QuerySet[Allocation]:
    """Approved units fixed in the decree in force."""
    qs = Allocation.objects.all() if qs is None else qs
    return qs.filter(status=Allocation.Status.APPROVED, decree__status=Decree.Status.ISSUED)


@dataclass
class Member:
    proposal_id: int
    name: str
    nik: str
    role: str
    deceased: bool = False

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


@dataclass
class UnitInfo:
    allocation: Allocation
    name: str
    nik: str
    village_code: str
    kind: str  # person | group | institution
    members: list[Member] = field(default_factory=list)

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik) if len(self.nik or "") == 16 else self.nik

    @property
    def receivers(self) -> list[Member]:
        """Who may sign the BAST for the unit, in order: the person; a group's board first."""
        return sorted(self.members, key=lambda m: (ROLE_ORDER.get(m.role, 4), m.proposal_id))

    @property
    def default_receiver(self) -> Member | None:
        alive = [m for m in self.receivers if not m.deceased]
        return alive[0] if alive else None

    @property
    def deceased(self) -> bool:
        """A person unit whose person the register now marks dead."""
        return self.kind == "person" and bool(self.members) and self.members[0].deceased


def deceased_niks(niks: set[str], linked: dict[str, str]) -> set[str]:
    """NIKs the register now marks dead: the linked register row, or any current row."""
    dead = {nik for nik, status in linked.items() if status == LifeStatus.DECEASED}
    niks = {n for n in niks if n}
    if niks:
        dead |= set(
            RegisterRecord.objects.filter(
                nik__in=niks, present=True, life_status=LifeStatus.DECEASED
            ).values_list("nik", flat=True)
        )
    return dead


def unit_infos(allocations: list[Allocation]) -> dict[int, UnitInfo]:
    """Names, NIKs, members and deaths of many units at once."""
    from berdaya.intake.models import Proposal

    program_units = {a.pk: a.program_year.program.unit for a in allocations}
    pids = [a.proposal_id for a in allocations if a.proposal_id]
    gids = [a.group_id for a in allocations if a.group_id]
    fields = (
        "id",
        "group_id",
        "name",
        "nik",
        "role",
        "village_code",
        "registration_number",
        "verification__register_record__village_code",
        "verification__register_record__life_status",
    )
    rows = list(
        Proposal.objects.filter(Q(pk__in=pids) | Q(group_id__in=gids, status="proposed")).values(
            *fields
        )
    )
    linked = {
        r["nik"]: r["verification__register_record__life_status"] or ""
        for r in rows
        if r["nik"] and r["verification__register_record__life_status"]
    }
    dead = deceased_niks({r["nik"] for r in rows}, linked)
    by_id = {r["id"]: r for r in rows}
    by_group: dict[int, list[dict]] = {}
    for r in rows:
        if r["group_id"]:
            by_group.setdefault(r["group_id"], []).append(r)
    group_names = {}
    if gids:
        from berdaya.intake.models import ProposalGroup

        group_names = dict(ProposalGroup.objects.filter(pk__in=gids).values_list("id", "name"))
    out = {}
    for a in allocations:
        kind = program_units[a.pk]
        if a.group_id:
            members = [
                Member(m["id"], m["name"], m["nik"], m["role"], m["nik"] in dead)
                for m in by_group.get(a.group_id, [])
            ]
            info = UnitInfo(a, group_names.get(a.group_id, ""), "", "", "group", members)
            chair = info.receivers[0] if info.receivers else None
            if chair:
                r = by_id[chair.proposal_id]
                info.nik = r["nik"]
                info.village_code = (
                    r["verification__register_record__village_code"] or r["village_code"]
                )
        else:
            r = by_id.get(a.proposal_id) or {}
            village = r.get("verification__register_record__village_code") or r.get(
                "village_code", ""
            )
            if kind == "institution":
                info = UnitInfo(
                    a,
                    r.get("name", ""),
                    r.get("registration_number", ""),
                    village,
                    kind,
                    [Member(a.proposal_id, r.get("name", ""), "", "")],
                )
            else:
                nik = r.get("nik", "")
                info = UnitInfo(
                    a,
                    r.get("name", ""),
                    nik,
                    village,
                    "person",
                    [Member(a.proposal_id, r.get("name", ""), nik, "", nik in dead)],
                )
        out[a.pk] = info
    return out


def unit_info(allocation: Allocation) -> UnitInfo:
    return unit_infos([allocation])[allocation.pk]


def trained_ids(allocation_ids: list[int], on: dt.date | None = None) -> set[int]:
    """Units with someone who attended a session held (not cancelled) on or before `on`."""
    qs = Participant.objects.filter(
        allocation_id__in=allocation_ids, status=Participant.Status.ATTENDED
    ).exclude(session__status=TrainingSession.Status.CANCELLED)
    if on is not None:
        qs = qs.filter(session__starts_on__lte=on)
    return set(qs.values_list("allocation_id", flat=True))


def is_trained(allocation: Allocation, on: dt.date | None = None) -> bool:
    return allocation.pk in trained_ids([allocation.pk], on)


def decree_of(allocation: Allocation) -> Decree | None:
    decree = allocation.decree if allocation.decree_id else None
    return decree if decree and decree.status == Decree.Status.ISSUED else None


def in_issued_decree(allocation: Allocation) -> bool:
    return allocation.status == Allocation.Status.APPROVED and decree_of(allocation) is not None
