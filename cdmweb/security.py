"""Security headers Django 5.2 does not send itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse


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
