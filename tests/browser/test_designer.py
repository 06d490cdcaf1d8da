"""End-to-end: the designer in real headless Chromium (Playwright, sync API) against ``live_server``.

Every step asserts what the user sees and what is stored. HTMX saves each change by itself, so
the tests wait with Playwright's auto-waiting ``expect`` and never sleep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from cdmweb.jobs.models import DraftInput, JobDraft

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401

pytestmark = pytest.mark.browser

CORPUS_JOB = Path(__file__).resolve().parents[1] / "corpus" / "jobs" / "01-otc-create-es2dis.json"
VIEWPORT: ViewportSize = {"width": 1600, "height": 1000}


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def page(browser: Browser, live_server, owner) -> Iterator[Page]:
    """A fresh browser context, logged in as ``owner`` through the real login form."""
    with logged_in_page(browser, live_server, VIEWPORT) as page:
        yield page


@pytest.fixture
def nojs_page(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, VIEWPORT, javascript=False) as page:
        yield page


# --- helpers --------------------------------------------------------------------------------


def group_panel(page: Page, name: str) -> Locator:
    return page.locator(f"section.group-panel[data-group='{name}']")


def row(page: Page, name: str) -> Locator:
    """The input row of ``name``, found by its remove button's accessible name."""
    return page.locator("form.input-row").filter(has=page.get_by_role("button", name=f"Remove {name}", exact=True))


def row_names(panel: Locator) -> list[str]:
    labels = panel.locator("form.input-row button[aria-label^='Remove ']")
    return [label.removeprefix("Remove ") for label in (b.get_attribute("aria-label") for b in labels.all())]


def preview_job(page: Page) -> dict[str, Any]:
    body = json.loads(page.locator("#preview-json").text_content() or "")
    assert list(body) == ["jobs"] and len(body["jobs"]) == 1
    return body["jobs"][0]


def group_inputs(job: dict[str, Any], side_key: str, group: str) -> list[dict[str, Any]]:
    configs = job[side_key]["configs"]
    (config,) = [c for c in configs if c["name"] == group]
    return config["inputs"]


def names_in(job: dict[str, Any], side_key: str, group: str) -> list[str]:
    return [item["name"] for item in group_inputs(job, side_key, group)]


def value_in(job: dict[str, Any], side_key: str, name: str) -> str:
    group = name.split(".", 1)[0]
    (value,) = [i["value"] for i in group_inputs(job, side_key, group) if i["name"] == name]
    return value


def expect_preview_input(page: Page, name: str, value: str) -> None:
    """Wait until the JSON preview sends ``name`` with ``value``."""
    pattern = re.escape(json.dumps(name)) + r",\s*" + re.escape('"value": ' + json.dumps(value, ensure_ascii=False))
    expect(page.locator("#preview-json")).to_contain_text(re.compile(pattern))


def stored_order(group_id: int) -> list[str]:
    return [i.name for i in DraftInput.objects.filter(group_id=group_id).order_by("position", "id")]


def stored(draft: JobDraft, name: str) -> DraftInput:
    return DraftInput.objects.get(draft=draft, name=name)


def post_form(page: Page, button: Locator) -> None:
    """Without JavaScript: click a form's button and wait for the post-redirect-get to load."""
    with page.expect_navigation():
        button.click()


def set_value(target: Locator, value: str) -> None:
    """Type a value into a row's text box and leave it with Tab, as a user would."""
    box = target.locator("[name=value]")
    box.fill(value)
    box.press("Tab")


# --- the main flow --------------------------------------------------------------------------


