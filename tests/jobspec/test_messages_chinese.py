"""The job core speaks the viewer's language: findings, the schedule's sentence and its field
errors, macro reasons and import errors in Chinese under zh-hans, English right after (nothing
remembered in one language is served in the other); codes, inputs and names never translated."""

from __future__ import annotations

import copy
import re

import pytest
from django.utils import translation

from cdmweb.jobspec.diffing import ABSENT, shown
from cdmweb.jobspec.links import body_problem
from cdmweb.jobspec.macros import refused_offsets, resolve
from cdmweb.jobspec.payload import PayloadError, loads_body
from cdmweb.jobspec.schedule import CYCLE, CYCLE_TYPE, ENABLED, RUN_AT_NAME, START, STOP, check_form, describe
from cdmweb.jobspec.validation import check_for_cluster, validate_job

from .test_validation import BASE

CJK = re.compile(r"[\u4e00-\u9fff]")


def broken_job() -> dict:
    """A job with a finding of many kinds: an invisible character in the name, a link left out, a
    near-miss input name, a URL-encoded value, a runAt that is not a weekday."""
    job = copy.deepcopy(BASE)
    job["name"] = "orders\u202esync"
    del job["to-link-name"]
    job["from-config-values"]["configs"][0]["inputs"] += [
        {"name": "fromJobConfig.tabelName", "value": "x"},
        {"name": "fromJobConfig.whereClause", "value": "id%3D1"},
    ]
    job["driver-config-values"] = {
        "configs": [
            {
                "name": "schedulerConfig",
                "inputs": [
                    {"name": "schedulerConfig.cycleType", "value": "week"},
                    {"name": "schedulerConfig.runAt", "value": "monday"},
                ],
            }
        ]
    }
    return job


def shape(findings: list[dict]) -> list[tuple]:
    return [(f["status"], f["code"], f["input"], f.get("where")) for f in findings]


def test_findings_are_in_chinese_with_codes_and_inputs_untouched():
    english = validate_job(broken_job())
    with translation.override("zh-hans"):
        chinese = validate_job(broken_job())
    assert shape(chinese) == shape(english)
    assert {f["code"] for f in chinese} >= {"Cdm.0018", "Cdm.0238", "Cdm.0089", "Cdm.0004"}
    messages = {f["code"] + " " + f["input"]: f["message"] for f in chinese}
    assert messages["Cdm.0018 name"] == (
        "name 包含不可见或会改变文字方向的字符（U+202E），看起来会像另一个名称。请去掉这些字符后重新输入。"
    )
    assert messages["Cdm.0238 to-link-name"] == "缺少 to-link-name。"
    assert messages["Cdm.0089 fromJobConfig.tabelName"] == (
        "fromJobConfig.tabelName 不是 fromJobConfig 的参数；是否指 fromJobConfig.tableName？CDM 会拒绝它不认识的参数。"
    )
    assert messages["Cdm.0004 schedulerConfig.runAt"] == (
        "cycleType 为 week 时，runAt 填星期名称（mon、tue、wed、thu、fri、sat、sun）；'monday' 不符合。"
    )
    untranslated = [f["message"] for f in chinese if not CJK.search(f["message"])]
    assert untranslated == []


def test_the_same_call_in_english_right_after_is_english():
    with translation.override("zh-hans"):
        validate_job(broken_job())
        check_for_cluster({**BASE, "driver-config-values": _extractors("50")}, "cdm.small")
    with translation.override("en"):
        again = validate_job(broken_job())
    assert not [f["message"] for f in again if CJK.search(f["message"])]
    assert "to-link-name is missing." in [f["message"] for f in again]
    assert "fromJobConfig.tabelName is not an input of fromJobConfig; did you mean fromJobConfig.tableName?" in (
        " ".join(f["message"] for f in again)
    )


def _extractors(count: str) -> dict:
    group = {"name": "throttlingConfig", "inputs": [{"name": "throttlingConfig.numExtractors", "value": count}]}
    return {"configs": [group]}


def test_a_cluster_finding_in_chinese():
    job = {**BASE, "driver-config-values": _extractors("50")}
    with translation.override("zh-hans"):
        [found] = check_for_cluster(job, "cdm.small")
    assert found["message"].startswith("该作业要求 50 个抽取并发；cdm.small 规格的集群同时只运行")
    assert found["input"] == "throttlingConfig.numExtractors"


DAILY = {ENABLED: "true", CYCLE_TYPE: "day", CYCLE: "1", START: "2026-12-01 02:30:00", STOP: "2027-12-01 00:00:00"}


