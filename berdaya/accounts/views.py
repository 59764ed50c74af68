from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.accounts.forms import PasswordForm, SignInForm, UserForm
from berdaya.accounts.models import User
from berdaya.accounts.roles import CAPABILITIES, Role
from berdaya.accounts.scope import require
from berdaya.accounts.services import user_create, user_set_password, user_update
from berdaya.core.forms import apply_errors


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(
                actor=request.user, user=request.user, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("core:home")
    return render(request, "accounts/password.html", {"form": form, "target": request.user})


@login_required
@require_GET
def profile(request):
    caps = sorted(c for c in CAPABILITIES if request.user.has_capability(c))
    return render(request, "accounts/profile.html", {"capabilities": caps})


def _managed_user(request, user_id: int) -> User:
    require(request.user, "users.manage")
    return get_object_or_404(User.objects.exclude(role=Role.SYSTEM), pk=user_id)


@login_required
@require_GET
def user_list(request):
    require(request.user, "users.manage")
    qs = User.objects.exclude(role=Role.SYSTEM).select_related("region").order_by("username")
    role = request.GET.get("role", "")
    if role:
        qs = qs.filter(role=role)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "roles": [c for c in Role.choices if c[0] != Role.SYSTEM], "role": role},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request):
    require(request.user, "users.manage")
    form = UserForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password", "") or None
        try:
            user = user_create(actor=request.user, password=password, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_edit", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, user_id: int):
    target = _managed_user(request, user_id)
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(
                actor=request.user, user=User.objects.get(pk=target.pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_edit", user_id=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request, user_id: int):
    target = _managed_user(request, user_id)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(
                actor=request.user, user=target, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            messages.success(request, _("Password of %(name)s reset.") % {"name": target.username})
            return redirect("accounts:user_edit", user_id=target.pk)
    return render(request, "accounts/password.html", {"form": form, "target": target})
