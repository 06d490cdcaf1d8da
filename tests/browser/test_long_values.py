"""A value of 5,000 characters with no space wraps on every page that shows it: the designer's
history, the review, the submission page; the page never grows wider than the window."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from cdmweb.jobs import reviewing
from cdmweb.jobs.models import Submission
from cdmweb.jobs.submissions import targets

# browser_fixture and fast_passwords are fixtures: pytest finds them in this module's namespace.
from ..browser_support import browser_fixture, fast_passwords, logged_in_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "x" * 5000
# Django's admin lays its lists out for a desktop; on a phone it is as wide as its columns need.
ADMIN_MIN_WIDTH = 1400


def page_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [1400, 390])
def test_a_long_value_never_widens_a_page(
    browser: Browser, live_server, crew, crew_draft, django_user_model, width
) -> None:
    first = crew_draft.snapshot(crew["owner"], "before")
    row = crew_draft.inputs.get(name="fromJobConfig.tableName")
    row.value = LONG
    row.save()
    crew_draft.record_change(crew["owner"])
    review = reviewing.request_review(crew_draft, crew["owner"])
    submission = Submission.objects.create(
        draft=crew_draft,
        target=targets.sandbox_target(),
        user=crew["owner"],
        idempotency_key="long",
        body={},
        job_name="orders",
        state=Submission.State.REFUSED,
        error_message=f"CDM said: {LONG}",
    )
    with logged_in_page(browser, live_server, {"width": width, "height": 900}) as page:
        for url in (
            f"/drafts/{crew_draft.pk}/history/?a={first.number}",
            f"/reviews/{review.pk}/",
            f"/submissions/{submission.pk}/",
            "/submissions/",
        ):
            page.goto(url)
            assert page_width(page) <= width, url
        page.goto(f"/drafts/{crew_draft.pk}/history/?a={first.number}")
        assert LONG[:100] in page.locator("#diff").inner_text()
    django_user_model.objects.create_superuser("boss", password="boss-pass-1234")
    with logged_in_page(
        browser, live_server, {"width": width, "height": 900}, username="boss", password="boss-pass-1234"
    ) as page:
        for url in ("/admin/jobs/draftinput/", f"/admin/jobs/draftinput/{row.pk}/change/", "/admin/jobs/submission/"):
            page.goto(url)
            assert page_width(page) <= max(width, ADMIN_MIN_WIDTH), url
