"""Production settings, headers and the log-in limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-real-secret-key-for-the-check-" + "x7Q2" * 10,
    "DJANGO_ALLOWED_HOSTS": "cdmweb.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CDM_SANDBOX"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_silent_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key_and_has_no_sandbox():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0 and "Set DJANGO_SECRET_KEY" in result.stderr
    urls = manage(
        "shell", "-c", "from django.urls import resolve; print(resolve('/v3/auth/tokens').url_name)", **PRODUCTION
    )
    assert "Resolver404" in urls.stderr  # the sandbox's routes do not exist in production


def test_every_page_has_the_security_headers(owner_client, draft):
    for url in (reverse("dashboard"), reverse("designer", args=[draft.pk]), reverse("login")):
        response = owner_client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "<script>" not in response.content.decode()  # no inline script in any template


def test_templates_have_no_inline_script_handlers_or_styles():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for forbidden in ("<script>", " onclick=", " onchange=", " onsubmit=", " hx-on", "javascript:", " style="):
            assert forbidden not in text, f"{path.name}: {forbidden}"


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_log_in_is_rate_limited_per_user_and_address(client, owner, fresh_cache, settings):
    settings.CDMWEB_LOGIN_FAILURES = 3
    url = reverse("login")
    for _ in range(3):
        response = client.post(url, {"username": "owner", "password": "wrong"})
        assert response.status_code == 200 and "Please enter a correct username" in response.content.decode()
    refused = client.post(url, {"username": "owner", "password": "owner-pass-1234"})
    assert refused.status_code == 429 and "Too many failed log-ins" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not locked out by someone else's typos.
    other = client.post(url, {"username": "outsider", "password": "wrong"})
    assert other.status_code == 200
    cache.clear()  # the window passes
    assert client.post(url, {"username": "owner", "password": "owner-pass-1234"}).status_code == 302


def test_passwords_are_validated(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password")
    with pytest.raises(ValidationError):
        validate_password("12345678901")


def test_htmx_posts_need_the_csrf_token(owner, draft):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    item = draft.inputs.first()
    url = reverse("input-update", args=[draft.pk, item.pk])
    assert strict.post(url, {"value": "x"}, HTTP_HX_REQUEST="true").status_code == 403
    page = strict.get(reverse("designer", args=[draft.pk])).content.decode()
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    version = page.split('data-version="')[1].split('"')[0]
    ok = strict.post(url, {"value": "x"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token, HTTP_X_DRAFT_VERSION=version)
    assert ok.status_code == 200


def test_log_in_still_works_when_the_cache_is_down(client, owner, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }  # nothing listens there
    response = client.post(reverse("login"), {"username": "owner", "password": "owner-pass-1234"})
    assert response.status_code == 302


def test_migrate_alone_makes_the_cache_table(tmp_path):
    import sqlite3

    database = tmp_path / "fresh.sqlite3"
    result = manage("migrate", "--no-input", DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    tables = {row[0] for row in sqlite3.connect(database).execute("SELECT name FROM sqlite_master")}
    assert "cdmweb_cache" in tables


def test_behind_the_proxy_the_limit_counts_the_client_not_the_balancer(client, owner, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CDMWEB_LOGIN_FAILURES = 2
    url = reverse("login")
    for _ in range(2):
        client.post(
            url,
            {"username": "owner", "password": "x"},
            HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9",
            HTTP_X_FORWARDED_PROTO="https",
            secure=True,
        )
    other = client.post(
        url,
        {"username": "owner", "password": "owner-pass-1234"},
        HTTP_X_FORWARDED_FOR="10.0.0.7",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    assert other.status_code == 302  # another client through the same balancer is not locked out


SECRETS = {
    "CDM_SANDBOX_SK": "sk-that-must-not-show-0001",
    "CDM_SANDBOX_PASSWORD": "iam-password-must-not-show",
    "CDMWEB_SECRETS_KEY": "fernet-key-must-not-show-0003",
    "REDIS_URL": "redis://:redis-pass-must-not-show@cache:6379/0",
}


@pytest.mark.django_db
def test_the_debug_page_shows_no_secret_setting_or_environment_value(client, settings):
    settings.DEBUG = True
    for name, value in SECRETS.items():
        setattr(settings, name, value)
    settings.CACHES = {**settings.CACHES, "spare": {"BACKEND": "x", "LOCATION": SECRETS["REDIS_URL"]}}
    environment = {
        "DATABASE_URL": "postgres://cdm:db-pass-must-not-show@db:5432/cdm",
        "CDM_TARGET_7_PROD_SK": "team-sk-must-not-show",
        "SOME_SERVICE_URL": "https://user:url-pass-must-not-show@example.com/x",
        "HTTP_AUTHORIZATION": "Basic dXNlcjpTdXBlclB3LTEyMzQ1Ng==",
    }
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    page = client.post(reverse("login"), {"username": "a", "password": too_big}, **environment)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Request body exceeded" in html or "RequestDataTooBig" in html  # it is the debug page
    for value in [*SECRETS.values(), "redis-pass-must-not-show", *environment.values(), "url-pass-must-not-show"]:
        assert value not in html, value
    assert "db-pass-must-not-show" not in html and "team-sk-must-not-show" not in html


def test_the_sandbox_url_follows_the_port_the_app_serves_on_unless_set():
    code = "from django.conf import settings; print(settings.CDM_SANDBOX_URL)"

    def url(**env: str) -> str:
        return manage("shell", "--no-imports", "-c", code, **env).stdout.strip()

    assert url(PORT="8080") == "http://127.0.0.1:8080"
    assert url(PORT="") == "http://127.0.0.1:8000"
    assert url(PORT="8080", CDM_SANDBOX_URL="http://127.0.0.1:9999") == "http://127.0.0.1:9999"


@pytest.mark.django_db
def test_a_crash_while_a_secret_is_typed_does_not_show_it(crew, settings, monkeypatch):
    from django.test import Client

    from cdmweb.jobs.forms import TeamTargetForm

    def crash(self, commit=True):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TeamTargetForm, "save", crash)
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(crew["admin"])
    typed = "Typed-Secret-4711!"
    page = client.post(
        reverse("team-target-add", args=["crew"]),
        {
            "name": "crash",
            "endpoint": "https://cdm.example.com",
            "project_id": "p1",
            "auth_mode": "token",
            "new_secret": typed,
            "x_language": "en-us",
        },
    )
    assert page.status_code == 500 and "the database went away" in page.content.decode()  # the debug page
    assert typed not in page.content.decode() and "Typed-Secret" not in page.content.decode()
