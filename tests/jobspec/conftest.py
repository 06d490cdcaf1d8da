"""The job core is plain Python: its tests run without a database, and this keeps it so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "client", "admin_client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "jobspec" not in item.nodeid.split("::")[0]:
            continue
        wants = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or wants:
            raise pytest.UsageError(f"{item.nodeid}: the job core's tests need no database ({sorted(wants)}).")


@pytest.fixture(autouse=True)
def _english_unless_told() -> Iterator[None]:
    """Every test starts in the default language: a page fetched in Chinese by an earlier test
    leaves Chinese active in the thread (LocaleMiddleware does not switch back), and the job core
    translates into whatever language is active."""
    translation.deactivate()
    yield
    translation.deactivate()
