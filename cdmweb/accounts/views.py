"""Logging in (rate-limited in the shared cache) and changing one's password."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger("cdmweb.accounts")


# --- log-in, rate-limited ------------------------------------------------------------------------


class RateLimitedAuthenticationForm(AuthenticationForm):
    """Counts failed log-ins per user name and address, and per address, in the shared cache;
    past the limit even the right password is refused until the window has passed."""

    limited = False

    def clean(self) -> dict[str, Any]:
        window = settings.CDMWEB_LOGIN_WINDOW_SECONDS
        address = client_address(self.request)[:64] if self.request else ""
        name = (self.data.get("username") or "")[:150].strip().lower()
        keys = {
            f"login-fail:{address}:{name}": settings.CDMWEB_LOGIN_FAILURES,
            f"login-fail:{address}": settings.CDMWEB_LOGIN_FAILURES_PER_ADDRESS,
        }
        if any(_failures(key) >= limit for key, limit in keys.items()):
            self.limited = True
            minutes = max(1, window // 60)
            raise ValidationError(
                ngettext(
                    "Too many failed log-ins. Wait %(minutes)d minute, then try again.",
                    "Too many failed log-ins. Wait %(minutes)d minutes, then try again.",
                    minutes,
                )
                % {"minutes": minutes},
                code="limited",
            )
        try:
            return super().clean()
        except ValidationError:
            for key in keys:
                _count_failure(key, window)
            raise


def client_address(request: HttpRequest) -> str:
    """Who is asking. Behind the TLS load balancer (DJANGO_BEHIND_TLS_PROXY) every request comes
    from the balancer; the address it appended to X-Forwarded-For is the client's (earlier entries
    are whatever the client claimed)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


# A cache that is down (Redis restarting) must not stop everyone from logging in: the limit then
# lapses for a moment, and the log says so.
def _failures(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception:
        log.warning("log-in limiter: the cache is unavailable; not counting", exc_info=True)
        return 0


def _count_failure(key: str, window: int) -> None:
    try:
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
    except Exception:
        log.warning("log-in limiter: the cache is unavailable; not counting", exc_info=True)


class LoginView(auth_views.LoginView):
    authentication_form = RateLimitedAuthenticationForm

    def form_invalid(self, form: RateLimitedAuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.limited:
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """The password validators apply; the session stays logged in (Django re-hashes it)."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)
