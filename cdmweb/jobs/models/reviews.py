"""Review and discussion: a request that a reviewer look at a revision, and comments on a draft."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    """A request that a team's reviewer look at one revision, and their decision."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for a reviewer")
        APPROVED = "approved", _("approved")
        CHANGES_REQUESTED = "changes", _("changes requested")
        SUPERSEDED = "superseded", _("superseded by a newer request")

    draft = models.ForeignKey("JobDraft", models.CASCADE, related_name="reviews", verbose_name=_("draft"))
    # The team asked; a draft moved to another team needs that team's approval.
    team = models.ForeignKey("accounts.Team", models.CASCADE, related_name="reviews", verbose_name=_("team"))
    revision = models.ForeignKey("Revision", models.CASCADE, related_name="reviews", verbose_name=_("revision"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="review_requests", verbose_name=_("requested by")
    )
    message = models.TextField(blank=True, verbose_name=_("message"))
    state = models.CharField(max_length=16, choices=State, default=State.OPEN, verbose_name=_("state"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_decided",
        verbose_name=_("reviewer"),
    )
    comment = models.TextField(blank=True, verbose_name=_("comment"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "state", "-created_at"], name="review_queue")]

    def __str__(self) -> str:
        return f"review of {self.revision} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("review", args=[self.pk])


class Comment(models.Model):
    """A remark on a draft, or on one of its inputs (by name, so it outlives a re-added row)."""

    draft = models.ForeignKey("JobDraft", models.CASCADE, related_name="comments", verbose_name=_("draft"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="draft_comments", verbose_name=_("author")
    )
    input_name = models.CharField(max_length=255, blank=True, verbose_name=_("input name"))
    body = models.TextField(verbose_name=_("body"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.draft}"
