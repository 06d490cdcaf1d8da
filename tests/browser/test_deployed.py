"""End-to-end in headless Chromium, the whole life of a job a team already runs: pull it into the
team → edit → review by a second person → deploy (an update of the job, never Cdm.0104) → someone
changes it on the cluster → drift → take the cluster's version → review again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from cdmweb.jobs.models import JobDraft, Review, Submission
from cdmweb.sandbox.models import SandboxJob

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401
from ..jobs.clusters_support import cluster_id, demo_job, edit_on_cluster, input_value, put_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1400, "height": 1000}
JOB = "orders_team_nightly"
TABLE = "fromJobConfig.tableName"


def test_pull_edit_review_deploy_drift_take_the_cluster_version(browser: Browser, live_server, sandbox, crew) -> None:
    put_jobs(demo_job(JOB))
    with logged_in_page(browser, live_server, VIEWPORT) as author:
        # Pull the job into the team.
        author.get_by_role("link", name="Clusters").click()
        author.get_by_role("button", name="Refresh").click()
        author.goto(f"/clusters/?target=sandbox&cluster={cluster_id()}")
        expect(author.locator("#cluster-jobs")).to_contain_text(JOB)
        author.get_by_label(f"Pull {JOB}").check()
        author.locator("#pull-team").select_option("crew")
        author.get_by_role("button", name="Pull ticked").click()
        expect(author.locator("#messages")).to_contain_text("1 new draft")
        draft = JobDraft.objects.get(tracked_name=JOB)
        assert draft.team_id == crew["team"].pk

        # Edit it in the designer.
        author.goto(f"/drafts/{draft.pk}/")
        expect(author.locator("#drift-status")).to_have_text("in sync")
        box = author.locator(f"#value-{draft.inputs.get(name=TABLE).pk}")
        box.fill("orders_v2")
        box.press("Enter")
        expect(author.locator("#review-status")).to_contain_text("not reviewed")

        # Not deployable before a second person approves it.
        author.get_by_role("link", name="Submit to CDM…").click()
        expect(author.locator("#tracks-job")).to_contain_text(f"tracks job {JOB} on cluster")
        expect(author.locator("#needs-approval")).to_be_visible()
        author.goto(f"/drafts/{draft.pk}/")
        author.get_by_role("button", name="Request review").click()
        expect(author.locator("#review-status")).to_contain_text("in review")
        with logged_in_page(
            browser, live_server, VIEWPORT, username="crew-reviewer", password="reviewer-pass-1234"
        ) as reviewer:
            reviewer.get_by_role("link", name="Reviews").click()
            reviewer.get_by_role("link", name="Review", exact=True).click()
            expect(reviewer.locator("#diff")).to_contain_text("orders_v2")
            reviewer.get_by_role("button", name=re.compile(r"^Approve r\d+$")).click()
            expect(reviewer.locator("#queue-empty")).to_be_visible()

        # Deploy: the job the cluster has is updated, then run.
        author.goto(f"/drafts/{draft.pk}/submit/")
        expect(author.locator("#approved")).to_be_visible()
        author.get_by_role("button", name="Submit to CDM", exact=True).click()
        expect(author).to_have_url(re.compile(r"/submissions/\d+/$"))
        expect(author.locator("#outcome")).to_have_text(
            f"Updated job {JOB} on cluster sandbox-cluster-1 and started it."
        )
        expect(author.locator("#cdm-status")).to_have_text("SUCCEEDED", timeout=15_000)
        assert Submission.objects.get().action == Submission.Action.UPDATE
        assert input_value(SandboxJob.objects.get(name=JOB).body, TABLE) == "orders_v2"

        # Someone changes the job in the console: the designer shows drift, with the diff.
        edit_on_cluster(JOB, "orders_by_hand")
        author.goto(f"/drafts/{draft.pk}/")
        author.locator("#drift-status a").click()
        author.get_by_role("button", name="Check now").click()
        expect(author.locator("#drift-panel [data-drift]")).to_have_text("drifted")
        expect(author.locator("#diff")).to_contain_text("orders_by_hand")
        save_screenshot(author, "deployed-drifted.png")

        # Take the cluster's version: a new revision by this user, in sync, and review again.
        author.get_by_role("button", name="Take the cluster's version").click()
        expect(author.locator("#drift-status")).to_have_text("in sync")
        expect(author.locator("#review-status")).to_contain_text("changed since approval")
        save_screenshot(author, "deployed-took-cluster-version.png")
    draft.refresh_from_db()
    assert input_value(draft.build(), TABLE) == "orders_by_hand"
    assert Review.objects.filter(draft=draft, state=Review.State.APPROVED).count() == 1
