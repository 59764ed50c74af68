"""Verification: each proposal gets its register person, its reason codes and a verdict.

A run verifies the proposals of a programme year that are new or whose data changed (their
Verification is missing or stale), and any whose duplicate status changed because of others.
One audit event per run, with a change row per proposal whose verdict changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record
from berdaya.core.models import AuditChange
from berdaya.intake.models import Proposal
from berdaya.programs.defaults import ACCREDITATION_VALIDITY
from berdaya.programs.models import PastRecipient, Program, ProgramYear
from berdaya.regions.codes import normalize_code
from berdaya.verification.linking import Link, link_proposals
from berdaya.verification.models import Verification, VerificationRun
from berdaya.verification.reasons import Verdict, verdict_for
from berdaya.verification.rules import (
    Criteria,
    InstitutionFacts,
    Person,
    category_reasons,
    institution_reasons,
    person_reasons,
)

BATCH = 2000


def _row_person(p: Proposal) -> Person:
    return Person(
        nik=p.nik,
        birth_date=p.birth_date,
        sex=p.sex,
        relation=p.relation,
        occupation=p.occupation,
        village_code=p.village_code,
    )


def _register_person(r: dict[str, Any]) -> Person:
    return Person(
        nik=r["nik"],
        birth_date=r["birth_date"],
        sex=r["sex"],
        relation=r["relation"],
        occupation=r["occupation"],
        village_code=r["village_code"],
        decile=r["decile"],
        life_status=r["life_status"],
    )


def received_niks(program_year: ProgramYear, niks: set[str]) -> set[str]:
    """NIKs among `niks` that received this programme (or an excluding one) before.

    A programme with welfare categories judges its own history per category
    (`received_by_category`); only the programmes that exclude it are read here.
    """
    program = program_year.program
    if program_year.categories:
        q = Q(pk__in=[])
    elif program_year.once_in_lifetime:
        q = Q(program=program, year__lt=program_year.year)
    else:
        q = Q(program=program, year=program_year.year)
    excluding = [c for c in program_year.excluded_programs or [] if c != program.code]
    if excluding:
        q |= Q(program__code__in=excluding, year__lt=program_year.year)
    if not excluding and program_year.categories:
        return set()
    found: set[str] = set()
    items = sorted(niks)
    for i in range(0, len(items), BATCH):
        found.update(
            PastRecipient.objects.filter(q, nik__in=items[i : i + BATCH]).values_list(
                "nik", flat=True
            )
        )
    return found


def _duplicates(program_year: ProgramYear, links: dict[int, Link]) -> tuple[set[int], set[int]]:
    """Proposals whose person was already proposed earlier this programme year, by anyone.

    Returns (duplicates, in another group): for a group programme, the same person in an
    earlier proposed group is MEMBER_IN_OTHER_GROUP; twice in the same group (or without
    groups), DUPLICATE_IN_BATCH. "Earlier" is by upload time, then row order.
    """
    rows = (
        Proposal.objects.filter(program_year=program_year, status=Proposal.Status.PROPOSED)
        .exclude(group__status="withdrawn")
        .order_by("submitted_at", "row_number", "pk")
        .values_list("pk", "nik", "verification__register_record_id", "group_id")
    )
    first_group: dict[tuple[str, Any], Any] = {}
    dup: set[int] = set()
    other: set[int] = set()
    for pk, nik, register_id, group_id in rows:
        link = links.get(pk)
        rid = link.register_id if link is not None else register_id
        key = ("r", rid) if rid else ("n", nik)
        if key in first_group:
            if group_id is not None and first_group[key] != group_id:
                other.add(pk)
            else:
                dup.add(pk)
        else:
            first_group[key] = group_id
    return dup, other


def verification_run_create(
    *, actor: Any, program_year: ProgramYear, region: str = ""
) -> VerificationRun:
    require(actor, "proposals.verify")
    code = normalize_code(region) if region else ""
    if region and (not code or len(code) != 5):
        raise ValidationError(
            _("%(code)s is not a regency/city code such as 64.72.") % {"code": region}
        )
    return VerificationRun.objects.create(
        program_year=program_year,
        region_code=code or "",
        started_by=actor if getattr(actor, "pk", None) else None,
    )


def verify(
    *,
    actor: Any,
    program_year: ProgramYear,
    region: str = "",
    run: VerificationRun | None = None,
    progress: Callable[[VerificationRun], None] | None = None,
) -> VerificationRun:
    """Verify what is new or changed in a programme year (or one region of it)."""
    require(actor, "proposals.verify")
    run = run or verification_run_create(actor=actor, program_year=program_year, region=region)
    VerificationRun.objects.filter(pk=run.pk).update(status=VerificationRun.Status.RUNNING)
    try:
        _verify(actor, program_year, run, progress)
    except BaseException as exc:
        VerificationRun.objects.filter(pk=run.pk).update(
            status=VerificationRun.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    if progress:
        progress(run)
    return run


@dataclass
class Outcome:
    """What verification found for one proposal: its link and its reasons."""

    reasons: list[str]
    link: Link = field(default_factory=lambda: Link(None))
    institution_id: int | None = None


def _verify(actor, program_year, run, progress) -> dict[str, int]:
    base = Proposal.objects.filter(program_year=program_year, status=Proposal.Status.PROPOSED)
    if run.region_code:
        base = base.filter(region_id=run.region_code)
    todo = list(
        base.filter(Q(verification__isnull=True) | Q(verification__stale=True)).order_by("pk")
    )
    if program_year.program.unit == "institution":
        todo, outcomes = _decide_institutions(program_year, base, todo)
    else:
        todo, outcomes = _decide_people(program_year, base, todo)
    VerificationRun.objects.filter(pk=run.pk).update(total=len(todo))
    run.total = len(todo)
    now = timezone.now()
    existing = {
        v.proposal_id: v for v in Verification.objects.filter(proposal_id__in=[p.pk for p in todo])
    }
    counts = {Verdict.ELIGIBLE.value: 0, Verdict.INELIGIBLE.value: 0, Verdict.REVIEW.value: 0}
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        with transaction.atomic():
            changes, creates, updates = [], [], []
            for p in chunk:
                outcome = outcomes(p)
                reasons, link = outcome.reasons, outcome.link
                computed = verdict_for(reasons)
                v = existing.get(p.pk)
                if v is None:
                    v = Verification(proposal=p)
                    creates.append(v)
                else:
                    updates.append(v)
                before = (v.verdict, list(v.reasons or []))
                linked = link.register_id is not None
                v.register_record_id = link.register_id
                v.link_method = link.method if linked else ""
                v.link_score = link.score if linked else None
                v.evidence = link.evidence if linked else {}
                v.institution_id = outcome.institution_id
                v.reasons = reasons
                v.computed_verdict = computed
                if not v.overridden:
                    v.verdict = computed
                v.stale = False
                v.verified_at = now
                v.verified_by = actor if getattr(actor, "pk", None) else None
                v.version = (v.version or 0) + 1
                counts[v.verdict] += 1
                if before != (v.verdict, reasons):
                    changes.append((p, before, (v.verdict, reasons)))
            Verification.objects.bulk_create(creates, batch_size=1000)
            Verification.objects.bulk_update(
                updates,
                [
                    "register_record",
                    "institution",
                    "link_method",
                    "link_score",
                    "evidence",
                    "reasons",
                    "computed_verdict",
                    "verdict",
                    "stale",
                    "verified_at",
                    "verified_by",
                    "version",
                ],
                batch_size=1000,
            )
            if start == 0 or changes:
                event = audit_record(
                    actor=actor,
                    action="verification.run",
                    object_type="programs.programyear",
                    object_id=str(program_year.pk),
                    object_repr=f"{program_year} {run.region_code or ''}".strip(),
                    region_code=run.region_code,
                    after={
                        "run": run.pk,
                        "batch_start": start,
                        "verified": len(chunk),
                        "changed": len(changes),
                    },
                )
                AuditChange.objects.bulk_create(
                    [
                        AuditChange(
                            event=event,
                            object_id=str(p.pk),
                            change="verdict",
                            before={"verdict": b[0], "reasons": b[1]},
                            after={"verdict": a[0], "reasons": a[1]},
                        )
                        for p, b, a in changes
                    ],
                    batch_size=1000,
                )
        run.done = min(run.total, start + len(chunk))
        VerificationRun.objects.filter(pk=run.pk).update(done=run.done)
        if progress:
            progress(run)
    group_counts = verify_groups(actor=actor, program_year=program_year)
    if group_counts:
        counts = {**counts, "groups": group_counts}
    VerificationRun.objects.filter(pk=run.pk).update(
        status=VerificationRun.Status.DONE,
        counts=counts,
        finished_at=timezone.now(),
        done=len(todo),
    )
    return counts


def _decide_people(program_year, base, todo):
    """Link each person to the register and apply the programme's (and category's) rules."""
    links, rows = link_proposals(todo)
    dup, other_group = _duplicates(program_year, links)
    # Proposals whose duplicate flag is now wrong join the run (another one came or went).
    todo_ids = {p.pk for p in todo}
    flipped = [
        v.proposal_id
        for v in Verification.objects.filter(proposal__in=base)
        .exclude(proposal_id__in=todo_ids)
        .only("proposal_id", "reasons")
        if ("DUPLICATE_IN_BATCH" in v.reasons) != (v.proposal_id in dup)
        or ("MEMBER_IN_OTHER_GROUP" in v.reasons) != (v.proposal_id in other_group)
    ]
    if flipped:
        extra = list(Proposal.objects.filter(pk__in=flipped).select_related("verification"))
        for p in extra:
            rid = p.verification.register_record_id
            links[p.pk] = Link(
                rid, p.verification.link_method, p.verification.link_score, p.verification.evidence
            )
        missing = {links[p.pk].register_id for p in extra} - set(rows) - {None}
        if missing:
            from berdaya.registry.models import RegisterRecord
            from berdaya.verification.linking import REGISTER_VALUES

            for r in RegisterRecord.objects.filter(pk__in=missing).values(*REGISTER_VALUES):
                rows[r["id"]] = r
        todo = [*todo, *extra]
    criteria = Criteria.of(program_year)
    niks = {p.nik for p in todo}
    niks |= {rows[lk.register_id]["nik"] for lk in links.values() if lk.register_id in rows}
    received = received_niks(program_year, niks)
    categories = _categories(program_year)
    by_category = received_by_category(program_year, niks, categories) if categories else set()

    def decide(p: Proposal) -> Outcome:
        link = links.get(p.pk) or Link(None)
        reg = rows.get(link.register_id) if link.register_id else None
        register = _register_person(reg) if reg else None
        got = p.nik in received or (reg is not None and reg["nik"] in received)
        if categories:
            got = got or any((n, p.category) in by_category for n in (p.nik, reg and reg["nik"]))
        reasons = person_reasons(
            row=_row_person(p),
            register=register,
            criteria=criteria,
            proposing_region=p.region_id,
            already_received=got,
            duplicate=p.pk in dup,
        )
        if p.pk in other_group:
            reasons.append("MEMBER_IN_OTHER_GROUP")
        if categories:
            reasons += category_reasons(
                _row_person(p), register, categories.get(p.category), criteria.reference_date
            )
        return Outcome(sorted(set(reasons)), link if reg else Link(None))

    return todo, decide


def _categories(program_year: ProgramYear) -> dict[str, Any]:
    """The welfare categories a programme year's proposals name, by code (empty: none)."""
    from berdaya.programs.models import WelfareCategory

    if not program_year.categories:
        return {}
    allowed = {c.upper() for c in program_year.categories}
    return {c.code: c for c in WelfareCategory.objects.filter(code__in=allowed)}


