from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from berdaya.accounts.scope import get_scoped_or_404, require
from berdaya.core.audit import audit_record
from berdaya.core.exports import export_response
from berdaya.core.files import files_of
from berdaya.core.forms import StyledFormMixin
from berdaya.core.masking import mask_nik
from berdaya.core.selectors import object_history
from berdaya.intake.forms import AttachForm, CommentForm
from berdaya.intake.selectors import (
    current_program_year,
    program_years,
    proposal_get,
    proposals_visible,
)
from berdaya.intake.views import regions_for
from berdaya.linkage.names import normalize_name
from berdaya.verification.models import Verification, VerificationRun
from berdaya.verification.reasons import REASONS, Verdict, reason_label
from berdaya.verification.selectors import (
    verdict_counts,
    verdict_list_count,
    verdict_summary,
)
from berdaya.verification.services import verification_override, verification_run_create
from berdaya.verification.tasks import verify_task

FIELDS_SIDE_BY_SIDE = [
    ("nik", gettext_lazy("NIK")),
    ("name", gettext_lazy("Name")),
    ("birth_date", gettext_lazy("Date of birth")),
    ("sex", gettext_lazy("Sex")),
    ("village_code", gettext_lazy("Village")),
    ("relation", gettext_lazy("Relation")),
    ("occupation", gettext_lazy("Occupation")),
    ("kk", gettext_lazy("KK number")),
]

# An institution's proposal beside the LKS register: (proposal field, institution field, label).
INSTITUTION_SIDE_BY_SIDE = [
    ("name", "name", gettext_lazy("Name")),
    ("registration_number", "registration_number", gettext_lazy("Registration number")),
    ("institution_kind", "kind", gettext_lazy("Institution type")),
    ("accreditation", "accreditation", gettext_lazy("Accreditation")),
    ("accreditation_date", "accreditation_date", gettext_lazy("Accreditation date")),
    ("village_code", "village_id", gettext_lazy("Village")),
    ("address", "address", gettext_lazy("Address")),
]


def _institution_comparison(proposal, inst) -> list[dict]:
    rows = []
    for mine_name, theirs_name, label in INSTITUTION_SIDE_BY_SIDE:
        mine = getattr(proposal, mine_name)
        theirs = getattr(inst, theirs_name) if inst else None
        state = ""
        if inst is not None:
            state = "agree" if (mine or "") == (theirs or "") else "disagree"
        rows.append({"label": label, "proposal": mine, "register": theirs, "state": state})
    return rows


class OverrideForm(StyledFormMixin, forms.Form):
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=Verdict.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the audit trail)"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


PAGE_SIZE = 25  # proposals per page: light enough for a slow connection


@login_required
@require_GET
def proposal_index(request):
    require(request.user, "proposals.view")
    py = current_program_year(request)
    qs = proposals_visible(request.user).select_related("verification", "group")
    region = request.GET.get("region", "")
    verdict = request.GET.get("verdict", "")
    reason = request.GET.get("reason", "")
    q = (request.GET.get("q") or "").strip()
    summary = []
    count = None
    if py is not None:
        qs = qs.filter(program_year=py)
        # With a region chosen, only its counts (the summary then shows that region alone).
        counts = verdict_counts(request.user, py, region)
        summary = verdict_summary(counts)
        if not q and reason not in REASONS:
            count = verdict_list_count(counts, region=region, verdict=verdict)
    else:
        qs = qs.none()
    if region:
        qs = qs.filter(region_id=region)
    if verdict == "pending":
        qs = qs.filter(Q(verification__isnull=True) | Q(verification__stale=True))
    elif verdict:
        qs = qs.filter(verification__verdict=verdict)
    if reason in REASONS:
        # Reasons are a JSON list; a text match on the code is portable across databases.
        qs = qs.filter(verification__reasons__icontains=f'"{reason}"')
    if q:
        digits = q.replace(" ", "")
        qs = (
            qs.filter(nik__startswith=digits)
            if digits.isdigit()
            else qs.filter(
                Q(name_norm__contains=normalize_name(q)) | Q(registration_number__istartswith=q)
            )
        )
    # The proposal_list_order index walks the year's region in this order.
    qs = qs.order_by("region_id", "submitted_at", "row_number", "pk")
    if request.GET.get("format") == "xlsx":
        require(request.user, "proposals.view")
        return _export(request, py, qs)
    # The rows show the region's code and the year is the page's: no join for either.
    paginator = Paginator(
        # The link's evidence (the reviewer page's) is the bulk of a verification: not read.
        qs.select_related(None)
        .select_related("verification", "group")
        .defer("verification__evidence"),
        PAGE_SIZE,
    )
    if count is not None:
        paginator.count = count  # a cached property: the count is known, not counted again
    page = paginator.get_page(request.GET.get("page"))
    last_run = None
    if py is not None:
        last_run = VerificationRun.objects.filter(program_year=py).order_by("-created_at").first()
    return render(
        request,
        "verification/proposal_list.html",
        {
            "py": py,
            "years": program_years(),
            "page": page,
            "summary": summary,
            "regions": regions_for(request.user),
            "region": region,
            "verdict": verdict,
            "reason": reason,
            "q": q,
            "verdicts": Verdict.choices,
            "reason_codes": sorted(REASONS),
            "last_run": last_run,
            "can_submit": request.user.has_capability("proposals.submit"),
            "can_verify": request.user.has_capability("proposals.verify"),
        },
    )


