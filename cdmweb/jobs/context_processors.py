from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import reviewing


def review_queue(request: HttpRequest) -> dict[str, Any]:
    """How many reviews wait for this user, counted only if a template shows it (not in partials)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"review_queue_count": lambda: reviewing.queue_for(user).count()}
