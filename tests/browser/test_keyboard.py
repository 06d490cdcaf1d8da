"""The designer from the keyboard alone, in real Chromium: the find box, focus after add and
remove, Undo, row shortcuts, selects, findings that lead to their input; and a whole MySQL → Hive
job built without the mouse, its key presses counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cdmweb.jobs.models import AuditEvent, DraftInput, JobDraft

from ..browser_support import browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1400, "height": 1000}
NARROW: ViewportSize = {"width": 390, "height": 844}


class Keys:
    """Presses keys and counts them; typed text (values, names to find) is not counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


@pytest.fixture
def page(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, WIDE) as page:
        yield page


def open_designer(page: Page, draft: JobDraft) -> None:
    page.goto(f"/drafts/{draft.pk}/")
    expect(page.locator("#find-input")).to_be_visible()
    page.wait_for_load_state()  # the page's scripts (deferred) have run: a person cannot type faster


def value_of(draft: JobDraft, name: str) -> str | None:
    item = DraftInput.objects.filter(draft=draft, name=name).first()
    return item.value if item else None


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def row_id(draft: JobDraft, name: str) -> int:
    return DraftInput.objects.get(draft=draft, name=name).pk


# --- find an input --------------------------------------------------------------------------


def test_adding_a_catalogue_input_by_part_of_its_name_takes_three_keys(page: Page, draft):
    open_designer(page, draft)
    keys = Keys(page)
    keys.press("/")
    expect(page.locator("#find-input")).to_be_focused()
    keys.type("wherecl")
    option = page.locator("#find-results .find-option").first
    expect(option).to_contain_text("fromJobConfig.whereClause")
    expect(option).to_contain_text("WHERE")  # the help is in the list, not only on hover
    keys.press("Enter")
    expect(page.locator("form.input-row", has_text="whereClause")).to_be_visible()
    new_id = row_id(draft, "fromJobConfig.whereClause")
    expect(page.locator(f"#value-{new_id}")).to_be_focused()
    keys.type("dt > '2026-01-01'")
    keys.press("Tab")
    expect(page.locator(f"#input-{new_id} .saved-flash")).to_be_visible()
    assert value_of(draft, "fromJobConfig.whereClause") == "dt > '2026-01-01'"
    assert keys.count == 3  # the goal: at most 6
    save_screenshot(page, "keyboard-find-added.png")


def test_find_goes_to_an_input_already_there_and_adds_to_a_new_group(page: Page, draft):
    draft.groups.filter(name="schedulerConfig").delete()
    open_designer(page, draft)
    keys = Keys(page)
    keys.press("/")
    keys.type("numextr")
    expect(page.locator("#find-results .find-option").first).to_contain_text("on the draft")
    keys.press("Enter")
    expect(page.locator(f"#value-{row_id(draft, 'throttlingConfig.numExtractors')}")).to_be_focused()
    expect(page.locator("#find-results")).to_be_hidden()
    page.locator("#find-input").focus()
    keys.type("cycletype")
    keys.press("Enter")
    expect(page.locator("section.group-panel[data-group='schedulerConfig']")).to_be_visible()
    expect(page.locator(f"#value-{row_id(draft, 'schedulerConfig.cycleType')}")).to_be_focused()


def test_name_equals_value_sets_inputs_one_after_another(page: Page, draft):
    open_designer(page, draft)
    keys = Keys(page)
    keys.press("/")
    keys.type("schemaname=sales")
    keys.press("Enter")
    expect(page.locator("#find-status")).to_have_text("Set fromJobConfig.schemaName.")
    expect(page.locator("#find-input")).to_be_focused()
    expect(page.locator("#find-input")).to_have_value("")
    keys.type("whereclause=dt = '${dateformat(yyyy-MM-dd, -1, DAY)}'")
    keys.press("Enter")
    expect(page.locator("#find-status")).to_have_text("Set fromJobConfig.whereClause.")
    keys.type("toJobConfig.myOwnKey=42")
    expect(page.locator("#find-results .find-option").first).to_contain_text("custom key")
    keys.press("Enter")
    expect(page.locator("#find-status")).to_have_text("Set toJobConfig.myOwnKey.")
    assert value_of(draft, "fromJobConfig.schemaName") == "sales"
    assert value_of(draft, "fromJobConfig.whereClause") == "dt = '${dateformat(yyyy-MM-dd, -1, DAY)}'"
    assert value_of(draft, "toJobConfig.myOwnKey") == "42"
    assert keys.count == 4
    expect(page.locator(f"#value-{row_id(draft, 'fromJobConfig.schemaName')}")).to_have_value("sales")