def test_design_a_job_end_to_end(page: Page, owner) -> None:
    preview = page.locator("#preview-json")

    # 1. Create a draft through the form and land in the designer.
    page.goto("/drafts/new/")
    page.locator("#id_name").fill("orders_sync")
    page.locator("#id_job_type").select_option("NORMAL_JOB")
    page.locator("#id_from_connector").select_option("generic-jdbc-connector")
    page.locator("#id_from_link").fill("mysql_link")
    page.locator("#id_to_connector").select_option("hive-connector")
    page.locator("#id_to_link").fill("hive_link")
    page.get_by_role("button", name="Create draft").click()

    expect(page).to_have_url(re.compile(r"/drafts/\d+/$"))
    draft = JobDraft.objects.get(owner=owner)
    assert page.url.endswith(f"/drafts/{draft.pk}/")
    assert (draft.name, draft.job_type) == ("orders_sync", "NORMAL_JOB")
    assert (draft.from_connector, draft.from_link) == ("generic-jdbc-connector", "mysql_link")
    assert (draft.to_connector, draft.to_link) == ("hive-connector", "hive_link")
    expect(page.locator("#messages")).to_contain_text("Draft “orders_sync” created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("orders_sync")
    expect(page.locator("#side-from h2 code")).to_have_text("generic-jdbc-connector")
    expect(page.locator("#side-to h2 code")).to_have_text("hive-connector")
    job = preview_job(page)
    assert job["name"] == "orders_sync" and job["job_type"] == "NORMAL_JOB"
    assert job["from-connector-name"] == "generic-jdbc-connector" and job["from-link-name"] == "mysql_link"
    assert job["to-connector-name"] == "hive-connector" and job["to-link-name"] == "hive_link"
    # A new draft starts with the connector's required inputs and the driver defaults.
    source = group_panel(page, "fromJobConfig")
    group_id = int((source.get_attribute("id") or "").removeprefix("group-"))
    initial = row_names(source)
    assert "fromJobConfig.useSql" in initial
    assert names_in(job, "from-config-values", "fromJobConfig") == initial == stored_order(group_id)
    assert value_in(job, "driver-config-values", "throttlingConfig.numExtractors") == "1"
    # With htmx on, changes save themselves: the plain-form Save buttons are hidden.
    expect(row(page, "fromJobConfig.useSql").get_by_role("button", name="Save")).to_be_hidden()

    # 2. Add a documented input from the group's catalogue select.
    source.get_by_label("Catalogue input to add to fromJobConfig").select_option("fromJobConfig.whereClause")
    source.get_by_role("button", name="Add", exact=True).click()
    where = row(page, "fromJobConfig.whereClause")
    expect(where).to_be_visible()
    expect(where.locator("label.input-key")).to_contain_text("whereClause")
    expect(where.locator(".badge", has_text="custom")).to_have_count(0)
    expect(preview).to_contain_text('"fromJobConfig.whereClause"')
    # Once present it is no longer offered.
    expect(source.locator("select[name=catalog_name] option[value='fromJobConfig.whereClause']")).to_have_count(0)
    assert stored(draft, "fromJobConfig.whereClause").value == ""

    # 3. Add a custom input: the group prefix is added and the row is badged "custom".
    add_form = source.locator("form.add-input")
    add_form.get_by_label("Custom key for fromJobConfig").fill("fetchRows")
    add_form.get_by_label("Value", exact=True).fill("5000")
    add_form.get_by_role("button", name="Add", exact=True).click()
    custom = row(page, "fromJobConfig.fetchRows")
    expect(custom).to_be_visible()
    expect(custom.locator(".badge", has_text="custom")).to_be_visible()
    expect(custom.locator("[name=value]")).to_have_value("5000")
    expect(preview).to_contain_text('"fromJobConfig.fetchRows"')
    assert value_in(preview_job(page), "from-config-values", "fromJobConfig.fetchRows") == "5000"
    assert stored(draft, "fromJobConfig.fetchRows").value == "5000"
    assert row_names(source) == [*initial, "fromJobConfig.whereClause", "fromJobConfig.fetchRows"]

    # 4. Edit a value: type, leave the box, the row saves itself and the preview follows.
    set_value(where, "id > 100 AND region = 'eu'")
    expect(where.locator(".saved-flash")).to_have_text("Saved.")
    # It says so once, then fades (a row edited long ago does not still say "Saved.").
    expect(where.locator(".saved-flash")).to_have_css("opacity", "0", timeout=6_000)
    expect_preview_input(page, "fromJobConfig.whereClause", "id > 100 AND region = 'eu'")
    assert value_in(preview_job(page), "from-config-values", "fromJobConfig.whereClause") == (
        "id > 100 AND region = 'eu'"
    )
    assert stored(draft, "fromJobConfig.whereClause").value == "id > 100 AND region = 'eu'"

    # 5. Reorder with the arrow buttons; the ends are disabled.
    names = row_names(source)
    expect(source.get_by_role("button", name=f"Move {names[0]} up")).to_be_disabled()
    expect(source.get_by_role("button", name="Move fromJobConfig.fetchRows down")).to_be_disabled()
    source.get_by_role("button", name="Move fromJobConfig.fetchRows up").click()
    expected = [*initial, "fromJobConfig.fetchRows", "fromJobConfig.whereClause"]
    expect(source.locator("form.input-row button[aria-label^='Remove ']").nth(-2)).to_have_attribute(
        "aria-label", "Remove fromJobConfig.fetchRows"
    )
    expect(preview).to_have_text(re.compile(r'"fromJobConfig\.fetchRows".*"fromJobConfig\.whereClause"', re.S))
    expect(source.get_by_role("button", name="Move fromJobConfig.whereClause down")).to_be_disabled()
    assert row_names(source) == expected
    assert names_in(preview_job(page), "from-config-values", "fromJobConfig") == expected
    assert stored_order(group_id) == expected

    first, second = expected[0], expected[1]
    source.get_by_role("button", name=f"Move {first} down").click()
    expected = [second, first, *expected[2:]]
    expect(source.locator("form.input-row button[aria-label^='Remove ']").first).to_have_attribute(
        "aria-label", f"Remove {second}"
    )
    expect(preview).to_have_text(re.compile(rf'"{re.escape(second)}".*"{re.escape(first)}"', re.S))
    expect(source.get_by_role("button", name=f"Move {second} up")).to_be_disabled()
    assert row_names(source) == expected
    assert names_in(preview_job(page), "from-config-values", "fromJobConfig") == expected
    assert stored_order(group_id) == expected

    # 6. Remove an input with its ✕ button.
    source.get_by_role("button", name="Remove fromJobConfig.fetchRows", exact=True).click()
    expect(row(page, "fromJobConfig.fetchRows")).to_have_count(0)
    expect(preview).not_to_contain_text("fetchRows")
    expected.remove("fromJobConfig.fetchRows")
    assert row_names(source) == expected
    assert names_in(preview_job(page), "from-config-values", "fromJobConfig") == expected
    assert stored_order(group_id) == expected
    assert not DraftInput.objects.filter(draft=draft, name="fromJobConfig.fetchRows").exists()

    # 7. Change the destination connector in the header: the sides reload for the new connector.
    destination = group_panel(page, "toJobConfig")
    expect(destination.locator("option[value='toJobConfig.bucketName']")).to_have_count(0)
    expect(row(page, "toJobConfig.table").locator(".badge", has_text="custom")).to_have_count(0)
    page.locator("#header_to_connector").select_option("obs-connector")
    expect(page.locator("#header")).to_contain_text("Saved.")
    expect(page.locator("#side-to h2 code")).to_have_text("obs-connector")
    expect(destination.locator("select[name=catalog_name] option[value='toJobConfig.bucketName']")).to_have_count(1)
    # The hive input the draft already had is no longer documented for obs-connector.
    expect(row(page, "toJobConfig.table").locator(".badge", has_text="custom")).to_be_visible()
    expect(preview).to_contain_text('"to-connector-name": "obs-connector"')
    draft.refresh_from_db()
    assert draft.to_connector == "obs-connector"

    # 8. A validation error appears inside its row, and clears once the value is fixed.
    extractors = row(page, "throttlingConfig.numExtractors")
    expect(extractors.locator(".finding[data-code='Cdm.0024']")).to_have_count(0)
    set_value(extractors, "500")
    finding = extractors.locator(".finding[data-code='Cdm.0024']")
    expect(finding).to_be_visible()
    expect(finding).to_contain_text("numExtractors must be within [1, 300]; 500 is outside.")
    expect(extractors).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.locator("#findings")).to_contain_text("CDM would refuse")
    expect_preview_input(page, "throttlingConfig.numExtractors", "500")
    assert stored(draft, "throttlingConfig.numExtractors").value == "500"
    draft.refresh_from_db()
    assert draft.error_count >= 1

    save_screenshot(page, "designer.png")

    set_value(extractors, "2")
    expect(extractors.locator(".saved-flash")).to_be_visible()
    expect(extractors.locator(".finding[data-code='Cdm.0024']")).to_have_count(0)
    expect(extractors).not_to_have_class(re.compile(r"\bhas-error\b"))
    expect_preview_input(page, "throttlingConfig.numExtractors", "2")
    expect(page.locator("#findings")).not_to_contain_text("numExtractors")
    assert value_in(preview_job(page), "driver-config-values", "throttlingConfig.numExtractors") == "2"
    assert stored(draft, "throttlingConfig.numExtractors").value == "2"


