"""Pages to make and revoke API tokens: one's own, or anyone's for a province administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berdaya.accounts.scope import require
from berdaya.api import services
from berdaya.api.forms import TokenForm
from berdaya.api.models import ApiToken
from berdaya.core.forms import apply_errors


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    require(request.user, "api.use")
    admin = request.user.has_capability("users.manage")
    form = TokenForm(request.POST or None, admin=admin)
    secret = None
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data.get("user") or request.user
        try:
            token, secret = services.token_create(
                actor=request.user,
                user=user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm(admin=admin)
            messages.success(request, _("The token is made. Copy it now: it is shown only once."))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": services.tokens_for(request.user),
            "all_tokens": services.tokens_for(request.user, everyone=True).exclude(
                user=request.user
            )[:200]
            if admin
            else None,
        },
    )


@login_required
@require_POST
def revoke(request, token_id: int):
    require(request.user, "api.use")
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None:
        raise Http404
    try:
        services.token_revoke(
            actor=request.user, token=token, reason=request.POST.get("reason", "")
        )
    except PermissionDenied:
        # Another user's token: not theirs to know about.
        raise Http404 from None
    messages.success(request, _("The token is revoked: it no longer opens the API."))
    return redirect("tokens:list")
