from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.core.exports import export_response
from berdaya.core.files import files_of, stored_file_save
from berdaya.core.forms import apply_errors, save_document
from berdaya.core.masking import can_see_full_nik, mask_nik
from berdaya.core.navigation import person_panels
from berdaya.core.selectors import object_history
from berdaya.regions.selectors import province_regencies
from berdaya.registry.forms import DocumentForm, PersonFilterForm, PersonForm, RevealForm
from berdaya.registry.selectors import (
    household_get,
    household_members,
    people_count,
    person_get,
    person_list,
)
from berdaya.registry.services import person_create, person_reveal_nik, person_update

EXPORT_LIMIT = 100_000


@login_required
@require_GET
def person_index(request):
    require(request.user, "registry.view")
    regencies = province_regencies() if request.user.region_scope is None else []
    form = PersonFilterForm(request.GET or None, regencies=regencies)
    filters = form.cleaned_data if form.is_valid() else {}
    people = person_list(request.user, **{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "xlsx":
        require(request.user, "registry.export")
        rows = (
            (
                mask_nik(p.nik),
                mask_nik(p.kk),
                p.name,
                p.birth_date.isoformat(),
                p.sex,
                p.village_id,
                p.village.name,
                p.decile,
                p.get_life_status_display(),
            )
            for p in (people[:EXPORT_LIMIT] if not isinstance(people, list) else people)
        )
        return export_response(
            user=request.user,
            name="penduduk",
            fmt="xlsx",
            headers=[
                "NIK",
                "NO_KK",
                "NAMA",
                "TGL_LAHIR",
                "JENIS_KELAMIN",
                "KODE_WILAYAH",
                "DESA",
                "DESIL",
                "STATUS_HIDUP",
            ],
            rows=rows,
            filters={k: str(v) for k, v in filters.items() if v},
        )
    paginator = Paginator(people, 25)
    count = people_count(request.user, filters)
    if count is not None:
        paginator.count = count  # a cached property: known, not counted again
    page = paginator.get_page(request.GET.get("page"))
    template = (
        "registry/_person_rows.html"
        if request.headers.get("HX-Request")
        else "registry/person_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_export": request.user.has_capability("registry.export"),
            "can_edit": request.user.has_capability("registry.edit"),
        },
    )


@login_required
@require_GET
def person_detail(request, person_id: int):
    require(request.user, "registry.view")
    person = person_get(request.user, person_id)
    revealed = request.session.get("revealed_person") == person.pk and can_see_full_nik(
        request.user
    )
    context = {
        "person": person,
        "nik_shown": person.nik if revealed else person.masked_nik,
        "kk_shown": person.kk if revealed else mask_nik(person.kk),
        "revealed": revealed,
        "can_reveal": can_see_full_nik(request.user),
        "members": household_members(person.household) if person.household_id else [],
        "documents": files_of(person),
        "panels": person_panels(request.user, person),
        "history": object_history("registry.person", person.pk),
        "document_form": DocumentForm(),
        "can_edit": request.user.has_capability("registry.edit"),
        "can_upload": request.user.has_capability("documents.upload"),
        "reveal_form": RevealForm(),
    }
    # The reveal lasts for one page view.
    request.session.pop("revealed_person", None)
    return render(request, "registry/person_detail.html", context)


@login_required
@require_POST
def person_reveal(request, person_id: int):
    person = person_get(request.user, person_id)
    require(request.user, "nik.reveal")
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why you need the full NIK."))
        return redirect("registry:person_detail", person_id=person.pk)
    person_reveal_nik(actor=request.user, person=person, reason=form.cleaned_data["reason"])
    request.session["revealed_person"] = person.pk
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    require(request.user, "registry.edit")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person, warnings = person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, _("%(name)s added.") % {"name": person.name})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_id: int):
    require(request.user, "registry.edit")
    person = person_get(request.user, person_id)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            person, warnings = person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, _("Changes saved."))
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_document(request, person_id: int):
    require(request.user, "documents.upload")
    person = person_get(request.user, person_id)
    save_document(
        request,
        DocumentForm(request.POST, request.FILES),
        lambda upload, kind: stored_file_save(
            actor=request.user, upload=upload, owner=person, kind=kind
        ),
    )
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
@require_GET
def household_detail(request, household_id: int):
    require(request.user, "registry.view")
    household = household_get(request.user, household_id)
    return render(
        request,
        "registry/household_detail.html",
        {"household": household, "members": household_members(household)},
    )
