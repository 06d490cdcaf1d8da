from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from cdmweb.jobs import editing
from cdmweb.jobs.models import JobDraft

CORPUS = Path(__file__).parent / "corpus"


def pytest_configure() -> None:
    # The test database is a file in var/ (see settings.py), which a fresh clone does not have yet.
    (Path(__file__).resolve().parent.parent / "var").mkdir(exist_ok=True)


def corpus_files(folder: str, pattern: str = "*") -> list[Path]:
    return sorted((CORPUS / folder).glob(pattern))


# The views that change a draft under its lock (jobs/views/editing.py, restore).
DRAFT_CHANGE = re.compile(
    r"^/drafts/(\d+)/(header|sides/[^/]+/groups|groups/\d+/(delete|inputs|schedule)|inputs/(\d+(/delete|/move)?|restore)|find/add|revisions/\d+/restore)/$"
)


class PageClient(Client):
    """The test client, sending with each change of a draft the version it was made on, as the
    designer page does (header from htmx, hidden field from a plain form), unless the test sends
    one itself: a change without one is refused, and most tests are about something else."""

    def post(self, path: str, data: Any = None, *args: Any, **extra: Any) -> Any:
        match = DRAFT_CHANGE.match(str(path).split("?")[0])
        sends_one = "HTTP_X_DRAFT_VERSION" in extra or "X-Draft-Version" in (extra.get("headers") or {})
        if match and not sends_one and not (isinstance(data, dict) and "version" in data):
            version = JobDraft.objects.filter(pk=int(match[1])).values_list("version", flat=True).first()
            if version is not None:
                extra["HTTP_X_DRAFT_VERSION"] = str(version)
        return super().post(path, data, *args, **extra)


@pytest.fixture
def client() -> PageClient:
    return PageClient()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password="owner-pass-1234")


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("outsider", password="outsider-pass-1234")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def make_draft(owner) -> Callable[..., JobDraft]:
    def make(**overrides: str) -> JobDraft:
        fields = {
            "name": "orders_sync",
            "job_type": "NORMAL_JOB",
            "from_connector": "generic-jdbc-connector",
            "from_link": "mysql_link",
            "to_connector": "hive-connector",
            "to_link": "hive_link",
        }
        fields.update(overrides)
        user = fields.pop("owner", owner)
        return editing.create_draft(user, **fields)

    return make


@pytest.fixture
def draft(make_draft) -> JobDraft:
    return make_draft()


def hx(**headers: str) -> dict[str, str]:
    """Headers of an htmx request, for the test client."""
    return {"HTTP_HX_REQUEST": "true", **{f"HTTP_{k.upper()}": v for k, v in headers.items()}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_until_asked(monkeypatch):
    """A request through the test client leaves its language active in the test's thread; every
    test starts in the default language, as every real request does. Commands speak the terminal's
    language, so a developer's Chinese shell must not change what the tests expect either."""
    from django.utils import translation

    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)

    translation.deactivate()
    yield
    translation.deactivate()


DEMO_BODY = Path(__file__).resolve().parent.parent / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"
CREW_ROLES = ("viewer", "editor", "reviewer", "admin")


@pytest.fixture
def crew(owner, outsider, django_user_model):
    """A team: the owner edits in it; one member per role; the outsider is in no team."""
    from cdmweb.accounts.models import Membership, Team

    team = Team.objects.create(slug="crew", name="Crew")
    Membership.objects.create(team=team, user=owner, role="editor")
    users = {"owner": owner, "outsider": outsider}
    for role in CREW_ROLES:
        user = django_user_model.objects.create_user(f"crew-{role}", password=f"{role}-pass-1234")
        Membership.objects.create(team=team, user=user, role=role)
        users[role] = user
    users["team"] = team
    return users


@pytest.fixture
def teammate(crew):
    """Edits in the owner's team."""
    return crew["editor"]


@pytest.fixture
def reviewer(crew):
    """Reviews in the owner's team."""
    return crew["reviewer"]


@pytest.fixture
def crew_draft(crew, owner):
    """A valid team draft (the demo job), owned by ``owner``."""
    from cdmweb.jobs.importing import import_text

    (draft,), _ = import_text(DEMO_BODY.read_text(), owner, crew["team"])
    assert draft.error_count == 0
    return draft


@pytest.fixture
def sandbox(live_server, settings):
    """The sandbox target, served by ``live_server`` itself over real HTTP, with short job runs."""
    from cdmweb.jobs.submissions import targets

    settings.CDM_SANDBOX_URL = live_server.url
    settings.CDM_SANDBOX_BOOT_SECONDS = 0.2
    settings.CDM_SANDBOX_RUN_SECONDS = 0.8
    return targets.sandbox_target()


def sandbox_links_for(*jobs: dict[str, Any], project_id: str | None = None) -> None:
    """Give every sandbox cluster of the project the links ``jobs`` name, each of its side's
    connector: the sandbox refuses a job whose links its cluster lacks, as CDM does, and seeds only
    the demo drafts' links (and a few the API reference names)."""
    from django.conf import settings

    from cdmweb.jobspec.links import job_links
    from cdmweb.sandbox import engine

    wanted = {name: connector for job in jobs for _, name, connector in job_links(job) if connector}
    for cluster in engine.ensure_clusters(project_id or settings.CDM_SANDBOX_PROJECT_ID):
        engine.add_links(cluster, wanted)


@pytest.fixture(autouse=True)
def empty_shared_cache(django_db_blocker):
    """The shared cache is a database table that test rollbacks and flushes do not touch: start
    every test with it empty, so no test sees another's log-in failures or re-queue marks."""
    from django.core.cache import cache

    with django_db_blocker.unblock():
        try:
            cache.clear()
        except Exception:  # noqa: BLE001 (no test database yet for tests that never use one)
            pass


def database_url() -> str:
    """The test database, for a worker or an app server in another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    return f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request activates its language in the thread and nothing deactivates it afterwards: code a
    test calls directly (a refusal, a worker's message) would then speak the last request's language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
