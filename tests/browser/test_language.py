"""The language switch in real Chromium: English by default, Chinese from the browser or the
menu's switch, remembered across pages; screenshots in both, at 1400 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from ..browser_support import PASSWORD, browser_fixture, fast_passwords, menu_link, save_screenshot  # noqa: F401

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1400, "height": 900}
NARROW: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1400", "390"])
def test_switching_to_chinese_and_back(browser: Browser, live_server, owner, draft, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("button", name="中文").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        page.locator("#id_username").fill("owner")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        expect(menu_link(page, "草稿")).to_be_visible()  # the choice outlives the log-in
        page.goto(f"/drafts/{draft.pk}/")
        expect(menu_link(page, "新建草稿")).to_be_visible()
        save_screenshot(page, f"language-zh-designer-{viewport['width']}.png", full_page=False)
        page.get_by_role("button", name="English").click()
        expect(page).to_have_url(f"{live_server.url}/drafts/{draft.pk}/")  # back to the same page
        expect(menu_link(page, "Drafts")).to_be_visible()
    finally:
        context.close()


def test_a_chinese_browser_gets_chinese(browser: Browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=WIDE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.get_by_role("button", name="English")).to_be_visible()
    finally:
        context.close()
