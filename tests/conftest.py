from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdmweb.jobs import editing
from cdmweb.jobs.models import JobDraft

CORPUS = Path(__file__).parent / "corpus"


def corpus_files(folder: str, pattern: str = "*") -> list[Path]:
    return sorted((CORPUS / folder).glob(pattern))


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
