"""The job core is plain Python: its tests run without a database, and this keeps it so."""

from __future__ import annotations

import pytest

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "client", "admin_client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "jobspec" not in item.nodeid.split("::")[0]:
            continue
        wants = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or wants:
            raise pytest.UsageError(f"{item.nodeid}: the job core's tests need no database ({sorted(wants)}).")
