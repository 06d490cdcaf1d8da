from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

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
