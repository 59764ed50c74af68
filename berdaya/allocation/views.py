from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.allocation import decrees as decree_services
from berdaya.allocation.documents import decree_pdf, decree_xlsx_response
from berdaya.allocation.forms import (
    AnswerForm,
    ChangeForm,
    DecreeForm,
    FormulaForm,
    ObjectionForm,
    ReasonForm,
    ReviewForm,
    SignForm,
)
from berdaya.allocation.models import Decree, Objection
from berdaya.allocation.objections import objection_answer, objection_record, objection_review
from berdaya.allocation.ranking import COMPONENTS, weights_for
from berdaya.allocation.selectors import (
    budget_rows,
    decree_get,
    decrees_visible,
    objection_get,
    objections_visible,
    program_year_get,
    ranking_page,
    region_get,
    region_rows,
)
from berdaya.allocation.services import allocation_approve, allocation_cancel, formula_save
from berdaya.core.audit import audit_record
from berdaya.core.forms import apply_errors
from berdaya.core.selectors import object_history
from berdaya.core.templatetags.berdaya import format_rupiah
from berdaya.intake.selectors import current_program_year, program_years
from berdaya.programs.targets import envelopes_for_year, years_with_targets


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_GET
def index(request):
    require(request.user, "allocation.view")
    py = current_program_year(request)
    rows = region_rows(request.user, py) if py else []
    return render(
        request,
        "allocation/index.html",
        {
            "py": py,
            "years": program_years(),
            "rows": rows,
            "can_approve": request.user.has_capability("allocation.approve"),
        },
    )


@login_required
@require_GET
def ranking_view(request, code: str, year: int, region: str):
    require(request.user, "allocation.view")
    py = program_year_get(code, year)
    page = ranking_page(request.user, py, region_get(request.user, region))
    candidates = Paginator(page.candidates, 100).get_page(request.GET.get("page"))
    history = []
    if page.room.quota is not None:
        history = object_history("programs.regionquota", page.room.quota.pk, limit=20)
    return render(
        request,
        "allocation/ranking.html",
        {
            "py": py,
            "page": page,
            "candidates": candidates,
            "components": COMPONENTS,
            "history": history,
            "reason_form": ReasonForm(),
            "can_approve": request.user.has_capability("allocation.approve"),
            "can_prepare": request.user.has_capability("decree.prepare"),
        },
    )


@login_required
@require_POST
def approve(request, code: str, year: int, region: str):
    require(request.user, "allocation.approve")
    py = program_year_get(code, year)
    region_obj = region_get(request.user, region)
    mode = request.POST.get("mode", "")
    keys = request.POST.getlist("unit")
    if mode not in ("ranking", "chosen"):
        messages.error(request, _("Choose the units to approve."))
        return redirect("allocation:ranking", code=code, year=year, region=region)
    try:
        result = allocation_approve(
            actor=request.user,
            program_year=py,
            region=region_obj,
            keys=keys if mode == "chosen" else None,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(n)s units approved (%(value)s). %(reserves)s wait as reserves.")
            % {
                "n": result.approved,
                "value": format_rupiah(result.value),
                "reserves": result.reserves,
            },
        )
    return redirect("allocation:ranking", code=code, year=year, region=region)


@login_required
@require_POST
def cancel(request, code: str, year: int, region: str):
    require(request.user, "allocation.approve")
    py = program_year_get(code, year)
    region_obj = region_get(request.user, region)
    ids = [i for i in request.POST.getlist("allocation") if i.isdigit()]
    try:
        n = allocation_cancel(
            actor=request.user,
            program_year=py,
            region=region_obj,
            allocation_ids=ids,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("%(n)s approvals cancelled; their places return to the quota.") % {"n": n}
        )
    return redirect("allocation:ranking", code=code, year=year, region=region)


@login_required
@require_POST
def decree_new(request, code: str, year: int, region: str):
    require(request.user, "decree.prepare")
    py = program_year_get(code, year)
    region_obj = region_get(request.user, region)
    try:
        decree = decree_services.decree_prepare(
            actor=request.user, program_year=py, region=region_obj
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("allocation:ranking", code=code, year=year, region=region)
    messages.success(
        request, _("Draft decree opened. Give it its number, then the head of office signs it.")
    )
    return redirect("allocation:decree", decree_id=decree.pk)


@login_required
@require_http_methods(["GET", "POST"])
def formula(request, code: str, year: int):
    require(request.user, "allocation.view")
    py = program_year_get(code, year)
    can_edit = request.user.has_capability("allocation.approve")
    form = FormulaForm(request.POST or None, initial=weights_for(py))
    if request.method == "POST":
        require(request.user, "allocation.approve")
        if form.is_valid():
            try:
                formula_save(actor=request.user, program_year=py, weights=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Formula saved. The ranking uses it from now on; "
                        "approved units keep the score they had."
                    ),
                )
                return redirect("allocation:formula", code=code, year=year)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "allocation/formula.html",
        {
            "py": py,
            "form": form,
            "can_edit": can_edit,
            # The programme year's history names every region's quota: auditors read it.
            "history": object_history("programs.programyear", py.pk, limit=20)
            if request.user.has_capability("audit.view")
            else [],
        },
    )


