"""Forms of the monitoring pages. They read and show; the services validate (one rule, one
place). The visit form is written by hand in its template (its goods lines depend on the
unit) and read in the view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.monitoring.models import (
    FormKind,
    PartnerAgency,
    Referral,
    Sector,
    Service,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanForm(StyledFormMixin, forms.Form):
    months = forms.CharField(
        label=_("Visits, in months after the handover"),
        help_text=_("Separated by commas, e.g. 3, 6, 12, 24."),
    )
    window_days = forms.IntegerField(
        label=_("Days before and after the due date"),
        min_value=0,
        max_value=90,
        help_text=_("A visit is due this many days around its date; overdue after that."),
    )
    form_kind = forms.ChoiceField(label=_("Visit form"), choices=FormKind.choices)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(StyledFormMixin, forms.Form):
    facilitator = forms.TypedChoiceField(
        label=_("Facilitator"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, facilitators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].choices = [("", _("Nobody in particular"))] + [
            (u.pk, u.display_name) for u in facilitators
        ]


class ReferralForm(StyledFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Partner agency"), queryset=PartnerAgency.objects.filter(active=True)
    )
    service = forms.ChoiceField(label=_("Assistance asked"), choices=Service.choices)
    reason = forms.CharField(
        label=_("Why they are referred"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the family needs and what the agency should know."),
    )
    contact = forms.CharField(label=_("Phone or contact"), required=False, max_length=100)


class ReferralNoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    acted_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())


class ReferralOutcomeForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Referral.Outcome.choices)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())


class AgencyForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=120,
        required=False,
        help_text=_("A partner user whose agency is written so belongs to this agency."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    respond_days = forms.IntegerField(
        label=_("Days to answer a referral"), min_value=1, max_value=365, initial=30
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ExhibitionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organiser = forms.CharField(label=_("Organised by"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Regency/city"), required=False)
    starts_on = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, regions=(), province=True, **kwargs):
        super().__init__(*args, **kwargs)
        if province:
            self.fields["region"].choices = [("", _("The province (open to every region)"))] + [
                (r.code, r.name) for r in regions
            ]
        else:
            del self.fields["region"]


class ParticipantForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("Beneficiary"), coerce=int)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (u.pk, f"{u.name} · {u.program_year} · {u.region.name}") for u in units
        ]


class ProductForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Product"), max_length=150, required=False)
    unit_price = forms.CharField(
        label=_("Price (Rp)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    quantity_sold = forms.CharField(
        label=_("Sold"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
