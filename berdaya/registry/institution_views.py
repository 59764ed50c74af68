"""Pages of the LKS register: list, detail, form, status and file import."""

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import get_scoped_or_404, require, scoped
from berdaya.core.exports import export_response
from berdaya.core.files import check_upload_size
from berdaya.core.forms import StyledFormMixin, apply_errors
from berdaya.linkage.names import normalize_name
from berdaya.registry.institutions import (
    INSTITUTION_FIELDS,
    institution_create,
    institution_set_status,
    institution_update,
    institutions_import,
)
from berdaya.registry.models import Accreditation, Institution, InstitutionKind

EXPORT_LIMIT = 20_000


class InstitutionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=InstitutionKind.choices)
    registration_number = forms.CharField(label=gettext_lazy("Registration number"), max_length=50)
    registered_on = forms.DateField(
        label=gettext_lazy("Registered on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    accreditation = forms.ChoiceField(
        label=gettext_lazy("Accreditation"),
        required=False,
        choices=[("", gettext_lazy("Not accredited")), *Accreditation.choices],
    )
    accreditation_date = forms.DateField(
        label=gettext_lazy("Accreditation date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=255, required=False)
    village = forms.CharField(
        label=gettext_lazy("Village code"),
        max_length=13,
        help_text=gettext_lazy("e.g. 64.72.01.1001"),
    )
    capacity = forms.IntegerField(label=gettext_lazy("Capacity"), min_value=0, required=False)
    residents = forms.IntegerField(label=gettext_lazy("Residents"), min_value=0, required=False)
    head_name = forms.CharField(
        label=gettext_lazy("Head of the institution"), max_length=150, required=False
    )
    phone = forms.CharField(label=gettext_lazy("Telephone"), max_length=30, required=False)


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Institution.Status.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), min_length=10, max_length=500)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("LKS register (XLSX or CSV)"))


@login_required
@require_GET
def institution_index(request):
    require(request.user, "institutions.view")
    qs = scoped(Institution.objects.select_related("village", "regency"), request.user)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(name_norm__contains=normalize_name(q))
            | Q(registration_key__startswith=q.upper().replace(" ", ""))
        )
    kind = request.GET.get("kind") or ""
    if kind in InstitutionKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("format") == "xlsx":
        require(request.user, "registry.export")
        rows = (
            (
                i.name,
                i.registration_number,
                i.kind,
                i.accreditation,
                i.accreditation_date.isoformat() if i.accreditation_date else "",
                i.address,
                i.village_id,
                i.capacity,
                i.residents,
                i.head_name,
                i.status,
            )
            for i in qs[:EXPORT_LIMIT]
        )
        return export_response(
            user=request.user,
            name="lks",
            fmt="xlsx",
            headers=[
                "NAMA_LEMBAGA",
                "NO_REGISTRASI",
                "JENIS_LEMBAGA",
                "AKREDITASI",
                "TGL_AKREDITASI",
                "ALAMAT",
                "KODE_WILAYAH",
                "KAPASITAS",
                "PENGHUNI",
                "PIMPINAN",
                "STATUS",
            ],
            rows=rows,
            filters={"q": q, "kind": kind},
        )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/institution_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": InstitutionKind.choices,
            "can_manage": request.user.has_capability("institutions.manage"),
            "can_export": request.user.has_capability("registry.export"),
        },
    )


@login_required
@require_GET
def institution_detail(request, institution_uid):
    require(request.user, "institutions.view")
    inst = get_scoped_or_404(
        Institution.objects.select_related("village", "regency"), request.user, uid=institution_uid
    )
    from berdaya.core.selectors import object_history
    from berdaya.intake.models import Proposal
    from berdaya.registry.models import registration_key

    proposals = [
        p
        for p in scoped(
            Proposal.objects.filter(program_year__program__unit="institution").select_related(
                "program_year__program", "verification"
            ),
            request.user,
        )
        if registration_key(p.registration_number) == inst.registration_key
    ]
    return render(
        request,
        "registry/institution_detail.html",
        {
            "inst": inst,
            "proposals": proposals,
            "history": object_history("registry.institution", inst.pk),
            "status_form": StatusForm(
                initial={
                    "status": Institution.Status.REVOKED
                    if inst.status == Institution.Status.REGISTERED
                    else Institution.Status.REGISTERED
                }
            ),
            "can_manage": request.user.has_capability("institutions.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_new(request):
    require(request.user, "institutions.manage")
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inst = institution_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": inst.name})
            return redirect("registry:institution", institution_uid=inst.uid)
    return render(request, "registry/institution_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request, institution_uid):
    require(request.user, "institutions.manage")
    inst = get_scoped_or_404(Institution.objects.all(), request.user, uid=institution_uid)
    initial = {f: getattr(inst, f) for f in INSTITUTION_FIELDS if f != "village"}
    initial["village"] = inst.village_id
    form = InstitutionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            institution_update(actor=request.user, institution=inst, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Institution updated."))
            return redirect("registry:institution", institution_uid=inst.uid)
    return render(request, "registry/institution_form.html", {"form": form, "inst": inst})


@login_required
@require_POST
def institution_status(request, institution_uid):
    require(request.user, "institutions.manage")
    inst = get_scoped_or_404(Institution.objects.all(), request.user, uid=institution_uid)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose the status and write the reason (at least 10 characters).")
        )
    else:
        try:
            institution_set_status(
                actor=request.user,
                institution=inst,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Status changed."))
    return redirect("registry:institution", institution_uid=inst.uid)


@login_required
@require_http_methods(["GET", "POST"])
def institution_import(request):
    require(request.user, "institutions.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload_size(upload)
            counts = institutions_import(actor=request.user, fileobj=upload, file_name=upload.name)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("LKS register loaded: %(new)s new, %(corrected)s corrected, %(same)s unchanged.")
                % counts,
            )
            return redirect("registry:institution_index")
    return render(
        request,
        "registry/institution_import.html",
        {"form": form, "errors": errors[:200], "more": max(0, len(errors) - 200)},
    )
