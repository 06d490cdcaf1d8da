"""Demo data for the newcomer's path: a superuser and a few drafts, created once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from cdmweb.jobs.importing import import_text

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Create the demo superuser (password kept in var/demo-login.txt) and the demo drafts."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "demo")
        login_file = Path(settings.BASE_DIR) / "var" / "demo-login.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username, os.environ.get("DJANGO_SUPERUSER_EMAIL", ""), password)
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(f"{username} {password}\n")
            login_file.chmod(0o600)
        if not user.drafts.exists():
            for path in sorted(DEMO_DIR.glob("*.json")):
                import_text(path.read_text(encoding="utf-8"), user)
        if settings.CDM_SANDBOX_ENABLED:
            # The demo SK opens nothing but the sandbox; one set in the environment is never printed.
            sk = "(from CDM_SANDBOX_SK)" if os.environ.get("CDM_SANDBOX_SK") else settings.CDM_SANDBOX_SK
            self.stdout.write(
                f"CDM sandbox at {settings.CDM_SANDBOX_URL}: project {settings.CDM_SANDBOX_PROJECT_ID}, "
                f"AK {settings.CDM_SANDBOX_AK}, SK {sk}"
            )
        if login_file.exists():
            name, password = login_file.read_text().split()
            self.stdout.write(f"Log in as: {name} / {password}")
        else:
            self.stdout.write(f"Log in as: {username} (password set earlier, not stored here)")
