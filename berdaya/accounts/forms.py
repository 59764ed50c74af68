from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from berdaya.accounts.backends import too_many_failures
from berdaya.accounts.models import User
from berdaya.accounts.roles import Role
from berdaya.core.audit import current_ip
from berdaya.core.forms import StyledFormMixin
from berdaya.regions.models import Region


class SignInForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is wrong."),
        "inactive": _("This account is not active."),
        "throttled": _(
            "Too many failed sign-ins. Wait 15 minutes, or ask the administrator to reset "
            "your password."
        ),
    }

    def clean(self):
        # Checked before the password, so a throttled account gives nothing away.
        username = self.cleaned_data.get("username") or ""
        if username and too_many_failures(username, current_ip.get()):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


class UserForm(StyledFormMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("At least 10 characters. Leave empty to set it later."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "region",
            "agency",
            "is_active",
        ]

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.SYSTEM]
        self.fields["region"].queryset = Region.objects.filter(
            level=Region.Level.REGENCY, historical=False, parent_id="64"
        )
        if not creating:
            del self.fields["password"]

    def _post_clean(self):
        # Validation is the service's job (user_create/user_update): it runs full_clean there.
        pass


class PasswordForm(StyledFormMixin, forms.Form):
    password1 = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data
