"""Review and discussion: a request that a reviewer look at a revision, and comments on a draft."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Review(models.Model):
    """A request that a team's reviewer look at one revision, and their decision."""

    class State(models.TextChoices):
        OPEN = "open", "waiting for a reviewer"
        APPROVED = "approved", "approved"
        CHANGES_REQUESTED = "changes", "changes requested"
        SUPERSEDED = "superseded", "superseded by a newer request"

    draft = models.ForeignKey("JobDraft", models.CASCADE, related_name="reviews")
    # The team asked; a draft moved to another team needs that team's approval.
    team = models.ForeignKey("accounts.Team", models.CASCADE, related_name="reviews")
    revision = models.ForeignKey("Revision", models.CASCADE, related_name="reviews")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="review_requests")
    message = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="reviews_decided"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "state", "-created_at"], name="review_queue")]

    def __str__(self) -> str:
        return f"review of {self.revision} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("review", args=[self.pk])


class Comment(models.Model):
    """A remark on a draft, or on one of its inputs (by name, so it outlives a re-added row)."""

    draft = models.ForeignKey("JobDraft", models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="draft_comments")
    input_name = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.draft}"
