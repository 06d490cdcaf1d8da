"""End-to-end: submitting a draft to the embedded CDM sandbox in real headless Chromium.

The sandbox answers CDM's API from the same ``live_server``, so the submit page lists its clusters,
the submit button sends the job over real HTTP, and the submission page polls it with htmx until it
ends. Every step asserts what the user sees and what is stored.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, ViewportSize, expect

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import JobDraft, Submission, Target
from cdmweb.jobspec.constants import TERMINAL_STATUSES
from cdmweb.sandbox.engine import cluster_id_for, create_jobs, get_cluster
from cdmweb.sandbox.models import SandboxJob

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import REPO_ROOT, browser_fixture, fast_passwords, logged_in_page, save_screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = REPO_ROOT / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
RUNNING_CLUSTERS = ("sandbox-cluster-1", "sandbox-cluster-2", "sandbox-cluster-3")
STOPPED_CLUSTER = "sandbox-stopped"
SUBMISSION_URL = re.compile(r"/submissions/(\d+)/$")


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def page(browser: Browser, live_server, owner) -> Iterator[Page]:
    """A fresh browser context, logged in as ``owner`` through the real login form."""
    with logged_in_page(browser, live_server, VIEWPORT) as page:
        yield page


@pytest.fixture
def valid_draft(owner) -> JobDraft:
    (draft,), _ = import_text(DEMO.read_text(), owner)
    assert draft.error_count == 0
    return draft


@pytest.fixture
def failing_draft(owner) -> JobDraft:
    """The demo job with a source link the sandbox is told to fail half way."""
    body = json.loads(DEMO.read_text())
    body["jobs"][0]["name"] = "orders_fail_demo"
    body["jobs"][0]["from-link-name"] = "shop_mysql_fail"
    (draft,), _ = import_text(json.dumps(body), owner)
    assert draft.error_count == 0
    return draft


# --- helpers --------------------------------------------------------------------------------


def cluster_ids(settings) -> dict[str, str]:
    project = settings.CDM_SANDBOX_PROJECT_ID
    return {name: cluster_id_for(project, name) for name in (*RUNNING_CLUSTERS, STOPPED_CLUSTER)}


def submission_on_page(page: Page) -> Submission:
    """Wait for the submission page and return the stored row it shows."""
    expect(page).to_have_url(SUBMISSION_URL)
    match = SUBMISSION_URL.search(page.url)
    assert match
    submission = Submission.objects.get(pk=int(match.group(1)))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Submission #{submission.pk}: {submission.job_name}")
    return submission


def status_snapshot(page: Page) -> dict[str, Any] | None:
    """The status section read in one go, so an htmx swap cannot fall between two reads."""
    return page.evaluate(
        """() => {
            const section = document.querySelector('#status');
            if (!section) return null;
            return {
                status: section.querySelector('#cdm-status')?.textContent.trim(),
                valuenow: section.querySelector('.progress')?.getAttribute('aria-valuenow'),
                text: section.querySelector('#progress-value')?.textContent.trim(),
                trigger: section.getAttribute('hx-trigger'),
            };
        }"""
    )


def dd_after(page: Page, term: str) -> str:
    return (page.locator(f"#status dt:text-is('{term}') + dd").text_content() or "").strip()


def open_submit_page(page: Page, draft: JobDraft) -> None:
    page.goto(f"/drafts/{draft.pk}/submit/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Submit “{draft.name}”")


def submit_to_one_cluster(page: Page, draft: JobDraft, cluster: str) -> Submission:
    open_submit_page(page, draft)
    page.get_by_label("One cluster (create, then start; or update the job it has)").check()
    page.locator("#id_cluster_id").select_option(label=f"{cluster} (running)")
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    return submission_on_page(page)


def assert_no_stack_text(text: str) -> None:
    for marker in ("Traceback", 'File "', "most recent call last", "Exception", ".py", "\n  at "):
        assert marker not in text, f"stack text {marker!r} shown to the user: {text!r}"


# --- 1. the happy path, watched ----------------------------------------------------------------


def test_submit_from_the_designer_to_a_random_pool_and_watch_it_succeed(
    page: Page, sandbox: Target, valid_draft: JobDraft, settings
) -> None:
    settings.CDM_SANDBOX_RUN_SECONDS = 3.0  # long enough to see the bar move between polls
    ids = cluster_ids(settings)

    # The designer's button leads to the submit page.
    page.goto(f"/drafts/{valid_draft.pk}/")
    page.get_by_role("link", name="Submit to CDM…").click()
    expect(page).to_have_url(re.compile(rf"/drafts/{valid_draft.pk}/submit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit “orders_mysql_to_hive”")
    expect(page.locator("main .alert-danger")).to_have_count(0)  # nothing CDM would refuse
    expect(page.get_by_role("button", name="Submit to CDM", exact=True)).to_be_enabled()

    # The sandbox's clusters are listed: three running, one stopped; the pool ticks only the running.
    pool = page.locator("#submit-form input[name=pool]")
    expect(pool).to_have_count(4)
    for name in RUNNING_CLUSTERS:
        expect(page.get_by_label(f"{name} (running)", exact=True)).to_be_checked()
    stopped = page.get_by_label(f"{STOPPED_CLUSTER} (status 900)", exact=True)
    expect(stopped).not_to_be_checked()
    options = page.locator("#id_cluster_id option")
    expect(options).to_have_text(
        ["— choose —", *(f"{n} (running)" for n in RUNNING_CLUSTERS), f"{STOPPED_CLUSTER} (status 900)"]
    )
    expect(page.get_by_label("A random running cluster from a pool")).to_be_checked()
    sandbox.refresh_from_db()
    assert {c["id"] for c in sandbox.clusters} == set(ids.values())

    # Submit to the random pool and land on the submission's page.
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    submission = submission_on_page(page)
    running_ids = [ids[n] for n in RUNNING_CLUSTERS]
    assert submission.state == Submission.State.ACCEPTED
    assert sorted(submission.pool) == sorted(running_ids)
    assert submission.body["jobs"] == [valid_draft.build()]
    expect(page.locator("main")).to_contain_text("random pick from 3 clusters")

    # Watch the bar: sample it while htmx polls, until the job ends.
    samples: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        snapshot = status_snapshot(page)
        if snapshot:
            samples.append(snapshot)
            if snapshot["status"] in TERMINAL_STATUSES:
                break
        page.wait_for_timeout(100)
    running = [s for s in samples if s["status"] == "RUNNING"]
    assert running, f"never saw RUNNING: {samples}"
    assert all(s["trigger"] == "every 1s" for s in samples[:-1])  # polls while the job is not over
    seen: list[tuple[int, float]] = []
    for sample in running:
        value = (int(sample["valuenow"]), float(sample["text"].removesuffix("%").strip()))
        if not seen or seen[-1] != value:
            seen.append(value)
    assert len(seen) >= 2, f"the bar did not move while RUNNING: {running}"
    assert [v for v, _ in seen] == sorted({v for v, _ in seen}), seen  # aria-valuenow strictly increases
    assert [t for _, t in seen] == sorted({t for _, t in seen}), seen  # and so does the text
    assert all(0 <= v < 100 for v, _ in seen)

    # The end: SUCCEEDED, a full green bar, counters, and no more polling.
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED")
    section = page.locator("#status")
    expect(page.locator("#status .progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#progress-value")).to_have_text("100.0 %")
    expect(page.locator("#status .progress-bar")).to_have_class(re.compile(r"\bbg-success\b"))
    assert section.get_attribute("hx-trigger") is None and section.get_attribute("hx-get") is None
    expect(page.locator("#status .spinner-border")).to_have_count(0)
    # Counts are grouped as the language writes them (|number): "540,533".
    rows_read, rows_written = (int(n.replace(",", "")) for n in dd_after(page, "Rows read / written").split(" / "))
    assert rows_read > 0 and rows_written > 0
    assert "picked by CDM" in dd_after(page, "Cluster")
    expect(page.locator("#submission-error")).to_have_count(0)

    polls: list[Request] = []
    page.on("request", lambda request: polls.append(request) if "/submissions/" in request.url else None)
    page.wait_for_timeout(1_300)  # longer than one polling period
    assert polls == [], "the page kept polling after the job ended"

    submission.refresh_from_db()
    assert (submission.cdm_status, submission.progress) == ("SUCCEEDED", 100.0)
    assert submission.rows_read == rows_read and submission.rows_written == rows_written
    assert submission.cluster_id in running_ids
    job = SandboxJob.objects.get(name="orders_mysql_to_hive")
    assert job.cluster.cluster_id == submission.cluster_id
    # The page names the cluster CDM picked, with its id.
    assert dd_after(page, "Cluster").startswith(f"{job.cluster.name} {submission.cluster_id}")

    save_screenshot(page, "submission.png")


# --- 2. a job that fails -----------------------------------------------------------------------


def test_a_failing_job_shows_failed_and_its_reason_in_words(
    page: Page, sandbox: Target, failing_draft: JobDraft, settings
) -> None:
    submission = submit_to_one_cluster(page, failing_draft, "sandbox-cluster-3")
    assert submission.state == Submission.State.ACCEPTED
    assert submission.cluster_id == cluster_ids(settings)["sandbox-cluster-3"]

    expect(page.locator("#cdm-status")).to_have_text("FAILED")
    error = page.locator("#submission-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Failed to connect to the database server")
    expect(error).to_contain_text("the sandbox was told to fail this job")
    expect(error).to_have_class(re.compile(r"\balert-danger\b"))
    assert_no_stack_text(error.inner_text())
    assert_no_stack_text(page.locator("#status").inner_text())
    expect(page.locator("#status .progress-bar")).to_have_class(re.compile(r"\bbg-danger\b"))
    expect(error.get_by_role("link", name="Submit again")).to_be_visible()
    assert page.locator("#status").get_attribute("hx-trigger") is None  # a failed job is over too

    submission.refresh_from_db()
    assert submission.cdm_status == "FAILED" and submission.finished_at is not None
    assert "told to fail" in submission.error_message
    assert SandboxJob.objects.get(name="orders_fail_demo").cluster.cluster_id == submission.cluster_id


# --- 3. the same job name twice -------------------------------------------------------------------


def test_a_job_name_the_cluster_has_unknown_to_cdmweb_is_refused_then_updated_on_request(
    page: Page, sandbox: Target, failing_draft: JobDraft, owner, settings
) -> None:
    cluster = cluster_ids(settings)["sandbox-cluster-3"]
    # Someone made a job of this name in the console: cdmweb does not know it.
    create_jobs(get_cluster(sandbox.project_id, cluster), [failing_draft.build()], user="console")

    submission = submit_to_one_cluster(page, failing_draft, "sandbox-cluster-3")
    expect(page.locator("#cdm-status")).to_have_text("REFUSED")
    error = page.locator("#submission-error")
    expect(error.locator("code")).to_have_text("Cdm.0104")
    expect(error).to_contain_text("The job name already exists.")
    assert_no_stack_text(error.inner_text())
    # CDM never ran it: no progress to show, and the ways on are offered.
    expect(page.locator("#status .progress-bar")).to_have_count(0)
    expect(page.locator("#progress-value")).to_have_count(0)
    expect(error.get_by_role("link", name="Submit again")).to_be_visible()
    assert page.locator("#status").get_attribute("hx-trigger") is None
    submission.refresh_from_db()
    assert (submission.state, submission.error_code, submission.http_status) == (
        Submission.State.REFUSED,
        "Cdm.0104",
        400,
    )

    # The user means that job: update it with this draft.
    error.get_by_role("button", name="Update the existing job orders_fail_demo with this draft instead").click()
    updated = submission_on_page(page)
    assert updated.pk != submission.pk and updated.action == Submission.Action.UPDATE
    expect(page.locator("#outcome")).to_have_text(
        "Updated job orders_fail_demo on cluster sandbox-cluster-3 and started it."
    )
    assert SandboxJob.objects.filter(name="orders_fail_demo").count() == 1
    failing_draft.refresh_from_db()
    assert failing_draft.tracked_name == "orders_fail_demo" and failing_draft.home_cluster_id == cluster

    # The submit page lists both attempts under "Earlier submissions".
    open_submit_page(page, failing_draft)
    earlier = page.locator("h2:text-is('Earlier submissions') + ul > li")
    expect(earlier).to_have_count(2)
    expect(earlier.last).to_contain_text("refused")


# --- 4. a double click ------------------------------------------------------------------------------


def submit_posts(page: Page) -> list[Request]:
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/submit/") else None)
    return posts


def test_a_double_click_on_submit_sends_one_job(page: Page, sandbox: Target, valid_draft: JobDraft) -> None:
    open_submit_page(page, valid_draft)
    key = page.locator("#submit-form input[name=idempotency_key]").input_value()
    posts = submit_posts(page)

    page.get_by_role("button", name="Submit to CDM", exact=True).dblclick()
    submission = submission_on_page(page)
    # The page follows the one job to its end.
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED")

    # Chromium folds a double click into one navigation; whatever it sent carries the form's one key.
    assert posts and {dict(p.post_data_json or {}).get("idempotency_key") for p in posts} == {key}
    assert Submission.objects.count() == 1 and SandboxJob.objects.count() == 1
    submission.refresh_from_db()
    assert submission.idempotency_key == key and submission.cdm_status == "SUCCEEDED"


def test_the_same_form_posted_again_lands_on_the_same_submission(
    page: Page, sandbox: Target, valid_draft: JobDraft
) -> None:
    """What a browser that does not fold a double click sends: the one form posted twice.

    The posts go one after the other. Sent at the same instant, the second can still answer 500
    ("database is locked": SQLite cannot upgrade the deferred transaction of the get_or_create in
    ``submitting.submit``), a race too rare to assert here without making the test flaky.
    """
    open_submit_page(page, valid_draft)
    key = page.locator("#submit-form input[name=idempotency_key]").input_value()
    posts = submit_posts(page)

    landed = page.evaluate(
        """async () => {
            const form = document.querySelector('#submit-form');
            const post = async () => {
                const data = new FormData(form);
                data.set('submit', '1');
                const answer = await fetch(form.action, {method: 'POST', body: data});
                return [answer.status, answer.url, answer.redirected];
            };
            return [await post(), await post()];
        }"""
    )
    assert len(posts) == 2
    assert landed[0] == landed[1], landed
    status, url, redirected = landed[0]
    assert (status, redirected) == (200, True) and SUBMISSION_URL.search(url), landed

    # Then the user's own click, with the same form, lands on that same submission.
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    submission = submission_on_page(page)
    assert page.url == url
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED")
    assert Submission.objects.count() == 1 and SandboxJob.objects.count() == 1
    assert submission.idempotency_key == key


# --- a second submission of the same draft -----------------------------------------------------


def test_submitting_the_same_draft_again_updates_its_job_and_a_pool_goes_where_the_job_is(
    page: Page, sandbox: Target, valid_draft: JobDraft, settings
) -> None:
    ids = cluster_ids(settings)
    page.goto(f"/drafts/{valid_draft.pk}/submit/")
    page.get_by_label("One cluster (create, then start; or update the job it has)").check()
    page.locator("#id_cluster_id").select_option(ids["sandbox-cluster-2"])
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    first = submission_on_page(page)
    expect(page.locator("#outcome")).to_have_text(
        "Created job orders_mysql_to_hive on cluster sandbox-cluster-2 and started it."
    )
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED", timeout=10_000)

    # The designer now leads to the job on the cluster; the submit page says what will happen.
    page.goto(f"/drafts/{valid_draft.pk}/")
    expect(page.locator("#deployed-job-link")).to_be_visible()
    page.get_by_role("link", name="Submit to CDM…").click()
    expect(page.locator("#tracks-job")).to_contain_text("tracks job orders_mysql_to_hive on cluster sandbox-cluster-2")
    expect(page.locator("#id_cluster_id")).to_have_value(ids["sandbox-cluster-2"])
    expect(page.get_by_label("Start the job once it is updated")).to_be_checked()
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    second = submission_on_page(page)
    assert second.pk != first.pk and second.action == Submission.Action.UPDATE
    expect(page.locator("#outcome")).to_have_text(
        "Updated job orders_mysql_to_hive on cluster sandbox-cluster-2 and started it."
    )
    expect(page.locator("main")).not_to_contain_text("Cdm.0104")
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED", timeout=10_000)
    save_screenshot(page, "submit-again-updated.png")

    # A pool: the job is where it is, so it goes there and the page says so.
    page.goto(f"/drafts/{valid_draft.pk}/submit/")
    page.get_by_label("A random running cluster from a pool").check()
    page.get_by_role("button", name="Submit to CDM", exact=True).click()
    third = submission_on_page(page)
    assert third.cluster_id == ids["sandbox-cluster-2"] and third.action == Submission.Action.UPDATE
    expect(page.locator("#routing-note")).to_contain_text("Sent to cluster sandbox-cluster-2, which has this job")
    expect(page.locator("#cdm-status")).to_have_text("SUCCEEDED", timeout=10_000)
    assert SandboxJob.objects.count() == 1

    # The job's page: its runs on the cluster beside the submissions from cdmweb.
    page.goto(f"/drafts/{valid_draft.pk}/job/")
    expect(page.locator("#run-history tbody tr")).to_have_count(3)
    expect(page.locator("#submission-list li")).to_have_count(3)
    save_screenshot(page, "deployed-job.png")
