"""End-to-end: the schedule editor and the macro previews in real headless Chromium.

The editor is driven with the keyboard (Space, typed text, Enter), its dates through the pickers;
the same editor and the macro run-time picker are then used without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from cdmweb.jobs import editing
from cdmweb.jobs.models import JobDraft

from ..browser_support import ARTIFACTS, browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401
from ..jobs.test_schedule import WEEKLY_SAVED

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1400, "height": 900}
NARROW: ViewportSize = {"width": 390, "height": 844}
WHERE = "DS='${dateformat(yyyy-MM-dd,-1,DAY)}'"


@pytest.fixture
def where_draft(draft: JobDraft) -> JobDraft:
    editing.add_input(draft, draft.groups.get(name="fromJobConfig"), "fromJobConfig.whereClause", WHERE)
    return draft


def schedule_values(draft: JobDraft) -> dict[str, str]:
    return dict(draft.groups.get(name="schedulerConfig").inputs.values_list("name", "value"))


def editor(page: Page) -> Locator:
    return page.locator(".schedule-editor")


def shot(locator: Locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1400", "390"])
def test_a_weekly_schedule_set_with_the_keyboard(browser: Browser, live_server, owner, draft, viewport):
    with logged_in_page(browser, live_server, viewport) as page:
        page.goto(f"/drafts/{draft.pk}/")
        if viewport["width"] < 992:  # on a phone the parts of the job are tabs
            page.get_by_role("tab", name="Driver").click()
        panel = editor(page)
        expect(panel).to_contain_text("Not scheduled: the job runs only when it is started.")
        run_at = panel.get_by_label("Run at", exact=True)
        expect(run_at).to_be_hidden()  # a schedule with no cycle: runAt does not apply

        panel.get_by_label("Run on a schedule").focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.type("1")
        page.keyboard.press("Tab")
        expect(panel.get_by_label("Unit")).to_be_focused()
        page.keyboard.type("week")  # a select picks its option by typing, as a person would
        expect(run_at).to_be_visible()
        page.keyboard.press("Tab")
        expect(run_at).to_be_focused()
        page.keyboard.type("mon,fri")
        panel.get_by_label("Start: the first run", exact=False).fill("2026-12-01T02:30")
        panel.get_by_label("Stop (empty: no end date)").fill("2027-12-01T00:00")
        run_at.focus()
        page.keyboard.press("Enter")

        sentence = "Runs every week on Monday and Friday at 02:30 from 1 Dec 2026 until 1 Dec 2027."
        expect(editor(page).locator(".schedule-sentence")).to_contain_text(sentence)
        expect(editor(page)).to_contain_text("Saved.")
        assert schedule_values(draft) == WEEKLY_SAVED
        # The raw inputs stay editable as rows, and the preview shows what CDM gets.
        expect(page.locator("#value-" + str(draft.inputs.get(name="schedulerConfig.runAt").pk))).to_have_value(
            "mon,fri"
        )
        expect(page.locator("#preview-json")).to_contain_text('"value": "2026-12-01 02:30:00"')

        # A stop before the start is refused in the editor; nothing stored changes.
        version = JobDraft.objects.get(pk=draft.pk).version
        editor(page).get_by_label("Stop (empty: no end date)").fill("2026-11-01T00:00")
        editor(page).get_by_label("Every").focus()
        page.keyboard.press("Enter")
        expect(editor(page).get_by_role("alert")).to_contain_text("The schedule was not saved")
        expect(editor(page)).to_contain_text("The stop date must come after the start date.")
        assert JobDraft.objects.get(pk=draft.pk).version == version
        assert schedule_values(draft)["schedulerConfig.stopDate"] == "2027-12-01 00:00:00"

        width = viewport["width"]
        shot(page.locator("section.group-panel[data-group='schedulerConfig']"), f"schedule-editor-{width}.png")
        save_screenshot(page, f"schedule-page-{width}.png")


def test_editing_a_raw_row_retells_the_schedule(page_wide: Page, draft):
    page = page_wide
    page.goto(f"/drafts/{draft.pk}/")
    enabled = draft.inputs.get(name="schedulerConfig.isSchedulerJob")
    page.locator(f"#value-{enabled.pk}").select_option("true")
    expect(editor(page).locator(".schedule-sentence")).to_contain_text("without a cycle type CDM knows")


@pytest.fixture
def page_wide(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, WIDE) as page:
        yield page


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1400", "390"])
def test_a_macro_resolves_now_and_for_a_picked_run_without_saving(
    browser: Browser, live_server, owner, where_draft, viewport
):
    draft = where_draft
    item = draft.inputs.get(name="fromJobConfig.whereClause")
    with logged_in_page(browser, live_server, viewport) as page:
        page.goto(f"/drafts/{draft.pk}/")
        block = page.locator(f"#macros-{item.pk}")
        expect(block).to_contain_text("Now, ")
        expect(block.locator(".macro-picked")).to_be_visible()  # the next midnight's run, in the summary
        version = JobDraft.objects.get(pk=draft.pk).version
        # One tab stop: the summary opens with the keyboard on the run-time picker.
        block.locator("summary").first.focus()
        page.keyboard.press("Enter")
        block.get_by_label("Run time").fill("2017-10-16T09:00")
        block.get_by_label("Run time").focus()
        page.wait_for_timeout(200)
        expect(page.locator(f"#macros-{item.pk} .macro-picked")).not_to_have_text("DS='2017-10-15'")  # typing
        # Leaving the box draws what the macro resolves to (Tab first walks the box's own fields).
        block.get_by_label("Run time").evaluate("el => el.blur()")
        expect(page.locator(f"#macros-{item.pk} .macro-picked")).to_have_text("DS='2017-10-15'")
        # Enter in the picker draws too, and never saves the row it sits in.
        picker = page.locator(f"#macros-{item.pk}").get_by_label("Run time")
        picker.fill("2023-03-01T09:00")
        picker.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#macros-{item.pk} .macro-picked")).to_have_text("DS='2023-02-28'")
        assert JobDraft.objects.get(pk=draft.pk).version == version
        expect(page.locator(f"#input-{item.pk} .saved-flash")).to_have_count(0)
        page.locator(f"#macros-{item.pk} .macro-reference summary").click()
        expect(page.locator(f"#macros-{item.pk} .macro-reference")).to_contain_text("${timestamp()}")
        width = viewport["width"]
        shot(page.locator(f"#input-{item.pk}"), f"macro-row-{width}.png")


def test_without_javascript_the_editor_posts_and_the_macro_picker_reloads(
    browser: Browser, live_server, owner, where_draft
):
    draft = where_draft
    item = draft.inputs.get(name="fromJobConfig.whereClause")
    with logged_in_page(browser, live_server, WIDE, javascript=False) as page:
        page.goto(f"/drafts/{draft.pk}/")
        panel = editor(page)
        panel.get_by_label("Run on a schedule").check()
        panel.get_by_label("Every").fill("1")
        run_at = panel.get_by_label("Run at", exact=True)
        panel.get_by_label("Unit").select_option("month")
        expect(run_at).to_be_visible()  # CSS follows the chosen cycle, no script needed
        panel.get_by_label("Unit").select_option("day")
        expect(run_at).to_be_hidden()
        panel.get_by_label("Start: the first run", exact=False).fill("2026-12-01T02:30")
        panel.get_by_role("button", name="Save schedule").click()
        expect(page.get_by_text("Schedule saved.")).to_be_visible()
        daily = (
            "Runs every day at 02:30 from 1 Dec 2026 with no end date. "
            "The time of day, 02:30, comes from the start date."
        )
        expect(editor(page).locator(".schedule-sentence")).to_have_text(daily)
        # A bad interval comes back with the message and the fields as typed.
        editor(page).get_by_label("Every").fill("abc")
        editor(page).get_by_role("button", name="Save schedule").click()
        expect(editor(page)).to_contain_text("The interval is a whole number from 1 to 2147483647.")
        expect(editor(page).get_by_label("Every")).to_have_value("abc")
        assert schedule_values(draft)["schedulerConfig.cycle"] == "1"

        version = JobDraft.objects.get(pk=draft.pk).version
        page.goto(f"/drafts/{draft.pk}/")
        block = page.locator(f"#macros-{item.pk}")
        block.locator("summary").first.click()
        block.get_by_label("Run time").fill("2017-10-16T09:00")
        block.get_by_role("button", name="Show").click()
        expect(page.locator(f"#macros-{item.pk} .macro-picked")).to_have_text("DS='2017-10-15'")
        assert JobDraft.objects.get(pk=draft.pk).version == version
