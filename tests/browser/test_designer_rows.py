"""A big draft in real Chromium: each group shows its first rows, the rest arrive as they scroll
into view (htmx ``revealed``), and without JavaScript "show all" draws every row."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cdmweb.jobs.designer import ROW_CHUNK, ROW_WINDOW
from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import DraftInput, JobDraft

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1400, "height": 900}
NARROW: ViewportSize = {"width": 390, "height": 844}
SOURCE_INPUTS = ROW_WINDOW + ROW_CHUNK + 7  # a window, a full chunk, and a short last one


@pytest.fixture
def big_draft(owner) -> JobDraft:
    inputs = [{"name": f"fromJobConfig.custom{i:03d}", "value": f"v{i}"} for i in range(SOURCE_INPUTS)]
    body = {
        "name": "big_source",
        "from-connector-name": "generic-jdbc-connector",
        "from-link-name": "mysql_link",
        "to-connector-name": "hive-connector",
        "to-link-name": "hive_link",
        "from-config-values": {"configs": [{"name": "fromJobConfig", "inputs": inputs}]},
        "to-config-values": {"configs": [{"name": "toJobConfig", "inputs": []}]},
        "driver-config-values": {"configs": []},
    }
    (draft,), _ = import_text(json.dumps({"jobs": [body]}), owner)
    return draft


@pytest.fixture
def page(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, WIDE) as page:
        yield page


def stored_ids(draft: JobDraft) -> list[str]:
    ids = DraftInput.objects.filter(group__draft=draft, group__name="fromJobConfig").order_by("position")
    return [f"input-{pk}" for pk in ids.values_list("id", flat=True)]


def test_rows_past_the_window_arrive_as_they_scroll_into_view(page: Page, big_draft: JobDraft) -> None:
    page.goto(f"/drafts/{big_draft.pk}/")
    rows = page.locator("#side-from form.input-row")
    expect(rows).to_have_count(ROW_WINDOW)
    save_screenshot(page, "designer-big-draft-1400.png")
    # Scrolling to each "Loading more inputs…" brings the next chunk, until none is left.
    for expected in (ROW_WINDOW + ROW_CHUNK, SOURCE_INPUTS):
        page.locator("#side-from .more-rows").scroll_into_view_if_needed()
        expect(rows).to_have_count(expected)
    expect(page.locator("#side-from .more-rows")).to_have_count(0)
    assert [r.get_attribute("id") for r in rows.all()] == stored_ids(big_draft)
    # A row that arrived late is as live as the first: an edit saves.
    last = rows.last
    last.locator("[name=value]").fill("edited late")
    last.locator("[name=value]").press("Tab")
    expect(page.locator("#preview-json")).to_contain_text("edited late")
    name = f"fromJobConfig.custom{SOURCE_INPUTS - 1:03d}"
    assert DraftInput.objects.get(draft=big_draft, name=name).value == "edited late"


def test_without_javascript_show_all_draws_every_row(browser: Browser, live_server, owner, big_draft) -> None:
    with logged_in_page(browser, live_server, NARROW, javascript=False) as page:
        page.goto(f"/drafts/{big_draft.pk}/")
        expect(page.locator("#side-from form.input-row")).to_have_count(ROW_WINDOW)
        save_screenshot(page, "designer-big-draft-390-nojs.png")
        page.get_by_role("link", name=f"show all {SOURCE_INPUTS}").click()
        expect(page.locator("#side-from form.input-row")).to_have_count(SOURCE_INPUTS)
        assert "all=1" in page.url
