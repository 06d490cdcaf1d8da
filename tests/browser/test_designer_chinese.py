"""The designer in Chinese in real Chromium (a browser that asks for zh-CN): the page, and what
its scripts say, which they read from the page (the CSP allows no inline script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from ..browser_support import PASSWORD, TIMEOUT_MS, browser_fixture, fast_passwords, save_screenshot  # noqa: F401

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1400, "height": 900}


def test_the_designer_and_its_scripts_speak_chinese(browser: Browser, live_server, owner, draft):
    context = browser.new_context(base_url=live_server.url, viewport=WIDE, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill("owner")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.goto(f"/drafts/{draft.pk}/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.get_by_role("link", name="导出 JSON")).to_be_visible()
        expect(page.locator("#side-from h2")).to_contain_text("源端")
        page.wait_for_load_state()  # the deferred scripts have run
        save_screenshot(page, "designer-zh-1400.png", full_page=False)
        # designer.js: Enter on a name that matches nothing says so, in Chinese.
        box = page.locator("#find-input")
        box.fill("zzqqxx")
        expect(page.locator("#find-results")).to_have_attribute("data-query", "zzqqxx")
        box.press("Enter")
        expect(page.locator("#find-status")).to_have_text("此作业没有与“zzqqxx”匹配的参数。")
        # preview.js: the count of matches in the JSON.
        page.locator("#preview-find").fill("generic-jdbc-connector")
        expect(page.locator("#preview-find-count")).to_have_text("第 1 个，共 1 个")
    finally:
        context.close()