def received_by_category(
    program_year: ProgramYear, niks: set[str], categories: dict[str, Any]
) -> set[tuple[str, str]]:
    """(NIK, category) pairs already assisted: this year, or before in a once-only category."""
    found: set[tuple[str, str]] = set()
    items = sorted(niks)
    for i in range(0, len(items), BATCH):
        for nik, year, code in PastRecipient.objects.filter(
            program=program_year.program, nik__in=items[i : i + BATCH]
        ).values_list("nik", "year", "category"):
            category = categories.get(code)
            once = bool(category and category.once_only)
            if year == program_year.year or (once and year < program_year.year):
                found.add((nik, code))
    return found


def _decide_institutions(program_year, base, todo):
    """Institutions (LKS): registered, accreditation valid, not assisted this year, once."""
    from berdaya.registry.models import Institution, registration_key

    everyone = list(base.order_by("submitted_at", "row_number", "pk"))
    keys = {registration_key(p.registration_number) for p in everyone} - {""}
    registered = {
        i.registration_key: i
        for i in Institution.objects.filter(
            registration_key__in=keys, status=Institution.Status.REGISTERED
        )
    }
    # The same institution proposed twice this year (by any office): the later is a duplicate.
    first: set[Any] = set()
    dup: set[int] = set()
    for p in Proposal.objects.filter(
        program_year=program_year, status=Proposal.Status.PROPOSED
    ).order_by("submitted_at", "row_number", "pk"):
        key = registration_key(p.registration_number) or ("name", p.name_norm, p.village_code)
        if key in first:
            dup.add(p.pk)
        first.add(key)
    todo_ids = {p.pk for p in todo}
    flipped = {
        v.proposal_id
        for v in Verification.objects.filter(proposal__in=base).exclude(proposal_id__in=todo_ids)
        if ("DUPLICATE_IN_BATCH" in v.reasons) != (v.proposal_id in dup)
    }
    todo = [*todo, *(p for p in everyone if p.pk in flipped)]
    received = received_niks(program_year, keys)
    validity = {
        k.upper(): int(v)
        for k, v in (program_year.accreditation_validity or ACCREDITATION_VALIDITY).items()
    }
    check_date = accreditation_check_date(program_year)

    def decide(p: Proposal) -> Outcome:
        key = registration_key(p.registration_number)
        inst = registered.get(key) if key else None
        row = InstitutionFacts(p.accreditation, p.accreditation_date, p.village_code)
        facts = (
            InstitutionFacts(inst.accreditation, inst.accreditation_date, inst.village_id)
            if inst
            else None
        )
        reasons = institution_reasons(
            row=row,
            registered=facts,
            accreditation_required=program_year.accreditation_required,
            validity=validity,
            check_date=check_date,
            proposing_region=p.region_id,
            already_received=bool(key) and key in received,
            duplicate=p.pk in dup,
        )
        return Outcome(reasons, institution_id=inst.pk if inst else None)

    return todo, decide


