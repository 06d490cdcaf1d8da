"""Security headers Django 5.2 does not send itself, and what an error page may show."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response that has none yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


class RejectNulMiddleware:
    """A NUL character in the path or the query string is refused with 400 before any view runs:
    PostgreSQL cannot compare text with it, so it would otherwise end as a database error. (Form
    fields refuse it themselves; imported JSON is refused by the payload parser.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in query.getlist(k)) for k in query):
            if request.path.startswith(("/v1.1/", "/v3/")):  # the sandbox answers in CDM's JSON shape
                body = {"error_code": "Cdm.0018", "error_msg": "The request contains a NUL character."}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest("The request contains a NUL character.", content_type="text/plain")
        return self.get_response(request)


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """The debug page and error reports hide every setting and environment value that can hold a
    secret: Django's own list (KEY, SECRET, PASS, TOKEN...) and ours (an SK, a password, the Fernet
    keys, a database or cache URL), and the credentials inside any URL whatever its name."""

    hidden_settings = re.compile(
        r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CREDENTIAL|PRIVATE|"
        r"(^|_)[AS]K$|DATABASE_URL|REDIS_URL|DSN|FERNET",
        flags=re.IGNORECASE,
    )
    URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@")
    # Named like secrets, holding none: class paths and a prefix, which the page may show.
    NOT_SECRET = frozenset(
        {
            "AUTH_PASSWORD_VALIDATORS",
            "AUTH_USER_MODEL",
            "AUTHENTICATION_BACKENDS",
            "PASSWORD_HASHERS",
            "CDMWEB_TEAM_SECRET_PREFIX",
            "CACHE_MIDDLEWARE_KEY_PREFIX",
        }
    )

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return self.URL_CREDENTIALS.sub(f"{self.cleansed_substitute}@", cleansed)
        return cleansed

    # Form fields that carry what a user typed as a secret, or may (a designer value, a pasted job).
    TYPED_SECRETS = frozenset(
        {"new_secret", "password", "old_password", "new_password1", "new_password2", "value", "text"}
    )

    def get_post_parameters(self, request: Any) -> Any:
        """No posted value at all on an error page: any of them may be a password typed into a
        target, a designer's secret input or a pasted job; the names are enough to debug with."""
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def typed_secrets(self, request: Any) -> set[str]:
        """What the failing request posted that may be a secret: cut out wherever it shows up,
        since a local variable of any name can hold it."""
        try:
            posted = request.POST if request is not None else {}
        except Exception:  # noqa: BLE001 (the body may be what failed: too large, unreadable)
            return set()
        return {
            value
            for key in posted
            if key in self.TYPED_SECRETS or self.hidden_settings.search(key)
            for value in posted.getlist(key)
            if isinstance(value, str) and len(value) >= 6
        }

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        """Every frame's variables, cleansed as settings are: a frame holding the request's META
        (the environment, under runserver) or a local called ``password`` shows neither."""
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleanse_setting(name, value)) for name, value in variables]

    def secret_values(self) -> set[str]:
        """The values of every setting and environment variable the names call secret, and the
        credentials inside any URL among them: what an error page must never contain anywhere."""
        named = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
        named.update(os.environ)
        found: set[str] = set()
        for name, value in named.items():
            for text in _strings(value):
                if self.hidden_settings.search(name) and name not in self.NOT_SECRET:
                    found.add(text)
                for credentials in re.findall(r"://([^/@\s]*)@", text):
                    found.update(part for part in (credentials, *credentials.split(":")) if part)
        return {value for value in found if len(value) >= 6}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


class SecretScrubbingReporter(ExceptionReporter):
    """The debug page and error e-mails, with every known secret value cut out wherever it stands
    (a local variable of any name, an exception's message), after the filter did its part."""

    def get_traceback_html(self) -> str:
        return self._scrub(super().get_traceback_html(), escaped=True)

    def get_traceback_text(self) -> str:
        return self._scrub(super().get_traceback_text(), escaped=False)

    def _scrub(self, page: str, *, escaped: bool) -> str:
        substitute = SecretHidingReporterFilter.cleansed_substitute
        hiding = SecretHidingReporterFilter()
        secrets = hiding.secret_values() | hiding.typed_secrets(self.request)
        for value in sorted(secrets, key=len, reverse=True):
            page = page.replace(value, substitute)
            if escaped:
                page = page.replace(html.escape(value), substitute)
        return page