# --- conditional inputs ---------------------------------------------------------------------


def test_conditional_inputs_follow_use_sql(page: Page, draft: JobDraft) -> None:
    DraftInput.objects.filter(draft=draft, name="fromJobConfig.useSql").update(value="false")
    page.goto(f"/drafts/{draft.pk}/")
    source = group_panel(page, "fromJobConfig")
    picker = source.get_by_label("Catalogue input to add to fromJobConfig")
    sql_offered = picker.locator(":scope > option[value='fromJobConfig.sql']")
    sql_not_applicable = picker.locator("optgroup[label^='Not applicable'] > option[value='fromJobConfig.sql']")
    use_sql = row(page, "fromJobConfig.useSql").locator("select[name=value]")
    schema_row = row(page, "fromJobConfig.schemaName")
    has_schema_row = schema_row.count() == 1

    def expect_schema_applies(applies: bool) -> None:
        if has_schema_row:
            (expect(schema_row).not_to_have_class if applies else expect(schema_row).to_have_class)(
                re.compile(r"\bnot-applicable\b")
            )
        else:
            expect(picker.locator(":scope > option[value='fromJobConfig.schemaName']")).to_have_count(int(applies))

    # useSql=false: sql is only offered under "Not applicable", saying when it would apply.
    expect(use_sql).to_have_value("false")
    expect(sql_offered).to_have_count(0)
    expect(sql_not_applicable).to_have_count(1)
    expect(sql_not_applicable).to_have_text("sql (when useSql=true)")
    expect(source.locator("form.input-row.not-applicable")).to_have_count(0)

    # useSql controls other inputs, so changing it re-renders the whole group.
    use_sql.select_option("true")
    expect(sql_offered).to_have_count(1)
    expect(sql_not_applicable).to_have_count(0)
    expect(sql_offered).to_have_text("sql")
    expect_schema_applies(False)
    expect(row(page, "fromJobConfig.useSql").locator("select[name=value]")).to_have_value("true")
    expect_preview_input(page, "fromJobConfig.useSql", "true")
    assert stored(draft, "fromJobConfig.useSql").value == "true"

    # And back.
    use_sql.select_option("false")
    expect(sql_not_applicable).to_have_count(1)
    expect(sql_offered).to_have_count(0)
    expect_schema_applies(True)
    expect_preview_input(page, "fromJobConfig.useSql", "false")
    assert stored(draft, "fromJobConfig.useSql").value == "false"