def accreditation_check_date(program_year: ProgramYear) -> dt.date:
    """The day an accreditation must be valid on: today, within the programme year (its
    reference date at the earliest, 31 December at the latest)."""
    today = timezone.localdate()
    return min(max(today, program_year.reference_date), dt.date(program_year.year, 12, 31))


def mark_stale(proposal_ids: list[int]) -> int:
    """Proposals whose data changed are verified again by the next run."""
    return Verification.objects.filter(proposal_id__in=proposal_ids).update(stale=True)


def mark_stale_for_register(record_ids: list[int]) -> int:
    n = 0
    for i in range(0, len(record_ids), BATCH):
        n += Verification.objects.filter(
            register_record_id__in=record_ids[i : i + BATCH],
            proposal__status=Proposal.Status.PROPOSED,
        ).update(stale=True)
    return n


def mark_stale_for_institutions(institution_ids: list[int]) -> int:
    """Open proposals naming these institutions (by registration number) are checked again."""
    from berdaya.registry.models import Institution, registration_key

    keys = set(
        Institution.objects.filter(pk__in=institution_ids).values_list(
            "registration_key", flat=True
        )
    )
    ids = [
        pk
        for pk, number in Proposal.objects.filter(
            status=Proposal.Status.PROPOSED, program_year__program__unit="institution"
        ).values_list("pk", "registration_number")
        if registration_key(number) in keys
    ]
    ids += list(
        Verification.objects.filter(institution_id__in=institution_ids).values_list(
            "proposal_id", flat=True
        )
    )
    return Verification.objects.filter(proposal_id__in=set(ids)).update(stale=True)


