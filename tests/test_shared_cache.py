"""The cache every app server and worker shares: a database table by default, Redis with
REDIS_URL. Both are shared for real here: two IAM clients (as on two servers) get one token, and
failed log-ins counted by one server lock the user out on the other."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from cdmweb.cdm.auth import PasswordAuth
from cdmweb.sandbox.models import SandboxToken

REDIS = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A throwaway Redis server (Debian's redis-server, which ./test installs when missing)."""
    assert REDIS, "redis-server is missing: ./test installs Debian's redis-server package"
    port = free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings, django_db_blocker):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    with django_db_blocker.unblock():  # the database cache is a table
        caches["default"].clear()
    yield caches["default"]
    with django_db_blocker.unblock():
        caches["default"].clear()


@pytest.mark.django_db(transaction=True)
def test_two_servers_share_one_iam_token(shared_cache, live_server, settings):
    def server() -> PasswordAuth:  # each app server builds its own client
        return PasswordAuth(
            live_server.url,
            settings.CDM_SANDBOX_USER,
            settings.CDM_SANDBOX_PASSWORD,
            "sandbox-domain",
            settings.CDM_SANDBOX_PROJECT_ID,
            cache=caches["default"],
        )

    first, second = server(), server()
    assert first.token() == second.token()
    assert SandboxToken.objects.count() == 1  # one IAM call for both


def test_failed_log_ins_on_one_server_count_on_the_other(shared_cache, owner, settings):
    settings.CDMWEB_LOGIN_FAILURES = 2
    server_a, server_b = Client(), Client()
    for _ in range(2):
        server_a.post(reverse("login"), {"username": "owner", "password": "wrong"})
    refused = server_b.post(reverse("login"), {"username": "owner", "password": "owner-pass-1234"})
    assert refused.status_code == 429
