"""End-to-end in real Chromium: a new draft whose link is missing on the cluster → the submit page
says so → "Create a link" (test connection, then create) → the submission goes through."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import ClusterLink, JobDraft, Submission, Target
from cdmweb.sandbox.engine import cluster_id_for
from cdmweb.sandbox.models import SandboxLink

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import REPO_ROOT, browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = REPO_ROOT / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
SECRET = "Br0wser-link-secret"


@pytest.fixture
def page(browser: Browser, live_server, owner) -> Iterator[Page]:
    with logged_in_page(browser, live_server, VIEWPORT) as page:
        yield page


@pytest.fixture
def new_draft(owner) -> JobDraft:
    """The demo job, renamed, reading from a link no cluster has yet."""
    body = json.loads(DEMO.read_text())
    body["jobs"][0].update({"name": "orders_from_crm", "from-link-name": "crm_mysql"})
    (draft,), _ = import_text(json.dumps(body), owner)
    assert draft.error_count == 0
    return draft


def fill_link(page: Page) -> None:
    page.locator("[name=in__linkConfig__databaseType]").select_option("MYSQL")
    page.locator("[name=in__linkConfig__host]").fill("10.0.0.7")
    page.locator("[name=in__linkConfig__port]").fill("3306")
    page.locator("[name=in__linkConfig__username]").fill("cdm")
    page.locator("[name=in__linkConfig__password]").fill(SECRET)


def test_a_missing_link_is_said_created_from_the_submit_page_and_the_job_then_runs(
    page: Page, sandbox: Target, new_draft: JobDraft, settings
) -> None:
    one = cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, "sandbox-cluster-1")

    # The submit page asks each running cluster for the draft's links and says which one lacks what.
    page.goto(f"/drafts/{new_draft.pk}/submit/")
    problems = page.locator("#link-problems")
    expect(problems).to_contain_text("The source link crm_mysql does not exist on cluster sandbox-cluster-1.")
    expect(problems.locator("li")).to_have_count(3)  # three running clusters, the destination link everywhere
    save_screenshot(page, "links-1-submit-page-missing-link.png")

    # Sending anyway is refused before anything is recorded, with the same words.
    page.get_by_label("One cluster (create, then start; or update the job it has)").check()
    page.locator("#id_cluster_id").select_option(label="sandbox-cluster-1 (running)")
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    expect(page.locator("#submit-form .alert-danger")).to_contain_text(
        "crm_mysql does not exist on cluster sandbox-cluster-1"
    )
    assert not Submission.objects.exists()

    # "Create crm_mysql on sandbox-cluster-1": the form for the JDBC connector, prefilled.
    page.get_by_role("link", name="Create crm_mysql on sandbox-cluster-1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a link on sandbox")
    expect(page.locator("#id_name")).to_have_value("crm_mysql")
    expect(page.locator("#pick-connector")).to_have_value("generic-jdbc-connector")
    expect(page.get_by_label("sandbox-cluster-1", exact=True)).to_be_checked()
    expect(page.locator("[name=in__linkConfig__password]")).to_have_attribute("type", "password")

    # A host the sandbox cannot reach fails the test, beside the form; nothing is created.
    fill_link(page)
    page.locator("[name=in__linkConfig__host]").fill("crm.unreachable.example")
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#link-failed")).to_contain_text("Failed to connect to the database server")
    expect(page.locator("[name=in__linkConfig__password]")).to_have_value("")  # never sent back
    assert SECRET not in page.content()

    # Test connection, then create.
    fill_link(page)
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#link-tested")).to_contain_text("Connection works on sandbox-cluster-1")
    assert not SandboxLink.objects.filter(name="crm_mysql").exists()
    page.locator("[name=in__linkConfig__password]").fill(SECRET)
    save_screenshot(page, "links-2-create-a-link.png")
    page.get_by_role("button", name="Create link").click()

    # Back on the submit page: created on cluster 1; the other clusters still lack it.
    expect(page).to_have_url(re.compile(rf"/drafts/{new_draft.pk}/submit/"))
    expect(page.locator("main")).to_contain_text("Link crm_mysql created on sandbox-cluster-1.")
    expect(problems.locator("li")).to_have_count(2)
    expect(problems).not_to_contain_text("cluster sandbox-cluster-1.")
    assert SandboxLink.objects.get(name="crm_mysql", cluster__cluster_id=one).connector == "generic-jdbc-connector"
    assert ClusterLink.objects.get(cluster_id=one, name="crm_mysql").origin == "created"
    assert SECRET not in page.content()

    # Submit to the cluster that has it: the job runs to the end.
    page.get_by_label("One cluster (create, then start; or update the job it has)").check()
    page.locator("#id_cluster_id").select_option(label="sandbox-cluster-1 (running)")
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    expect(page).to_have_url(re.compile(r"/submissions/\d+/$"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and page.locator("#cdm-status").text_content().strip() != "SUCCEEDED":
        page.wait_for_timeout(200)
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED")
    save_screenshot(page, "links-3-submitted.png")
    assert Submission.objects.get().cluster_id == one