@pytest.mark.parametrize(
    ("changes", "chinese"),
    [
        ({}, "自2026年12月1日起，每天 02:30 运行，截至2027年12月1日。每天的运行时刻 02:30 取自开始时间。"),
        (
            {CYCLE_TYPE: "week", RUN_AT_NAME: "mon,wed,fri", STOP: ""},
            "自2026年12月1日起，每周的星期一、星期三、星期五 02:30 运行，无结束时间。"
            "每天的运行时刻 02:30 取自开始时间。",
        ),
        (
            {CYCLE_TYPE: "hour", CYCLE: "2", RUN_AT_NAME: "0,30", STOP: "2027-06-30 23:59:00"},
            "自2026年12月1日 02:30起，每 2 小时的第 0、30 分钟运行，截至2027年6月30日 23:59。",
        ),
        ({ENABLED: "false"}, "未设置定时任务：作业只在手动启动时运行。"),
    ],
)
def test_the_schedule_sentence_in_chinese_reads_dates_the_chinese_way(changes, chinese):
    values = {**DAILY, **changes}
    with translation.override("zh-hans"):
        assert describe(values).sentence == chinese
    with translation.override("en"):
        assert not CJK.search(describe(values).sentence)  # and English again right after


def test_the_schedule_editor_errors_in_chinese():
    data = {"enabled": "on", "cycle_type": "week", "cycle": "0", "run_at": "monday", "start": "", "stop": "x"}
    with translation.override("zh-hans"):
        errors = check_form(data).errors
    assert errors == {
        "cycle": "间隔必须是 1 到 2147483647 之间的整数。",
        "run_at": "周期为周时，runAt 填星期名称（mon、tue、wed、thu、fri、sat、sun），用逗号分隔。",
        "stop": "结束时间不是有效的日期和时间（yyyy-MM-dd HH:mm:ss）。",
        "start": "定时作业需要开始日期和时间。",
    }
    with translation.override("en"):
        assert check_form(data).errors["start"] == "A scheduled job needs a start date and time."


def test_macro_reasons_in_chinese_and_the_macro_as_written():
    from datetime import datetime

    with translation.override("zh-hans"):
        problems = resolve("${dateformat(yyyy, -1, WEEK)}_${tableName}", datetime(2026, 12, 1)).problems
        refused = refused_offsets("fromJobConfig.startTime", "${timestamp(-1, MONTH)}")
    assert problems == [
        "${dateformat(yyyy, -1, WEEK)}：WEEK 不是 CDM 文档中的单位（SECOND, MINUTE, HOUR, DAY, MONTH, YEAR）。",
        "${tableName}：不是日期宏：CDM 在命名写入的文件时自行填入。",
    ]
    assert refused == "CDM 的时间过滤不接受 MONTH 或 YEAR 偏移：请使用 DAY、HOUR、MINUTE 或 SECOND。"
    with translation.override("en"):
        english = resolve("${tableName}", datetime(2026, 12, 1)).problems
    assert english == ["${tableName}: Not a date macro: CDM fills this in itself as it names the files it writes."]


def test_import_errors_link_errors_and_the_diff_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(PayloadError) as caught:
            loads_body('{"jobs": [1]}')
        problem = body_problem({"links": [{"name": "l", "connector-name": "no-such-connector"}]})
        absent = shown(ABSENT)
    assert str(caught.value) == "第 1 个作业是数字，不是 JSON 对象"
    assert problem is not None and problem["message"] == "连接器 [no-such-connector] 不存在。"
    assert problem["code"] == "Cdm.0102"
    assert absent == "（不存在）"
    with translation.override("en"):
        assert shown(ABSENT) == "(absent)"


def test_a_value_of_the_wrong_type_is_said_in_chinese_with_its_code_kept():
    from cdmweb.catalog.input_types import input_type
    from cdmweb.catalog.registry import get_catalog

    catalog = get_catalog()
    use_sql = catalog.spec("generic-jdbc-connector", "from", "fromJobConfig.useSql")
    extractors = catalog.by_name[("driver", "throttlingConfig.numExtractors")]
    cases = [
        (use_sql, "yes", "Cdm.0004", "必须为 true 或 false"),
        (extractors, "999", "Cdm.0024", "必须在 [1, 300] 范围内"),
        (extractors, "many", "Cdm.0009", "必须为整数"),
    ]
    for spec, value, code, words in cases:
        with translation.override("zh-hans"):
            found = input_type(spec).check(spec, value)
            assert found is not None and found[0] == code and words in found[1]
        with translation.override("en"):
            english = input_type(spec).check(spec, value)
            assert english[0] == code and not any("\u4e00" <= ch <= "\u9fff" for ch in english[1])


def test_pythons_json_reasons_are_said_in_the_users_language():
    for text, english, chinese in [
        ('{"a": 1,}', "a key in double quotes was expected here", "此处应为双引号括起的键"),
        ('{"jobs": [1 2]}', "a comma was expected here", "此处应为逗号"),
    ]:
        with translation.override("zh-hans"):
            with pytest.raises(PayloadError) as zh:
                loads_body(text)
        assert chinese in str(zh.value) and "Expecting" not in str(zh.value)
        with translation.override("en"):
            with pytest.raises(PayloadError) as en:
                loads_body(text)
        assert english in str(en.value)
