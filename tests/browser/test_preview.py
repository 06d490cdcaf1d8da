"""The designer's JSON preview in real Chromium: the last change marked and scrolled to, find in
the JSON, a wider preview, the parts of the job as tabs on a phone, and the folding menu; and the
same page without JavaScript, every part stacked and the menu still usable."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import JobDraft

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401
from ..conftest import DEMO_BODY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE: ViewportSize = {"width": 1400, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
WHERE = "created_at >= '${dateformat(yyyy-MM-dd HH:mm:ss, -1, DAY)}' AND region IN ('north', 'south')"

# Where the preview is and how much of it shows, as the page lays it out now.
MEASURE = """() => {
  const pre = document.querySelector('#preview-json');
  const box = pre.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(pre).lineHeight);
  const shown = Math.min(box.bottom, innerHeight) - Math.max(box.top, 0);
  return {width: pre.clientWidth, contentWidth: pre.scrollWidth, lines: Math.max(0, Math.floor(shown / line)),
          top: Math.round(document.querySelector('#preview').getBoundingClientRect().top + scrollY),
          viewTop: Math.round(document.querySelector('#preview').getBoundingClientRect().top),
          menu: Math.round(document.querySelector('nav').getBoundingClientRect().height),
          pageWidth: document.documentElement.scrollWidth};
}"""


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def demo(owner) -> JobDraft:
    """The demo MySQL → Hive job, with a where clause long enough to widen the preview."""
    body = json.loads(DEMO_BODY.read_text())
    for config in body["jobs"][0]["from-config-values"]["configs"]:
        for item in config["inputs"]:
            if item["name"] == "fromJobConfig.whereClause":
                item["value"] = WHERE
    (draft,), _ = import_text(json.dumps(body), owner)
    return draft


@pytest.fixture
def wide(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, WIDE) as page:
        yield page


@pytest.fixture
def phone(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, PHONE) as page:
        yield page


def open_designer(page: Page, draft: JobDraft) -> None:
    page.goto(f"/drafts/{draft.pk}/")
    expect(page.locator("#preview-json")).to_contain_text('"jobs"')


def row(page: Page, name: str) -> Locator:
    return page.locator("form.input-row").filter(has=page.get_by_role("button", name=f"Remove {name}", exact=True))


def set_value(page: Page, name: str, value: str) -> None:
    box = row(page, name).locator("[name=value]")
    box.fill(value)
    box.press("Tab")


def measure(page: Page) -> dict[str, Any]:
    return page.evaluate(MEASURE)


def measure_stuck(page: Page) -> dict[str, Any]:
    """Measured with the page scrolled until the preview sticks to the top of the window."""
    page.evaluate(
        """() => window.scrollTo({top: document.querySelector('#preview').getBoundingClientRect().top + scrollY - 8,
                                  behavior: 'instant'})"""
    )
    return measure(page)


def in_view_of_the_preview(page: Page, element: Locator) -> bool:
    """Whether element is inside the visible box of the preview's scrolled <pre>."""
    return page.evaluate(
        """(el) => { const pre = document.querySelector('#preview-json');
                     const a = pre.getBoundingClientRect(), b = el.getBoundingClientRect();
                     return b.top >= a.top && b.bottom <= a.bottom; }""",
        element.element_handle(),
    )


# --- the last change --------------------------------------------------------------------------


