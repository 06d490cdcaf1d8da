"""The whole flow in Chinese, in real Chromium with a Chinese browser (Accept-Language zh-CN): log
in, a new team draft, the designer, a review by a second person, submitting to the sandbox and
watching the job run. At each screen the page must show no English words but names, codes and
values (tests/browser_support.english_shown), and a screenshot is kept for people to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cdmweb.jobs.models import JobDraft, Review, Submission

from ..browser_support import (  # noqa: F401  (fixtures pytest finds by name)
    PASSWORD,
    TIMEOUT_MS,
    browser_fixture,
    english_shown,
    fast_passwords,
    menu_link,
    save_screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE: ViewportSize = {"width": 1400, "height": 1000}
NARROW: ViewportSize = {"width": 390, "height": 844}
# What the flow types: each a name, a value or a user, so the pages may show them as they are.
VALUES = [
    ("schemaname", "shop"),
    ("tablename", "orders_2026"),
    ("partitioncolumn", "id"),
    ("toJobConfig.database", "ods"),
    ("toJobConfig.table", "ods_orders"),
    ("tablepreparation", "CREATE_WHEN_NOT_EXIST"),
]
DATA = frozenset({"orders_daily", "shop", "ods", "id", "owner", "crew-reviewer", "Crew", "sandbox", "r1", "MB", "KB"})


@contextmanager
def chinese_page(browser: Browser, live_server, viewport: ViewportSize, username: str, password: str) -> Iterator[Page]:
    """A fresh Chinese browser, logged in through the (Chinese) log-in form."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.get_by_role("heading", name="我的草稿")).to_be_visible()
        yield page
    finally:
        context.close()


def assert_chinese(page: Page, screenshot: str) -> None:
    save_screenshot(page, screenshot)
    shown = english_shown(page, DATA)
    assert shown == [], f"{screenshot}: {shown}"


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1400", "390"])
def test_the_whole_flow_in_chinese(browser: Browser, live_server, sandbox, crew, settings, viewport):
    settings.CDM_SANDBOX_RUN_SECONDS = 1.5
    width = viewport["width"]
    with chinese_page(browser, live_server, viewport, "owner", PASSWORD) as author:
        assert_chinese(author, f"zh-flow-dashboard-{width}.png")

        # A new draft, shared with the team.
        menu_link(author, "新建草稿").click()
        expect(author.get_by_role("heading", level=1)).to_have_text("新建作业草稿")
        assert_chinese(author, f"zh-flow-new-{width}.png")
        author.locator("#id_name").fill("orders_daily")
        author.locator("#id_from_connector").select_option("generic-jdbc-connector")
        author.locator("#id_from_link").fill("shop_mysql")
        author.locator("#id_to_connector").select_option("hive-connector")
        author.locator("#id_to_link").fill("lake_hive")
        author.locator("#id_team").select_option(label="Crew")
        author.locator("main form [type=submit]").click()
        expect(author.locator("#find-input")).to_be_visible()
        draft = JobDraft.objects.get(name="orders_daily")

        # The designer: the inputs set from the find box, the findings, the summary all in Chinese.
        author.locator("#find-input").click()
        for name, value in VALUES:
            author.locator("#find-input").fill(f"{name}={value}")
            author.locator("#find-input").press("Enter")
            expect(author.locator("#find-status")).to_contain_text("已设置")
        author.locator("#find-input").fill("")
        author.reload()
        draft.refresh_from_db()
        assert draft.error_count == 0, [i.name for i in draft.inputs.all()]
        assert_chinese(author, f"zh-flow-designer-{width}.png")

        # Review: asked for in Chinese, decided by a second person in Chinese.
        author.get_by_label("给审核人的说明", exact=True).fill("每晚同步订单表。")
        author.get_by_role("button", name="申请审核").click()
        expect(author.locator("#open-review")).to_contain_text("等待审核")
        with chinese_page(browser, live_server, viewport, "crew-reviewer", "reviewer-pass-1234") as reviewer:
            menu_link(reviewer, re.compile(r"^审核")).click()
            expect(reviewer.locator("#review-queue")).to_contain_text("每晚同步订单表。")
            assert_chinese(reviewer, f"zh-flow-queue-{width}.png")
            reviewer.locator("#review-queue").get_by_role("link", name="审核", exact=True).click()
            expect(reviewer.locator("#diff")).to_contain_text("fromJobConfig.tableName")
            assert_chinese(reviewer, f"zh-flow-review-{width}.png")
            reviewer.locator("#decision-comment").fill("没问题。")
            reviewer.get_by_role("button", name=re.compile(r"^批准 r\d+$")).click()
            expect(reviewer.locator("#queue-empty")).to_be_visible()
        assert Review.objects.get().state == Review.State.APPROVED

        # Submit to a random running cluster of the sandbox and watch it run.
        author.goto(f"/drafts/{draft.pk}/")
        author.get_by_role("link", name="提交到 CDM…").click()
        expect(author.get_by_role("heading", level=1)).to_have_text("提交“orders_daily”")
        expect(author.locator("#approved")).to_be_visible()
        assert_chinese(author, f"zh-flow-submit-{width}.png")
        author.get_by_role("button", name="提交到 CDM", exact=True).click()
        expect(author).to_have_url(re.compile(r"/submissions/\d+/$"))
        expect(author.locator("#cdm-status")).to_have_text("SUCCEEDED", timeout=20_000)
        submission = Submission.objects.get()
        assert submission.job_name == "orders_daily" and submission.language == "zh-hans"
        expect(author.locator("main")).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"))
        assert_chinese(author, f"zh-flow-submission-{width}.png")