def mark_stale_for_program(program: Program) -> int:
    return Verification.objects.filter(proposal__program_year__program=program).update(stale=True)


@transaction.atomic
def verification_override(
    *,
    actor: Any,
    verification: Verification,
    verdict: str,
    reason: str,
    expected_version: int | None = None,
) -> Verification:
    """A verifier sets the verdict, with a written reason; the computed one stays beside it.

    Two verifiers overriding the same verdict at once cannot both win: the update is
    conditional on the version the verifier saw.
    """
    require(actor, "proposals.verify")
    if not actor.can_read_region(verification.proposal.region_id):
        raise ValidationError(_("Not your region."))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose eligible, ineligible or needs review.")})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Write the reason for the override (at least 10 characters).")}
        )
    version = verification.version if expected_version is None else expected_version
    now = timezone.now()
    updated = Verification.objects.filter(pk=verification.pk, version=version).update(
        verdict=verdict,
        overridden=True,
        override_reason=reason,
        overridden_by=actor,
        overridden_at=now,
        version=version + 1,
    )
    if not updated:
        raise ValidationError(
            _("Someone else changed this verdict a moment ago. Reload the page to see it.")
        )
    before = {"verdict": verification.verdict, "overridden": verification.overridden}
    verification.refresh_from_db()
    audit_record(
        actor=actor,
        action="verification.override",
        obj=verification.proposal,
        before=before,
        after={
            "verdict": verdict,
            "computed_verdict": verification.computed_verdict,
            "reasons": verification.reasons,
        },
        note=reason[:500],
    )
    return verification


