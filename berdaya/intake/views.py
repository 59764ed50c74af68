from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record
from berdaya.core.forms import apply_errors, save_document
from berdaya.intake.forms import (
    AttachForm,
    CommentForm,
    GroupForm,
    MemberForm,
    ProgrammeYearChoiceForm,
    ProposalForm,
    UploadForm,
    WithdrawForm,
)
from berdaya.intake.rows import RowFormat, row_format
from berdaya.intake.selectors import (
    batch_get,
    batches_visible,
    group_get,
    program_years,
    proposal_get,
)
from berdaya.intake.services import (
    batch_save_readable,
    group_create,
    proposal_attach,
    proposal_comment,
    proposal_create,
    proposal_update,
    proposal_withdraw,
    proposals_upload,
)
from berdaya.intake.sheets import error_sheet, template_xlsx
from berdaya.programs.models import ProgramYear
from berdaya.regions.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def regions_for(user):
    """The regions a user may propose for: their own, or all ten for the province."""
    qs = Region.objects.filter(level=Region.Level.REGENCY, historical=False, parent_id="64")
    scope = user.region_scope
    return list(qs if scope is None else qs.filter(code=scope))


def _program_year(raw) -> ProgramYear:
    try:
        return ProgramYear.objects.select_related("program").get(pk=int(raw))
    except (ProgramYear.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    require(request.user, "proposals.submit")
    years, regions = list(program_years()), regions_for(request.user)
    initial = {"py": request.GET.get("py") or request.session.get("py")}
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        program_years=years,
        regions=regions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = proposals_upload(
                actor=request.user,
                program_year=_program_year(form.cleaned_data["py"]),
                region=form.cleaned_data["region"],
                upload=form.cleaned_data["file"],
                accept_valid=form.cleaned_data["accept_valid"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("intake:batch", batch_id=result.batch.pk)
    recent = batches_visible(request.user)[:10]
    return render(request, "intake/upload.html", {"form": form, "recent": recent})


@login_required
@require_GET
def batch_detail(request, batch_id: int):
    require(request.user, "proposals.view")
    batch = batch_get(request.user, batch_id)
    return render(
        request,
        "intake/batch.html",
        {
            "batch": batch,
            "errors": batch.errors[:500],
            "can_submit": request.user.has_capability("proposals.submit"),
        },
    )


def _batch_bytes(batch) -> bytes:
    if not batch.stored_file:
        raise Http404
    with batch.stored_file.file.open("rb") as f:
        return f.read()


@login_required
@require_POST
def batch_save_valid(request, batch_id: int):
    """Save the readable rows of a checked upload, from the kept file: no second upload."""
    require(request.user, "proposals.submit")
    batch = batch_get(request.user, batch_id)
    try:
        batch = batch_save_readable(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(n)s readable rows saved; the rest are listed with their errors.")
            % {"n": batch.rows_new + batch.rows_changed},
        )
    return redirect("intake:batch", batch_id=batch.pk)


@login_required
@require_GET
def batch_error_sheet(request, batch_id: int):
    # The sheet is the file as sent, full NIKs included: only those who send proposals.
    require(request.user, "proposals.submit")
    batch = batch_get(request.user, batch_id)
    data = error_sheet(_batch_bytes(batch), batch.errors, batch.original_name)
    audit_record(
        actor=request.user,
        action="export",
        object_type="intake.uploadbatch",
        object_id=str(batch.pk),
        object_repr=batch.original_name,
        region_code=batch.region_id,
        after={"rows": batch.rows_total, "format": "xlsx", "kind": "errors"},
    )
    response = HttpResponse(data, content_type=XLSX)
    stem = batch.original_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = f'attachment; filename="{stem}-kesalahan.xlsx"'
    return response


@login_required
@require_GET
def template(request):
    require(request.user, "proposals.view")
    py = _program_year(request.GET.get("py") or request.session.get("py"))
    regions = regions_for(request.user)
    code = request.GET.get("region") or (regions[0].code if regions else "")
    region = next((r for r in regions if r.code == code), None)
    if region is None:
        raise Http404
    response = HttpResponse(template_xlsx(program_year=py, region=region), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="templat-{py.program.code}-{py.year}-{region.code}.xlsx"'
    )
    return response


EDITABLE = (
    "nik",
    "kk",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village_code",
    "relation",
    "occupation",
    "category",
    "need",
    "need_value",
    "registration_number",
    "institution_kind",
    "accreditation",
    "accreditation_date",
)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request):
    """First the programme year (its fields differ), then the proposal's form."""
    require(request.user, "proposals.submit")
    years = [py for py in program_years() if py.program.unit != "group"]
    raw = request.POST.get("py") or request.GET.get("py") or request.session.get("py")
    py = next((y for y in years if str(y.pk) == str(raw)), None)
    if py is None:
        if raw and any(str(y.pk) == str(raw) for y in group_programme_years()):
            return redirect(f"{reverse('intake:group_new')}?py={raw}")
        chooser = ProgrammeYearChoiceForm(program_years=years)
        return render(request, "intake/proposal_form.html", {"chooser": chooser})
    form = ProposalForm(request.POST or None, fmt=row_format(py), regions=regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = data.pop("region")
        try:
            proposal = proposal_create(actor=request.user, program_year=py, region=region, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Proposal for %(name)s saved. It will be verified against the register.")
                % {"name": proposal.name},
            )
            return redirect("verification:proposal", uid=proposal.uid)
    return render(request, "intake/proposal_form.html", {"form": form, "py": py})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, uid):
    require(request.user, "proposals.submit")
    proposal = proposal_get(request.user, uid)
    fmt = row_format(proposal.program_year)
    if fmt.unit == "group":
        fmt = RowFormat(unit="person")
    initial = {f: getattr(proposal, f) for f in EDITABLE}
    form = ProposalForm(request.POST or None, initial=initial, editing=True, fmt=fmt)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_update(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Proposal corrected; it will be verified again."))
            return redirect("verification:proposal", uid=proposal.uid)
    return render(
        request,
        "intake/proposal_form.html",
        {"form": form, "proposal": proposal, "py": proposal.program_year},
    )


@login_required
@require_POST
def proposal_comment_add(request, uid):
    proposal = proposal_get(request.user, uid)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            proposal_comment(actor=request.user, proposal=proposal, text=form.cleaned_data["text"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        require(request.user, "proposals.comment")
        messages.error(request, _("The comment is empty."))
    return redirect("verification:proposal", uid=proposal.uid)


@login_required
@require_POST
def proposal_attach_file(request, uid):
    require(request.user, "proposals.submit")
    proposal = proposal_get(request.user, uid)
    save_document(
        request,
        AttachForm(request.POST, request.FILES),
        lambda upload, kind: proposal_attach(
            actor=request.user, proposal=proposal, upload=upload, kind=kind
        ),
    )
    return redirect("verification:proposal", uid=proposal.uid)


@login_required
@require_POST
def proposal_withdraw_view(request, uid):
    require(request.user, "proposals.submit")
    proposal = proposal_get(request.user, uid)
    form = WithdrawForm(request.POST)
    try:
        proposal_withdraw(actor=request.user, proposal=proposal, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Proposal withdrawn."))
    return redirect("verification:proposal", uid=proposal.uid)


def group_programme_years():
    return [py for py in program_years() if py.program.unit == "group"]


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request):
    require(request.user, "proposals.submit")
    form = GroupForm(
        request.POST or None,
        program_years=group_programme_years(),
        regions=regions_for(request.user),
        initial={"py": request.GET.get("py")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            group = group_create(
                actor=request.user,
                program_year=_program_year(data["py"]),
                region=data["region"],
                name=data["name"],
                business_type=data["business_type"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Group %(name)s created: now add its members.") % {"name": group.name}
            )
            return redirect("verification:group", uid=group.uid)
    return render(request, "intake/group_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def group_member_add(request, group_uid):
    require(request.user, "proposals.submit")
    group = group_get(request.user, group_uid)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role = data.pop("role")
        try:
            member = proposal_create(
                actor=request.user,
                program_year=group.program_year,
                region=group.region,
                group=group,
                role=role,
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added to the group.") % {"name": member.name})
            return redirect("verification:group", uid=group.uid)
    return render(request, "intake/member_form.html", {"form": form, "group": group})
