"""Accessibility in real Chromium: axe-core (npm, injected by the test, never served) on every
screen at 1400 px and 390 px, with no serious or critical violation; focus always visible; a
finding says ERROR or WARNING in words, not by its colour alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from playwright.sync_api import Error as PlaywrightError

from cdmweb.accounts.models import Membership
from cdmweb.jobs import editing, reviewing
from cdmweb.jobs.clusters import drift, pulling
from cdmweb.jobs.models import JobDraft, Review, Submission, Target
from cdmweb.jobs.submissions import submitting, targets

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import (  # noqa: F401
    AXE_FAILING_IMPACTS,
    assert_accessible,
    axe_violations,
    browser_fixture,
    describe_violations,
    fast_passwords,
    logged_in_page,
    login,
    save_screenshot,
)
from ..jobs.clusters_support import cluster_id, demo_job, edit_on_cluster, put_jobs
from ..jobs.test_submission import wait_until_terminal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE: ViewportSize = {"width": 1400, "height": 1000}
PHONE: ViewportSize = {"width": 390, "height": 844}
TRACKED = "orders_nightly"


@dataclass
class World:
    """One of everything a screen shows, so that every screen is audited with content."""

    target: Target
    findings_draft: JobDraft
    team_draft: JobDraft
    tracked_draft: JobDraft
    review: Review
    submission: Submission


@pytest.fixture
def findings_draft(owner) -> JobDraft:
    """A draft as a new user leaves it: required inputs still empty (errors), a custom key (a
    warning), an input that does not apply with the current values."""
    draft = editing.create_draft(
        owner,
        name="orders_sync",
        job_type="NORMAL_JOB",
        from_connector="generic-jdbc-connector",
        from_link="mysql_link",
        to_connector="hive-connector",
        to_link="hive_link",
    )
    group = draft.groups.get(side="from", name="fromJobConfig")
    editing.add_input(draft, group, "fromJobConfig.myOwnKey", "x")
    editing.add_input(draft, group, "fromJobConfig.sql", "select 1")  # applies only when useSql=true
    draft.record_change(owner)
    return draft


@pytest.fixture
def world(sandbox, owner, crew, crew_draft, findings_draft, django_user_model) -> World:
    # The owner is staff (the admin screens) and the team's admin (the team page's forms).
    django_user_model.objects.filter(pk=owner.pk).update(is_staff=True, is_superuser=True)
    Membership.objects.filter(user=owner, team=crew["team"]).update(role="admin")
    # The team draft waits for review, with a comment, so the review page and the queue have rows.
    review = reviewing.request_review(crew_draft, owner, "Nightly orders load, please check the table.")
    # A tracked job, deployed once (runs on the job's page), then changed on the cluster (drift).
    targets.refresh_clusters(sandbox)
    put_jobs(demo_job(TRACKED))
    (tracked_id,) = pulling.pull(sandbox, cluster_id(), owner).new_ids
    tracked_draft = JobDraft.objects.get(pk=tracked_id)
    submission = submitting.submit(tracked_draft, sandbox, owner, "a11y", cluster_id=cluster_id())
    submission, _, _ = wait_until_terminal(submission)
    edit_on_cluster(TRACKED, "orders_by_hand")
    drift.check(JobDraft.objects.filter(pk=tracked_id))
    tracked_draft.refresh_from_db()
    return World(sandbox, findings_draft, crew_draft, tracked_draft, review, submission)


def screens(world: World) -> dict[str, str]:
    """Every screen of the app, by name, as the owner sees it."""
    return {
        "dashboard": "/",
        "new draft": "/drafts/new/",
        "import": "/drafts/import/",
        "designer with findings": f"/drafts/{world.findings_draft.pk}/",
        "designer of a team draft": f"/drafts/{world.team_draft.pk}/",
        "designer of a tracked draft": f"/drafts/{world.tracked_draft.pk}/",
        "designer, random-cluster preview": f"/drafts/{world.findings_draft.pk}/?form=random",
        "history": f"/drafts/{world.team_draft.pk}/history/",
        "review": f"/reviews/{world.review.pk}/",
        "review queue": "/reviews/",
        "submit": f"/drafts/{world.team_draft.pk}/submit/",
        "submit, tracked": f"/drafts/{world.tracked_draft.pk}/submit/",
        "submission": f"/submissions/{world.submission.pk}/",
        "submissions": "/submissions/",
        "clusters": "/clusters/",
        "clusters, one cluster": f"/clusters/?target={world.target.name}&cluster={cluster_id()}",
        "drift": f"/drafts/{world.tracked_draft.pk}/drift/",
        "job on the cluster": f"/drafts/{world.tracked_draft.pk}/job/",
        "link create": f"/links/new/?target={world.target.pk}&cluster={cluster_id()}",
        "team": "/teams/crew/",
        "password change": "/accounts/password/",
        "admin index": "/admin/",
        "admin changelist": "/admin/jobs/jobdraft/",
        "admin change form": f"/admin/jobs/jobdraft/{world.team_draft.pk}/change/",
    }


# Controls named only by a placeholder or a title: axe lets those pass, but a placeholder
# disappears as soon as something is typed, and a title is read out by some screen readers only.
UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => !["hidden", "submit", "button"].includes(el.type))
    .filter((el) => !el.labels?.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
    .map((el) => el.outerHTML.slice(0, 120))"""