@transaction.atomic
def verification_clear_override(
    *, actor: Any, verification: Verification, reason: str
) -> Verification:
    require(actor, "proposals.verify")
    if not verification.overridden:
        raise ValidationError(_("This verdict is not overridden."))
    version = verification.version
    updated = Verification.objects.filter(pk=verification.pk, version=version).update(
        verdict=verification.computed_verdict,
        overridden=False,
        override_reason="",
        overridden_by=None,
        overridden_at=None,
        version=version + 1,
    )
    if not updated:
        raise ValidationError(_("Someone else changed this verdict a moment ago."))
    audit_record(
        actor=actor,
        action="verification.override_cleared",
        obj=verification.proposal,
        before={"verdict": verification.verdict},
        after={"verdict": verification.computed_verdict},
        note=reason[:500],
    )
    verification.refresh_from_db()
    return verification


def verdict_rows(program_year: ProgramYear, user: Any, region: str = "") -> Any:
    """The rows of `export-verdicts`: every proposal, verified or not, by region then ID."""
    from berdaya.accounts.scope import scoped

    qs = scoped(Proposal.objects.filter(program_year=program_year), user)
    if region:
        qs = qs.filter(region_id=normalize_code(region))
    qs = qs.select_related("verification", "verification__register_record", "group__verification")
    grouped = program_year.program.unit == "group"
    out = []
    for p in qs:
        v = getattr(p, "verification", None)
        row = {}
        if grouped:
            gv = getattr(p.group, "verification", None) if p.group_id else None
            row = {
                "group_id": p.group.name if p.group_id else "",
                "group_verdict": gv.verdict if gv and gv.verified_at else "",
                "group_reasons": ";".join(sorted(gv.reasons)) if gv and gv.verified_at else "",
            }
        out.append(
            {
                "proposal_id": p.row_id,
                "nik": p.nik,
                "register_nik": v.register_record.nik if v and v.register_record else "",
                "verdict": v.verdict if v and v.verified_at else "",
                "reasons": ";".join(sorted(v.reasons)) if v and v.verified_at else "",
                "region": p.region_id,
                "uid": str(p.uid),
                "overridden": "1" if v and v.overridden else "0",
                **row,
            }
        )
    out.sort(key=lambda r: (r["region"], r["proposal_id"]))
    return out


def reverify_stale(*, actor: Any) -> int:
    """Verify again every programme year that has stale verifications; return how many."""
    years = ProgramYear.objects.filter(
        proposals__verification__stale=True,
        proposals__status=Proposal.Status.PROPOSED,
    ).distinct()
    total = 0
    for program_year in years:
        run = verify(actor=actor, program_year=program_year)
        total += run.total
    return total


