"""Pages of referrals to partner agencies, and of the agencies themselves.

A partner agency's users reach only these pages, and see on them only what was sent to their
agency; the family's NIK is shown masked to them, and their every opening of a referral is in
the audit trail (personal data shared outside the office, UU 27/2022)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts.roles import Role
from berdaya.accounts.scope import get_scoped_or_404, require
from berdaya.core.audit import audit_record
from berdaya.core.forms import apply_errors
from berdaya.monitoring import referrals, selectors
from berdaya.monitoring.forms import (
    AgencyForm,
    ReasonForm,
    ReferralForm,
    ReferralNoteForm,
    ReferralOutcomeForm,
)
from berdaya.monitoring.models import PartnerAgency, Referral, Service


@login_required
@require_GET
def referral_list(request):
    require(request.user, "referrals.view")
    user = request.user
    qs = selectors.referrals_visible(user)
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED])
    elif status in Referral.Status.values:
        qs = qs.filter(status=status)
    agency = request.GET.get("agency", "")
    if agency.isdigit() and user.role != Role.PARTNER:
        qs = qs.filter(agency_id=int(agency))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(subject_name__icontains=q)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/referrals.html",
        {
            "page": page,
            "status": status,
            "statuses": Referral.Status.choices,
            "agencies": selectors.agencies_active() if user.role != Role.PARTNER else [],
            "agency": agency,
            "my_agency": selectors.agency_for_user(user),
            "is_partner": user.role == Role.PARTNER,
            "q": q,
            "today": timezone.localdate(),
        },
    )


def _source(request):
    """Where a referral is made from: ?person=<id>, ?group=<uid>, ?unit=<id> or ?visit=<id>."""
    from berdaya.intake.models import ProposalGroup
    from berdaya.registry.models import Person

    user = request.user
    params = request.GET if request.method == "GET" else request.POST
    try:
        if params.get("person"):
            person = get_scoped_or_404(Person.objects.all(), user, pk=int(params["person"]))
            return {"person": person}, person.name
        if params.get("group"):
            group = get_scoped_or_404(ProposalGroup.objects.all(), user, uid=params["group"])
            return {"group": group}, group.name
        if params.get("unit"):
            unit = selectors.unit_get(user, int(params["unit"]))
            return {"unit": unit}, unit.name
        if params.get("visit"):
            visit = selectors.visit_get(user, int(params["visit"]))
            return {"visit": visit}, visit.unit.name
    except (ValueError, TypeError):
        raise Http404 from None
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    require(request.user, "referrals.create")
    source, name = _source(request)
    if request.method == "POST":
        form = ReferralForm(request.POST)
        if form.is_valid():
            try:
                referral = referrals.referral_create(
                    actor=request.user,
                    agency=form.cleaned_data["agency"],
                    service=form.cleaned_data["service"],
                    reason=form.cleaned_data["reason"],
                    contact=form.cleaned_data["contact"],
                    **source,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is referred to %(agency)s.")
                    % {"name": referral.subject_name, "agency": referral.agency},
                )
                return redirect("monitoring:referral", referral_uid=referral.uid)
    else:
        form = ReferralForm()
    key, obj = next(iter(source.items()))
    return render(
        request,
        "monitoring/referral_form.html",
        {
            "form": form,
            "name": name,
            "source_key": key,
            "source_value": obj.uid if key == "group" else obj.pk,
            "agencies": selectors.agencies_active(),
        },
    )


@login_required
@require_GET
def referral_detail(request, referral_uid):
    require(request.user, "referrals.view")
    referral = selectors.referral_get(request.user, referral_uid)
    user = request.user
    if user.role == Role.PARTNER:
        audit_record(
            actor=user,
            action="referral.view",
            obj=referral,
            note=str(referral.agency),
        )
    may_respond = user.has_capability("referrals.respond") and referral.is_open
    may_follow = referral.is_open and (
        user.role == Role.PARTNER
        or user.has_capability("referrals.create")
        or user.has_capability("referrals.respond")
    )
    return render(
        request,
        "monitoring/referral.html",
        {
            "r": referral,
            "actions": list(referral.actions.select_related("by")),
            "is_partner": user.role == Role.PARTNER,
            "may_respond": may_respond,
            "may_note": may_follow,
            "may_cancel": referral.is_open and user.has_capability("referrals.create"),
            "note_form": ReferralNoteForm(),
            "outcome_form": ReferralOutcomeForm(),
            "reason_form": ReasonForm(),
            "today": timezone.localdate(),
            "village": _village_name(referral.village_code),
        },
    )


def _village_name(code: str) -> str:
    from berdaya.regions.models import Region

    region = Region.objects.filter(code=code).first() if code else None
    return region.name if region else ""


def _act(request, referral_uid, fn, form_class=None, ok=""):
    referral = selectors.referral_get(request.user, referral_uid)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect("monitoring:referral", referral_uid=referral.uid)
        kwargs = form.cleaned_data
    try:
        fn(actor=request.user, referral=referral, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect("monitoring:referral", referral_uid=referral.uid)


@login_required
@require_POST
def referral_accept(request, referral_uid):
    require(request.user, "referrals.respond")
    return _act(request, referral_uid, referrals.referral_accept, ok=_("Marked as being handled."))


@login_required
@require_POST
def referral_note(request, referral_uid):
    require(request.user, "referrals.view")
    return _act(request, referral_uid, referrals.referral_note, ReferralNoteForm, _("Noted."))


@login_required
@require_POST
def referral_complete(request, referral_uid):
    require(request.user, "referrals.respond")
    return _act(
        request,
        referral_uid,
        referrals.referral_complete,
        ReferralOutcomeForm,
        _("The outcome is recorded."),
    )


@login_required
@require_POST
def referral_cancel(request, referral_uid):
    require(request.user, "referrals.create")
    return _act(
        request,
        referral_uid,
        referrals.referral_cancel,
        ReasonForm,
        _("The referral is cancelled."),
    )


# --- Partner agencies ------------------------------------------------------------------------


@login_required
@require_GET
def agency_list(request):
    require(request.user, "monitoring.view")
    from django.db.models import Count, Q

    agencies = PartnerAgency.objects.annotate(
        open=Count("referrals", filter=Q(referrals__status__in=["sent", "accepted"])),
        done=Count("referrals", filter=Q(referrals__status="done")),
    )
    from berdaya.accounts.models import User

    partners = list(User.objects.filter(role=Role.PARTNER, is_active=True))
    users: dict[int, list[str]] = {}
    unmatched = []
    for u in partners:
        agency = selectors.agency_for_user(u)
        if agency:
            users.setdefault(agency.pk, []).append(u.username)
        else:
            unmatched.append(u)
    for a in agencies:
        a.users = users.get(a.pk, [])
    return render(
        request,
        "monitoring/agencies.html",
        {
            "agencies": agencies,
            "unmatched": unmatched if request.user.has_capability("agencies.manage") else [],
            "can_manage": request.user.has_capability("agencies.manage"),
            "services": dict(Service.choices),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, agency_id: int | None = None):
    require(request.user, "agencies.manage")
    agency = None
    if agency_id is not None:
        agency = PartnerAgency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise Http404
    if request.method == "POST":
        form = AgencyForm(request.POST)
        if form.is_valid():
            try:
                referrals.agency_save(actor=request.user, agency=agency, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Partner agency saved."))
                return redirect("monitoring:agencies")
    else:
        initial = {"respond_days": 30, "active": True}
        if agency:
            initial = {
                k: getattr(agency, k)
                for k in (
                    "code",
                    "name",
                    "short_name",
                    "sector",
                    "services",
                    "contact",
                    "respond_days",
                    "active",
                )
            }
        form = AgencyForm(initial=initial)
    return render(request, "monitoring/agency_form.html", {"form": form, "agency": agency})
