"""Team work in real headless Chromium, two people in two browser contexts: a review from request
to a running job, and two people editing one draft at once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cdmweb.jobs.models import DraftInput, JobDraft, Review, Submission

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
TABLE = "fromJobConfig.tableName"


@pytest.fixture
def author(browser: Browser, live_server, crew) -> Iterator[Page]:
    with logged_in_page(browser, live_server, VIEWPORT) as page:
        yield page


def member_page(browser: Browser, live_server, role: str):
    return logged_in_page(browser, live_server, VIEWPORT, username=f"crew-{role}", password=f"{role}-pass-1234")


def value_box(page: Page, draft: JobDraft, name: str):
    item = draft.inputs.get(name=name)
    return page.locator(f"#value-{item.pk}")


def test_request_review_approve_by_a_second_person_then_submit_and_watch_it_succeed(
    browser, live_server, sandbox, crew, crew_draft, author
):
    designer = f"/drafts/{crew_draft.pk}/"
    author.goto(designer)
    expect(author.locator("#review-status")).to_contain_text("not reviewed")
    # Submitting before approval: the page says why, and the button is off.
    author.get_by_role("link", name="Submit to CDM…").click()
    expect(author.locator("#needs-approval")).to_contain_text("needs approval")
    expect(author.get_by_role("button", name="Submit to CDM")).to_be_disabled()
    author.goto(designer)
    author.get_by_label("Note to the reviewer").fill("Nightly orders load, please check the table.")
    author.get_by_role("button", name="Request review").click()
    expect(author.locator("#open-review")).to_contain_text("Waiting for review")
    expect(author.locator("#review-status")).to_contain_text("in review")

    with member_page(browser, live_server, "reviewer") as reviewer:
        expect(reviewer.locator("#queue-count")).to_have_text("1")
        reviewer.get_by_role("link", name="Reviews").click()
        expect(reviewer.locator("#review-queue")).to_contain_text("Nightly orders load")
        reviewer.get_by_role("link", name="Review", exact=True).click()
        expect(reviewer.get_by_role("heading", level=2)).to_contain_text("First review")
        expect(reviewer.locator("#diff")).to_contain_text(TABLE)
        save_screenshot(reviewer, "review.png")
        reviewer.get_by_label("Comment").fill("Looks right.")
        reviewer.get_by_role("button", name=re.compile(r"^Approve r\d+$")).click()
        expect(reviewer.locator("#queue-empty")).to_be_visible()
    assert Review.objects.get().state == Review.State.APPROVED

    author.goto(designer)
    expect(author.locator("#review-status")).to_contain_text("approved")
    expect(author.locator("#last-approval")).to_contain_text("crew-reviewer")
    author.get_by_role("link", name="Submit to CDM…").click()
    expect(author.locator("#approved")).to_be_visible()
    author.get_by_role("button", name="Submit to CDM").click()
    expect(author).to_have_url(re.compile(r"/submissions/\d+/$"))
    expect(author.locator("#cdm-status")).to_have_text("SUCCEEDED", timeout=15_000)
    submission = Submission.objects.get()
    assert (
        submission.user.username == "owner"
        and submission.revision.payload_hash == Review.objects.get().revision.payload_hash
    )

    # An edit after approval closes the gate again, and the page says so.
    author.goto(designer)
    value_box(author, crew_draft, TABLE).fill("orders_v2")
    value_box(author, crew_draft, TABLE).press("Enter")
    expect(author.locator("#review-status")).to_contain_text("changed since approval")
    save_screenshot(author, "designer-review.png")


def test_two_people_editing_one_draft_never_lose_a_change(browser, live_server, crew, crew_draft, author):
    designer = f"/drafts/{crew_draft.pk}/"
    author.goto(designer)
    with member_page(browser, live_server, "editor") as editor:
        editor.goto(designer)
        box = value_box(editor, crew_draft, TABLE)
        box.fill("editors_table")
        box.press("Enter")
        expect(editor.locator(f"#input-{crew_draft.inputs.get(name=TABLE).pk} .saved-flash")).to_be_visible()

    # The author's page still shows the old version: their change is refused, not written over the editor's.
    mine = value_box(author, crew_draft, TABLE)
    mine.fill("authors_table")
    mine.press("Enter")
    conflict = author.locator("#conflict")
    expect(conflict).to_contain_text("This draft changed while you were editing")
    expect(conflict).to_contain_text("crew-editor")
    expect(conflict.locator("#unsaved-change")).to_have_text(f"Your change: {TABLE} = “authors_table”.")
    save_screenshot(author, "designer-conflict.png")
    assert DraftInput.objects.get(draft=crew_draft, name=TABLE).value == "editors_table"

    author.get_by_role("link", name="Reload the draft").click()
    expect(value_box(author, crew_draft, TABLE)).to_have_value("editors_table")
    expect(author.locator("#conflict .alert")).to_have_count(0)
    # Several quick changes of one's own queue one after the other: none conflicts with the next.
    names = ["fromJobConfig.tableName", "toJobConfig.database", "toJobConfig.table"]
    for index, name in enumerate(names):
        box = value_box(author, crew_draft, name)
        box.fill(f"quick_{index}")
        box.dispatch_event("change")
    expect(author.locator(f"#input-{crew_draft.inputs.get(name=names[-1]).pk} .saved-flash")).to_be_visible()
    author.wait_for_load_state("networkidle")
    expect(author.locator("#conflict .alert")).to_have_count(0)
    stored = dict(DraftInput.objects.filter(draft=crew_draft, name__in=names).values_list("name", "value"))
    assert stored == {name: f"quick_{index}" for index, name in enumerate(names)}


def test_an_open_designer_is_told_when_someone_else_changes_the_draft(
    browser, live_server, crew, crew_draft, author, settings
):
    settings.CDMWEB_DESIGNER_WATCH_SECONDS = 0.3
    designer = f"/drafts/{crew_draft.pk}/"
    author.goto(designer)
    # The author's own change, and a few rounds of asking after it: no banner.
    mine = value_box(author, crew_draft, "toJobConfig.database")
    mine.fill("authors_db")
    mine.press("Enter")
    expect(
        author.locator(f"#input-{crew_draft.inputs.get(name='toJobConfig.database').pk} .saved-flash")
    ).to_be_visible()
    author.wait_for_timeout(1500)
    expect(author.locator("#conflict .alert")).to_have_count(0)

    with member_page(browser, live_server, "editor") as editor:
        editor.goto(designer)
        box = value_box(editor, crew_draft, TABLE)
        box.fill("editors_table")
        box.press("Enter")
        expect(editor.locator(f"#input-{crew_draft.inputs.get(name=TABLE).pk} .saved-flash")).to_be_visible()

    # Without touching anything, the author's page learns of it and says who.
    banner = author.locator("#conflict .alert-warning")
    expect(banner).to_contain_text("This draft has changed since you opened it", timeout=10_000)
    expect(banner).to_contain_text("crew-editor")
    save_screenshot(author, "designer-heads-up.png")
    # The page still holds its old version: a change now is refused, not written over theirs.
    mine.fill("authors_db_2")
    mine.press("Enter")
    expect(author.locator("#conflict .alert-danger")).to_contain_text("not saved")
    assert DraftInput.objects.get(draft=crew_draft, name="toJobConfig.database").value == "authors_db"
    author.get_by_role("link", name="Reload the draft").click()
    expect(value_box(author, crew_draft, TABLE)).to_have_value("editors_table")
    author.wait_for_timeout(1000)
    expect(author.locator("#conflict .alert")).to_have_count(0)