def _export(request, py, qs):
    """The list as XLSX, with the columns of its programme's rows (person or institution)."""
    institution = py is not None and py.program.unit == "institution"
    categories = py is not None and bool(py.categories)
    per_need = py is not None and py.value_per_need
    if institution:
        headers = [
            "ID",
            "NAMA_LEMBAGA",
            "NO_REGISTRASI",
            "JENIS_LEMBAGA",
            "AKREDITASI",
            "KODE_WILAYAH",
            "WILAYAH",
        ]
    else:
        headers = ["ID", "NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH", "WILAYAH"]
    if categories:
        headers.append("KATEGORI")
    if per_need:
        headers += ["KEBUTUHAN", "NILAI"]
    headers += ["PUTUSAN", "KODE_ALASAN", "ALASAN", "DIUBAH_VERIFIKATOR", "UID"]
    rows = []
    for p in qs.select_related("verification__register_record"):
        v = getattr(p, "verification", None)
        if institution:
            row = [
                p.row_id,
                p.name,
                p.registration_number,
                p.institution_kind,
                p.accreditation,
                p.village_code,
                p.region_id,
            ]
        else:
            row = [
                p.row_id,
                mask_nik(p.nik),
                p.name,
                p.birth_date.isoformat() if p.birth_date else "",
                p.sex,
                p.village_code,
                p.region_id,
            ]
        if categories:
            row.append(p.category)
        if per_need:
            row += [p.need, p.need_value]
        row += [
            v.verdict if v else "",
            ";".join(sorted(v.reasons)) if v else "",
            "; ".join(reason_label(r) for r in sorted(v.reasons)) if v else "",
            "1" if v and v.overridden else "0",
            str(p.uid),
        ]
        rows.append(row)
    return export_response(
        user=request.user,
        name=f"verdicts-{py.program.code}-{py.year}" if py else "verdicts",
        headers=headers,
        rows=rows,
        filters={k: v for k, v in request.GET.items() if k != "format"},
    )


