"""Each validation rule, in CDM's validation-result shape, with CDM's error codes."""

from __future__ import annotations

import copy

import pytest

from cdmweb.jobspec.validation import ERROR, WARNING, validate_job

BASE = {
    "job_type": "NORMAL_JOB",
    "name": "orders_sync",
    "from-connector-name": "generic-jdbc-connector",
    "from-link-name": "mysql_link",
    "from-config-values": {
        "configs": [
            {
                "name": "fromJobConfig",
                "inputs": [
                    {"name": "fromJobConfig.useSql", "value": "false"},
                    {"name": "fromJobConfig.schemaName", "value": "shop"},
                    {"name": "fromJobConfig.tableName", "value": "orders"},
                ],
            }
        ]
    },
    "to-connector-name": "hive-connector",
    "to-link-name": "hive_link",
    "to-config-values": {
        "configs": [
            {
                "name": "toJobConfig",
                "inputs": [
                    {"name": "toJobConfig.database", "value": "ods"},
                    {"name": "toJobConfig.table", "value": "orders"},
                    {"name": "toJobConfig.tablePreparation", "value": "CREATE_WHEN_NOT_EXIST"},
                ],
            }
        ]
    },
    "driver-config-values": {
        "configs": [
            {"name": "throttlingConfig", "inputs": [{"name": "throttlingConfig.numExtractors", "value": "4"}]},
            {"name": "jarConfig", "inputs": {}},
            {"name": "schedulerConfig", "inputs": [{"name": "schedulerConfig.disposableType", "value": "NONE"}]},
        ]
    },
}


def job(**changes):
    result = copy.deepcopy(BASE)
    for key, value in changes.items():
        key = key.replace("__", "-")
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def inputs_of(body: dict, side: str) -> list:
    return body[f"{side}-config-values"]["configs"][0]["inputs"]


def codes(findings, status=ERROR) -> list[tuple[str, str]]:
    return [(f["code"], f["input"]) for f in findings if f["status"] == status]


def test_a_complete_job_has_no_findings():
    assert validate_job(BASE) == []


def test_findings_have_cdms_validation_result_shape():
    findings = validate_job(job(name=""))
    assert findings and set(findings[0]) >= {"status", "message", "code", "input"}
    assert findings[0]["status"] in (ERROR, WARNING)


@pytest.mark.parametrize(
    ("key", "code"),
    [("from-connector-name", "Cdm.0238"), ("to-link-name", "Cdm.0238"), ("from-config-values", "Cdm.0238")],
)
def test_missing_mandatory_keys_are_errors(key, code):
    body = copy.deepcopy(BASE)
    del body[key]
    assert (code, key) in codes(validate_job(body))


@pytest.mark.parametrize("key", ["job_type", "name", "from-link-name", "to-connector-name"])
def test_keys_only_the_sdk_requires_are_warnings(key):
    body = copy.deepcopy(BASE)
    del body[key]
    findings = validate_job(body)
    assert ("", key) in codes(findings, WARNING)
    assert not [f for f in findings if f["status"] == ERROR and f["input"] == key]


@pytest.mark.parametrize(("name", "code"), [("", "Cdm.0238"), ("   ", "Cdm.0238"), ("x" * 241, "Cdm.0109")])
def test_job_name_length(name, code):
    assert (code, "name") in codes(validate_job(job(name=name)))


def test_job_name_of_240_characters_is_fine_and_macros_only_warn():
    assert validate_job(job(name="a" * 240)) == []
    findings = validate_job(job(name="dws2obs-${currentTime}"))
    assert codes(findings) == [] and ("Cdm.0110", "name") in codes(findings, WARNING)


def test_unknown_job_type():
    assert ("Cdm.0055", "job_type") in codes(validate_job(job(job_type="STREAM_JOB")))


@pytest.mark.parametrize("job_type", ["NORMAL_JOB", "BATCH_JOB"])
def test_known_job_types(job_type):
    assert codes(validate_job(job(job_type=job_type))) == []


def test_a_job_type_documented_only_by_name_is_accepted_with_a_word():
    findings = validate_job(job(job_type="SCENARIO_JOB"))
    assert codes(findings) == [] and ("", "job_type") in codes(findings, WARNING)


def test_connector_not_in_catalogue():
    findings = validate_job(job(from__connector__name="teradata-connector"))
    assert ("Cdm.0102", "from-connector-name") in codes(findings)


def test_connector_used_in_an_undocumented_direction_warns():
    body = job(from__connector__name="dli-connector")
    assert ("Cdm.0061", "from-connector-name") in codes(validate_job(body), WARNING)


def test_config_values_that_are_not_objects():
    assert ("Cdm.0018", "to-config-values") in codes(validate_job(job(to__config__values=[1])))
    assert ("Cdm.0018", "to-config-values") in codes(validate_job(job(to__config__values={"configs": 3})))