class Audit:
    """Collects every screen's violations, so one run names all of them, not just the first."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.failing: list[str] = []
        self.counts: dict[tuple[str, str], int] = {}

    def check(self, page: Page, name: str) -> None:
        violations = axe_violations(page)
        for v in violations:
            key = (v["id"], v["impact"])
            self.counts[key] = self.counts.get(key, 0) + len(v["targets"])
        failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
        unlabelled = page.evaluate(UNLABELLED)
        if unlabelled:
            self.failing.append(f"{name} ({page.url}): controls without a label: {', '.join(unlabelled)}")
        if failing:
            self.failing.append(f"{name} ({page.url}):\n{describe_violations(failing)}")

    def report(self) -> str:
        lines = [f"axe at {self.tag} px: {impact} {rule} × {n}" for (rule, impact), n in sorted(self.counts.items())]
        return "\n".join(lines) or f"axe at {self.tag} px: no violation"


@pytest.mark.parametrize(("viewport", "tag"), [(WIDE, "1400"), (PHONE, "390")])
def test_no_serious_or_critical_violation_on_any_screen(
    browser: Browser, live_server, world: World, viewport: ViewportSize, tag: str
) -> None:
    audit = Audit(tag)
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        audit.check(page, "login")
        page.locator("#id_username").fill("owner")
        page.locator("#id_password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("form .alert-danger, form .invalid-feedback").first).to_be_visible()
        audit.check(page, "login refused")
        login(page)
        for name, url in screens(world).items():
            response = page.goto(url)
            assert response is not None and response.ok, f"{name}: {url} answered {response and response.status}"
            audit.check(page, name)
        # Forms sent back with their errors.
        page.goto("/drafts/import/")
        page.locator("#import-form textarea").fill("{not json")
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page.locator("#import-form .alert-danger, #import-form .invalid-feedback").first).to_be_visible()
        audit.check(page, "import refused")
        page.goto("/drafts/new/")
        page.eval_on_selector("main form", "form => { form.noValidate = true; }")  # the server's refusal
        page.locator("main form [type=submit]").click()
        expect(page.locator("main form .invalid-feedback").first).to_be_visible()
        audit.check(page, "new draft refused")
        # The designer's banner when a change is refused because someone else saved first.
        draft = world.findings_draft
        page.goto(f"/drafts/{draft.pk}/")
        item = draft.inputs.get(name="fromJobConfig.myOwnKey")
        editing.update_input(item, "changed elsewhere")
        draft.record_change(world.team_draft.owner)
        page.locator(f"#value-{item.pk}").fill("mine")
        page.locator(f"#value-{item.pk}").press("Enter")
        expect(page.locator("#conflict .alert-danger")).to_be_visible()
        audit.check(page, "designer with a conflict banner")
        save_screenshot(page, f"a11y-designer-conflict-{tag}.png")
        # Empty states, as someone with no draft, submission or review yet sees them.
        context.clear_cookies()
        login(page, "outsider", "outsider-pass-1234")
        for name, url in {"empty dashboard": "/", "no submissions": "/submissions/", "no reviews": "/reviews/"}.items():
            page.goto(url)
            audit.check(page, name)
        # The review as a reviewer sees it: the decision form.
        context.clear_cookies()
        login(page, "crew-reviewer", "reviewer-pass-1234")
        page.goto("/reviews/")
        audit.check(page, "review queue, as a reviewer")
        page.goto(f"/reviews/{world.review.pk}/")
        audit.check(page, "review, as a reviewer")
    finally:
        context.close()
    print(audit.report())
    assert not audit.failing, "serious or critical accessibility violations:\n" + "\n".join(audit.failing)


def test_axe_reaches_the_page_past_its_csp_which_stays_strict(browser: Browser, live_server, owner) -> None:
    with logged_in_page(browser, live_server, WIDE) as page:
        response = page.goto("/")
        assert response is not None and "script-src" in (response.headers.get("content-security-policy") or "")
        assert page.evaluate("() => typeof window.axe") == "undefined"  # no page ships it
        # An inline <script> is refused by the policy; the helper's DevTools evaluation is not.
        with pytest.raises(PlaywrightError, match="Content Security Policy"):
            page.add_script_tag(content="window.inlineRan = true;")
        assert page.evaluate("() => window.inlineRan") is None
        assert_accessible(page)
        assert page.evaluate("() => typeof window.axe.run") == "function"


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const name = (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40);
    return {
        what: `${el.tagName.toLowerCase()}#${el.id} ${name}`,
        outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    };
}"""


