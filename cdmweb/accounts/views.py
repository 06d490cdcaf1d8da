"""A team's page: its members and their roles (managed by the team's admins) and its activity."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from cdmweb.jobs import audit
from cdmweb.jobs.models import AuditEvent, Target

from .access import MANAGE, get_team_for_user
from .forms import MemberForm, TeamTargetForm, team_variable_prefix
from .models import ADMIN, Membership, Team

ACTIVITY_LIMIT = 200
log = logging.getLogger("cdmweb.accounts")


def _admins_left_without(team: Team, membership: Membership) -> int:
    return team.memberships.filter(role=ADMIN).exclude(pk=membership.pk).count()


@login_required
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team, role = get_team_for_user(request, slug)
    form = MemberForm()
    if request.method == "POST":
        team, role = get_team_for_user(request, slug, MANAGE)
        form = MemberForm(request.POST)
        if form.is_valid():
            user, new_role = form.cleaned_data["username"], form.cleaned_data["role"]
            with transaction.atomic():
                membership = Membership.objects.filter(team=team, user=user).first()
                if (
                    membership
                    and membership.role == ADMIN
                    and new_role != ADMIN
                    and not _admins_left_without(team, membership)
                ):
                    form.add_error("role", "The team's last admin keeps the admin role; make someone else admin first.")
                else:
                    Membership.objects.update_or_create(team=team, user=user, defaults={"role": new_role})
                    audit.record(request.user, AuditEvent.MEMBERSHIP, team=team, detail=f"{user} is {new_role}")
                    messages.success(request, f"{user} is now {new_role} of {team}.")
                    return redirect("team", slug=team.slug)
    action = request.GET.get("action", "")
    activity = AuditEvent.objects.filter(team=team)
    if action in dict(AuditEvent.ACTIONS):
        activity = activity.filter(action=action)
    context = {
        "team": team,
        "role": role,
        "can_manage": role == ADMIN,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "targets": team.targets.all(),
        "form": form,
        "actions": AuditEvent.ACTIONS,
        "action": action,
        "activity": activity[:ACTIVITY_LIMIT],
    }
    return render(request, "accounts/team.html", context)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    team, _ = get_team_for_user(request, slug, MANAGE)
    membership = get_object_or_404(Membership.objects.select_related("user"), team=team, user_id=user_id)
    with transaction.atomic():
        if membership.role == ADMIN and not _admins_left_without(team, membership):
            messages.error(request, "The team's last admin cannot be removed; make someone else admin first.")
        else:
            membership.delete()
            audit.record(request.user, AuditEvent.MEMBERSHIP, team=team, detail=f"{membership.user} removed")
            messages.success(request, f"{membership.user} is no longer in {team}.")
    return redirect("team", slug=team.slug)


@login_required
def target_edit(request: HttpRequest, slug: str, target_id: int | None = None) -> HttpResponse:
    """A team admin adds or changes one of the team's own targets."""
    team, _ = get_team_for_user(request, slug, MANAGE)
    target = get_object_or_404(Target, pk=target_id, team=team) if target_id else Target(team=team)
    form = TeamTargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        verb = "changed" if target_id else "added"
        audit.record(request.user, AuditEvent.MEMBERSHIP, team=team, detail=f"target {saved.name} {verb}")
        messages.success(request, f"Target {saved.name} {verb}.")
        return redirect("team", slug=team.slug)
    context = {"team": team, "form": form, "target": target, "prefix": team_variable_prefix(team)}
    return render(request, "accounts/target.html", context)


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
            raise ValidationError(f"Too many failed log-ins. Wait {minutes} minutes, then try again.", code="limited")
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
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)