# --- keyboard and focus in the rows ---------------------------------------------------------


def test_one_tab_stop_per_row(page: Page, draft):
    open_designer(page, draft)
    ids = [row_id(draft, n) for n in ("throttlingConfig.numExtractors", "throttlingConfig.submitToCluster")]
    page.locator(f"#value-{ids[0]}").focus()
    page.keyboard.press("Tab")
    expect(page.locator(f"#value-{ids[1]}")).to_be_focused()


def test_alt_arrows_move_the_row_and_keep_the_focus(page: Page, draft):
    open_designer(page, draft)
    second = row_id(draft, "throttlingConfig.submitToCluster")
    first = row_id(draft, "throttlingConfig.numExtractors")
    page.locator(f"#value-{second}").focus()
    page.keyboard.press("Alt+ArrowUp")
    rows = page.locator("section.group-panel[data-group='throttlingConfig'] form.input-row")
    expect(rows.first).to_have_id(f"input-{second}")
    expect(page.locator(f"#value-{second}")).to_be_focused()
    position = DraftInput.objects.get(pk=second).position
    assert position < DraftInput.objects.get(pk=first).position


def test_alt_delete_removes_focuses_the_next_row_and_ctrl_z_undoes(page: Page, draft):
    open_designer(page, draft)
    group = draft.groups.get(name="throttlingConfig")
    before = list(group.inputs.values_list("name", flat=True))
    gone, nxt = row_id(draft, before[1]), row_id(draft, before[2])
    page.locator(f"#value-{gone}").focus()
    page.keyboard.press("Alt+Delete")
    expect(page.locator(".removed-row")).to_contain_text(f"Removed {before[1]}")
    expect(page.locator(f"#value-{nxt}")).to_be_focused()
    assert before[1] not in group.inputs.values_list("name", flat=True)
    page.keyboard.press("Control+z")
    restored = page.locator("section.group-panel[data-group='throttlingConfig'] form.input-row:nth-child(2)")
    expect(restored).to_contain_text(before[1].split(".")[1])
    assert list(group.inputs.values_list("name", flat=True)) == before
    expect(page.locator(f"#value-{row_id(draft, before[1])}")).to_be_focused()


def test_undo_goes_away_after_ten_seconds(page: Page, draft):
    open_designer(page, draft)
    item = row_id(draft, "throttlingConfig.numLoaders")
    page.clock.install()
    page.locator(f"#input-{item} button[title^='Remove']").click()
    expect(page.locator(".removed-row")).to_be_visible()
    page.clock.run_for(10_500)
    expect(page.locator(".removed-row")).to_have_count(0)


def test_a_select_saves_the_choice_made_not_each_step(page: Page, draft):
    open_designer(page, draft)
    item = row_id(draft, "throttlingConfig.submitToCluster")
    audit_before = AuditEvent.objects.filter(draft=draft).count()
    select = page.locator(f"#value-{item}")
    select.focus()
    for key in ("ArrowUp", "ArrowDown", "ArrowUp", "ArrowDown"):  # browse, and come back
        page.keyboard.press(key)
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)  # nothing should be sent; give a request the time to show up
    assert AuditEvent.objects.filter(draft=draft).count() == audit_before
    select.focus()
    page.keyboard.press("ArrowUp" if select.input_value() == "false" else "ArrowDown")
    chosen = select.input_value()
    page.keyboard.press("Enter")
    expect(page.locator(f"#input-{item} .saved-flash")).to_be_visible()
    assert value_of(draft, "throttlingConfig.submitToCluster") == chosen
    assert AuditEvent.objects.filter(draft=draft).count() == audit_before + 1