@pytest.mark.parametrize(("viewport", "tag"), [(WIDE, "1400"), (PHONE, "390")])
def test_keyboard_focus_is_always_visible(
    browser: Browser, live_server, findings_draft: JobDraft, viewport: ViewportSize, tag: str
) -> None:
    with logged_in_page(browser, live_server, viewport) as page:
        for screen, url in (("dashboard", "/"), ("designer", f"/drafts/{findings_draft.pk}/")):
            page.goto(url)
            seen = []
            for _ in range(60):
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUSED)
                if focused["what"].startswith("body#"):
                    break  # past the page's last control
                seen.append(focused["what"])
                if len(seen) == 14:
                    save_screenshot(page, f"a11y-focus-{screen}-{tag}.png", full_page=False)
                assert focused["outline"] == "solid" and focused["width"] >= 2, f"{url}: {focused} has no visible focus"
            # On a phone the menu is folded: its toggle is the stop, and the links behind it are not.
            menu = "Log out" if viewport["width"] >= 992 else "menu-toggle"
            assert len(seen) >= 5 and any(menu in what for what in seen), seen


def test_findings_say_error_or_warning_in_words_not_by_colour_alone(
    browser: Browser, live_server, findings_draft: JobDraft
) -> None:
    with logged_in_page(browser, live_server, WIDE) as page:
        page.goto(f"/drafts/{findings_draft.pk}/")
        page.locator("#findings summary").click()  # "All findings"
        findings = page.locator("#sides .finding, #findings .finding")
        texts = [text.strip() for text in findings.all_inner_texts()]
        assert len(texts) > 6
        assert all(text.startswith(("Error", "Warning")) for text in texts), texts
        assert any(text.startswith("Warning") for text in texts) and any(text.startswith("Error") for text in texts)
        # A row that does not apply is greyed, and says so.
        sql = page.locator(f"#input-{findings_draft.inputs.get(name='fromJobConfig.sql').pk}")
        expect(sql).to_have_class(re.compile(r"\bnot-applicable\b"))
        expect(sql.locator(".input-help")).to_contain_text("Does not apply with the current values: it applies when")


def test_the_designer_has_landmarks_and_a_heading_for_each_region(
    browser: Browser, live_server, findings_draft: JobDraft
) -> None:
    with logged_in_page(browser, live_server, WIDE) as page:
        page.goto(f"/drafts/{findings_draft.pk}/")
        expect(page.get_by_role("navigation")).to_have_count(1)
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("heading", level=1)).to_have_text("orders_sync")
        for name in ("Source", "Destination", "Driver", "Sharing and review", "Discussion"):
            expect(page.get_by_role("heading", level=2, name=name)).to_have_count(1)
        # One heading per group, under its side: a screen reader lists and jumps to them.
        groups = findings_draft.groups.values_list("name", flat=True)
        for name in groups:
            expect(page.get_by_role("heading", level=3, name=name, exact=True)).to_have_count(1)
