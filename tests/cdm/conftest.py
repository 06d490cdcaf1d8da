"""The client's own lines are translated into the active language: each test starts in the default one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_unless_told() -> Iterator[None]:
    """An earlier test's Chinese page leaves Chinese active in the thread (LocaleMiddleware does
    not switch back); a test here sees English unless it asks for another language."""
    translation.deactivate()
    yield
    translation.deactivate()
