from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from berdaya.accounts.scope import get_scoped_or_404, scoped
from berdaya.intake.models import Proposal, ProposalGroup, UploadBatch
from berdaya.programs.models import ProgramYear


def proposals_visible(user: Any) -> QuerySet[Proposal]:
    return scoped(Proposal.objects.select_related("program_year__program", "region"), user)


def proposal_get(user: Any, uid: Any) -> Proposal:
    return get_scoped_or_404(
        Proposal.objects.select_related("program_year__program", "region", "batch", "group"),
        user,
        uid=uid,
    )


def batch_get(user: Any, batch_id: int) -> UploadBatch:
    return get_scoped_or_404(
        UploadBatch.objects.select_related("program_year__program", "region", "stored_file"),
        user,
        pk=batch_id,
    )


def batches_visible(user: Any) -> QuerySet[UploadBatch]:
    return scoped(
        UploadBatch.objects.select_related("program_year__program", "region", "created_by"), user
    )


def program_years() -> QuerySet[ProgramYear]:
    return (
        ProgramYear.objects.select_related("program")
        .filter(program__active=True)
        .order_by("-year", "program__code")
    )


def current_program_year(request: Any) -> ProgramYear | None:
    """The programme year chosen in the page's `py` parameter, else the newest one."""
    years = program_years()
    raw = request.GET.get("py") or request.POST.get("py") or request.session.get("py")
    chosen = None
    if raw and str(raw).isdigit():
        chosen = years.filter(pk=int(raw)).first()
    chosen = chosen or years.first()
    if chosen:
        request.session["py"] = chosen.pk
    return chosen


def group_get(user: Any, uid: Any) -> ProposalGroup:
    return get_scoped_or_404(
        ProposalGroup.objects.select_related("program_year__program", "region"), user, uid=uid
    )
