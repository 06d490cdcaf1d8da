from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VIEWER, EDITOR, REVIEWER, ADMIN = "viewer", "editor", "reviewer", "admin"
# "Admin" as a role is a person (管理员); the menu's "Admin" is the admin site (管理后台).
ROLE_CHOICES = [
    (VIEWER, pgettext_lazy("role", "Viewer")),
    (EDITOR, pgettext_lazy("role", "Editor")),
    (REVIEWER, pgettext_lazy("role", "Reviewer")),
    (ADMIN, pgettext_lazy("role", "Admin")),
]
# Each role can do what the roles before it can.
ROLE_RANK = {VIEWER: 0, EDITOR: 1, REVIEWER: 2, ADMIN: 3}


class Team(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=ROLE_CHOICES, default=VIEWER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} as {self.role}"


class Preference(models.Model):
    """What a user chose for themselves: the interface's language (the menu's switch), which
    follows them to every browser (cdmweb/accounts/language.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