def test_input_in_the_wrong_group_is_an_error():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from").append({"name": "toJobConfig.x", "value": "1"})
    found = [f for f in validate_job(body) if f["input"] == "toJobConfig.x"]
    assert [(f["status"], f["code"]) for f in found] == [(ERROR, "Cdm.0089")]
    assert found[0]["where"] == {"side": "from", "group": 0, "index": 3}


def test_custom_input_unknown_to_the_catalogue_warns():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from").append({"name": "fromJobConfig.myFlag", "value": "1"})
    assert codes(validate_job(body), WARNING) == [("Cdm.0089", "fromJobConfig.myFlag")]


def test_missing_required_catalogue_input():
    body = copy.deepcopy(BASE)
    body["to-config-values"]["configs"][0]["inputs"].pop(1)  # toJobConfig.table
    assert ("Cdm.0238", "toJobConfig.table") in codes(validate_job(body))


def test_required_input_sent_blank():
    body = copy.deepcopy(BASE)
    inputs_of(body, "to")[1]["value"] = "  "
    assert ("Cdm.0238", "toJobConfig.table") in codes(validate_job(body))


def test_missing_required_boolean_only_warns_because_cdm_reads_it_as_false():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from").pop(0)  # useSql
    findings = validate_job(body)
    assert codes(findings) == []
    assert ("Cdm.0238", "fromJobConfig.useSql") in codes(findings, WARNING)


def test_conditional_requirement_follows_the_controlling_input():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from")[:] = [
        {"name": "fromJobConfig.useSql", "value": "true"},
        {"name": "fromJobConfig.sql", "value": "select 1"},
    ]
    # With useSql=true neither schemaName nor tableName is required...
    assert codes(validate_job(body)) == []
    del inputs_of(body, "from")[1]
    # ...but the statement is: neither a schema nor SQL is CDM's Cdm.0913.
    assert codes(validate_job(body)) == [("Cdm.0913", "fromJobConfig.sql")]
    inputs_of(body, "from")[0]["value"] = "false"
    # With useSql=false both the schema and the table are needed, the schema with CDM's own code.
    assert {("Cdm.0913", "fromJobConfig.schemaName"), ("Cdm.0238", "fromJobConfig.tableName")} <= set(
        codes(validate_job(body))
    )


def test_input_that_needs_another_warns_when_it_does_not_apply():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from").append({"name": "fromJobConfig.sql", "value": "select 1"})
    found = [f for f in validate_job(body) if f["input"] == "fromJobConfig.sql"]
    assert found and found[0]["status"] == WARNING and "useSql=true" in found[0]["message"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("500", "Cdm.0024"),
        ("0", "Cdm.0024"),
        ("-1", "Cdm.0024"),
        ("four", "Cdm.0009"),
        (" 4", "Cdm.0009"),
        ("4.5", "Cdm.0009"),
    ],
)
def test_integer_ranges(value, code):
    body = copy.deepcopy(BASE)
    body["driver-config-values"]["configs"][0]["inputs"][0]["value"] = value
    assert (code, "throttlingConfig.numExtractors") in codes(validate_job(body))


@pytest.mark.parametrize("value", ["1", "128", "300"])
def test_integer_range_bounds_are_inclusive(value):
    body = copy.deepcopy(BASE)
    body["driver-config-values"]["configs"][0]["inputs"][0]["value"] = value
    assert validate_job(body) == []


def test_enum_violation():
    body = copy.deepcopy(BASE)
    body["driver-config-values"]["configs"][2]["inputs"][0]["value"] = "SOMETIMES"
    assert ("Cdm.0014", "schedulerConfig.disposableType") in codes(validate_job(body))


def test_boolean_must_be_true_or_false():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from")[0]["value"] = "yes"
    assert ("Cdm.0004", "fromJobConfig.useSql") in codes(validate_job(body))


def test_non_string_value_warns():
    body = copy.deepcopy(BASE)
    body["driver-config-values"]["configs"][0]["inputs"][0]["value"] = 4
    assert ("Cdm.0004", "throttlingConfig.numExtractors") in codes(validate_job(body), WARNING)


def test_duplicate_input_warns_and_url_encoded_value_warns():
    body = copy.deepcopy(BASE)
    inputs_of(body, "to").append({"name": "toJobConfig.database", "value": "ods%2Fraw"})
    warnings = [f["message"] for f in validate_job(body) if f["status"] == WARNING]
    assert any("appears twice" in m for m in warnings)
    assert any("URL-encoded" in m and "ods/raw" in m for m in warnings)


def test_undocumented_driver_group_warns():
    body = copy.deepcopy(BASE)
    body["driver-config-values"]["configs"].append({"name": "mysteryConfig", "inputs": []})
    assert ("Cdm.0089", "mysteryConfig") in codes(validate_job(body), WARNING)


