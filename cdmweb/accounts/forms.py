from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from cdmweb.jobs.models import Target, https_url_fields

from .models import ROLE_CHOICES


class MemberForm(forms.Form):
    """Add someone to a team, or change their role."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=ROLE_CHOICES)

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"There is no active user named “{name}”.")
        return user


class TeamTargetForm(forms.ModelForm):
    """A team's own CDM target. Secrets stay out of the database: the form names the variables
    that hold them, and only variables meant for targets may be named."""

    endpoint = forms.URLField(assume_scheme="https", help_text="CDM base URL, e.g. https://cdm.eu-de.example.com")
    iam_endpoint = forms.URLField(
        assume_scheme="https", required=False, help_text="IAM base URL, for IAM password auth"
    )

    new_secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        label="Secret (SK, IAM password or token)",
        help_text="Stored encrypted and never shown again; leave empty to keep the stored one.",
    )

    class Meta:
        model = Target
        formfield_callback = https_url_fields
        fields = [
            "name",
            "endpoint",
            "region",
            "project_id",
            "auth_mode",
            "iam_endpoint",
            "username",
            "domain",
            "access_key",
            "access_key_source",
            "new_secret",
            "secret_source",
            "x_language",
            "requires_review",
        ]

    def _clean_source(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        prefix = settings.CDMWEB_TEAM_SECRET_PREFIX
        if value and not value.startswith(prefix):
            raise forms.ValidationError(f"Name a variable starting with {prefix}, e.g. {prefix}PROD_SK.")
        return value

    def clean_access_key_source(self) -> str:
        return self._clean_source("access_key_source")

    def clean_secret_source(self) -> str:
        return self._clean_source("secret_source")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("endpoint"):
            self.add_error("endpoint", "A team's target needs its CDM endpoint; the sandbox is everyone's already.")
        has_secret = data.get("new_secret") or data.get("secret_source") or self.instance.secret_encrypted
        if not has_secret:
            self.add_error("new_secret", "Type the secret (stored encrypted), or name the variable holding it.")
        needs_ak = data.get("auth_mode") == Target.AUTH_AKSK
        if needs_ak and not (data.get("access_key") or data.get("access_key_source")):
            self.add_error("access_key", "AK/SK signing needs the AK, or the variable holding it.")
        return data

    def save(self, commit: bool = True) -> Target:
        target = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            target.set_secret(self.cleaned_data["new_secret"])
        if commit:
            target.save()
        return target
