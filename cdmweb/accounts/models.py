from __future__ import annotations

from django.conf import settings
from django.db import models

VIEWER, EDITOR, REVIEWER, ADMIN = "viewer", "editor", "reviewer", "admin"
ROLE_CHOICES = [(VIEWER, "Viewer"), (EDITOR, "Editor"), (REVIEWER, "Reviewer"), (ADMIN, "Admin")]
# Each role can do what the roles before it can.
ROLE_RANK = {VIEWER: 0, EDITOR: 1, REVIEWER: 2, ADMIN: 3}


class Team(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=ROLE_CHOICES, default=VIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} as {self.role}"