# --- import ---------------------------------------------------------------------------------


def test_import_pasted_json(page: Page, owner) -> None:
    # Garbage first: a clear error on the import page and nothing created.
    page.goto("/drafts/import/")
    page.get_by_label("Paste JSON").fill("{not json")
    page.get_by_role("button", name="Import").click()
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Nothing was imported")
    expect(errors).to_contain_text("not valid JSON at line 1, column 2")
    expect(page.locator("#messages")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/drafts/import/$"))
    expect(page.get_by_label("Paste JSON")).to_have_value("{not json")
    assert not JobDraft.objects.filter(owner=owner).exists()

    # A real CDM create body lands in the designer with the job's inputs.
    text = CORPUS_JOB.read_text(encoding="utf-8")
    page.get_by_label("Paste JSON").fill(text)
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/drafts/\d+/$"))
    draft = JobDraft.objects.get(owner=owner)
    assert page.url.endswith(f"/drafts/{draft.pk}/")
    expect(page.locator("#messages")).to_contain_text("Imported “es_css”")
    expect(page.get_by_role("heading", level=1)).to_have_text("es_css")
    expect(page.locator("#side-from h2 code")).to_have_text("elasticsearch-connector")
    preview = page.locator("#preview-json")
    for text_piece in ('"fromJobConfig.index"', '"52est"', '"toJobConfig.streamName"', '"dis-lkGm"'):
        expect(preview).to_contain_text(text_piece)
    (original,) = json.loads(text)["jobs"]
    assert preview_job(page) == original  # lossless: the preview is the imported job, key for key
    expect(row(page, "fromJobConfig.index").locator("[name=value]")).to_have_value("52est")
    assert stored(draft, "toJobConfig.streamName").value == "dis-lkGm"


# --- without JavaScript ---------------------------------------------------------------------


def test_plain_form_posts_without_javascript(nojs_page: Page, draft: JobDraft) -> None:
    """Every htmx interaction is also a plain form post: the visible buttons post and redirect back."""
    page = nojs_page
    designer = re.compile(rf"/drafts/{draft.pk}/(#[\w-]+)?$")
    page.goto(f"/drafts/{draft.pk}/")
    extractors = row(page, "throttlingConfig.numExtractors")
    save = extractors.get_by_role("button", name="Save")
    expect(save).to_be_visible()

    # Edit a value with the row's Save button.
    extractors.locator("[name=value]").fill("4")
    post_form(page, save)
    expect(page).to_have_url(designer)
    expect(extractors.locator("[name=value]")).to_have_value("4")
    assert value_in(preview_job(page), "driver-config-values", "throttlingConfig.numExtractors") == "4"
    assert stored(draft, "throttlingConfig.numExtractors").value == "4"

    # A refused value shows its finding after the redirect too.
    extractors.locator("[name=value]").fill("500")
    post_form(page, extractors.get_by_role("button", name="Save"))
    expect(extractors.locator(".finding[data-code='Cdm.0024']")).to_be_visible()
    assert stored(draft, "throttlingConfig.numExtractors").value == "500"

    # Add a catalogue input, then a custom one.
    source = group_panel(page, "fromJobConfig")
    source.get_by_label("Catalogue input to add to fromJobConfig").select_option("fromJobConfig.whereClause")
    post_form(page, source.get_by_role("button", name="Add", exact=True))
    expect(row(page, "fromJobConfig.whereClause")).to_be_visible()
    source.get_by_label("Custom key for fromJobConfig").fill("fetchRows")
    source.locator("form.add-input").get_by_label("Value", exact=True).fill("10")
    post_form(page, source.get_by_role("button", name="Add", exact=True))
    expect(row(page, "fromJobConfig.fetchRows").locator(".badge", has_text="custom")).to_be_visible()
    initial = row_names(source)[:-2]
    assert row_names(source) == [*initial, "fromJobConfig.whereClause", "fromJobConfig.fetchRows"]

    # Move and remove.
    post_form(page, source.get_by_role("button", name="Move fromJobConfig.fetchRows up"))
    expect(source.locator("form.input-row button[aria-label^='Remove ']").nth(-2)).to_have_attribute(
        "aria-label", "Remove fromJobConfig.fetchRows"
    )
    expected = [*initial, "fromJobConfig.fetchRows", "fromJobConfig.whereClause"]
    assert names_in(preview_job(page), "from-config-values", "fromJobConfig") == expected
    post_form(page, source.get_by_role("button", name="Remove fromJobConfig.whereClause", exact=True))
    expect(row(page, "fromJobConfig.whereClause")).to_have_count(0)
    assert "fromJobConfig.whereClause" not in page.locator("#preview-json").text_content()
    assert not DraftInput.objects.filter(draft=draft, name="fromJobConfig.whereClause").exists()

    # The header saves with its own button and the sides follow the new connector.
    page.locator("#header_to_connector").select_option("obs-connector")
    post_form(page, page.get_by_role("button", name="Save header"))
    expect(page.locator("#messages")).to_contain_text("Saved.")
    expect(page.locator("#side-to h2 code")).to_have_text("obs-connector")
    expect(group_panel(page, "toJobConfig").locator("option[value='toJobConfig.bucketName']")).to_have_count(1)
    draft.refresh_from_db()
    assert draft.to_connector == "obs-connector"


# --- regressions: Enter saves in place; a rename reaches the page heading ---------------------


def _enter_in_value_box(page: Page, draft: JobDraft, *, javascript: bool) -> None:
    page.goto(f"/drafts/{draft.pk}/")
    drivers = group_panel(page, "throttlingConfig")
    before = row_names(drivers)
    assert before.index("throttlingConfig.numLoaders") > 0  # not the first row: its ↑ button is enabled
    item = stored(draft, "throttlingConfig.numLoaders")
    box = row(page, "throttlingConfig.numLoaders").locator("[name=value]")
    box.fill("3")
    if javascript:
        posts = []
        page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/inputs/{item.pk}/")):
            box.press("Enter")
        for request in posts:  # every post the key press caused has been answered
            request.response()
        assert [r.url for r in posts if "/move/" in r.url] == []
    else:
        with page.expect_navigation():
            box.press("Enter")
    assert stored(draft, "throttlingConfig.numLoaders").value == "3"
    group_id = item.group_id
    assert [i.name for i in DraftInput.objects.filter(group_id=group_id).order_by("position", "id")] == before
    expect(row(page, "throttlingConfig.numLoaders").locator("[name=value]")).to_have_value("3")
    assert row_names(drivers) == before


def test_enter_in_a_value_box_saves_in_place(page: Page, draft: JobDraft) -> None:
    _enter_in_value_box(page, draft, javascript=True)


def test_enter_in_a_value_box_saves_in_place_without_javascript(nojs_page: Page, draft: JobDraft) -> None:
    _enter_in_value_box(nojs_page, draft, javascript=False)


def test_rename_updates_the_page_heading(page: Page, draft: JobDraft) -> None:
    page.goto(f"/drafts/{draft.pk}/")
    page.locator("#header_name").fill("renamed_job")
    page.locator("#header_name").press("Tab")
    expect(page.locator("#preview-json")).to_contain_text('"name": "renamed_job"')
    draft.refresh_from_db()
    assert draft.name == "renamed_job"
    expect(page.get_by_role("heading", level=1)).to_have_text("renamed_job", timeout=2_000)
    expect(page).to_have_title("renamed_job · cdmweb", timeout=2_000)


def test_enter_in_a_header_field_after_an_edit_saves_once_in_place(page: Page, draft: JobDraft) -> None:
    # Regression: Enter in a header box made a plain form post carrying the version the page was
    # drawn with, so after any edit it was refused as someone else's change.
    page.goto(f"/drafts/{draft.pk}/")
    box = row(page, "throttlingConfig.numLoaders").locator("[name=value]")
    box.fill("3")
    box.press("Tab")
    expect(row(page, "throttlingConfig.numLoaders").locator(".saved-flash")).to_be_visible()
    page.locator("#header_to_link").fill("renamed_link")
    page.locator("#header_to_link").press("Enter")
    expect(page.locator("#preview-json")).to_contain_text('"to-link-name": "renamed_link"')
    page.wait_for_load_state("networkidle")
    expect(page.locator("#conflict .alert")).to_have_count(0)
    assert page.url.endswith(f"/drafts/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.to_link == "renamed_link"


def test_restore_asks_first_and_keeps_unsaved_work_as_a_revision(page: Page, draft: JobDraft, owner) -> None:
    page.goto(f"/drafts/{draft.pk}/")
    box = row(page, "throttlingConfig.numLoaders").locator("[name=value]")
    box.fill("7")
    box.press("Tab")
    expect(row(page, "throttlingConfig.numLoaders").locator(".saved-flash")).to_be_visible()
    page.goto(f"/drafts/{draft.pk}/history/")
    asked = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.locator("#revisions").get_by_role("button", name="Restore").last.click()
    page.wait_for_url(f"**/drafts/{draft.pk}/")
    assert asked and "kept as a revision first" in asked[0]
    expect(page.locator("#messages")).to_contain_text(
        "Revision 1 restored as a new change. What it held before is kept as r2."
    )
    assert [r.reason for r in draft.revisions.all()] == ["restored revision 1", "before restoring r1", "created"]
