"""build_job(parse_job(j)) == j for every real body and for generated ones; bad bodies refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdmweb.jobspec.payload import (
    INPUTS_ABSENT,
    INPUTS_OBJECT,
    PayloadError,
    build_job,
    build_request_body,
    dumps,
    loads_body,
    parse_body,
    parse_job,
)

from ..conftest import corpus_files


def jobs_of(raw: dict) -> list:
    return raw["jobs"] if "jobs" in raw else [raw]


@pytest.mark.parametrize("path", corpus_files("jobs", "*.json"), ids=lambda p: p.name)
def test_every_corpus_job_round_trips(path):
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text)
    parsed = loads_body(text)
    assert [build_job(job) for job in parsed.jobs] == jobs_of(raw)


@pytest.mark.parametrize("path", corpus_files("jobs", "*.txt"), ids=lambda p: p.name)
def test_truncated_corpus_bodies_are_refused_with_a_reason(path):
    with pytest.raises(PayloadError, match="JSON"):
        loads_body(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", corpus_files("fragments"), ids=lambda p: p.name)
def test_every_corpus_fragment_round_trips_once_wrapped(path):
    text = "{" + path.read_text(encoding="utf-8") + "}"
    raw = json.loads(text)
    assert build_job(parse_job(raw)) == raw


def test_random_cluster_body_keeps_its_pool_and_kind():
    parsed = loads_body((corpus_files("jobs", "02-*")[0]).read_text())
    assert parsed.kind == "random-cluster"
    assert parsed.clusters == [
        "b0791496-e111-4e75-b7ca-9277aeab9297",
        "c2db1191-eb6c-464a-a0d3-b434e6c6df26",
        "c2db1191-eb6c-464a-a0d3-b434e6c6df26",
    ]


def test_show_jobs_response_is_read_as_jobs():
    parsed = loads_body((corpus_files("jobs", "03-*")[0]).read_text())
    assert parsed.kind == "show-jobs"
    assert len(parsed.jobs) == 1


def test_inputs_as_empty_object_is_an_empty_list_that_writes_back_as_it_came():
    raw = {"driver-config-values": {"configs": [{"inputs": {}, "name": "jarConfig"}]}, "to-link-name": "x"}
    job = parse_job(raw)
    group = job.sides["driver"].groups[0]
    assert group.inputs == [] and group.inputs_form == INPUTS_OBJECT
    assert build_job(job) == raw


def test_group_without_inputs_key_and_config_metadata_survive():
    raw = {
        "from-config-values": {
            "configs": [
                {"name": "fromJobConfig", "id": 30, "type": "JOB", "validators": []},
                {"name": "other", "inputs": [{"name": "other.a", "value": "1", "type": "STRING"}]},
            ],
            "extended-configs": {"name": "fromJobConfig.extendedFields", "value": "e30="},
        },
        "from-connector-name": "obs-connector",
    }
    job = parse_job(raw)
    assert job.sides["from"].groups[0].inputs_form == INPUTS_ABSENT
    assert build_job(job) == raw


def test_values_are_kept_exactly_as_given():
    values = ["ünïcödé ✓", 'say "hi"', "${currentTime}", "<b>&amp;</b>", "a\r\nb", "x" * 100_000, "", " padded "]
    raw = {
        "name": "n",
        "to-config-values": {
            "configs": [
                {
                    "name": "toJobConfig",
                    "inputs": [{"name": f"toJobConfig.k{i}", "value": v} for i, v in enumerate(values)],
                }
            ]
        },
    }
    assert build_job(parse_job(raw)) == raw


def test_non_string_values_and_sqoop_values_key_round_trip():
    raw = {
        "from-connector-name": "hbase-connector",
        "from-config-values": {
            "configs": [
                {
                    "name": "fromJobConfig",
                    "inputs": [
                        {"name": "fromJobConfig.formats", "value": {"f:_date": "yyyy-MM-dd"}},
                        {"name": "fromJobConfig.port", "value": 22},
                        {"name": "fromJobConfig.flag", "value": False},
                        {"name": "fromJobConfig.legacy", "values": "A,B"},
                        {"name": "fromJobConfig.none"},
                    ],
                }
            ]
        },
    }
    assert build_job(parse_job(raw)) == raw


def test_read_only_and_unknown_top_level_keys_survive():
    raw = {
        "name": "job",
        "creation-user": "alice",
        "creation-date": 1536905778725,
        "status": "SUCCEEDED",
        "x-unknown": {"nested": [1, 2]},
        "job_type": None,
        "from-link-name": 7,
    }
    assert build_job(parse_job(raw)) == raw


def test_shapes_the_designer_cannot_edit_are_kept_verbatim():
    raw = {
        "from-config-values": [1, 2],
        "to-config-values": {"configs": "nope"},
        "driver-config-values": {"configs": [{"name": "g", "inputs": ["not an object"]}]},
    }
    job = parse_job(raw)
    assert job.sides == {"from": None, "to": None, "driver": None}
    assert build_job(job) == raw


def test_request_bodies_wrap_the_job():
    job = {"name": "a"}
    assert build_request_body([job]) == {"jobs": [job]}
    assert build_request_body([job], ["c1", "c2"]) == {"jobs": [job], "clusters": ["c1", "c2"]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("{not json", "JSON"),
        ('{"jobs": [', "truncated"),
        ("[1, 2]", "array"),
        ('"a string"', "string"),
        ("42", "number"),
        ("null", "null"),
        ("{}", "empty"),
        ('{"jobs": {}}', "must be a list"),
        ('{"jobs": []}', "empty"),
        ('{"jobs": [1]}', "job 1"),
        ('{"jobs": [{"name": "a"}, "x"]}', "job 2"),
        ('{"errCode": "Cdm.0100"}', "does not look like a CDM job"),
        ('{"name": "mysql2hive"}', "does not look like a CDM job"),
        ("[" * 5000 + "]" * 5000, "array|nested too deeply"),
        ('{"jobs": [{"name": ' + "[" * 100 + "]" * 100 + "}]}", "nested too deeply"),
        ('{"a": ' * 3000 + "1" + "}" * 3000, "nested too deeply"),
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(text, reason):
    with pytest.raises(PayloadError, match=reason):
        loads_body(text)


def test_parse_body_refuses_non_objects():
    with pytest.raises(PayloadError):
        parse_body([{"jobs": []}])


# --- property: generated job bodies round trip ---------------------------------------------

# Any Unicode text a database column can hold (no NUL, no lone surrogates: both refused on import).
storable = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(storable, max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(storable, max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.text(storable, min_size=1, max_size=12)


@st.composite
def inputs(draw, group: str):
    item = {"name": draw(st.one_of(st.just(f"{group}.{draw(keys)}"), keys))}
    choice = draw(st.sampled_from(["value", "value", "value", "values", "none"]))
    if choice != "none":
        item[choice] = draw(st.one_of(st.text(storable), st.text(storable), json_values))
    if draw(st.booleans()):
        item["type"] = draw(st.sampled_from(["STRING", "INTEGER", "BOOLEAN"]))
    return item


@st.composite
def configs(draw):
    name = draw(st.one_of(st.sampled_from(["fromJobConfig", "toJobConfig", "throttlingConfig", "jarConfig"]), keys))
    config = {"name": name}
    form = draw(st.sampled_from(["list", "list", "object", "absent"]))
    if form == "list":
        config["inputs"] = draw(st.lists(inputs(name), max_size=6))
    elif form == "object":
        config["inputs"] = {}
    for key in draw(st.lists(st.sampled_from(["id", "type", "validators"]), unique=True, max_size=3)):
        config[key] = draw(json_values)
    return config


@st.composite
def config_values(draw):
    value = {"configs": draw(st.lists(configs(), max_size=4))}
    if draw(st.booleans()):
        value["extended-configs"] = {
            "name": "fromJobConfig.extendedFields",
            "value": draw(st.text(storable, max_size=20)),
        }
    return value


@st.composite
def jobs(draw):
    job = {}
    for key in ["job_type", "name", "from-connector-name", "from-link-name", "to-connector-name", "to-link-name"]:
        if draw(st.integers(0, 4)):
            job[key] = draw(st.one_of(st.text(storable, max_size=30), st.text(storable, max_size=30), json_scalars))
    for key in ["from-config-values", "to-config-values", "driver-config-values"]:
        if draw(st.integers(0, 5)):
            job[key] = draw(st.one_of(config_values(), config_values(), config_values(), json_values))
    for key in draw(st.lists(st.sampled_from(["status", "creation-user", "update-date", "x-extra"]), unique=True)):
        job[key] = draw(json_values)
    return job


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs())
def test_generated_jobs_round_trip(job):
    assert build_job(parse_job(job)) == job
    # What the export writes is what an import reads back: JSON text in, JSON text out.
    text = json.dumps(build_request_body([job]))
    assert [build_job(j) for j in loads_body(text).jobs] == [job]


@pytest.mark.parametrize("path", corpus_files("fragments"), ids=lambda p: p.name)
def test_reference_fragments_import_as_they_are_printed(path):
    text = path.read_text(encoding="utf-8")
    parsed = loads_body(text)
    assert build_job(parsed.jobs[0]) == json.loads("{" + text + "}")


def test_a_broken_fragment_is_still_refused():
    with pytest.raises(PayloadError, match="JSON"):
        loads_body('"from-config-values": {"configs": [')


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"from-connector-name": "x", "n": ' + "1" * 5000 + "}", "cannot be read"),
        ('{"from-connector-name": "x", "n": NaN}', "NaN is not a JSON number"),
        ('{"from-connector-name": "x", "n": -Infinity}', "not a JSON number"),
        ('{"from-connector-name": "x", "n": 1e400}', "out of range"),
        ('{"from-connector-name": "a\\ud800b"}', "invalid character"),
        ('{"from-connector-name": "x", "\\udfff": 1}', "invalid character"),
        ('{"name": "a\\u0000b"}', "NUL character"),
        ('{"name": "x", "extra\\u0000": 1}', "NUL character"),
    ],
)
def test_values_no_database_column_can_hold_are_refused(text, reason):
    with pytest.raises(PayloadError, match=reason):
        loads_body(text)


def test_an_input_key_named_empty_string_survives():
    raw = {
        "to-link-name": "x",
        "driver-config-values": {"configs": [{"name": "g", "inputs": [{"name": "g.a", "": 1}]}]},
    }
    assert build_job(parse_job(raw)) == raw


# --- the preview's text -------------------------------------------------------------------------

dumpable_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8) | st.integers() | st.booleans() | st.none(), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(dumpable_values)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_dumps_writes_exactly_what_json_writes(value):
    # The preview writes plain data itself, faster than json's pure-Python indented encoder; the
    # text must not differ by a byte, whatever the value (floats and odd keys go to json itself).
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_dumps_of_a_big_job_and_of_what_json_refuses():
    inputs = [{"name": f"fromJobConfig.k{i}", "value": 'é\u202e"\\\n' * (i % 3)} for i in range(500)]
    body = build_request_body([{"name": "j", "from-config-values": {"configs": [{"inputs": inputs}]}}], None)
    assert dumps(body) == json.dumps(body, indent=2, ensure_ascii=False)
    deep: list = []
    for level in range(150):  # deeper than dumps writes itself: json takes over
        deep = [deep] if level % 2 else {"k": deep}
    assert dumps(deep) == json.dumps(deep, indent=2, ensure_ascii=False)
    loop: list = []
    loop.append({"again": loop})
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(loop)
    with pytest.raises(TypeError):
        dumps({"when": object()})
