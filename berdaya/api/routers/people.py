"""A person by NIK: their record and their proposals, within the user's region."""

import datetime as dt
import uuid

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from berdaya.accounts.scope import require
from berdaya.api.common import log_read, nik_out, user_of
from berdaya.core.audit import audit_record

router = Router(tags=["people"])


class LookupIn(Schema):
    nik: str = Field(..., pattern=r"^[0-9]{16}$", description="16-digit NIK")


class ProposalBrief(Schema):
    uid: uuid.UUID
    program: str
    year: int
    region: str
    status: str
    verdict: str
    approved: bool


class PersonOut(Schema):
    id: int
    nik: str
    kk: str
    name: str
    sex: str
    birth_date: dt.date
    village: str
    regency: str
    decile: int | None
    life_status: str
    disability: bool
    extreme_poverty: bool


class LookupOut(Schema):
    person: PersonOut | None
    proposals: list[ProposalBrief]


@router.post(
    "/persons/lookup",
    response=LookupOut,
    summary="Look a person up by NIK",
    description="The NIK goes in the body, not the address, so that it stays out of logs. "
    "404 when no person or proposal with that NIK is in the user's region.",
)
def person_lookup(request: HttpRequest, body: LookupIn):
    user = user_of(request)
    require(user, "registry.view")
    from berdaya.allocation.models import Allocation
    from berdaya.intake.selectors import proposals_visible
    from berdaya.registry.selectors import people_visible

    person = people_visible(user).filter(nik=body.nik).first()
    proposals = []
    if user.has_capability("proposals.view"):
        qs = proposals_visible(user).filter(nik=body.nik).select_related("verification")
        approved = set(
            Allocation.objects.filter(status="approved", proposal__in=qs).values_list(
                "proposal_id", flat=True
            )
        ) | set(
            Allocation.objects.filter(status="approved", group__members__in=qs).values_list(
                "group__members", flat=True
            )
        )
        for p in qs.order_by("-program_year__year", "pk"):
            v = getattr(p, "verification", None)
            proposals.append(
                {
                    "uid": p.uid,
                    "program": p.program_year.program.code,
                    "year": p.program_year.year,
                    "region": p.region_id,
                    "status": p.status,
                    "verdict": (v.verdict if v else "") or "",
                    "approved": p.pk in approved,
                }
            )
    if person is None and not proposals:
        raise Http404
    if person is not None:
        audit_record(actor=user, action="api.person_lookup", obj=person, note="API lookup by NIK")
    else:
        log_read(request, "persons.lookup", count=len(proposals))
    return {
        "person": None
        if person is None
        else {
            "id": person.pk,
            "nik": nik_out(request, person.nik),
            "kk": nik_out(request, person.kk),
            "name": person.name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "village": person.village_id,
            "regency": person.regency_id,
            "decile": person.decile,
            "life_status": person.life_status,
            "disability": person.disability,
            "extreme_poverty": person.extreme_poverty,
        },
        "proposals": proposals,
    }
