"""CDM's date macros, resolved on every example its documentation gives.

Sources (the same page in each): "Using Macro Variables of Date and Time", CDM user guide
https://support.huaweicloud.com/intl/en-us/usermanual-cdm/cdm_01_0068.html, DataArts Studio
dataartsstudio_01_0114 (opentelekomcloud-docs/data-arts-studio umn/source/…/using_macro_variables_of_date_and_time.rst),
and the Chinese page 时间宏变量使用解析 https://support.huaweicloud.com/usermanual-cdm/cdm_01_0068.html.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cdmweb.jobspec.macros import DOC_TZ, format_java, has_macro, refused_offsets, resolve, shift, takes_macros

# "Suppose that the current time is 2017-10-16 09:00:00" (Table 1 and the dateformat section).
DOC_NOW = datetime(2017, 10, 16, 9, 0, 0)
# "if the current date is 2023-03-01 09:00:00" (the YEAR and MONTH examples, added in 2023).
DOC_NOW_2023 = datetime(2023, 3, 1, 9, 0, 0)


def resolved(value: str, now: datetime = DOC_NOW, **kwargs) -> str:
    result = resolve(value, now, **kwargs)
    assert result.complete, result.problems
    return result.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # dateformat section: "yyyy-MM-dd HH:mm:ss indicates 2017-10-16 09:00:00".
        ("${dateformat(yyyy-MM-dd HH:mm:ss)}", "2017-10-16 09:00:00"),
        # Table 1, "Macro variable definition of time and date", row by row.
        ("${dateformat(yyyy-MM-dd)}", "2017-10-16"),
        ("${dateformat(yyyy/MM/dd)}", "2017/10/16"),
        ("${dateformat(yyyy_MM_dd HH:mm:ss)}", "2017_10_16 09:00:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, DAY)}", "2017-10-15 09:00:00"),
        ("${dateformat(yyyy-MM-dd, -1, DAY)} 00:00:00", "2017-10-15 00:00:00"),
        ("${dateformat(yyyy-MM-dd, -1, DAY)} 12:00:00", "2017-10-15 12:00:00"),
        # "${dateformat(yyyy-MM-dd, -N, DAY)} 00:00:00 … When N is 3: 2017-10-13 00:00:00"
        ("${dateformat(yyyy-MM-dd, -3, DAY)} 00:00:00", "2017-10-13 00:00:00"),
        ("${dateformat(yyyy-MM-dd, -3, DAY)} 12:00:00", "2017-10-13 12:00:00"),
        ("${timestamp()}", "1508115600000"),
        ("${timestamp(-10, MINUTE)}", "1508115000000"),
        ("${timestamp(dateformat(yyyyMMdd))}", "1508083200000"),
        ("${timestamp(dateformat(yyyyMMdd,-1,DAY))}", "1507996800000"),
        ("${timestamp(dateformat(yyyyMMddHH))}", "1508115600000"),
        # The 2017 version of the dateformat section (HOUR, MINUTE, SECOND from 2017-10-16 09:00:00).
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, HOUR)}", "2017-10-16 08:00:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, MINUTE)}", "2017-10-16 08:59:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, SECOND)}", "2017-10-16 08:59:59"),
        # "Time and Date Macro Variables of Paths and Table Names": CDM_/${dateformat(yyyy-MM-dd)}
        # (the page's prose says CDM_20171016, which is what yyyyMMdd would give; the pattern wins).
        ("CDM_/${dateformat(yyyy-MM-dd)}", "CDM_/2017-10-16"),
        ("CDM_${dateformat(yyyyMMdd)}", "CDM_20171016"),
        # "Time and Date Macro Variables in the Where Clause" and the incremental scenarios.
        ("DS='${dateformat(yyyy-MM-dd,-1,DAY)}'", "DS='2017-10-15'"),
        ("time between ${timestamp(-1,DAY)} and ${timestamp()}", "time between 1508029200000 and 1508115600000"),
    ],
)
def test_documented_examples_at_2017_10_16_09_00(value, expected):
    assert resolved(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # dateformat section, current version: "if the current date is 2023-03-01 09:00:00".
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, YEAR)}", "2022-03-01 09:00:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -3, MONTH)}", "2022-12-01 09:00:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, DAY)}", "2023-02-28 09:00:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, HOUR)}", "2023-03-01 08:00:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, MINUTE)}", "2023-03-01 08:59:00"),
        ("${dateformat(yyyy-MM-dd HH:mm:ss, -1, SECOND)}", "2023-03-01 08:59:59"),
    ],
)
def test_documented_examples_at_2023_03_01_09_00(value, expected):
    assert resolved(value, DOC_NOW_2023) == expected


def test_paths_hold_several_macros():
    # "/opt/ttxx/${dateformat(yyyy-MM-dd)}/${timestamp()} is converted to
    # /opt/ttxx/2017-10-16/1508115701746": the page's run was 101.746 s after 09:00:00.
    now = DOC_NOW + timedelta(seconds=101, milliseconds=746)
    assert resolved("/opt/ttxx/${dateformat(yyyy-MM-dd)}/${timestamp()}", now) == "/opt/ttxx/2017-10-16/1508115701746"
    # "Write Directory … /opt/ttxx/${timestamp()} … the /opt/ttxx/1508115701746 directory".
    assert resolved("/opt/ttxx/${timestamp()}", now) == "/opt/ttxx/1508115701746"


def test_the_time_filter_example_keeps_the_last_90_days():
    # Job parameter description, fromJobConfig.startTime: "${timestamp(dateformat(yyyy-MM-dd
    # HH:mm:ss,-90,DAY))} 表示：只迁移最近90天内的文件" (only files of the last 90 days).
    value = resolved("${timestamp(dateformat(yyyy-MM-dd HH:mm:ss,-90,DAY))}")
    ninety_days_before = datetime(2017, 7, 18, 9, 0, 0, tzinfo=DOC_TZ)
    assert int(value) == int(ninety_days_before.timestamp() * 1000)


def test_month_and_year_offsets_end_on_the_last_day_of_a_shorter_month():
    # "If the date does not exist after the offset, the latest date of the month … is used."
    assert resolved("${dateformat(yyyy-MM-dd, -1, MONTH)}", datetime(2023, 3, 31)) == "2023-02-28"
    assert resolved("${dateformat(yyyy-MM-dd, 1, YEAR)}", datetime(2024, 2, 29)) == "2025-02-28"
    assert resolved("${dateformat(yyyy-MM-dd, -13, MONTH)}", datetime(2024, 1, 31)) == "2022-12-31"


def test_the_time_zone_is_a_parameter():
    # 09:00 in UTC+08:00 is 01:00 UTC; read in UTC the same wall time is eight hours later.
    assert resolved("${timestamp()}", tz=UTC) == str(1508115600000 + 8 * 3600 * 1000)
    # An aware run time is converted into the cluster's zone before formatting.
    aware = datetime(2017, 10, 16, 1, 0, tzinfo=UTC)
    assert resolved("${dateformat(yyyy-MM-dd HH:mm)}", aware) == "2017-10-16 09:00"
    assert resolved("${dateformat(HH:mm Z)}", aware, tz=timezone(timedelta(hours=-5, minutes=-30))) == "19:30 -0530"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2017-10-16T09:05:07.042"),
        ("yy/M/d H:m:s.S", "17/10/16 9:5:7.42"),
        ("EEE, d MMM yyyy", "Mon, 16 Oct 2017"),
        ("EEEE d MMMM", "Monday 16 October"),
        ("hh 'o''clock' a", "09 o'clock AM"),
        ("''yyyy''", "'2017'"),
        ("D w W F u", "289 42 3 3 1"),
        ("k K h", "9 9 9"),
        ("XXX X Z G", "+08:00 +08 +0800 AD"),
        ("yyyyMMddHHmmss", "20171016090507"),
    ],
)
def test_java_patterns_are_converted_faithfully(pattern, expected):
    moment = datetime(2017, 10, 16, 9, 5, 7, 42_000, tzinfo=DOC_TZ)
    assert format_java(pattern, moment) == expected


def test_week_year_differs_from_the_year_at_the_turn_of_the_year():
    # The classic YYYY mistake: 2017-12-31 is a Sunday, the first day of week 1 of 2018.
    assert format_java("YYYY-ww yyyy", datetime(2017, 12, 31, tzinfo=DOC_TZ)) == "2018-01 2017"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("${tableName}", "Not a date macro: CDM fills this in itself"),
        ("${version}", "Not a date macro: CDM fills this in itself"),
        ("${currentTime}", "Not a date macro: a job variable or a DataArts Studio parameter"),
        ("${var}", "Not a date macro: a job variable"),
        ("${dateformat(yyyy-MM-dd, -1, WEEK)}", "WEEK is not a unit CDM documents"),
        ("${dateformat(yyyy-MM-dd, -1, day)}", "in capitals"),
        ("${dateformat(yyyy-MM-dd, -1)}", "a format, an offset and a unit"),
        ("${dateformat()}", "needs a format"),
        ("${dateformat(yyyy-MM-dd Tmm)}", "not a letter"),
        ("${dateformat('unclosed)}", "not closed"),
        ("${timestamp(1)}", "timestamp takes"),
        ("${timestamp(dateformat(EEE yyyy))}", "not resolved here"),
        ("${now()}", "not one of CDM's date macros"),
        ("a ${dateformat(yyyy)", "not closed with }"),
        ("${dateformat(yyyy, 99999999999, DAY)}", "outside the years 1 to 9999"),
        ("${dateformat(yyyy, 8000, YEAR)}", "outside the years 1 to 9999"),
    ],
)
def test_what_is_not_resolvable_here_is_reported_not_guessed(value, problem):
    result = resolve(value, DOC_NOW)
    assert not result.complete
    assert problem in " ".join(result.problems)


def test_a_file_prefix_resolves_its_dates_and_keeps_table_name():
    result = resolve("${tableName}_${dateformat(yyyyMMdd)}", DOC_NOW)
    assert result.text == "${tableName}_20171016"
    assert [m.resolved for m in result.macros] == [False, True]


def test_a_value_without_macros_is_untouched():
    assert not has_macro("id > 5") and resolve("id > 5", DOC_NOW).text == "id > 5"


def test_hours_are_elapsed_time_across_daylight_saving():
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    # On 2017-10-29 the clocks went back from 03:00 CEST to 02:00 CET: two hours before 03:30 CET
    # is 02:30 CEST, not the 01:30 a wall-clock subtraction would give.
    run = datetime(2017, 10, 29, 3, 30, tzinfo=berlin)
    assert resolved("${dateformat(HH:mm, -2, HOUR)}", run, tz=berlin) == "02:30"
    assert shift(run, -1, "DAY").hour == 3  # a day is a calendar day: same wall time


def test_inputs_that_take_macros_are_the_documented_ones_or_say_so_in_their_help():
    assert takes_macros("fromJobConfig.whereClause")
    assert takes_macros("toJobConfig.outputDirectory")
    assert takes_macros("toJobConfig.filePrefix", "Custom file-name prefix; may use ${tableName} and date macros.")
    assert not takes_macros("fromJobConfig.columnList", "Fields to extract, joined with &.")
    assert not takes_macros("toJobConfig.whereClause", "Delete condition applied before loading.")


def test_the_time_filter_refuses_month_and_year_offsets():
    # "These two offset types cannot be used for the start time and end time in the Time Filter".
    assert "no MONTH or YEAR offsets" in refused_offsets(
        "fromJobConfig.startTime", "${dateformat(yyyy-MM-dd, -1, MONTH)}"
    )
    assert refused_offsets("fromJobConfig.startTime", "${dateformat(yyyy-MM-dd HH:mm:ss, -1, DAY)}") == ""
    assert refused_offsets("fromJobConfig.whereClause", "${dateformat(yyyy-MM-dd, -1, YEAR)}") == ""
