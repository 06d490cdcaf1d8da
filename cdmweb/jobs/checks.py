"""System checks about stored data (run by ``manage.py check --database default`` and ``migrate``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError

from .models import Target
from .submissions.targets import foreign_variables, team_variable_prefix


@register(Tags.database)
def team_targets_name_their_own_variables(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    """A team's target whose variable is not in its team's namespace (named before the namespaces
    were made disjoint, or typed into the admin) is never read: say which, so it can be renamed."""
    if not databases:
        return []
    messages: list[CheckMessage] = []
    try:
        team_targets = list(Target.objects.exclude(team=None).select_related("team"))
    except DatabaseError:
        return []  # no tables yet: migrate makes them
    for target in team_targets:
        for name in foreign_variables(target):
            messages.append(
                CheckWarning(
                    f"Target {target.name} of team {target.team.slug} names the variable {name}, which is not "
                    f"its team's: it is not read, and submissions to the target are refused.",
                    hint=f"Rename the variable to start with {team_variable_prefix(target.team_id)}.",
                    obj=target,
                    id="cdmweb.W001",
                )
            )
    return messages
