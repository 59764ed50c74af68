"""Pages of exhibitions: events, the beneficiaries each office brings, products and sales."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.core.forms import apply_errors
from berdaya.monitoring import exhibitions, selectors
from berdaya.monitoring.forms import ExhibitionForm, ParticipantForm, ProductForm
from berdaya.monitoring.models import ExhibitionProduct, UnitStatus
from berdaya.monitoring.views import visible_regions


@login_required
@require_GET
def exhibition_list(request):
    require(request.user, "monitoring.view")
    rows = []
    for e in selectors.exhibitions_visible(request.user):
        parts = list(selectors.participants_visible(request.user, e))
        rows.append((e, len(parts), sum(p.sales for p in parts)))
    return render(
        request,
        "monitoring/exhibitions.html",
        {
            "rows": rows,
            "can_manage": request.user.has_capability("exhibitions.manage"),
            "province": request.user.region_scope is None,
        },
    )


def _form(request, data=None, initial=None):
    province = request.user.region_scope is None
    return ExhibitionForm(
        data, initial=initial, regions=visible_regions(request.user), province=province
    )


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_new(request):
    require(request.user, "exhibitions.manage")
    form = _form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exhibition = exhibitions.exhibition_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Exhibition saved."))
            return redirect("monitoring:exhibition", exhibition_id=exhibition.pk)
    return render(request, "monitoring/exhibition_form.html", {"form": form, "exhibition": None})


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_edit(request, exhibition_id: int):
    require(request.user, "exhibitions.manage")
    exhibition = selectors.exhibition_get(request.user, exhibition_id)
    if request.user.region_scope is not None and exhibition.region_id != request.user.region_scope:
        raise Http404  # a province exhibition is changed by the province
    initial = {
        "name": exhibition.name,
        "organiser": exhibition.organiser,
        "place": exhibition.place,
        "region": exhibition.region_id or "",
        "starts_on": exhibition.starts_on,
        "ends_on": exhibition.ends_on,
        "notes": exhibition.notes,
    }
    form = _form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            exhibitions.exhibition_update(
                actor=request.user, exhibition=exhibition, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Exhibition saved."))
            return redirect("monitoring:exhibition", exhibition_id=exhibition.pk)
    return render(
        request, "monitoring/exhibition_form.html", {"form": form, "exhibition": exhibition}
    )


def _candidates(request, exhibition):
    qs = selectors.units_visible(request.user).filter(
        status__in=[UnitStatus.MONITORED, UnitStatus.INDEPENDENT]
    )
    if exhibition.region_id:
        qs = qs.filter(region_id=exhibition.region_id)
    taken = exhibition.participants.values_list("unit_id", flat=True)
    return qs.exclude(pk__in=taken).order_by("region_id", "name")[:500]


@login_required
@require_GET
def exhibition_detail(request, exhibition_id: int):
    require(request.user, "monitoring.view")
    exhibition = selectors.exhibition_get(request.user, exhibition_id)
    participants = list(
        selectors.participants_visible(request.user, exhibition).prefetch_related("products")
    )
    can_record = request.user.has_capability("exhibitions.record")
    return render(
        request,
        "monitoring/exhibition.html",
        {
            "exhibition": exhibition,
            "participants": participants,
            "totals": exhibitions.totals(exhibition, participants),
            "can_record": can_record,
            "can_edit": request.user.has_capability("exhibitions.manage")
            and (
                request.user.region_scope is None
                or exhibition.region_id == request.user.region_scope
            ),
            "form": ParticipantForm(units=_candidates(request, exhibition)) if can_record else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def participant_add(request, exhibition_id: int):
    require(request.user, "exhibitions.record")
    exhibition = selectors.exhibition_get(request.user, exhibition_id)
    form = ParticipantForm(request.POST, units=_candidates(request, exhibition))
    if not form.is_valid():
        messages.error(request, _("Choose a beneficiary of your region."))
    else:
        unit = selectors.unit_get(request.user, form.cleaned_data["unit"])
        try:
            participant = exhibitions.participant_add(
                actor=request.user,
                exhibition=exhibition,
                unit=unit,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s takes part.") % {"name": unit.name})
            return redirect("monitoring:participant", participant_id=participant.pk)
    return redirect("monitoring:exhibition", exhibition_id=exhibition.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_detail(request, participant_id: int):
    """A participant's products and sales; the form adds a product."""
    require(request.user, "monitoring.view")
    participant = selectors.participant_get(request.user, participant_id)
    form = ProductForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "exhibitions.record")
        if form.is_valid():
            try:
                exhibitions.product_record(
                    actor=request.user, participant=participant, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Product saved."))
                return redirect("monitoring:participant", participant_id=participant.pk)
    participant.refresh_from_db()
    return render(
        request,
        "monitoring/participant.html",
        {
            "p": participant,
            "products": list(participant.products.all()),
            "form": form,
            "can_record": request.user.has_capability("exhibitions.record"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def product_remove(request, participant_id: int):
    require(request.user, "exhibitions.record")
    participant = selectors.participant_get(request.user, participant_id)
    product = (
        ExhibitionProduct.objects.filter(
            participant=participant, pk=request.POST.get("product") or 0
        ).first()
        if (request.POST.get("product") or "").isdigit()
        else None
    )
    if product is None:
        messages.error(request, _("Choose a product of this participant."))
    else:
        exhibitions.product_remove(actor=request.user, product=product)
        messages.success(request, _("Product removed."))
    return redirect("monitoring:participant", participant_id=participant.pk)


@login_required
@require_POST
def participant_remove(request, participant_id: int):
    require(request.user, "exhibitions.record")
    participant = selectors.participant_get(request.user, participant_id)
    exhibition_id = participant.exhibition_id
    try:
        exhibitions.participant_remove(actor=request.user, participant=participant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:participant", participant_id=participant.pk)
    messages.success(request, _("Removed from the exhibition."))
    return redirect("monitoring:exhibition", exhibition_id=exhibition_id)
