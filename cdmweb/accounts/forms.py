from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ROLE_CHOICES


class MemberForm(forms.Form):
    """Add someone to a team, or change their role."""

    username = forms.CharField(max_length=150, label=gettext_lazy("Username"))
    role = forms.ChoiceField(choices=ROLE_CHOICES, label=gettext_lazy("Role"))

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active user named “%(name)s”.") % {"name": name})
        return user
