from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.intake.models import Role
from berdaya.intake.rows import RowFormat
from berdaya.registry.models import Accreditation, InstitutionKind, Relation, Sex


class UploadForm(StyledFormMixin, forms.Form):
    py = forms.ChoiceField(label=_("Programme year"))
    region = forms.ChoiceField(label=_("Proposing region"))
    file = forms.FileField(label=_("Filled template (XLSX or CSV)"))
    accept_valid = forms.BooleanField(
        label=_("If some rows have errors, save the readable rows anyway"), required=False
    )

    def __init__(self, *args, program_years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["py"].choices = [(py.pk, str(py)) for py in program_years]
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]


class ProposalForm(StyledFormMixin, forms.Form):
    """One proposal by form, with the fields of its programme year's row format (a person, a
    person in a welfare category with a need, or an institution with a need)."""

    region = forms.ChoiceField(label=_("Proposing region"))
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk = forms.CharField(
        label=_("KK number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Full name"), max_length=150)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=50,
        required=False,
        help_text=_("As issued by the social affairs office."),
    )
    institution_kind = forms.ChoiceField(
        label=_("Institution type"), choices=InstitutionKind.choices
    )
    accreditation = forms.ChoiceField(
        label=_("Accreditation"),
        required=False,
        choices=[("", _("Not accredited")), *Accreditation.choices],
    )
    accreditation_date = forms.DateField(
        label=_("Accreditation date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    village_code = forms.CharField(
        label=_("Village code"), max_length=13, help_text=_("e.g. 64.72.01.1001")
    )
    relation = forms.ChoiceField(
        label=_("Relation to head of family"),
        choices=[("", "—"), *Relation.choices],
        required=False,
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=80, required=False)
    category = forms.ChoiceField(label=_("Welfare category (PPKS)"))
    need = forms.CharField(
        label=_("Need"),
        max_length=255,
        help_text=_("e.g. wheelchair, hearing aid, basic needs, home repair"),
    )
    need_value = forms.IntegerField(
        label=_("Value (Rp)"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    PERSON = ("nik", "kk", "name", "birth_place", "birth_date", "sex")
    INSTITUTION = ("registration_number", "institution_kind", "accreditation", "accreditation_date")
    HOUSEHOLD = ("relation", "occupation")

    def __init__(self, *args, fmt: RowFormat | None = None, regions=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        fmt = fmt or RowFormat()
        drop = []
        if fmt.unit == "institution":
            drop += [*self.PERSON[:2], *self.PERSON[3:], *self.HOUSEHOLD]
            self.fields["name"].label = _("Institution name")
        else:
            drop += self.INSTITUTION
        if not fmt.categories:
            drop.append("category")
        else:
            from berdaya.programs.models import WelfareCategory

            self.fields["category"].choices = [("", "—")] + [
                (c.code, f"{c.code} — {c.name}")
                for c in WelfareCategory.objects.filter(code__in=fmt.categories)
            ]
        if not fmt.per_need:
            drop += ["need", "need_value"]
        if editing:
            drop.append("region")
        else:
            self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]
        for name in drop:
            del self.fields[name]


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AttachForm(StyledFormMixin, forms.Form):
    KINDS = [
        ("ktp", _("Identity card (KTP)")),
        ("kk", _("Family card (KK)")),
        ("sktm", _("Letter of poverty (SKTM)")),
        ("other", _("Other")),
    ]
    kind = forms.ChoiceField(label=_("Document"), choices=KINDS)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class GroupForm(StyledFormMixin, forms.Form):
    py = forms.ChoiceField(label=_("Programme year"))
    region = forms.ChoiceField(label=_("Proposing region"))
    name = forms.CharField(label=_("Group name"), max_length=150)
    business_type = forms.CharField(
        label=_("Business type"),
        max_length=100,
        required=False,
        help_text=_("e.g. grocery stall, sewing, fishing"),
    )

    def __init__(self, *args, program_years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["py"].choices = [(py.pk, str(py)) for py in program_years]
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]


class MemberForm(ProposalForm):
    role = forms.ChoiceField(label=_("Role in the group"), choices=Role.choices)

    def __init__(self, *args, **kwargs):
        kwargs["editing"] = True
        kwargs.setdefault("fmt", RowFormat(unit="person"))
        super().__init__(*args, **kwargs)


class ProgrammeYearChoiceForm(StyledFormMixin, forms.Form):
    py = forms.ChoiceField(label=_("Programme year"))

    def __init__(self, *args, program_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["py"].choices = [(py.pk, str(py)) for py in program_years]
