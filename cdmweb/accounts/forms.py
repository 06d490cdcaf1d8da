from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from cdmweb.jobs.forms import TargetForm
from cdmweb.jobs.models import Target

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


def team_variable_prefix(team: Any) -> str:
    return f"{settings.CDMWEB_TEAM_SECRET_PREFIX}{team.slug.upper().replace('-', '_')}_"


class TeamTargetForm(TargetForm):
    """A team's own CDM target. Its secret is typed in (stored encrypted) or named by a server
    variable, and only variables meant for targets may be named."""

    endpoint = forms.URLField(assume_scheme="https", help_text="CDM base URL, e.g. https://cdm.eu-de.example.com")

    @property
    def variable_prefix(self) -> str:
        """Each team names only its own variables: CDM_TARGET_<TEAM>_..."""
        return team_variable_prefix(self.instance.team)

    def _clean_source(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        prefix = self.variable_prefix
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
