"""The catalogue in Chinese: every text has a Chinese version with its source, and what the app
shows (the designer's help, the find box, link forms, CDM's error messages, the sandbox's answers)
follows the interface's language while the English attributes stay as they are."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cdmweb.catalog.registry import CHINESE_FILE, DATA_FILE, get_catalog
from cdmweb.jobs.clusters.link_forms import LinkForm
from cdmweb.jobs.forms import connector_choices, job_type_choices
from cdmweb.jobs.input_search import search_inputs
from cdmweb.jobs.submissions.submitting import explain
from cdmweb.sandbox.engine import SandboxRefusal, cluster_id_for

TRANSLATED = "translated from the English catalogue"
CHINESE_PAGE = re.compile(r"^huaweicloudDocs/dgc@[0-9a-f]{7}:cn\.zh-cn/(API参考|用户指南)/[^/]+\.md")
HAN = re.compile(r"[\u4e00-\u9fff]")

ENGLISH = json.loads(DATA_FILE.read_text(encoding="utf-8"))
CHINESE = json.loads(CHINESE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def no_language_left_active():
    """A request leaves its language active in the test's thread: later tests must not inherit it."""
    yield
    translation.deactivate()


def chinese(text: str) -> bool:
    return bool(HAN.search(text))


def sourced(entry: dict) -> bool:
    return entry.get("source") == TRANSLATED or bool(CHINESE_PAGE.match(entry.get("source", "")))


# --- the data: complete, Chinese, sourced ------------------------------------------------------


def test_every_connector_input_has_a_chinese_help_with_its_source_and_as_many_notes():
    count = 0
    for connector, raw in ENGLISH["connectors"].items():
        for side, items in raw["inputs"].items():
            for item in items:
                key = f"{connector}:{side}:{item['name']}"
                entry = CHINESE["inputs"].get(key)
                assert entry is not None, key
                assert chinese(entry["help"]) and sourced(entry), key
                assert len(entry.get("notes", [])) == len(item.get("notes", [])), key
                assert all(chinese(note) for note in entry.get("notes", [])), key
                assert bool(entry.get("context")) == bool(item.get("context")), key
                count += 1
    assert count == len(CHINESE["inputs"]) == 538


def test_every_driver_input_connector_and_job_type_has_chinese_with_a_source():
    driver = [item for items in ENGLISH["driver"].values() for item in items]
    assert len(driver) == len(CHINESE["driver"]) == 26
    for item in driver:
        entry = CHINESE["driver"][item["name"]]
        assert chinese(entry["help"]) and sourced(entry), item["name"]
        assert len(entry.get("notes", [])) == len(item.get("notes", []))
    for name, raw in ENGLISH["connectors"].items():
        entry = CHINESE["connectors"][name]
        assert entry["label"], name  # some are names only: "Hive（MRS / Apache Hadoop）"
        assert sourced(entry) and len(entry["notes"]) == len(raw["notes"])
        assert all(chinese(note) for note in entry["notes"])
    labels = [entry["label"] for entry in CHINESE["connectors"].values()]
    assert sum(chinese(label) for label in labels) >= len(labels) - 4
    assert {jt["value"] for jt in ENGLISH["job_types"]} == set(CHINESE["job_types"])
    assert CHINESE["job_types"]["NORMAL_JOB"]["label"] == "表/文件迁移"
    assert all(sourced(entry) for entry in CHINESE["job_types"].values())


def test_every_error_code_has_a_chinese_message_with_the_same_placeholders():
    assert set(CHINESE["error_codes"]) == set(ENGLISH["error_codes"]) and len(CHINESE["error_codes"]) == 166
    for code, info in ENGLISH["error_codes"].items():
        entry = CHINESE["error_codes"][code]
        assert chinese(entry["message"]) and sourced(entry), code
        assert entry["message"].count("%s") == info["message"].count("%s"), code


def test_most_texts_take_the_wording_of_the_chinese_documentation():
    entries = [*CHINESE["inputs"].values(), *CHINESE["driver"].values()]
    from_docs = [e for e in entries if e["source"] != TRANSLATED]
    assert len(from_docs) > 0.8 * len(entries)
    # The partition column's help is the reference's own words, trimmed to what the English says.
    entry = CHINESE["inputs"]["generic-jdbc-connector:from:fromJobConfig.partitionColumn"]
    assert entry["source"].endswith("API参考/源端为关系数据库.md")
    assert entry["help"].startswith("抽取分区字段，依据此字段将作业分割为多个任务并发执行")