def test_not_an_object():
    assert codes(validate_job(["x"])) == [("Cdm.0018", "")]


def test_required_only_in_a_case_stated_in_words_is_a_warning():
    # The official FAQ sample (corpus 05) omits toJobConfig.tablePreparation, which the reference
    # requires "when source and destination are both relational databases".
    body = copy.deepcopy(BASE)
    body["to-connector-name"] = "generic-jdbc-connector"
    inputs_of(body, "to")[:] = [
        {"name": "toJobConfig.schemaName", "value": "s"},
        {"name": "toJobConfig.tableName", "value": "t"},
    ]
    findings = validate_job(body)
    assert ("Cdm.0238", "toJobConfig.tablePreparation") in codes(findings, WARNING)
    assert ("Cdm.0238", "toJobConfig.tablePreparation") not in codes(findings)


def test_url_encoded_custom_secret_is_not_decoded_into_a_message():
    body = copy.deepcopy(BASE)
    inputs_of(body, "from").append({"name": "fromJobConfig.dbPassword", "value": "Hunter2%40Secret"})
    assert not any("Hunter2" in f["message"] for f in validate_job(body))


def test_invisible_and_direction_changing_characters_are_refused_in_names_kept_in_values():
    import json

    from cdmweb.jobspec.characters import invisible_characters, visible

    job = {
        "job_type": "NORMAL_JOB",
        "name": "orders\u202etxt.exe",
        "from-connector-name": "generic-jdbc-connector",
        "from-link-name": "mysql\u200blink",
        "to-connector-name": "hive-connector",
        "to-link-name": "hive_link",
        "from-config-values": {
            "configs": [
                {
                    "name": "fromJobConfig",
                    "inputs": [
                        {"name": "fromJobConfig.tableName\u2066", "value": "t"},
                        {"name": "fromJobConfig.schemaName", "value": "sales\u202e"},
                    ],
                }
            ]
        },
    }
    findings = [f for f in validate_job(job) if "invisible" in f["message"]]
    assert {f["input"] for f in findings} == {"name", "from-link-name", "fromJobConfig.tableName\u2066"}
    assert all(f["status"] == ERROR and "U+" in f["message"] for f in findings)
    assert visible("sales\u202e") == "sales\\u202e"  # a value is kept, and shown escaped
    # Not a list of known offenders: whatever draws nothing (tag characters, variation selectors,
    # fillers, format characters of any plane) is refused, and letters of any script are not.
    for sneaky in ("\U000e0041", "\ufe0f", "\uffa0", "\U0001d173", "\u0600", "\U0001bca0", "\u00a0", "\U000e0100"):
        assert invisible_characters(f"events{sneaky}_obs"), repr(sneaky)
    assert not invisible_characters("订单_Ümlaut_заказ-1.2")
    tagged = "a\U000e0041b"
    assert json.loads('"' + visible(tagged) + '"') == tagged


# --- near misses: one edit away -------------------------------------------------------------------


def one_edit_apart_by_definition(a: str, b: str) -> bool:
    """One letter changed, dropped or added, or two neighbours swapped: spelled out by brute force."""
    letters = set(a + b) or {"x"}
    edits = {a[:i] + a[i + 1 :] for i in range(len(a))}
    edits |= {a[:i] + c + a[i + 1 :] for i in range(len(a)) for c in letters}
    edits |= {a[:i] + c + a[i:] for i in range(len(a) + 1) for c in letters}
    edits |= {a[:i] + a[i + 1] + a[i] + a[i + 2 :] for i in range(len(a) - 1)}
    return a != b and b in edits


def test_one_edit_apart_matches_its_definition_on_every_short_pair():
    from itertools import product

    from cdmweb.jobspec.validation import _one_edit_apart

    words = ["".join(p) for n in range(6) for p in product("ab", repeat=n)] + ["abc", "acb", "bca", "cab", "abcd"]
    for a, b in product(words, repeat=2):
        assert _one_edit_apart(a, b) == one_edit_apart_by_definition(a, b), (a, b)


def test_near_miss_answers_for_the_names_it_is_given_each_time():
    # Answers are remembered (every validation asks the same), so the same name asked against other
    # known names must not get the remembered answer.
    from cdmweb.jobspec.validation import near_miss

    assert near_miss("g.tabelName", {"g.tableName": 1, "g.columnList": 2}) == "g.tableName"
    assert near_miss("g.tabelName", ["g.tableName", "g.tabelNames"]) is None  # two near: not a slip
    assert near_miss("g.tabelName", ("g.columnList",)) is None
    assert near_miss("g.tabelName", iter(["g.tableName"])) == "g.tableName"
    assert near_miss("g.TABLENAME", ["g.tableName"]) == "g.tableName"
    assert near_miss("g.a", ["g.b"]) is None  # too short to call a slip
