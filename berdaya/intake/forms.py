from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.intake.models import Role
from berdaya.registry.models import Relation, Sex


class UploadForm(StyledFormMixin, forms.Form):
    py = forms.ChoiceField(label=_("Programme year"))
    region = forms.ChoiceField(label=_("Proposing region"))
    file = forms.FileField(label=_("Filled template (XLSX or CSV)"))
    accept_valid = forms.BooleanField(
        label=_("If some rows have errors, save the readable rows anyway"), required=False)

    def __init__(self, *args, program_years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["py"].choices = [(py.pk, str(py)) for py in program_years]
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]


class ProposalForm(StyledFormMixin, forms.Form):
    py = forms.ChoiceField(label=_("Programme year"))
    region = forms.ChoiceField(label=_("Proposing region"))
    nik = forms.CharField(label=_("NIK"), max_length=32,
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "off"}))
    kk = forms.CharField(label=_("KK number"), max_length=32, required=False,
                         widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                       "autocomplete": "off"}))
    name = forms.CharField(label=_("Full name"), max_length=150)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    village_code = forms.CharField(label=_("Village code"), max_length=13,
                                   help_text=_("e.g. 64.72.01.1001"))
    relation = forms.ChoiceField(label=_("Relation to head of family"),
                                 choices=[("", "—"), *Relation.choices], required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=80, required=False)

    def __init__(self, *args, program_years=(), regions=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["py"]
            del self.fields["region"]
        else:
            self.fields["py"].choices = [(py.pk, str(py)) for py in program_years]
            self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AttachForm(StyledFormMixin, forms.Form):
    KINDS = [("ktp", _("Identity card (KTP)")), ("kk", _("Family card (KK)")),
             ("sktm", _("Letter of poverty (SKTM)")), ("other", _("Other"))]
    kind = forms.ChoiceField(label=_("Document"), choices=KINDS)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class GroupForm(StyledFormMixin, forms.Form):
    py = forms.ChoiceField(label=_("Programme year"))
    region = forms.ChoiceField(label=_("Proposing region"))
    name = forms.CharField(label=_("Group name"), max_length=150)
    business_type = forms.CharField(label=_("Business type"), max_length=100, required=False,
                                    help_text=_("e.g. grocery stall, sewing, fishing"))

    def __init__(self, *args, program_years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["py"].choices = [(py.pk, str(py)) for py in program_years]
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]


class MemberForm(ProposalForm):
    role = forms.ChoiceField(label=_("Role in the group"), choices=Role.choices)

    def __init__(self, *args, **kwargs):
        kwargs["editing"] = True
        super().__init__(*args, **kwargs)