# --- the registry: chosen when read, English attributes unchanged -----------------------------


def test_an_inputs_help_follows_the_active_language_and_its_english_attribute_stays():
    spec = get_catalog().spec("generic-jdbc-connector", "from", "fromJobConfig.partitionColumn")
    with translation.override("zh-hans"):
        assert spec.help_text.startswith("抽取分区字段")
        assert spec.help.startswith("Column used to split the extraction")
    with translation.override("en"):
        assert spec.help_text == spec.help
    with translation.override(None):  # no language active: English
        assert spec.help_text == spec.help


def test_notes_context_labels_job_types_and_error_messages_follow_the_language():
    catalog = get_catalog()
    spec = catalog.spec("redis-connector", "to", "toJobConfig.columnList")
    usage = catalog.spec("generic-jdbc-connector", "from", "fromJobConfig.usePartition")
    jdbc = catalog.connector("generic-jdbc-connector")
    with translation.override("zh-hans"):
        assert "Cdm.1208" in spec.notes_text[0] and chinese(spec.notes_text[0])
        assert usage.context_text == "源端为Oracle"
        assert jdbc.label_text.startswith("关系数据库") and chinese(jdbc.notes_text[0])
        assert dict(catalog.job_types_text)["BATCH_JOB"] == "整库迁移"
        assert catalog.job_type_label("SCENARIO_JOB") == "场景迁移"
        assert catalog.error_message("Cdm.0101") == "连接[%s]不存在。"
        assert explain("Cdm.0238") == "…不能为空。"
        assert catalog.error_message("Cdm.0101", chinese=False) == "Link [%s] does not exist."
    with translation.override("en"):
        assert spec.notes_text == spec.notes and usage.context_text == "Oracle source"
        assert jdbc.label_text == jdbc.label
        assert catalog.job_types_text == catalog.job_types
        assert catalog.error_message("Cdm.0101") == "Link [%s] does not exist."
        assert catalog.error_message("Cdm.0101", chinese=True) == "连接[%s]不存在。"
    assert catalog.job_types[0] == ("NORMAL_JOB", "table/file migration")


def test_the_header_and_link_forms_offer_chinese_labels_and_help():
    with translation.override("zh-hans"):
        assert ("NORMAL_JOB", "NORMAL_JOB — 表/文件迁移") in job_type_choices()
        assert ("ftp-connector", "ftp-connector — FTP服务器") in connector_choices("from")
        form = LinkForm(connector="generic-jdbc-connector", clusters=[])
        assert form.fields["in__linkConfig__host"].help_text == "数据库服务器地址。"
    with translation.override("en"):
        assert ("NORMAL_JOB", "NORMAL_JOB — table/file migration") in job_type_choices()
        form = LinkForm(connector="generic-jdbc-connector", clusters=[])
        assert form.fields["in__linkConfig__host"].help_text == "Database server address."