def test_a_changed_value_is_marked_and_scrolled_into_view(wide: Page, demo: JobDraft) -> None:
    page = wide
    open_designer(page, demo)
    expect(page.locator("#preview-json .pv-line")).to_have_count(0)
    set_value(page, "toJobConfig.table", "orders_daily")
    changed = page.locator("#preview-json .pv-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text('"value": "orders_daily"')
    # Not by colour alone: a marker in the gutter, and a sentence above the JSON.
    marker = page.evaluate("(el) => getComputedStyle(el, '::before').content", changed.element_handle())
    assert marker == '"▸"'
    expect(page.locator("#preview-changes")).to_have_text("The lines of the last change are marked with ▸.")
    assert in_view_of_the_preview(page, changed)
    # The text is still the request body, as Copy copies it.
    body = json.loads(page.locator("#preview-json").text_content() or "")
    assert body["jobs"][0]["name"] == "orders_mysql_to_hive"

    # The next change replaces the mark.
    set_value(page, "fromJobConfig.schemaName", "shop_eu")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text('"value": "shop_eu"')
    assert in_view_of_the_preview(page, changed)
    save_screenshot(page, "preview-change-1400.png")

    # Another request form is not a change of the draft: nothing is marked.
    page.get_by_role("link", name="Random cluster").click()
    expect(page.locator("#preview-json")).to_contain_text('"clusters"')
    expect(page.locator("#preview-json .pv-line")).to_have_count(0)
    expect(page.locator("#preview-changes")).to_have_text("")


def test_an_added_input_marks_its_lines_and_a_removed_one_where_it_was(wide: Page, demo: JobDraft) -> None:
    page = wide
    open_designer(page, demo)
    footer = page.locator("section.group-panel[data-group='toJobConfig'] form.add-input")
    footer.locator("[name=custom_name]").fill("myCustomKey")
    footer.locator("[name=value]").fill("42")
    footer.get_by_role("button", name="Add").click()
    changed = page.locator("#preview-json .pv-changed")
    expect(changed.filter(has_text='"name": "toJobConfig.myCustomKey"')).to_have_count(1)
    assert 2 <= changed.count() <= 5
    text = "\n".join(changed.all_text_contents())
    assert '"value": "42"' in text and "orders" not in text

    row(page, "toJobConfig.myCustomKey").get_by_role("button", name="Remove toJobConfig.myCustomKey").click()
    expect(page.locator("#preview-json")).not_to_contain_text("myCustomKey")
    expect(page.locator("#preview-json .pv-changed")).to_have_count(0)
    expect(page.locator("#preview-json .pv-removed")).to_have_count(1)
    expect(page.locator("#preview-changes")).to_have_text("Lines were removed where − marks.")


# --- find ------------------------------------------------------------------------------------


def test_find_in_the_preview_with_the_keyboard(wide: Page, demo: JobDraft) -> None:
    page = wide
    open_designer(page, demo)
    box = page.get_by_role("searchbox", name="Find in the JSON preview")
    box.focus()
    page.keyboard.type("VALUE")  # case does not matter
    total = (page.locator("#preview-json").text_content() or "").lower().count("value")
    assert total > 10
    count = page.locator("#preview-find-count")
    expect(count).to_have_text(f"1 of {total}")
    expect(page.locator("#preview-json mark.pv-hit")).to_have_count(total)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(count).to_have_text(f"3 of {total}")
    current = page.locator("#preview-json mark.pv-current")
    expect(current).to_have_count(1)
    assert current.evaluate("(el) => [...document.querySelectorAll('#preview-json mark')].indexOf(el)") == 2
    page.keyboard.press("Shift+Enter")
    expect(count).to_have_text(f"2 of {total}")
    # From the last match Enter wraps round to the first; the current one is scrolled to.
    for _ in range(total - 1):
        page.keyboard.press("Enter")
    expect(count).to_have_text(f"1 of {total}")
    page.keyboard.press("Shift+Enter")
    expect(count).to_have_text(f"{total} of {total}")
    assert in_view_of_the_preview(page, current)
    save_screenshot(page, "preview-find-1400.png")

    # A redraw (a change elsewhere) keeps the query and its matches.
    set_value(page, "toJobConfig.table", "orders_daily")
    expect(page.locator("#preview-json .pv-changed")).to_contain_text("orders_daily")
    expect(page.locator("#preview-find")).to_have_value("VALUE")
    expect(page.locator("#preview-json mark.pv-hit")).to_have_count(total)

    box.focus()
    page.keyboard.type("no-such-text")
    expect(count).to_have_text("No matches")
    page.keyboard.press("Escape")
    expect(box).to_have_value("")
    expect(count).to_have_text("")
    expect(page.locator("#preview-json mark")).to_have_count(0)


# --- width ----------------------------------------------------------------------------------


def test_the_preview_takes_half_or_the_full_width_and_remembers_it(wide: Page, demo: JobDraft) -> None:
    page = wide
    open_designer(page, demo)
    print(f"\npreview at 1400x900, normal, page top: {measure(page)}")
    before = measure_stuck(page)
    print(f"preview at 1400x900, normal: {before}")
    assert before["width"] < before["contentWidth"]  # too narrow for its JSON today

    page.get_by_role("button", name="Wide").click()
    expect(page.get_by_role("button", name="Wide")).to_have_attribute("aria-pressed", "true")
    half = measure_stuck(page)
    print(f"preview at 1400x900, wide: {half}")
    assert half["width"] > 600
    save_screenshot(page, "preview-wide-1400.png")

    page.get_by_role("button", name="Full width").click()
    expect(page.locator("#sides")).to_be_hidden()
    page.reload()  # remembered in this browser
    expect(page.get_by_role("button", name="Full width")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#sides")).to_be_hidden()
    full = measure_stuck(page)
    print(f"preview at 1400x900, full width: {full}")
    assert full["width"] > 1300 and full["contentWidth"] <= full["width"]
    assert full["lines"] > before["lines"]
    assert full["pageWidth"] <= WIDE["width"]
    save_screenshot(page, "preview-full-1400.png")

    # Another script about to focus an input (the find-an-input box) asks for it to be shown.
    page.evaluate(
        "() => document.dispatchEvent(new CustomEvent('designer:reveal', {detail: document.querySelector('#side-to')}))"
    )
    expect(page.locator("#sides")).to_be_visible()
    expect(page.get_by_role("button", name="Normal")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Wide").click()
    page.get_by_role("button", name="Normal").click()
    expect(page.get_by_role("button", name="Wide")).to_have_attribute("aria-pressed", "false")
    assert measure(page)["width"] == before["width"]


# --- a phone ----------------------------------------------------------------------------------


def test_on_a_phone_the_parts_are_tabs_and_the_menu_folds(phone: Page, demo: JobDraft) -> None:
    page = phone
    open_designer(page, demo)
    sizes = measure(page)
    print(f"\n390x844: {sizes}")
    assert sizes["menu"] <= 60
    assert sizes["pageWidth"] <= PHONE["width"]
    # The menu opens and closes with the keyboard: its toggle is a checkbox, labelled "Menu".
    menu = page.get_by_role("link", name="Submissions")
    expect(menu).to_be_hidden()
    toggle = page.get_by_role("checkbox", name="Menu")
    page.keyboard.press("Tab")  # the brand link first, then the toggle
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(menu).to_be_visible()
    save_screenshot(page, "preview-menu-390.png")
    page.keyboard.press("Space")
    expect(menu).to_be_hidden()

    tabs = page.get_by_role("tablist", name="Parts of the job")
    expect(tabs).to_be_visible()
    source = page.get_by_role("tab", name="Source")
    expect(source).to_have_attribute("aria-selected", "true")
    expect(page.locator("#side-from")).to_be_visible()
    for hidden in ("#side-to", "#side-driver", "#preview"):
        expect(page.locator(hidden)).to_be_hidden()
    save_screenshot(page, "preview-tabs-source-390.png")

    # Arrow keys move along the tabs (and round), as in any tab list.
    source.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Destination")).to_be_focused()
    expect(page.locator("#side-to")).to_be_visible()
    expect(page.locator("#side-from")).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Preview")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#preview")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_have_count(1)
    after = measure(page)
    print(f"390x844, preview tab: {after}")
    assert 0 <= after["viewTop"] < 100  # just under the tab bar
    save_screenshot(page, "preview-tabs-preview-390.png")

    # An edit on the Source tab marks its line on the Preview tab; the tab is remembered on reload.
    page.get_by_role("tab", name="Source").click()
    set_value(page, "fromJobConfig.tableName", "orders_eu")
    page.get_by_role("tab", name="Preview").click()
    expect(page.locator("#preview-json .pv-changed")).to_contain_text("orders_eu")
    page.reload()
    expect(page.get_by_role("tab", name="Preview")).to_have_attribute("aria-selected", "true")


def test_a_link_to_an_input_opens_its_tab(phone: Page, demo: JobDraft) -> None:
    page = phone
    open_designer(page, demo)
    page.get_by_role("tab", name="Driver").click()
    item = demo.inputs.get(name="fromJobConfig.tableName")
    page.goto(f"/drafts/{demo.pk}/#input-{item.pk}")
    expect(page.get_by_role("tab", name="Source")).to_have_attribute("aria-selected", "true")
    expect(page.locator(f"#input-{item.pk}")).to_be_visible()


# --- without JavaScript -------------------------------------------------------------------------


@pytest.mark.parametrize(("viewport", "tag"), [(WIDE, "1400"), (PHONE, "390")])
def test_without_javascript_every_part_shows_and_the_menu_works(
    browser: Browser, live_server, owner, demo: JobDraft, viewport: ViewportSize, tag: str
) -> None:
    with logged_in_page(browser, live_server, viewport, javascript=False) as page:
        open_designer(page, demo)
        for part in ("#side-from", "#side-to", "#side-driver", "#preview"):
            expect(page.locator(part)).to_be_visible()
        expect(page.locator(".designer-tabs")).to_be_hidden()
        expect(page.locator(".preview-tools")).to_be_hidden()
        expect(page.locator("#preview-changes")).to_have_text("")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        submissions = page.get_by_role("link", name="Submissions")
        if tag == "390":
            expect(submissions).to_be_hidden()
            page.locator("label[for=menu-toggle]").click()  # CSS alone opens it
        else:  # a menu that never folds has no toggle, not even for the keyboard
            expect(page.get_by_role("checkbox", name="Menu")).to_be_hidden()
        expect(submissions).to_be_visible()
        save_screenshot(page, f"preview-nojs-{tag}.png")
        # A plain form post still saves, and the preview shows it.
        box = row(page, "toJobConfig.table").locator("[name=value]")
        box.fill("orders_nojs")
        with page.expect_navigation():
            box.press("Enter")
        expect(page.locator("#preview-json")).to_contain_text('"value": "orders_nojs"')
        assert re.search(r'"value": "orders_nojs"', page.locator("#preview-json").text_content() or "")


# --- a 500-input draft ----------------------------------------------------------------------------


def test_marking_a_change_in_a_500_input_preview_is_quick(wide: Page, owner) -> None:
    body = json.loads(DEMO_BODY.read_text())
    inputs = body["jobs"][0]["to-config-values"]["configs"][0]["inputs"]
    inputs.extend({"name": f"toJobConfig.bench{n:05d}", "value": f"value-{n}"} for n in range(500))
    (draft,), _ = import_text(json.dumps(body), owner)
    open_designer(wide, draft)
    # A redraw as htmx makes one, timed with and without this file's work (the same DOM swap).
    timing = wide.evaluate(
        """() => {
          const swap = (mark) => {
            const old = document.getElementById('preview-json');
            const neu = old.cloneNode(false);
            neu.textContent = old.textContent.replace('"value-250"', `"value-250-${mark}"`);
            const t0 = performance.now();
            old.replaceWith(neu);
            if (mark !== 'plain') document.body.dispatchEvent(new CustomEvent('htmx:afterSettle', {detail: {}}));
            void neu.scrollTop; void document.body.offsetHeight;  // the layout it causes
            return performance.now() - t0;
          };
          const plain = [], marked = [];
          for (let i = 0; i < 5; i++) { plain.push(swap('plain')); marked.push(swap('m' + i)); }
          const median = (xs) => xs.sort((a, b) => a - b)[2];
          return {plain: median(plain), marked: median(marked),
                  lines: document.getElementById('preview-json').textContent.split('\\n').length,
                  changed: document.querySelectorAll('#preview-json .pv-changed').length};
        }"""
    )
    print(f"\n500-input preview redraw (ms, median of 5): {timing}")
    assert timing["lines"] > 2000 and timing["changed"] == 1
    # The machine is shared: compared with the bare swap in the same run, not with a fixed time.
    assert timing["marked"] < 2 * timing["plain"] + 20