@login_required
@require_GET
def budget(request):
    require(request.user, "allocation.view")
    years = years_with_targets()
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        raise Http404 from None
    rows = budget_rows(request.user, year)
    envelopes = list(envelopes_for_year(year))
    totals = {
        k: sum(getattr(r, k) for r in rows)
        for k in ("quota", "approved", "committed", "decreed", "realised")
    }
    return render(
        request,
        "allocation/budget.html",
        {"year": year, "years": years, "rows": rows, "envelopes": envelopes, "totals": totals},
    )


# --- Decrees ---------------------------------------------------------------------------


@login_required
@require_GET
def decree_list(request):
    require(request.user, "allocation.view")
    qs = decrees_visible(request.user).order_by(
        "-program_year__year", "program_year__program__code", "region_id", "-version"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "allocation/decree_list.html", {"page": page})


@login_required
@require_GET
def decree_detail(request, decree_id: int):
    require(request.user, "allocation.view")
    decree = decree_get(request.user, decree_id)
    sheet = decree_services.sheet_for(decree)
    user = request.user
    draft = decree.status == Decree.Status.DRAFT
    versions = (
        decrees_visible(user)
        .filter(program_year=decree.program_year, region=decree.region)
        .order_by("-version")
    )
    changes = list(decree.changes.select_related("created_by")) if draft else []
    return render(
        request,
        "allocation/decree_detail.html",
        {
            "decree": decree,
            "sheet": sheet,
            "draft": draft,
            "versions": versions,
            "changes": changes,
            "decree_form": DecreeForm(
                initial={
                    "number": decree.number,
                    "decree_date": decree.decree_date,
                    "place": decree.place,
                }
            ),
            "sign_form": SignForm(initial={"content_hash": sheet.content_hash}),
            "reason_form": ReasonForm(),
            "objections": objections_visible(user).filter(
                decree__program_year=decree.program_year, region=decree.region
            )[:50],
            "history": object_history("allocation.decree", decree.pk),
            "can_prepare": user.has_capability("decree.prepare"),
            "can_sign": user.has_capability("decree.sign"),
            "can_object": user.has_capability("objection.record"),
        },
    )


def _decree_post(request, decree_id: int, capability: str) -> Decree:
    require(request.user, capability)
    return decree_get(request.user, decree_id)


