"""End-to-end in headless Chromium: the clusters screen → pull a job → the tracked draft → someone
changes the job on the cluster → the drift badge says so → take the cluster's version → in sync."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cdmweb.jobs.models import JobDraft

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page, menu_link, save_screenshot  # noqa: F401
from ..jobs.clusters_support import cluster_id, demo_job, edit_on_cluster, input_value, put_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE: ViewportSize = {"width": 1400, "height": 1000}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def jobs_on_cluster(sandbox):
    put_jobs(*(demo_job(f"orders_{n:02}") for n in range(12)), demo_job("stock_batch", "BATCH_JOB"))
    return sandbox


@pytest.mark.parametrize(("viewport", "tag"), [(WIDE, "1400"), (PHONE, "390")])
def test_pull_then_drift_then_take_the_cluster_version(
    browser: Browser, live_server, owner, jobs_on_cluster, viewport, tag
) -> None:
    with logged_in_page(browser, live_server, viewport) as page:
        menu_link(page, "Clusters").click()
        expect(page.get_by_role("heading", name="Clusters of sandbox")).to_be_visible()
        page.goto(f"/clusters/?target=sandbox&cluster={cluster_id()}")
        expect(page.locator("#cluster-jobs")).to_contain_text("stock_batch")
        expect(page.locator("#cluster-links")).to_contain_text("shop_mysql")
        # Search narrows the list (htmx), then tick one job and pull it into a private draft.
        page.locator("#job-search").fill("orders_03")
        expect(page.locator("#cluster-jobs tbody tr")).to_have_count(1)
        save_screenshot(page, f"clusters-screen-{tag}.png")
        page.get_by_label("Pull orders_03").check()
        page.get_by_role("button", name="Pull ticked").click()
        expect(page.locator("#messages")).to_contain_text("1 new draft")
        draft = JobDraft.objects.get(tracked_name="orders_03")
        row = page.locator("#cluster-jobs tr", has_text="orders_03")
        expect(row.locator("[data-drift]")).to_have_text("in sync")
        row.get_by_role("link", name=f"#{draft.pk} (mine)").click()
        expect(page.locator("#drift-status")).to_have_text("in sync")
        save_screenshot(page, f"clusters-designer-in-sync-{tag}.png")

        edit_on_cluster("orders_03", "orders_by_hand")  # someone changes it in the console
        page.locator("#drift-status a").click()
        page.get_by_role("button", name="Check now").click()
        expect(page.locator("#drift-panel [data-drift]")).to_have_text("drifted")
        expect(page.locator("#diff")).to_contain_text("orders_by_hand")
        save_screenshot(page, f"clusters-drift-{tag}.png")
        menu_link(page, "Drafts").click()
        expect(page.locator('tr:has-text("orders_03") [data-drift]')).to_have_text("drifted")
        page.locator('tr:has-text("orders_03") [data-drift]').click()
        page.get_by_role("button", name="Take the cluster's version").click()
        expect(page.locator("#messages")).to_contain_text("cluster's version")
        expect(page.locator("#drift-status")).to_have_text("in sync")
        save_screenshot(page, f"clusters-took-version-{tag}.png")
    draft.refresh_from_db()
    assert input_value(draft.build(), "fromJobConfig.tableName") == "orders_by_hand"
    assert draft.drift_state == JobDraft.Drift.IN_SYNC


def test_the_drift_check_of_an_open_page_never_shows_a_secret(browser: Browser, live_server, owner, sandbox) -> None:
    job = demo_job("with_secret")
    job["from-config-values"]["configs"][0]["inputs"].append({"name": "fromJobConfig.password", "value": "Old-S3cret"})
    put_jobs(job)
    page: Page
    with logged_in_page(browser, live_server, WIDE) as page:
        page.goto(f"/clusters/?target=sandbox&cluster={cluster_id()}")
        page.get_by_role("button", name="Pull all 1 matching").click()
        expect(page.locator("#messages")).to_contain_text("1 new draft")
        from cdmweb.sandbox.models import SandboxJob

        stored = SandboxJob.objects.get(name="with_secret")
        body = stored.body
        body["from-config-values"]["configs"][0]["inputs"][-1]["value"] = "New-S3cret"
        stored.body = body
        stored.save()
        draft = JobDraft.objects.get(tracked_name="with_secret")
        page.goto(f"/drafts/{draft.pk}/drift/")
        page.get_by_role("button", name="Check now").click()
        expect(page.locator("#diff")).to_contain_text("fromJobConfig.password")
        html = page.content()
        assert "S3cret" not in html
