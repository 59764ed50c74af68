from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.forms import StyledFormMixin
from berdaya.registry.models import Person, Sex


class PersonForm(StyledFormMixin, forms.ModelForm):
    village = forms.CharField(
        label=_("Village code"),
        max_length=13,
        help_text=_("Kemendagri code of the village, e.g. 64.72.01.1001."),
    )

    class Meta:
        model = Person
        fields = [
            "nik",
            "kk",
            "name",
            "birth_place",
            "birth_date",
            "sex",
            "address",
            "village",
            "relation",
            "occupation",
            "decile",
            "life_status",
            "disability",
            "extreme_poverty",
        ]
        widgets = {
            "nik": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}
            ),
            "kk": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}
            ),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["village"] = self.instance.village_id

    def clean_village(self):
        from berdaya.regions.codes import normalize_code

        code = normalize_code(self.cleaned_data["village"])
        if not code or code.count(".") != 3:
            raise forms.ValidationError(_("Write the full village code, e.g. 64.72.01.1001."))
        return code

    def _post_clean(self):
        # The service validates the person as a whole (NIK, household, region).
        pass


class PersonFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Name, NIK or KK"), required=False)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—")] + list(Sex.choices))
    decile = forms.TypedChoiceField(
        label=_("Decile"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(i, str(i)) for i in range(1, 11)],
    )

    def __init__(self, *args, regencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].choices = [("", "—")] + [(r.code, r.name) for r in regencies]


class DocumentForm(StyledFormMixin, forms.Form):
    KINDS = [
        ("ktp", _("Identity card (KTP)")),
        ("kk", _("Family card (KK)")),
        ("sktm", _("Letter of poverty (SKTM)")),
        ("photo", _("Photo")),
        ("other", _("Other")),
    ]
    kind = forms.ChoiceField(label=_("Document"), choices=KINDS)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class RevealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full NIK?"), max_length=300, required=True
    )
