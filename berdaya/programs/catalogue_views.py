"""Pages of the goods catalogue and its packages (kept by the province, read by all staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.accounts.scope import require
from berdaya.core.forms import apply_errors
from berdaya.core.selectors import object_history
from berdaya.programs.catalogue import (
    goods_item_create,
    goods_item_update,
    package_check,
    package_save,
)
from berdaya.programs.catalogue_forms import GoodsItemForm, PackageForm
from berdaya.programs.models import BusinessType, GoodsItem, GoodsPackage, ProgramYear


def _years():
    return list(
        ProgramYear.objects.select_related("program")
        .filter(program__active=True)
        .order_by("-year", "program__code")
    )


@login_required
@require_GET
def item_list(request):
    require(request.user, "programs.view")
    items = GoodsItem.objects.prefetch_related("business_types")
    kind = request.GET.get("type", "")
    if kind:
        items = items.filter(business_types__code=kind)
    return render(
        request,
        "programs/catalogue/item_list.html",
        {
            "items": items,
            "types": BusinessType.objects.filter(active=True),
            "kind": kind,
            "can_manage": request.user.has_capability("catalogue.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    require(request.user, "catalogue.manage")
    form = GoodsItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            goods_item_create(
                actor=request.user, business_types=list(data.pop("business_types")), **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Item added to the catalogue."))
            return redirect("catalogue:items")
    return render(request, "programs/catalogue/item_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, item_id: int):
    require(request.user, "programs.view")
    item = get_object_or_404(GoodsItem, pk=item_id)
    can_manage = request.user.has_capability("catalogue.manage")
    form = GoodsItemForm(request.POST or None, instance=item)
    if request.method == "POST":
        require(request.user, "catalogue.manage")
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                goods_item_update(
                    actor=request.user,
                    item=GoodsItem.objects.get(pk=item.pk),
                    business_types=list(data.pop("business_types")),
                    **data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Item saved."))
                return redirect("catalogue:items")
    form.fields["code"].disabled = True
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "programs/catalogue/item_form.html",
        {
            "form": form,
            "item": item,
            "can_manage": can_manage,
            "history": object_history("programs.goodsitem", item.pk, limit=20),
        },
    )


@login_required
@require_GET
def package_list(request):
    require(request.user, "programs.view")
    packages = GoodsPackage.objects.select_related(
        "program_year__program", "business_type"
    ).prefetch_related("lines__item")
    py = request.GET.get("py", "")
    if py.isdigit():
        packages = packages.filter(program_year_id=int(py))
    rows = [(p, package_check(p.program_year, p.total)) for p in packages]
    return render(
        request,
        "programs/catalogue/package_list.html",
        {
            "rows": rows,
            "years": _years(),
            "py": py,
            "can_manage": request.user.has_capability("catalogue.manage"),
        },
    )


def _package_page(request, package: GoodsPackage | None):
    years = _years()
    initial = {}
    if package is not None:
        initial = {
            "program_year": package.program_year_id,
            "name": package.name,
            "business_type": package.business_type,
            "notes": package.notes,
            "active": package.active,
        }
    form = PackageForm(request.POST or None, years=years, initial=initial)
    quantities = {x.item_id: x.quantity for x in package.lines.all()} if package else {}
    if request.method == "POST":
        require(request.user, "catalogue.manage")
        quantities = {}
        for key, value in request.POST.items():
            if key.startswith("qty_") and key[4:].isdigit() and value.strip():
                try:
                    quantities[int(key[4:])] = int(value)
                except ValueError:
                    form.add_error(None, _("A quantity is a whole number."))
        if form.is_valid():
            data = form.cleaned_data
            py = next((y for y in years if y.pk == data["program_year"]), None)
            if package is not None:
                py = package.program_year
            try:
                saved = package_save(
                    actor=request.user,
                    program_year=py,
                    name=data["name"],
                    quantities=quantities,
                    business_type=data["business_type"],
                    notes=data["notes"],
                    active=data["active"],
                    package=package,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Package saved: %(name)s.") % {"name": saved.name})
                return redirect("catalogue:packages")
    if package is not None:
        form.fields["program_year"].disabled = True
    items = [
        (i, quantities.get(i.pk, ""))
        for i in GoodsItem.objects.filter(active=True).prefetch_related("business_types")
    ]
    check = package_check(package.program_year, package.total) if package else None
    return render(
        request,
        "programs/catalogue/package_form.html",
        {
            "form": form,
            "package": package,
            "items": items,
            "check": check,
            "can_manage": request.user.has_capability("catalogue.manage"),
            "history": object_history("programs.goodspackage", package.pk, limit=20)
            if package
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def package_new(request):
    require(request.user, "catalogue.manage")
    return _package_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def package_edit(request, package_id: int):
    require(request.user, "programs.view")
    return _package_page(request, get_object_or_404(GoodsPackage, pk=package_id))
