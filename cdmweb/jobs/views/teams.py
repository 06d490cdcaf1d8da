"""A team's page: its members and roles, its own CDM targets, and its activity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdmweb.accounts.access import MANAGE, get_team_for_user, role_word
from cdmweb.accounts.forms import MemberForm
from cdmweb.accounts.models import ADMIN, Membership, Team
from cdmweb.jobs.forms import TeamTargetForm
from cdmweb.jobs.models import AuditEvent, Target
from cdmweb.jobs.submissions.targets import team_variable_prefix

ACTIVITY_LIMIT = 200
MEMBERSHIP = AuditEvent.Action.MEMBERSHIP


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
                demoting = membership is not None and membership.role == ADMIN and new_role != ADMIN
                if demoting and not _admins_left_without(team, membership):
                    form.add_error(
                        "role", _("The team's last admin keeps the admin role; make someone else admin first.")
                    )
                else:
                    Membership.objects.update_or_create(team=team, user=user, defaults={"role": new_role})
                    AuditEvent.record(request.user, MEMBERSHIP, team=team, detail=f"{user} is {new_role}")
                    messages.success(
                        request,
                        _("%(user)s is now %(role)s of %(team)s.")
                        % {"user": user, "role": role_word(new_role), "team": team},
                    )
                    return redirect("team", slug=team.slug)
    action = request.GET.get("action", "")
    activity = AuditEvent.objects.filter(team=team)
    if action in AuditEvent.Action.values:
        activity = activity.filter(action=action)
    context = {
        "team": team,
        "role": role,
        "role_label": role_word(role),
        "can_manage": role == ADMIN,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "targets": team.targets.all(),
        "form": form,
        "actions": AuditEvent.Action.choices,
        "action": action,
        "activity": activity[:ACTIVITY_LIMIT],
    }
    return render(request, "jobs/team.html", context)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    team, _role = get_team_for_user(request, slug, MANAGE)
    membership = get_object_or_404(Membership.objects.select_related("user"), team=team, user_id=user_id)
    with transaction.atomic():
        if membership.role == ADMIN and not _admins_left_without(team, membership):
            messages.error(request, _("The team's last admin cannot be removed; make someone else admin first."))
        else:
            membership.delete()
            AuditEvent.record(request.user, MEMBERSHIP, team=team, detail=f"{membership.user} removed")
            messages.success(request, _("%(user)s is no longer in %(team)s.") % {"user": membership.user, "team": team})
    return redirect("team", slug=team.slug)


@login_required
def target_edit(request: HttpRequest, slug: str, target_id: int | None = None) -> HttpResponse:
    """A team admin adds or changes one of the team's own targets."""
    team, _role = get_team_for_user(request, slug, MANAGE)
    target = get_object_or_404(Target, pk=target_id, team=team) if target_id else Target(team=team)
    form = TeamTargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        verb = "changed" if target_id else "added"
        AuditEvent.record(request.user, MEMBERSHIP, team=team, detail=f"target {saved.name} {verb}")
        done = _("Target %(target)s changed.") if target_id else _("Target %(target)s added.")
        messages.success(request, done % {"target": saved.name})
        return redirect("team", slug=team.slug)
    context = {"team": team, "form": form, "target": target, "prefix": team_variable_prefix(team.pk)}
    return render(request, "jobs/target.html", context)
