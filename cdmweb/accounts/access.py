"""Who may see and change what. Every view and partial goes through these helpers."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cdmweb.jobs.models import JobDraft


def get_draft_for_user(request: HttpRequest, pk: int) -> JobDraft:
    """The draft, if the signed-in user owns it; 404 otherwise, so others learn nothing."""
    return get_object_or_404(JobDraft, pk=pk, owner=request.user)
