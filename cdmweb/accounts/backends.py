"""Django's model backend, reading each request's user with their saved preferences in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ModelBackendWithPreference(ModelBackend):
    """The user and their ``Preference`` (the interface's language, asked on every request by
    ``UserLanguageMiddleware``) in the one query that loads the user anyway."""

    def get_user(self, user_id: Any) -> Any:
        user = self.user_model_with_preference().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def user_model_with_preference() -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.select_related("preference")
