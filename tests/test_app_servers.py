"""Two real gunicorn app servers on two ports against one database behave as one app: a session
started on one is good on the other, an edit made through one is what the other shows, and the
log-in limit counts failures from both."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import global_settings
from django.core.cache import cache

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import DraftInput

from .conftest import DEMO_BODY, database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-pass-1234"


def _listening_socket() -> socket.socket:
    """Bound here and handed to gunicorn (fd://), so no other process can take the port between."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    return listener


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/accounts/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # refused, or accepted before the worker was ready
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 30 s: {log.read_text()[-2000:]}")


@pytest.fixture
def app_servers(tmp_path) -> Iterator[list[str]]:
    # As ./run-production runs them, DEBUG off, less the TLS-only settings (loopback has no TLS).
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "two-app-servers-test-key-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "CDMWEB_TASKS": "database",
    }
    env.pop("REDIS_URL", None)
    servers: list[tuple[str, subprocess.Popen, Path]] = []
    try:
        for number in range(2):
            with _listening_socket() as listener:
                log = tmp_path / f"gunicorn-{number}.log"
                command = [sys.executable, "-m", "gunicorn", "cdmweb.wsgi", "--bind", f"fd://{listener.fileno()}"]
                command += ["--worker-class", "gthread", "--workers", "1", "--threads", "4", "--no-control-socket"]
                with log.open("wb") as output:
                    process = subprocess.Popen(
                        command, cwd=ROOT, env=env, stdout=output, stderr=output, pass_fds=[listener.fileno()]
                    )
                servers.append((f"http://127.0.0.1:{listener.getsockname()[1]}", process, log))
        for url, process, log in servers:
            _wait_until_serving(url, process, log)
        yield [url for url, _, _ in servers]
    finally:
        for _, process, _ in servers:
            process.terminate()
        for _, process, _ in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        cache.clear()  # the log-in limiter's counts live in the shared cache table


@pytest.fixture
def user(django_user_model, settings):
    # The app servers check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return django_user_model.objects.create_user("two-servers", password=PASSWORD)


def _log_in(session: requests.Session, url: str, password: str = PASSWORD) -> requests.Response:
    page = session.get(f"{url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    form = {"csrfmiddlewaretoken": token, "username": "two-servers", "password": password}
    return session.post(f"{url}/accounts/login/", data=form, timeout=10, allow_redirects=False)


def test_a_session_and_an_edit_made_on_one_server_hold_on_the_other(app_servers, user):
    first, second = app_servers
    (draft,), _ = import_text(DEMO_BODY.read_text(), user)
    item = draft.inputs.get(name="fromJobConfig.tableName")
    browser = requests.Session()
    assert _log_in(browser, first).status_code == 302
    # Cookies do not depend on the port, so the second server gets the session the first made.
    dashboard = browser.get(f"{second}/", timeout=10)
    assert dashboard.status_code == 200 and "two-servers" in dashboard.text and draft.name in dashboard.text
    # Both servers draw the draft first, so a per-process cache would have something stale to serve.
    assert 'value="orders"' in browser.get(f"{first}/drafts/{draft.pk}/", timeout=10).text
    before = browser.get(f"{first}/drafts/{draft.pk}/export.json", timeout=10).json()
    designer = browser.get(f"{second}/drafts/{draft.pk}/", timeout=10).text
    version = re.search(r'data-version="(\d+)"', designer).group(1)
    headers = {"HX-Request": "true", "X-CSRFToken": browser.cookies["csrftoken"], "X-Draft-Version": version}
    edit = browser.post(
        f"{second}/drafts/{draft.pk}/inputs/{item.pk}/", data={"value": "orders_2026"}, headers=headers, timeout=10
    )
    assert edit.status_code == 200
    assert DraftInput.objects.get(pk=item.pk).value == "orders_2026"
    assert 'value="orders_2026"' in browser.get(f"{first}/drafts/{draft.pk}/", timeout=10).text
    exported = browser.get(f"{first}/drafts/{draft.pk}/export.json", timeout=10).json()

    def table_name(body: dict) -> str:
        configs = body["jobs"][0]["from-config-values"]["configs"]
        return next(i["value"] for c in configs for i in c["inputs"] if i["name"] == "fromJobConfig.tableName")

    assert (table_name(before), table_name(exported)) == ("orders", "orders_2026")
    # Logging out on the first server ends the session on the second too.
    browser.post(f"{first}/accounts/logout/", headers={"X-CSRFToken": browser.cookies["csrftoken"]}, timeout=10)
    assert browser.get(f"{second}/", timeout=10, allow_redirects=False).status_code == 302


def test_failed_log_ins_on_both_servers_count_against_one_limit(app_servers, user, settings):
    first, second = app_servers
    allowed = settings.CDMWEB_LOGIN_FAILURES
    for attempt in range(allowed):
        url = app_servers[attempt % 2]
        assert _log_in(requests.Session(), url, password="wrong-password").status_code == 200
    # Even the right password is refused now, on either server, with the reason on the page.
    for url in (first, second):
        refused = _log_in(requests.Session(), url)
        assert refused.status_code == 429 and "Too many failed log-ins" in refused.text
