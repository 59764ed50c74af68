"""Pages for targets, regional quotas and budget envelopes (set by the province)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.core.forms import apply_errors
from berdaya.core.selectors import object_history
from berdaya.programs.models import BudgetEnvelope, ProgramTarget, ProgramYear
from berdaya.programs.target_forms import EnvelopeForm, TargetForm, TransferForm
from berdaya.programs.targets import (
    envelope_check,
    envelope_create,
    envelope_update,
    envelopes_for_year,
    quota_field,
    quota_transfer,
    regencies,
    target_check,
    target_save,
    years_with_targets,
)


def _program_year(code: str, year: int) -> ProgramYear:
    return get_object_or_404(
        ProgramYear.objects.select_related("program"), program__code=code, year=year
    )


@login_required
@require_http_methods(["GET"])
def overview(request):
    require(request.user, "programs.view")
    years = years_with_targets()
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        raise Http404 from None
    envelopes = [envelope_check(e) for e in envelopes_for_year(year)]
    program_years = (
        ProgramYear.objects.filter(year=year, program__active=True)
        .select_related("program")
        .order_by("program__code")
    )
    checks = [target_check(py, request.user) for py in program_years]
    return render(
        request,
        "programs/targets/overview.html",
        {
            "year": year,
            "years": years,
            "envelopes": envelopes,
            "checks": checks,
            "can_manage": request.user.has_capability("targets.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def envelope_new(request):
    require(request.user, "targets.manage")
    form = EnvelopeForm(
        request.POST or None, initial={"fiscal_year": request.GET.get("year"), "source": "APBD"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            envelope = envelope_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Budget envelope saved."))
            return redirect(f"{_overview_url()}?year={envelope.fiscal_year}")
    return render(request, "programs/targets/envelope_form.html", {"form": form})


def _overview_url() -> str:
    from django.urls import reverse

    return reverse("targets:overview")


@login_required
@require_http_methods(["GET", "POST"])
def envelope_edit(request, envelope_id: int):
    require(request.user, "programs.view")
    envelope = get_object_or_404(BudgetEnvelope, pk=envelope_id)
    can_manage = request.user.has_capability("targets.manage")
    form = EnvelopeForm(
        request.POST or None,
        initial={
            k: getattr(envelope, k) for k in ("fiscal_year", "source", "name", "amount", "notes")
        },
    )
    if request.method == "POST":
        require(request.user, "targets.manage")
        if form.is_valid():
            try:
                envelope_update(actor=request.user, envelope=envelope, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Budget envelope saved."))
                return redirect(f"{_overview_url()}?year={envelope.fiscal_year}")
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "programs/targets/envelope_form.html",
        {
            "form": form,
            "envelope": envelope,
            "check": envelope_check(envelope),
            "can_manage": can_manage,
            "history": object_history("programs.budgetenvelope", envelope.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, code: str, year: int):
    require(request.user, "programs.view")
    py = _program_year(code, year)
    can_manage = request.user.has_capability("targets.manage")
    regions = [r for r in regencies() if request.user.can_read_region(r.code)]
    target = ProgramTarget.objects.filter(program_year=py).first()
    quotas = {q.region_id: q for q in py.quotas.all()}
    initial = {
        "units": target.units if target else 0,
        "value_per_unit": py.value_per_unit,
        "deadline": target.deadline if target else None,
        "envelope": target.envelope_id if target else None,
        "budget": target.budget if target else None,
        "notes": target.notes if target else "",
    }
    for r in regions:
        initial[quota_field(r.code)] = quotas[r.code].units if r.code in quotas else 0
    form = TargetForm(request.POST or None, initial=initial, program_year=py, regions=regions)
    if request.method == "POST":
        require(request.user, "targets.manage")
        if form.is_valid():
            data = form.cleaned_data
            try:
                target_save(
                    actor=request.user,
                    program_year=py,
                    units=data["units"],
                    deadline=data["deadline"],
                    envelope=data["envelope"],
                    budget=data["budget"],
                    value_per_unit=data.get("value_per_unit"),
                    quotas=form.quotas(regions),
                    notes=data["notes"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Target and quotas saved."))
                return redirect("targets:target", code=code, year=year)
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    # What else draws on each envelope, for the page's live check as numbers are typed.
    others = {}
    for envelope in form.fields["envelope"].queryset:
        check = envelope_check(envelope)
        others[envelope.pk] = sum(
            (c.cost if c.cost is not None else (c.target.budget or 0))
            for c in check.targets
            if c.program_year.pk != py.pk
        )
    quota_rows = [(form[quota_field(r.code)], quotas.get(r.code)) for r in regions]
    return render(
        request,
        "programs/targets/target_form.html",
        {
            "py": py,
            "form": form,
            "can_manage": can_manage,
            "check": target_check(py, request.user),
            "quota_rows": quota_rows,
            "envelope_options": [(e, others[e.pk]) for e in form.fields["envelope"].queryset],
            "transfer_form": TransferForm(regions=regions),
            "transfers": py.quota_transfers.select_related(
                "from_region", "to_region", "created_by"
            )[:20]
            if request.user.region_scope is None
            else [],
            "history": object_history("programs.programyear", py.pk, limit=30)
            if request.user.has_capability("audit.view")
            else [],
        },
    )


@login_required
@require_POST
def transfer(request, code: str, year: int):
    require(request.user, "targets.manage")
    py = _program_year(code, year)
    form = TransferForm(request.POST, regions=regencies())
    if not form.is_valid():
        messages.error(
            request, _("Choose both regions, the units and the reason (at least 10 characters).")
        )
    else:
        try:
            quota_transfer(actor=request.user, program_year=py, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Quota moved."))
    return redirect("targets:target", code=code, year=year)
