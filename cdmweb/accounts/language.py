"""The language each user chose with the menu's switch, remembered on the user.

Django's switch (``set_language``) keeps the choice in a cookie, which is one browser's. Here the
choice of a logged-in user is also saved (``Preference``) and activated on each of their requests
(``UserLanguageMiddleware``), so it follows them to another browser and beats the cookie and the
browser's Accept-Language. Anyone who never chose keeps the cookie/browser behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from .models import Preference

# A choice made before logging in (on the log-in page), kept in the session until the log-in.
CHOSEN_BEFORE_LOGIN = "language_chosen_before_login"


def supported(code: str | None) -> bool:
    """Whether ``code`` is one of the interface's languages, exactly (settings.LANGUAGES)."""
    return bool(code) and code in dict(settings.LANGUAGES)


def saved_language(user: Any) -> str | None:
    """The language ``user`` chose, or None (never chose, anonymous, or no longer offered). A user
    read by ``ModelBackendWithPreference`` carries it already; any other asks the database."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if get_user_model().preference.related.is_cached(user):
        try:
            code = user.preference.language
        except Preference.DoesNotExist:
            code = None
    else:
        code = Preference.objects.filter(user=user).values_list("language", flat=True).first()
    return code if supported(code) else None


def remember(user: Any, code: str) -> None:
    Preference.objects.update_or_create(user=user, defaults={"language": code})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switch (the cookie, back to the page), and for a logged-in user the choice saved."""
    response = django_set_language(request)
    code = request.POST.get("language") if request.method == "POST" else None
    if supported(code) and settings.LANGUAGE_COOKIE_NAME in response.cookies:
        if request.user.is_authenticated:
            remember(request.user, code)
        else:
            request.session[CHOSEN_BEFORE_LOGIN] = code
    return response


def remember_choice_made_before_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """The switch pressed on the log-in page is the user's latest choice: it becomes their saved
    one (the session outlives the log-in; Django keeps its data when it renews the key)."""
    session = getattr(request, "session", None)
    code = session.pop(CHOSEN_BEFORE_LOGIN, None) if session is not None else None
    if supported(code):
        remember(user, code)


class UserLanguageMiddleware:
    """Activates a logged-in user's saved language (after AuthenticationMiddleware, which gives
    ``request.user``; LocaleMiddleware before it has already chosen from the cookie or browser)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # One small query per request, so a choice made in one browser shows at once in another.
        code = saved_language(getattr(request, "user", None))
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