# --- the app ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_designer_shows_an_inputs_help_in_chinese_to_a_chinese_browser(owner_client, draft):
    page = owner_client.get(reverse("designer", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    text = page.content.decode()
    assert page.status_code == 200
    assert "源端表名。支持通配符（*）；匹配到的表字段个数和类型必须一样。" in text
    assert "Source table. Supports * wildcard" not in text
    english = owner_client.get(reverse("designer", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Source table. Supports * wildcard" in english and "源端表名" not in english


@pytest.mark.django_db
def test_the_find_box_finds_an_input_by_a_chinese_word_of_its_help(owner_client, draft):
    assert "fromJobConfig.partitionColumn" in [m.name for m in search_inputs(draft, "分区")]
    assert "schedulerConfig.cycleType" in [m.name for m in search_inputs(draft, "定时任务的周期类型")]
    # English still finds it, whatever the language.
    with translation.override("zh-hans"):
        assert "fromJobConfig.partitionColumn" in [m.name for m in search_inputs(draft, "parallel sub-tasks")]
    page = owner_client.post(reverse("draft-find", args=[draft.pk]), {"find": "分区字段"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200 and "partitionColumn" in page.content.decode()


# --- the sandbox answers in X-Language's language ---------------------------------------------


def test_a_refusal_is_said_in_chinese_with_its_values_or_kept_when_cdm_has_no_such_words():
    missing = SandboxRefusal(400, "Cdm.0101", "Link [nowhere] does not exist.", "nowhere")
    assert missing.message_in(chinese=True) == "连接[nowhere]不存在。"
    assert missing.message_in(chinese=False) == "Link [nowhere] does not exist."
    assert SandboxRefusal(400, "Cdm.0104", "The job name already exists.").message_in(True) == "作业名已存在。"
    # The sandbox's own wording, which CDM's list cannot say: kept rather than made vaguer.
    own = SandboxRefusal(400, "Cdm.0018", 'The content of jobs or links is invalid: expected {"jobs": [...]}.')
    assert own.message_in(True) == own.message
    ruled = SandboxRefusal(400, "Cdm.0089", "已由规则写好。", translated=True)
    assert ruled.message_in(True) == "已由规则写好。"


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_refuses_a_job_in_chinese_when_x_language_is_zh_cn(live_server):
    from cdmweb.cdm.auth import AkSkAuth
    from cdmweb.cdm.client import CdmClient
    from cdmweb.cdm.errors import CdmError

    project = settings.CDM_SANDBOX_PROJECT_ID
    job = {
        "job_type": "NORMAL_JOB",
        "name": "refused",
        "from-connector-name": "generic-jdbc-connector",
        "from-link-name": "nowhere",
        "from-config-values": {"configs": [{"name": "fromJobConfig", "inputs": [
            {"name": "fromJobConfig.useSql", "value": "false"},
            {"name": "fromJobConfig.schemaName", "value": "s"},
            {"name": "fromJobConfig.tableName", "value": "t"},
        ]}]},
        "to-connector-name": "hive-connector",
        "to-link-name": "lake_hive",
        "to-config-values": {"configs": [{"name": "toJobConfig", "inputs": [
            {"name": "toJobConfig.table", "value": "t"},
            {"name": "toJobConfig.tablePreparation", "value": "DO_NOTHING"},
        ]}]},
        "driver-config-values": {"configs": []},
    }  # fmt: skip
    answers = {}
    for language in ("zh_CN", "ZH-cn", "en-us"):
        auth = AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, project)
        client = CdmClient(live_server.url, project, auth, x_language=language)
        with pytest.raises(CdmError) as refused:
            client.create_job(cluster_id_for(project, "sandbox-cluster-1"), {"jobs": [job]})
        assert refused.value.code == "Cdm.0101"
        answers[language] = refused.value.message
    assert answers["zh_CN"] == answers["ZH-cn"] == "连接[nowhere]不存在。"
    assert answers["en-us"] == "Link [nowhere] does not exist."


def test_conditions_reasons_and_sample_notes_follow_the_language_with_values_kept():
    from cdmweb.jobspec.validation import validate_job

    catalog = get_catalog()
    sql = catalog.spec("generic-jdbc-connector", "from", "fromJobConfig.sql")
    left_out = [
        spec
        for connector in catalog.connectors.values()
        for specs in connector.inputs.values()
        for spec in specs
        if spec.left_out_by_samples
    ]
    assert left_out
    with translation.override("zh-hans"):
        assert sql.describe_when() == "useSql=true"
        assert all(chinese(spec.left_out_text) for spec in left_out)
        assert set(catalog.never_destination) == set(catalog.never_destination_zh)
        for connector in catalog.never_destination:
            assert chinese(catalog.never_destination_reason(connector))
        job = {"to-connector-name": "http-connector", "to-config-values": {"configs": []}}
        messages = [f["message"] for f in validate_job(job) if f["input"] == "to-connector-name"]
        assert messages and all("HTTP 只能作为源端" in m for m in messages)
    with translation.override("en"):
        assert all(spec.left_out_text == spec.left_out_by_samples for spec in left_out)
        assert catalog.never_destination_reason("http-connector").startswith("HTTP is read only")
        assert catalog.never_destination_reason("obs-connector") == ""
