from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.core.files import check_upload_size
from berdaya.core.forms import apply_errors
from berdaya.programs.forms import (
    NewYearForm,
    ProgramForm,
    ProgramYearForm,
    RecipientsForm,
    WelfareCategoryForm,
)
from berdaya.programs.models import PastRecipient, Program, ProgramYear, WelfareCategory
from berdaya.programs.services import (
    category_update,
    program_create,
    program_update,
    program_year_copy,
    program_year_for,
    program_year_update,
    recipients_import,
)


@login_required
@require_GET
def program_list(request):
    require(request.user, "programs.view")
    programs = Program.objects.prefetch_related("years").order_by("-active", "code")
    return render(
        request,
        "programs/program_list.html",
        {"programs": programs, "can_manage": request.user.has_capability("programs.manage")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_new(request):
    require(request.user, "programs.manage")
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Programme %(code)s created. Now add its first year.") % {"code": program.code},
            )
            return redirect("programs:detail", code=program.code)
    return render(request, "programs/program_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def program_detail(request, code: str):
    require(request.user, "programs.view")
    program = get_object_or_404(Program, code=code)
    can_manage = request.user.has_capability("programs.manage")
    form = ProgramForm(request.POST or None, instance=program) if can_manage else None
    if request.method == "POST":
        require(request.user, "programs.manage")
        if form.is_valid():
            try:
                program_update(
                    actor=request.user,
                    program=Program.objects.get(pk=program.pk),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("programs:detail", code=program.code)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "form": form,
            "can_manage": can_manage,
            "years": program.years.all(),
            "year_form": NewYearForm(),
            "recipients_form": RecipientsForm(),
            "recipient_years": PastRecipient.objects.filter(program=program)
            .values("year")
            .order_by("-year")
            .distinct(),
        },
    )


@login_required
@require_POST
def program_year_new(request, code: str):
    require(request.user, "programs.manage")
    program = get_object_or_404(Program, code=code)
    form = NewYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a year between 2000 and 2100."))
        return redirect("programs:detail", code=code)
    year = form.cleaned_data["year"]
    try:
        if form.cleaned_data["copy"] and program.years.filter(year__lt=year).exists():
            py = program_year_copy(actor=request.user, program=program, year=year)
            messages.success(
                request,
                _("%(py)s created from %(code)s's previous year.")
                % {"py": py, "code": program.code},
            )
        else:
            py, notice = program_year_for(actor=request.user, program=program, year=year)
            messages.success(request, notice or _("%(py)s already exists.") % {"py": py})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programs:detail", code=code)
    return redirect("programs:year", code=code, year=py.year)


@login_required
@require_http_methods(["GET", "POST"])
def program_year_detail(request, code: str, year: int):
    require(request.user, "programs.view")
    py = get_object_or_404(
        ProgramYear.objects.select_related("program"), program__code=code, year=year
    )
    can_manage = request.user.has_capability("programs.manage")
    form = ProgramYearForm(request.POST or None, instance=py)
    if request.method == "POST":
        require(request.user, "programs.manage")
        if form.is_valid():
            try:
                program_year_update(
                    actor=request.user,
                    program_year=ProgramYear.objects.get(pk=py.pk),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Criteria saved. The year's proposals will be verified again.")
                )
                return redirect("programs:year", code=code, year=year)
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request, "programs/year_detail.html", {"py": py, "form": form, "can_manage": can_manage}
    )


@login_required
@require_POST
def recipients_upload(request, code: str):
    require(request.user, "programs.manage")
    program = get_object_or_404(Program, code=code)
    form = RecipientsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the year and the file."))
        return redirect("programs:detail", code=code)
    upload = form.cleaned_data["file"]
    try:
        check_upload_size(upload)
        result = recipients_import(
            actor=request.user,
            program=program,
            year=form.cleaned_data["year"],
            fileobj=upload.file,
            file_name=upload.name,
        )
    except ValidationError as exc:
        for m in exc.messages[:20]:
            messages.error(request, m)
        if len(exc.messages) > 20:
            messages.error(request, _("…and %(n)s more rows.") % {"n": len(exc.messages) - 20})
    else:
        messages.success(request, _("%(rows)s rows read, %(added)s recipients added.") % result)
    return redirect("programs:detail", code=code)


@login_required
@require_GET
def category_list(request):
    require(request.user, "programs.view")
    return render(
        request,
        "programs/category_list.html",
        {
            "categories": WelfareCategory.objects.all(),
            "can_manage": request.user.has_capability("programs.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, category_code: str):
    require(request.user, "programs.manage")
    category = get_object_or_404(WelfareCategory, code=category_code)
    form = WelfareCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            category_update(
                actor=request.user,
                category=WelfareCategory.objects.get(pk=category.pk),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Category saved. Proposals naming it will be verified again.")
            )
            return redirect("programs:categories")
    return render(request, "programs/category_form.html", {"form": form, "category": category})