@login_required
@require_GET
def proposal_detail(request, uid):
    require(request.user, "proposals.view")
    proposal = proposal_get(request.user, uid)
    v = (
        Verification.objects.select_related(
            "register_record", "overridden_by", "verified_by", "institution"
        )
        .filter(proposal=proposal)
        .first()
    )
    record = v.register_record if v else None
    revealed = request.user.has_capability("nik.reveal")
    if revealed:
        # Verifiers compare NIKs digit by digit; opening a full record is always logged.
        audit_record(actor=request.user, action="proposal.view_full", obj=proposal)
    institution_unit = proposal.program_year.program.unit == "institution"
    comparison = []
    if institution_unit:
        record = v.institution if v else None
        comparison = _institution_comparison(proposal, record)
    for name, label in [] if institution_unit else FIELDS_SIDE_BY_SIDE:
        mine = getattr(proposal, name)
        theirs = getattr(record, name) if record else None
        if name in ("nik", "kk") and not revealed:
            mine, theirs = mask_nik(mine), mask_nik(theirs) if theirs else theirs
        state = ""
        if record is not None:
            state = (v.evidence or {}).get("village" if name == "village_code" else name, "")
            if not state:
                state = "agree" if getattr(proposal, name) == getattr(record, name) else "disagree"
        comparison.append({"label": label, "proposal": mine, "register": theirs, "state": state})
    register_extra = []
    if institution_unit and record is not None:
        register_extra = [
            (_("Status"), record.get_status_display()),
            (_("Capacity"), record.capacity if record.capacity is not None else "—"),
            (_("Residents"), record.residents if record.residents is not None else "—"),
        ]
    elif record is not None:
        register_extra = [
            (_("Welfare decile"), record.decile if record.decile is not None else "—"),
            (_("Life status"), record.life_status or "—"),
            (_("Disability"), _("yes") if record.disability else _("no")),
            (_("Extreme poverty (P3KE)"), _("yes") if record.extreme_poverty else _("no")),
            (_("In the latest extract"), _("yes") if record.present else _("no")),
        ]
    return render(
        request,
        "verification/proposal_detail.html",
        {
            "proposal": proposal,
            "v": v,
            "record": record,
            "comparison": comparison,
            "institution_unit": institution_unit,
            "category": _category_of(proposal),
            "register_extra": register_extra,
            "reasons": [
                (code, reason_label(code), REASONS[code][0]) for code in (v.reasons if v else [])
            ],
            "documents": files_of(proposal),
            "comments": proposal.comments.select_related("author"),
            "history": object_history("intake.proposal", proposal.pk),
            "override_form": OverrideForm(
                initial={"version": v.version if v else 0, "verdict": v.verdict if v else ""}
            ),
            "comment_form": CommentForm(),
            "attach_form": AttachForm(),
            "can_verify": request.user.has_capability("proposals.verify"),
            "can_submit": request.user.has_capability("proposals.submit"),
            "can_comment": request.user.has_capability("proposals.comment"),
        },
    )


def _category_of(proposal):
    from berdaya.programs.models import WelfareCategory

    if not proposal.category:
        return None
    return WelfareCategory.objects.filter(code=proposal.category).first()


@login_required
@require_POST
def proposal_override(request, uid):
    require(request.user, "proposals.verify")
    proposal = proposal_get(request.user, uid)
    v = Verification.objects.select_related("proposal").filter(proposal=proposal).first()
    form = OverrideForm(request.POST)
    if v is None:
        messages.error(request, _("This proposal has not been verified yet."))
    elif not form.is_valid():
        messages.error(
            request, _("Choose a verdict and write the reason (at least 10 characters).")
        )
    else:
        try:
            verification_override(
                actor=request.user,
                verification=v,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Verdict changed; the computed verdict is kept beside it."))
    return redirect("verification:proposal", uid=proposal.uid)


@login_required
@require_POST
def run_start(request):
    require(request.user, "proposals.verify")
    py = current_program_year(request)
    if py is None:
        messages.error(request, _("Choose a programme year first."))
        return redirect("verification:index")
    try:
        run = verification_run_create(
            actor=request.user, program_year=py, region=request.POST.get("region", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("verification:index")
    verify_task.enqueue(run.pk, request.user.pk)
    return redirect("verification:run", run_id=run.pk)


@login_required
@require_GET
def run_detail(request, run_id: int):
    require(request.user, "proposals.verify")
    run = get_scoped_or_404(
        VerificationRun.objects.select_related("program_year__program"), request.user, pk=run_id
    )
    template = (
        "verification/_run_status.html"
        if request.headers.get("HX-Request")
        else "verification/run.html"
    )
    return render(request, template, {"run": run})


@login_required
@require_GET
def group_detail(request, uid):
    """A proposed group: its members and their verdicts, and the group's own verdict."""
    from berdaya.intake.selectors import group_get
    from berdaya.intake.services import board_missing
    from berdaya.verification.models import GroupVerification

    require(request.user, "proposals.view")
    group = group_get(request.user, uid)
    members = list(group.members.select_related("verification").order_by("status", "pk"))
    role_order = {"KETUA": 0, "SEKRETARIS": 1, "BENDAHARA": 2, "ANGGOTA": 3}
    members.sort(key=lambda m: (m.status != "proposed", role_order.get(m.role, 9), m.pk))
    gv = GroupVerification.objects.filter(group=group).first()
    return render(
        request,
        "verification/group_detail.html",
        {
            "group": group,
            "members": members,
            "gv": gv,
            "gv_reasons": [(c, reason_label(c)) for c in (gv.reasons if gv else [])],
            "missing_board": board_missing(group),
            "active_count": sum(1 for m in members if m.status == "proposed"),
            "can_submit": request.user.has_capability("proposals.submit"),
        },
    )
