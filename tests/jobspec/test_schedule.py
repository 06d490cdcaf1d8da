"""The schedule of a job told in one sentence, and the editor's fields checked into CDM's inputs."""

from __future__ import annotations

import pytest

from cdmweb.jobspec.schedule import (
    CYCLE,
    CYCLE_TYPE,
    ENABLED,
    RUN_AT_NAME,
    START,
    STOP,
    check_form,
    describe,
    from_picker,
    to_picker,
)

DAILY = {ENABLED: "true", CYCLE_TYPE: "day", CYCLE: "1", START: "2026-12-01 02:30:00", STOP: "2027-12-01 00:00:00"}


def sentence(**changes: str) -> str:
    values = {**DAILY, **{f"schedulerConfig.{k}": v for k, v in changes.items()}}
    return describe({k: v for k, v in values.items() if v is not None}).sentence


def test_a_daily_run_says_its_time_comes_from_the_start_date():
    assert sentence() == (
        "Runs every day at 02:30 from 1 Dec 2026 until 1 Dec 2027. The time of day, 02:30, comes from the start date."
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"cycleType": "minute", "cycle": "10"}, "Runs every 10 minutes from 1 Dec 2026 02:30 until 1 Dec 2027."),
        ({"cycleType": "hour", "runAt": "27,57"}, "every hour at minutes 27 and 57 of the hour from 1 Dec 2026 02:30"),
        ({"cycleType": "hour", "cycle": "3"}, "Runs every 3 hours from 1 Dec 2026 02:30 until"),
        ({"cycleType": "week", "runAt": "mon,tue,fri"}, "Runs every week on Monday, Tuesday and Friday at 02:30 from"),
        ({"cycleType": "month", "runAt": "15"}, "Runs every month on day 15 of the month at 02:30"),
        ({"cycleType": "month", "cycle": "2", "runAt": "1,15"}, "Runs every 2 months on days 1 and 15 of the month"),
        ({"stopDate": None}, "Runs every day at 02:30 from 1 Dec 2026 with no end date."),
        ({"stopDate": "2027-06-30 23:59:00"}, "until 30 Jun 2027 23:59."),
        ({"startDate": "2026-12-01 02:30:15"}, "Runs every day at 02:30:15 from 1 Dec 2026"),
        ({"cycle": ""}, "Runs every day at 02:30"),
        ({"startDate": None}, "No start date is set"),
    ],
)
def test_every_cycle_reads_as_a_plain_sentence(changes, expected):
    assert expected in sentence(**changes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"isSchedulerJob": "false"}, "Not scheduled: the job runs only when it is started."),
        ({"isSchedulerJob": None}, "Not scheduled"),
        ({"cycleType": "fortnight"}, "without a cycle type CDM knows"),
        ({"cycle": "abc"}, "not a whole number above 0"),
        ({"cycle": "0"}, "not a whole number above 0"),
    ],
)
def test_what_cannot_run_is_said_plainly(changes, expected):
    assert expected in sentence(**changes)


def test_notes_name_what_is_ignored_or_wrong():
    notes = describe({**DAILY, RUN_AT_NAME: "mon"}).notes
    assert notes == ["runAt is ignored: it applies to hour, week and month cycles, not day."]
    assert "not written yyyy-MM-dd HH:mm:ss" in describe({**DAILY, START: "tomorrow"}).notes[0]
    assert "never runs" in describe({**DAILY, STOP: "2026-11-01 00:00:00"}).notes[0]


def test_picker_values_are_written_as_cdm_takes_them():
    assert from_picker("2026-12-01T02:30") == "2026-12-01 02:30:00"
    assert from_picker("2026-12-01T02:30:15") == "2026-12-01 02:30:15"
    assert from_picker(" ") == ""
    with pytest.raises(ValueError):
        from_picker("2026-13-01T02:30")
    assert to_picker("2026-12-01 02:30:00") == "2026-12-01T02:30:00"
    assert to_picker("${dateformat(yyyy)}") == ""


FORM = {"enabled": "on", "cycle_type": "day", "cycle": "1", "start": "2026-12-01T02:30", "stop": "2027-12-01T00:00"}


def test_a_valid_form_becomes_the_inputs():
    form = check_form(FORM)
    assert form.valid
    assert form.values == {
        ENABLED: "true",
        CYCLE_TYPE: "day",
        CYCLE: "1",
        RUN_AT_NAME: None,
        START: "2026-12-01 02:30:00",
        STOP: "2027-12-01 00:00:00",
    }


def test_run_at_is_kept_only_where_it_applies():
    assert check_form({**FORM, "cycle_type": "week", "run_at": "Mon, FRI"}).values[RUN_AT_NAME] == "mon,fri"
    assert check_form({**FORM, "cycle_type": "day", "run_at": "mon"}).values[RUN_AT_NAME] is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cycle": "0"}, "cycle", "whole number from 1"),
        ({"cycle": "abc"}, "cycle", "whole number from 1"),
        ({"cycle": ""}, "cycle", "whole number from 1"),
        ({"cycle_type": "fortnight"}, "cycle_type", "Choose how often"),
        ({"start": "2026-02-30T02:30"}, "start", "not a date and time"),
        ({"stop": "soon"}, "stop", "not a date and time"),
        ({"start": ""}, "start", "needs a start date"),
        ({"stop": "2026-11-30T23:00"}, "stop", "must come after the start"),
        ({"stop": "2026-12-01T02:30"}, "stop", "must come after the start"),
        ({"cycle_type": "hour", "run_at": "61"}, "run_at", "minutes of the hour"),
        ({"cycle_type": "week", "run_at": "monday"}, "run_at", "weekday names"),
        ({"cycle_type": "month", "run_at": "0,32"}, "run_at", "days of the month"),
    ],
)
def test_bad_input_gets_a_message_on_its_field(changes, field, message):
    form = check_form({**FORM, **changes})
    assert not form.valid and message in form.errors[field]


def test_a_schedule_turned_off_needs_nothing_else():
    form = check_form({"cycle_type": "", "cycle": "", "start": "", "stop": ""})
    assert form.valid
    assert form.values[ENABLED] == "false" and form.values[CYCLE_TYPE] is None and form.values[START] is None
    assert not check_form({"cycle": "abc"}).valid  # what it gives must still be right
