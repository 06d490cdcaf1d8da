"""The designer's schedule editor and its macro previews, as htmx partials and as plain form posts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from cdmweb.jobs import editing
from cdmweb.jobs.models import AuditEvent, ConfigGroup, JobDraft

from ..conftest import hx

WEEKLY = {
    "enabled": "true",
    "cycle_type": "week",
    "cycle": "1",
    "run_at": "mon,fri",
    "start": "2026-12-01T02:30",
    "stop": "2027-12-01T00:00",
}
# What WEEKLY saves: the new draft's two scheduler inputs and the editor's five.
WEEKLY_SAVED = {
    "schedulerConfig.isSchedulerJob": "true",
    "schedulerConfig.disposableType": "NONE",
    "schedulerConfig.cycleType": "week",
    "schedulerConfig.cycle": "1",
    "schedulerConfig.runAt": "mon,fri",
    "schedulerConfig.startDate": "2026-12-01 02:30:00",
    "schedulerConfig.stopDate": "2027-12-01 00:00:00",
}


def scheduler(draft: JobDraft) -> ConfigGroup:
    return draft.groups.get(name="schedulerConfig")


def values(draft: JobDraft) -> dict[str, str]:
    return dict(scheduler(draft).inputs.values_list("name", "value"))


def url(draft: JobDraft) -> str:
    return reverse("schedule-update", args=[draft.pk, scheduler(draft).pk])


def test_the_editor_and_its_sentence_are_in_the_scheduler_group(owner_client, draft):
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert f'id="schedule-{scheduler(draft).pk}"' in html
    assert "Not scheduled: the job runs only when it is started." in html
    assert 'type="datetime-local"' in html and 'name="cycle_type"' in html
    # runAt is drawn for CSS to show only with a cycle it applies to (tests/browser/test_schedule.py).
    assert 'class="small mt-1 schedule-run-at"' in html


def test_saving_sets_every_schedule_input_in_one_change(owner_client, draft):
    before = draft.version
    response = owner_client.post(url(draft), WEEKLY, **hx())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="side-driver"' in html
    assert "Runs every week on Monday and Friday at 02:30 from 1 Dec 2026 until 1 Dec 2027." in html
    assert values(draft) == WEEKLY_SAVED
    draft.refresh_from_db()
    assert draft.version == before + 1
    event = AuditEvent.objects.filter(draft=draft).first()
    assert event.detail.startswith("set the schedule: isSchedulerJob, cycleType, cycle, runAt, startDate, stopDate")
    assert response["HX-Trigger"] and "draft-changed" in response["HX-Trigger"]


def test_a_cycle_runat_does_not_apply_to_drops_it(owner_client, draft):
    owner_client.post(url(draft), WEEKLY, **hx())
    owner_client.post(url(draft), {**WEEKLY, "cycle_type": "day", "stop": ""}, **hx())
    stored = values(draft)
    assert "schedulerConfig.runAt" not in stored and "schedulerConfig.stopDate" not in stored
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert (
        "Runs every day at 02:30 from 1 Dec 2026 with no end date. The time of day, 02:30, comes from the start date."
        in html
    )


def test_posting_the_same_schedule_again_is_not_a_change(owner_client, draft):
    owner_client.post(url(draft), WEEKLY, **hx())
    draft.refresh_from_db()
    version = draft.version
    response = owner_client.post(url(draft), WEEKLY, **hx())
    draft.refresh_from_db()
    assert response.status_code == 200 and draft.version == version


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stop": "2026-11-30T00:00"}, "The stop date must come after the start date."),
        ({"cycle": "0"}, "The interval is a whole number from 1 to 2147483647."),
        ({"cycle": "abc"}, "The interval is a whole number from 1 to 2147483647."),
        ({"start": "2026-02-31T00:00"}, "The start date is not a date and time"),
        ({"start": "not a date"}, "The start date is not a date and time"),
        ({"run_at": "someday"}, "runAt takes weekday names"),
        ({"cycle_type": "fortnightly"}, "Choose how often it runs"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved_is_lost(owner_client, draft, changes, message):
    owner_client.post(url(draft), WEEKLY, **hx())
    saved = values(draft)
    draft.refresh_from_db()
    version = draft.version
    posted = {**WEEKLY, **changes}
    for response in (owner_client.post(url(draft), posted, **hx()), owner_client.post(url(draft), posted)):
        html = response.content.decode()
        assert response.status_code in (200, 400)
        assert message in html and "The schedule was not saved" in html
        # What was typed is shown again, to correct rather than retype.
        assert all(f'value="{v}"' in html for k, v in posted.items() if k in ("cycle", "start", "stop") and v)
    assert values(draft) == saved
    draft.refresh_from_db()
    assert draft.version == version


def test_a_plain_form_post_redirects_to_the_group(owner_client, draft):
    response = owner_client.post(url(draft), WEEKLY)
    assert response.status_code == 302 and response["Location"].endswith(f"#group-{scheduler(draft).pk}")
    assert values(draft)["schedulerConfig.cycleType"] == "week"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Schedule saved." in page


def test_a_stored_start_the_picker_cannot_show_is_kept(owner_client, draft):
    group = scheduler(draft)
    editing.add_input(draft, group, "schedulerConfig.startDate", "${dateformat(yyyy-MM-dd)} 02:00:00")
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert "which the picker cannot show" in html
    owner_client.post(url(draft), {**WEEKLY, "start": "", "start_keep": "1"}, **hx())
    assert values(draft)["schedulerConfig.startDate"] == "${dateformat(yyyy-MM-dd)} 02:00:00"


def test_turning_the_schedule_off_keeps_what_is_given(owner_client, draft):
    owner_client.post(url(draft), WEEKLY, **hx())
    owner_client.post(url(draft), {**WEEKLY, "enabled": ""}, **hx())
    stored = values(draft)
    assert stored["schedulerConfig.isSchedulerJob"] == "false" and stored["schedulerConfig.cycleType"] == "week"


def test_the_optimistic_lock_refuses_a_stale_page(owner_client, draft):
    response = owner_client.post(url(draft), {**WEEKLY, "version": draft.version - 1 or 99}, **hx())
    assert response.status_code == 409
    assert "schedulerConfig.cycleType" not in values(draft)


def test_only_editors_may_save_a_schedule(client, crew, crew_draft, teammate, outsider):
    viewer = crew["viewer"]
    target = url(crew_draft)
    for user, status in ((outsider, 404), (viewer, 403)):
        client.force_login(user)
        assert client.post(target, WEEKLY, **hx()).status_code == status
    assert "schedulerConfig.cycleType" not in values(crew_draft)
    client.force_login(teammate)
    assert client.post(target, WEEKLY, **hx()).status_code == 200
    assert values(crew_draft)["schedulerConfig.cycleType"] == "week"


def test_only_the_scheduler_group_takes_a_schedule(owner_client, draft):
    other = draft.groups.get(name="fromJobConfig")
    response = owner_client.post(reverse("schedule-update", args=[draft.pk, other.pk]), WEEKLY, **hx())
    assert response.status_code == 404


def test_editing_a_raw_schedule_row_reloads_the_editor(owner_client, draft):
    item = scheduler(draft).inputs.get(name="schedulerConfig.isSchedulerJob")
    response = owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "true"}, **hx())
    assert f"group-changed-{scheduler(draft).pk}" in response["HX-Trigger"]
    partial = owner_client.get(
        reverse("designer", args=[draft.pk]) + f"?partial=schedule&group={scheduler(draft).pk}", **hx()
    ).content.decode()
    assert "without a cycle type CDM knows" in partial
    assert (
        owner_client.get(
            reverse("designer", args=[draft.pk])
            + f"?partial=schedule&group={draft.groups.get(name='fromJobConfig').pk}",
            **hx(),
        ).status_code
        == 404
    )


# --- macros ------------------------------------------------------------------------------------


@pytest.fixture
def where(draft):
    group = draft.groups.get(name="fromJobConfig")
    return editing.add_input(draft, group, "fromJobConfig.whereClause", "DS='${dateformat(yyyy-MM-dd,-1,DAY)}'")


def test_a_value_with_a_macro_shows_what_it_resolves_to_now_and_for_a_run_time(owner_client, draft, where, settings):
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    block = html[html.index(f'id="macros-{where.pk}"') :]
    block = block[: block.index("</dl>")]
    today = datetime.now(UTC).astimezone(__import__("cdmweb.jobspec.macros", fromlist=["DOC_TZ"]).DOC_TZ).date()
    from datetime import timedelta

    assert f"DS=&#x27;{today - timedelta(days=1):%Y-%m-%d}&#x27;" in block  # now: yesterday
    assert f"DS=&#x27;{today:%Y-%m-%d}&#x27;" in block  # the default run, next midnight: today
    assert "Date macros this input takes" in block and "UTC+08:00" in block


def test_the_picked_run_time_draws_without_saving(owner_client, draft, where):
    version = JobDraft.objects.get(pk=draft.pk).version
    preview = reverse("macro-preview", args=[draft.pk, where.pk])
    html = owner_client.get(preview + "?at=2017-10-16T09:00", **hx()).content.decode()
    assert "DS=&#x27;2017-10-15&#x27;" in html
    bad = owner_client.get(preview + "?at=yesterday", **hx()).content.decode()
    assert "not a date and time" in bad
    # Without JavaScript: the page's GET form, for one row.
    page = owner_client.get(
        reverse("designer", args=[draft.pk]), {"macro_input": where.pk, f"macro_at_{where.pk}": "2023-03-01T09:00"}
    ).content.decode()
    assert "DS=&#x27;2023-02-28&#x27;" in page
    assert JobDraft.objects.get(pk=draft.pk).version == version
    assert owner_client.post(preview).status_code == 405


def test_unknown_macros_are_named_not_guessed(owner_client, draft):
    group = draft.groups.get(name="toJobConfig")
    item = editing.add_input(draft, group, "toJobConfig.table", "${var}_${dateformat(yyyyMMdd)}")
    html = owner_client.get(reverse("macro-preview", args=[draft.pk, item.pk]) + "?at=2017-10-16T09:00", **hx())
    text = html.content.decode()
    assert "${var}_20171016" in text and "<code>${var}</code> is not resolved here: Not a date macro" in text


def test_only_rows_that_take_or_hold_macros_draw_a_macro_block(owner_client, draft):
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    blocks = re.findall(r'class="macro-block small" id="macros-(\d+)"', html)
    # The new draft's inputs CDM documents macros for: the source and destination tables.
    documented = draft.inputs.filter(name__in=["fromJobConfig.tableName", "toJobConfig.table"])
    assert sorted(blocks) == sorted(str(pk) for pk in documented.values_list("pk", flat=True))
    assert "Now, " not in html  # its value holds none: the reference alone
    item = draft.inputs.get(name="schedulerConfig.disposableType")
    assert owner_client.get(reverse("macro-preview", args=[draft.pk, item.pk]), **hx()).status_code == 204


def test_a_custom_input_with_a_macro_says_cdm_may_not_resolve_it(owner_client, draft):
    group = draft.groups.get(name="fromJobConfig")
    item = editing.add_input(draft, group, "fromJobConfig.columnList", "id&${dateformat(yyyy)}")
    html = owner_client.get(reverse("macro-preview", args=[draft.pk, item.pk]), **hx()).content.decode()
    assert "this input may be sent as written" in html and "Date macros this input takes" not in html


def test_outsiders_see_no_macro_preview(outsider_client, draft, where):
    assert outsider_client.get(reverse("macro-preview", args=[draft.pk, where.pk]), **hx()).status_code == 404


def test_the_time_filter_warns_of_month_and_year_offsets(owner_client, draft):
    group = draft.groups.get(name="fromJobConfig")
    item = editing.add_input(draft, group, "fromJobConfig.startTime", "${dateformat(yyyy-MM-dd HH:mm:ss, -1, MONTH)}")
    html = owner_client.get(reverse("macro-preview", args=[draft.pk, item.pk]), **hx()).content.decode()
    assert "time filter takes no MONTH or YEAR offsets" in html


@pytest.mark.parametrize(
    "at",
    [
        "9999-12-31T23:59:59",
        "0001-01-01T00:00",
        "2026-02-30T00:00",
        "x" * 500,
        "9999-12-31T23:59:59-10:00",  # an offset the picker never sends: converting it overflowed
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_an_extreme_or_malformed_run_time_is_never_a_500(owner_client, draft, where, at):
    response = owner_client.get(reverse("macro-preview", args=[draft.pk, where.pk]), {"at": at}, **hx())
    assert response.status_code == 200
    page = owner_client.get(reverse("designer", args=[draft.pk]), {"macro_input": where.pk, f"macro_at_{where.pk}": at})
    assert page.status_code == 200


@pytest.mark.parametrize(
    "posted",
    [
        {"cycle": "9" * 40},
        {"start": "99999-01-01T00:00"},
        {"cycle_type": ["day", "week"]},
        {"enabled": "yes please", "cycle": "１"},
        {"start": "2026-12-01T02:30\x00"},
        {"cycle": "²"},  # str.isdigit() takes it, int() does not
        {"cycle": "9" * 5000},  # past Python's int conversion limit
        {"cycle_type": "hour", "run_at": "²"},
        {"cycle_type": "month", "run_at": "9" * 5000},
        {"start": "not a date", "start_keep": "1"},
        {"start": "0999-01-01T00:00"},  # a year strftime would write with three digits
    ],
)
def test_odd_posts_are_never_a_500(owner_client, draft, posted):
    response = owner_client.post(url(draft), {**WEEKLY, **posted}, **hx())
    assert response.status_code == 200
