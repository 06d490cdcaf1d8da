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
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from .models import Preference

# A choice made before logging in (on the log-in page), kept in the session until the log-in.
CHOSEN_BEFORE_LOGIN = "language_chosen_before_login"
# The saved choice, copied into the session at log-in and at each switch, so a request reads it
# with the session it loads anyway instead of a query of its own. "" when the user never chose.
SESSION_LANGUAGE = "cdmweb_language"


def supported(code: str | None) -> bool:
    """Whether ``code`` is one of the interface's languages, exactly (settings.LANGUAGES)."""
    return bool(code) and code in dict(settings.LANGUAGES)


def saved_language(user: Any) -> str | None:
    """The language ``user`` chose, or None (never chose, anonymous, or no longer offered)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    code = Preference.objects.filter(user=user).values_list("language", flat=True).first()
    return code if supported(code) else None


def remember(user: Any, code: str, request: HttpRequest | None = None) -> None:
    Preference.objects.update_or_create(user=user, defaults={"language": code})
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LANGUAGE] = code


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switch (the cookie, back to the page), and for a logged-in user the choice saved."""
    response = django_set_language(request)
    code = request.POST.get("language") if request.method == "POST" else None
    if supported(code) and settings.LANGUAGE_COOKIE_NAME in response.cookies:
        if request.user.is_authenticated:
            remember(request.user, code, request)
        else:
            request.session[CHOSEN_BEFORE_LOGIN] = code
    return response


def remember_choice_made_before_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At log-in, the session learns the user's saved language. The switch pressed on the log-in
    page is their latest choice: it becomes the saved one (the session outlives the log-in; Django
    keeps its data when it renews the key)."""
    if request is None or not hasattr(request, "session"):
        return
    code = request.session.pop(CHOSEN_BEFORE_LOGIN, None)
    if supported(code):
        remember(user, code, request)
    else:
        request.session[SESSION_LANGUAGE] = saved_language(user) or ""


class UserLanguageMiddleware:
    """Activates a logged-in user's saved language (after AuthenticationMiddleware, which gives
    ``request.user``; LocaleMiddleware before it has already chosen from the cookie or browser)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = _session_language(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


def _session_language(request: HttpRequest) -> str | None:
    """The logged-in user's saved language, from the session (filled at log-in); a session from
    before this was kept (no entry yet) asks the database once and keeps the answer."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    code = request.session.get(SESSION_LANGUAGE)
    if code is None:
        code = request.session[SESSION_LANGUAGE] = saved_language(user) or ""
    return code if supported(code) else None