@login_required
@require_POST
def decree_update(request, decree_id: int):
    decree = _decree_post(request, decree_id, "decree.prepare")
    form = DecreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the number, the date and the place."))
    else:
        try:
            decree_services.decree_update(actor=request.user, decree=decree, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Changes saved."))
    return redirect("allocation:decree", decree_id=decree.pk)


@login_required
@require_POST
def decree_sign(request, decree_id: int):
    decree = _decree_post(request, decree_id, "decree.sign")
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm you have read the list."))
        return redirect("allocation:decree", decree_id=decree.pk)
    try:
        decree_services.decree_issue(
            actor=request.user, decree=decree, content_hash=form.cleaned_data["content_hash"]
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Decree signed and issued. The list is locked."))
    return redirect("allocation:decree", decree_id=decree.pk)


@login_required
@require_POST
def decree_discard(request, decree_id: int):
    decree = _decree_post(request, decree_id, "decree.prepare")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason (at least 10 characters)."))
        return redirect("allocation:decree", decree_id=decree.pk)
    py, region = decree.program_year, decree.region_id
    try:
        decree_services.decree_discard(
            actor=request.user, decree=decree, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("allocation:decree", decree_id=decree.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("allocation:ranking", code=py.program.code, year=py.year, region=region)


@login_required
@require_POST
def decree_revise(request, decree_id: int):
    decree = _decree_post(request, decree_id, "decree.prepare")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for the revision (at least 10 characters)."))
        return redirect("allocation:decree", decree_id=decree.pk)
    try:
        draft = decree_services.decree_revision_start(
            actor=request.user, decree=decree, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("allocation:decree", decree_id=decree.pk)
    messages.success(
        request, _("Revision opened: remove or add units, then the head of office signs it.")
    )
    return redirect("allocation:decree", decree_id=draft.pk)


@login_required
@require_POST
def decree_change(request, decree_id: int):
    decree = _decree_post(request, decree_id, "decree.prepare")
    undo = request.POST.get("undo", "")
    try:
        if undo.isdigit():
            decree_services.decree_change_undo(
                actor=request.user, decree=decree, change_id=int(undo)
            )
        else:
            form = ChangeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    _("Write the reason for the change (at least 10 characters).")
                )
            decree_services.decree_change(
                actor=request.user,
                decree=decree,
                action=form.cleaned_data["action"],
                allocation_id=form.cleaned_data["allocation"],
                key=form.cleaned_data["key"],
                note=form.cleaned_data["note"],
            )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Changes saved."))
    return redirect("allocation:decree", decree_id=decree.pk)


@login_required
@require_GET
def decree_download_pdf(request, decree_id: int):
    require(request.user, "allocation.view")
    decree = decree_get(request.user, decree_id)
    py = decree.program_year
    name = f"SK-{py.program.code}-{py.year}-{decree.region_id}-v{decree.version}.pdf"
    if decree.pdf_id and decree.status != Decree.Status.DRAFT:
        data = decree.pdf.file.open("rb").read()
    else:
        data = decree_pdf(decree, decree_services.sheet_for(decree))
        name = name.replace(".pdf", "-draft.pdf")
    audit_record(
        actor=request.user,
        action="export",
        object_type="allocation.decree",
        object_id=str(decree.pk),
        object_repr=name,
        region_code=decree.region_id,
        after={"format": "pdf", "status": decree.status, "version": decree.version},
    )
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type="application/pdf"
    )


@login_required
@require_GET
def decree_download_xlsx(request, decree_id: int):
    require(request.user, "allocation.view")
    decree = decree_get(request.user, decree_id)
    return decree_xlsx_response(
        user=request.user, decree=decree, sheet=decree_services.sheet_for(decree)
    )


# --- Objections ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request, decree_id: int):
    require(request.user, "objection.record")
    decree = decree_get(request.user, decree_id)
    if decree.status != Decree.Status.ISSUED:
        messages.error(request, _("Objections are recorded against the decree in force."))
        return redirect("allocation:decree", decree_id=decree.pk)
    entries = list(decree.entries.filter(kind="recipient").order_by("number"))
    form = ObjectionForm(request.POST or None, entries=entries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = objection_record(
                actor=request.user,
                decree=decree,
                kind=data["kind"],
                complainant_name=data["complainant_name"],
                complainant_contact=data["complainant_contact"],
                received_on=data["received_on"],
                description=data["description"],
                subject_name=data["subject_name"],
                entry_id=data["entry"],
                proposal_uid=data["proposal"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Objection recorded. The province reviews and answers it."))
            return redirect("allocation:objection", objection_id=objection.pk)
    return render(request, "allocation/objection_form.html", {"decree": decree, "form": form})


@login_required
@require_GET
def objection_list(request):
    require(request.user, "allocation.view")
    qs = objections_visible(request.user)
    status = request.GET.get("status", "")
    if status in Objection.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "allocation/objection_list.html",
        {"page": page, "status": status, "statuses": Objection.Status.choices},
    )


@login_required
@require_GET
def objection_detail(request, objection_id: int):
    require(request.user, "allocation.view")
    objection = objection_get(request.user, objection_id)
    return render(
        request,
        "allocation/objection_detail.html",
        {
            "o": objection,
            "review_form": ReviewForm(),
            "answer_form": AnswerForm(),
            "history": object_history("allocation.objection", objection.pk),
            "can_review": request.user.has_capability("objection.review"),
        },
    )


@login_required
@require_POST
def objection_act(request, objection_id: int):
    require(request.user, "objection.review")
    objection = objection_get(request.user, objection_id)
    try:
        if request.POST.get("step") == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write the review notes (at least 10 characters)."))
            objection_review(
                actor=request.user, objection=objection, note=form.cleaned_data["note"]
            )
            messages.success(request, _("You are reviewing this objection."))
        else:
            form = AnswerForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    _("Choose the decision and write the answer (at least 10 characters).")
                )
            objection, notice = objection_answer(
                actor=request.user,
                objection=objection,
                upheld=form.cleaned_data["decision"] == "upheld",
                answer=form.cleaned_data["answer"],
            )
            messages.success(request, notice or _("Objection answered."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("allocation:objection", objection_id=objection.pk)