def test_a_finding_leads_to_its_input(page: Page, draft):
    open_designer(page, draft)
    page.locator("#findings summary").click()
    link = page.locator("#all-findings a[data-focus^='value-']").first
    target = link.get_attribute("data-focus")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{target}")).to_be_focused()


def test_the_find_box_on_a_phone(browser: Browser, live_server, owner, draft):
    with logged_in_page(browser, live_server, NARROW) as page:
        open_designer(page, draft)
        page.locator("#find-input").fill("dirty")
        expect(page.locator("#find-results .find-option").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        save_screenshot(page, "keyboard-find-390.png")
        # The parts of the job are tabs on a phone: an input added on another tab opens that tab.
        page.get_by_role("tab", name="Source").click()
        page.locator("#find-input").fill("maxerrorrec")
        expect(page.locator("#find-results .find-option").first).to_contain_text("throttlingConfig.maxErrorRecords")
        page.locator("#find-input").press("Enter")
        expect(page.locator("form.input-row", has_text="maxErrorRecords")).to_be_attached()
        value = page.locator(f"#value-{row_id(draft, 'throttlingConfig.maxErrorRecords')}")
        expect(value).to_be_focused()
        expect(value).to_be_visible()


# --- a whole job from the keyboard ----------------------------------------------------------

# A realistic MySQL → Hive job: what the new user built with 75 clicks and key presses.
# Each line is typed into the find box as name=value and entered (one key each).
MYSQL_TO_HIVE = [
    ("schemaname", "sales", "fromJobConfig.schemaName"),
    ("tablename", "orders", "fromJobConfig.tableName"),
    ("whereclause", "dt = '${dateformat(yyyy-MM-dd, -1, DAY)}'", "fromJobConfig.whereClause"),
    ("partitioncolumn", "id", "fromJobConfig.partitionColumn"),
    ("table", "ods_orders", "toJobConfig.table"),
    ("database", "ods", "toJobConfig.database"),
    ("tablepreparation", "CREATE_WHEN_NOT_EXIST", "toJobConfig.tablePreparation"),
    ("numextractors", "4", "throttlingConfig.numExtractors"),
    ("recorddirtydata", "true", "throttlingConfig.recordDirtyData"),
    ("writetolink", "obs_dirty", "throttlingConfig.writeToLink"),
    ("obsbucket", "dirty-bucket", "throttlingConfig.obsBucket"),
    ("dirtydatadirectory", "/dirty/orders", "throttlingConfig.dirtyDataDirectory"),
    ("maxerrorrecords", "100", "throttlingConfig.maxErrorRecords"),
    ("isschedulerjob", "true", "schedulerConfig.isSchedulerJob"),
    ("cycletype", "day", "schedulerConfig.cycleType"),
    ("cycle", "1", "schedulerConfig.cycle"),
    ("startdate", "2026-12-01 02:30:00", "schedulerConfig.startDate"),
    ("stopdate", "2027-12-01 02:30:00", "schedulerConfig.stopDate"),
    ("fromJobConfig.fetchSize", "1000", "fromJobConfig.fetchSize"),  # a custom key
]


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1400px", "390px"])
def test_a_mysql_to_hive_job_built_with_the_keyboard_only(browser: Browser, live_server, owner, viewport):
    with logged_in_page(browser, live_server, viewport) as page:
        page.goto("/drafts/new/")
        keys = Keys(page)
        expect(page.locator("#id_name")).to_be_focused()
        keys.type("orders_daily")
        keys.press("Tab")  # the job type: NORMAL_JOB, as it is
        keys.press("Tab")
        keys.type("generic-jdbc")
        keys.press("Tab")
        keys.type("mysql_link")
        keys.press("Tab")
        keys.type("hive")
        keys.press("Tab")
        keys.type("hive_link")
        keys.press("Enter")
        expect(page.locator("#find-input")).to_be_visible()
        page.wait_for_load_state()
        draft = JobDraft.objects.get(name="orders_daily")
        assert (draft.from_connector, draft.to_connector) == ("generic-jdbc-connector", "hive-connector")

        keys.press("/")
        for typed, value, name in MYSQL_TO_HIVE:
            keys.type(f"{typed}={value}")
            keys.press("Enter")
            expect(page.locator("#find-status")).to_have_text(f"Set {name}.")
        for _, value, name in MYSQL_TO_HIVE:
            assert value_of(draft, name) == value, name

        draft.refresh_from_db()
        job = draft.build()
        sent = {
            i["name"]
            for side in ("from", "to", "driver")
            for c in job[f"{side}-config-values"]["configs"]
            for i in c["inputs"]
        }
        assert len(sent) == 24
        from cdmweb.jobspec.validation import ERROR, validate_job

        assert [f for f in validate_job(job) if f["status"] == ERROR] == []
        assert keys.count == 26  # the goal: under 40 (the issue measured about 75 by mouse)
        page.locator("#find-input").fill("")
        save_screenshot(page, f"keyboard-mysql-to-hive-{viewport['width']}.png")


def test_a_value_goes_only_to_an_input_named_in_full(page: Page, draft):
    open_designer(page, draft)
    before = value_of(draft, "throttlingConfig.numExtractors")
    page.keyboard.press("/")
    page.keyboard.type("numextr=9")  # only part of a name
    page.keyboard.press("Enter")
    expect(page.locator("#find-status")).to_contain_text("type the input's whole key or name")
    assert value_of(draft, "throttlingConfig.numExtractors") == before
    page.keyboard.press("Control+a")
    page.keyboard.type("nothing-like-this=1")
    page.keyboard.press("Enter")
    expect(page.locator("#find-status")).to_contain_text("No input of this job matches")


def test_escape_in_a_value_goes_back_to_the_find_box(page: Page, draft):
    open_designer(page, draft)
    page.locator(f"#value-{row_id(draft, 'throttlingConfig.numExtractors')}").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#find-input")).to_be_focused()
    page.keyboard.press("/")  # typed again in the box out of habit: nothing
    expect(page.locator("#find-input")).to_have_value("")


def test_two_removals_are_each_undone(page: Page, draft):
    open_designer(page, draft)
    group = draft.groups.get(name="throttlingConfig")
    before = list(group.inputs.values_list("name", flat=True))
    page.locator(f"#value-{row_id(draft, before[0])}").focus()
    page.keyboard.press("Alt+Delete")
    expect(page.locator(".removed-row")).to_have_count(1)
    expect(page.locator(f"#value-{row_id(draft, before[1])}")).to_be_focused()
    page.keyboard.press("Alt+Delete")
    expect(page.locator(".removed-row")).to_have_count(2)
    page.keyboard.press("Control+z")  # the latest removal first
    expect(page.locator(".removed-row")).to_have_count(1)
    page.keyboard.press("Escape")
    page.locator("body").focus()
    page.keyboard.press("Control+z")
    expect(page.locator(".removed-row")).to_have_count(0)
    assert list(group.inputs.values_list("name", flat=True)) == before


def test_find_goes_to_a_row_a_big_group_has_not_drawn_yet(page: Page, draft):
    group = draft.groups.get(name="toJobConfig")
    DraftInput.objects.bulk_create(
        DraftInput(draft=draft, group=group, name=f"toJobConfig.bulk{i:03d}", value=str(i), position=1000 + i)
        for i in range(120)
    )
    open_designer(page, draft)
    assert page.locator("#value-" + str(row_id(draft, "toJobConfig.bulk110"))).count() == 0
    url = page.url
    page.keyboard.press("/")
    page.keyboard.type("bulk110")
    page.keyboard.press("Enter")
    expect(page.locator(f"#value-{row_id(draft, 'toJobConfig.bulk110')}")).to_be_focused()
    assert page.url == url  # the rows came in place: no reload of the whole page
