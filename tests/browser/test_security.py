"""The Content-Security-Policy in a real browser: every screen, and an htmx change, with no
violation reported (htmx, Bootstrap and our script all run with no inline code)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from ..browser_support import browser_fixture, fast_passwords, logged_in_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_csp_violation_on_any_screen(browser: Browser, live_server, crew, crew_draft, django_user_model):
    from cdmweb.jobs import reviewing

    review = reviewing.request_review(crew_draft, crew["editor"])
    django_user_model.objects.filter(username="owner").update(is_staff=True, is_superuser=True)
    with logged_in_page(browser, live_server, {"width": 1300, "height": 900}) as page:
        problems: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning") or "Content Security Policy" in message.text:
                problems.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        for url in (
            "/",
            f"/drafts/{crew_draft.pk}/",
            f"/drafts/{crew_draft.pk}/history/",
            f"/drafts/{crew_draft.pk}/submit/",
            f"/reviews/{review.pk}/",
            "/reviews/",
            "/teams/crew/",
            "/drafts/new/",
            "/drafts/import/",
            "/admin/",
            f"/admin/jobs/jobdraft/{crew_draft.pk}/change/",
        ):
            page.goto(url)
        # An htmx change: the edit, the row swap, the preview refresh, all under the policy.
        page.goto(f"/drafts/{crew_draft.pk}/")
        item = crew_draft.inputs.get(name="fromJobConfig.tableName")
        page.locator(f"#value-{item.pk}").fill("csp_checked")
        page.locator(f"#value-{item.pk}").press("Enter")
        expect(page.locator("#preview-json")).to_contain_text("csp_checked")
        assert problems == []
