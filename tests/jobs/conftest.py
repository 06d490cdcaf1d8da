"""Fixtures the jobs app's screens share."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdmweb.jobs.importing import import_text

DEMO = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"


@pytest.fixture
def valid_draft(owner):
    """The demo job, imported as the owner's private draft: valid, ready to submit."""
    (draft,), _ = import_text(DEMO.read_text(), owner)
    assert draft.error_count == 0
    return draft
