"""Demo data for the newcomer's path, created once: two users in a demo team and a few drafts.

``demo`` (a superuser, editor in the team) designs and asks for review; ``reviewer`` approves.
Their generated passwords are kept in var/demo-login.txt, one "username password" a line.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.accounts.models import EDITOR, REVIEWER, Membership, Team
from cdmweb.jobs.importing import import_text
from cdmweb.sandbox import engine

from ._io import PeopleCommand

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
TEAM_DRAFTS = {"orders_mysql_to_hive.json"}  # the one the review walk-through uses
REVIEWER_NAME = "reviewer"
# The jobs "already running" on the sandbox's first cluster: each valid demo job under these names.
ALREADY_RUNNING = ("nightly", "hourly", "backfill", "eu", "us")


class Command(PeopleCommand):
    help = gettext_lazy(
        "Create the demo users (passwords kept in var/demo-login.txt), the demo team and the demo drafts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "demo")
        login_file = Path(settings.BASE_DIR) / settings.CDMWEB_DEMO_LOGIN_FILE
        logins = self._read(login_file)
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username, os.environ.get("DJANGO_SUPERUSER_EMAIL", ""), password)
            logins[username] = password
        reviewer = User.objects.filter(username=REVIEWER_NAME).first()
        if reviewer is None:
            password = secrets.token_urlsafe(12)
            reviewer = User.objects.create_user(REVIEWER_NAME, password=password)
            logins[REVIEWER_NAME] = password
        team, _created = Team.objects.get_or_create(slug="demo-team", defaults={"name": "Demo team"})
        Membership.objects.get_or_create(team=team, user=user, defaults={"role": EDITOR})
        Membership.objects.get_or_create(team=team, user=reviewer, defaults={"role": REVIEWER})
        if not user.drafts.exists():
            for path in sorted(DEMO_DIR.glob("*.json")):
                import_text(path.read_text(encoding="utf-8"), user, team if path.name in TEAM_DRAFTS else None)
        self._write(login_file, logins)
        if settings.CDM_SANDBOX_ENABLED:
            self._seed_running_jobs()
            # The demo SK opens nothing but the sandbox; one set in the environment is never printed.
            sk = _("(from CDM_SANDBOX_SK)") if os.environ.get("CDM_SANDBOX_SK") else settings.CDM_SANDBOX_SK
            self.stdout.write(
                _("CDM sandbox at %(url)s: project %(project)s, AK %(ak)s, SK %(sk)s")
                % {
                    "url": settings.CDM_SANDBOX_URL,
                    "project": settings.CDM_SANDBOX_PROJECT_ID,
                    "ak": settings.CDM_SANDBOX_AK,
                    "sk": sk,
                }
            )
        for name, account in ((username, user), (REVIEWER_NAME, reviewer)):
            if name in logins and account.check_password(logins[name]):
                self.stdout.write(_("Log in as: %(name)s / %(password)s") % {"name": name, "password": logins[name]})
            elif name in logins:
                # Printing a password that no longer works would send a newcomer into the log-in limit.
                del logins[name]
                self._write(login_file, logins, keep_empty=True)
                self.stdout.write(
                    _(
                        "Log in as: %(name)s (its password was changed after it was stored; "
                        "`manage.py changepassword %(name)s` sets a new one)"
                    )
                    % {"name": name}
                )
            else:
                self.stdout.write(_("Log in as: %(name)s (password set earlier, not stored here)") % {"name": name})

    def _seed_running_jobs(self) -> None:
        """What a team's cluster holds before cdmweb meets it: jobs made in the console, which the
        Clusters screen lists and pulls. Once, on the first cluster of the demo project."""
        cluster = engine.ensure_clusters(settings.CDM_SANDBOX_PROJECT_ID)[0]
        if cluster.jobs.exists():
            return
        made = 0
        for path in sorted(DEMO_DIR.glob("*.json")):
            for job in json.loads(path.read_text(encoding="utf-8")).get("jobs", []):
                for suffix in ALREADY_RUNNING:
                    variant = {**copy.deepcopy(job), "name": f"{job['name']}_{suffix}"}
                    try:
                        engine.create_jobs(cluster, [variant], user="console")
                    except engine.SandboxRefusal:
                        continue  # a demo draft left with errors on purpose: CDM would refuse it too
                    made += 1
        self.stdout.write(
            _("Sandbox cluster %(cluster)s already runs %(count)s jobs (Clusters screen → pull).")
            % {"cluster": cluster.name, "count": made}
        )

    @staticmethod
    def _read(path: Path) -> dict[str, str]:
        if not path.exists():
            return {}
        pairs = (line.split(maxsplit=1) for line in path.read_text().splitlines() if line.strip())
        return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}

    @staticmethod
    def _write(path: Path, logins: dict[str, str], keep_empty: bool = False) -> None:
        if not logins and not keep_empty:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{name} {password}\n" for name, password in logins.items()))
        path.chmod(0o600)