# At the group level a member in another group makes the group need review, not fail.
GROUP_EFFECT = {"MEMBER_IN_OTHER_GROUP": Verdict.REVIEW.value}


def group_verdict(reasons: list[str], member_verdicts: list[str]) -> str:
    """The worst effect of the group's own reasons; at least review if a member is not
    eligible (the operator can replace the member)."""
    effects = {GROUP_EFFECT.get(r) or verdict_for([r]) for r in reasons}
    if Verdict.INELIGIBLE.value in effects:
        return Verdict.INELIGIBLE.value
    if Verdict.REVIEW.value in effects or any(v != Verdict.ELIGIBLE.value for v in member_verdicts):
        return Verdict.REVIEW.value
    return Verdict.ELIGIBLE.value


def _member_village(member: Proposal) -> str:
    v = getattr(member, "verification", None)
    if v is not None and v.register_record is not None:
        return v.register_record.village_code or ""
    return member.village_code or ""


@transaction.atomic
def verify_groups(*, actor: Any, program_year: ProgramYear) -> dict[str, int]:
    """Verify every proposed group of a group programme year from its members' verdicts:
    GROUP_SIZE (all proposed members count), GROUP_VILLAGES (register villages),
    MEMBER_IN_OTHER_GROUP. A group with a member not yet verified waits for the next run."""
    from collections import defaultdict

    from berdaya.intake.models import ProposalGroup
    from berdaya.verification.models import GroupVerification

    if program_year.program.unit != "group":
        return {}
    groups = list(
        ProposalGroup.objects.filter(
            program_year=program_year, status=ProposalGroup.Status.PROPOSED
        )
    )
    members = defaultdict(list)
    for m in Proposal.objects.filter(
        group__in=groups, status=Proposal.Status.PROPOSED
    ).select_related("verification__register_record"):
        members[m.group_id].append(m)
    existing = {g.group_id: g for g in GroupVerification.objects.filter(group__in=groups)}
    now = timezone.now()
    counts = {Verdict.ELIGIBLE.value: 0, Verdict.INELIGIBLE.value: 0, Verdict.REVIEW.value: 0}
    changes = []
    for group in groups:
        ms = members.get(group.pk, [])
        verifs = [getattr(m, "verification", None) for m in ms]
        if not ms or any(v is None or v.stale or not v.verified_at for v in verifs):
            continue
        reasons = []
        n = len(ms)
        if (program_year.group_min and n < program_year.group_min) or (
            program_year.group_max and n > program_year.group_max
        ):
            reasons.append("GROUP_SIZE")
        villages = {code for code in map(_member_village, ms) if code.count(".") == 3}
        if len(villages) > 1:
            reasons.append("GROUP_VILLAGES")
        if any("MEMBER_IN_OTHER_GROUP" in v.reasons for v in verifs):
            reasons.append("MEMBER_IN_OTHER_GROUP")
        reasons.sort()
        computed = group_verdict(reasons, [v.verdict for v in verifs])
        gv = existing.get(group.pk) or GroupVerification(group=group)
        before = (gv.verdict, list(gv.reasons or []))
        gv.reasons, gv.members, gv.computed_verdict = reasons, n, computed
        if not gv.overridden:
            gv.verdict = computed
        gv.verified_at = now
        gv.version = (gv.version or 0) + 1
        gv.save()
        counts[gv.verdict] += 1
        if before != (gv.verdict, reasons):
            changes.append((group, before, (gv.verdict, reasons)))
    if changes:
        event = audit_record(
            actor=actor,
            action="verification.groups",
            object_type="programs.programyear",
            object_id=str(program_year.pk),
            object_repr=str(program_year),
            after={"groups": len(groups), "changed": len(changes)},
        )
        AuditChange.objects.bulk_create(
            [
                AuditChange(
                    event=event,
                    object_id=str(g.pk),
                    change="group_verdict",
                    before={"verdict": b[0], "reasons": b[1]},
                    after={"verdict": a[0], "reasons": a[1]},
                )
                for g, b, a in changes
            ],
            batch_size=1000,
        )
    return counts
