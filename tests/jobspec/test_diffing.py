"""The semantic diff a reviewer reads, and the mask it wears on every page."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from cdmweb.jobspec.diffing import ABSENT, Change, diff_jobs, masked_changes
from cdmweb.jobspec.masking import SECRET_MASK

DEMO = json.loads((Path(__file__).resolve().parents[2] / "cdmweb/jobs/demo/orders_mysql_to_hive.json").read_text())
JOB = DEMO["jobs"][0]


def from_inputs(job):
    return job["from-config-values"]["configs"][0]["inputs"]


def test_identical_jobs_have_no_changes():
    assert diff_jobs(JOB, copy.deepcopy(JOB)) == []


def test_diff_names_each_kind_of_change():
    new = copy.deepcopy(JOB)
    new["name"] = "renamed"
    inputs = from_inputs(new)
    inputs[1]["value"] = "sales"  # schemaName changed
    inputs[0], inputs[2] = inputs[2], inputs[0]  # useSql and tableName swapped
    inputs.append({"name": "fromJobConfig.fetchSize", "value": "1000"})
    del inputs[3]  # whereClause removed
    new["driver-config-values"]["configs"].append({"name": "smnConfig", "inputs": []})
    new["driver-config-values"]["configs"] = [
        c for c in new["driver-config-values"]["configs"] if c["name"] != "jarConfig"
    ]
    changes = diff_jobs(JOB, new)
    assert Change("header", name="name", old="orders_mysql_to_hive", new="renamed") in changes
    assert Change("input-changed", "from", "fromJobConfig", "fromJobConfig.schemaName", "shop", "sales") in changes
    assert Change("input-added", "from", "fromJobConfig", "fromJobConfig.fetchSize", new="1000") in changes
    assert any(c.kind == "input-removed" and c.name == "fromJobConfig.whereClause" for c in changes)
    moved = {c.name for c in changes if c.kind == "input-moved"}
    assert {"fromJobConfig.useSql", "fromJobConfig.tableName"} <= moved
    assert Change("group-added", "driver", "smnConfig", new=0) in changes
    assert Change("group-removed", "driver", "jarConfig", old=0) in changes


def test_a_changed_secret_shows_as_changed_never_its_text():
    changes = [
        Change("input-changed", "from", "linkConfig", "linkConfig.password", old="old-pass", new="new-pass"),
        Change("input-added", "from", "fromJobConfig", "fromJobConfig.token", new="t0k3n"),
        Change("input-removed", "from", "fromJobConfig", "fromJobConfig.sk", old=""),
        Change("input-moved", "from", "fromJobConfig", "fromJobConfig.passwordFile", old=1, new=2),
        Change("input-changed", "from", "fromJobConfig", "fromJobConfig.tableName", old="a", new="b"),
        Change("header", name="name", old="a", new="b"),
    ]
    shown = masked_changes(changes)
    assert (shown[0].old, shown[0].new) == (SECRET_MASK, SECRET_MASK)
    assert shown[1].new == SECRET_MASK
    assert shown[2].old == ""  # an empty secret says it was empty, which reveals nothing
    assert (shown[3].old, shown[3].new) == (1, 2)  # positions are not values
    assert shown[4:] == changes[4:]


def hidden_parts(job: dict) -> dict:
    """The six parts of a job the designer does not edit, which are sent all the same."""
    job = copy.deepcopy(job)
    job["x-unknown-top"] = {"retries": 3}
    job["from-config-values"]["extended-configs"] = {"name": "extra", "value": "ZXh0cmE="}
    job["from-config-values"]["configs"][0]["type"] = "JOB"
    inputs = from_inputs(job)
    inputs[0]["type"] = "BOOLEAN"
    inputs[1]["values"] = ["a", "b"]  # beside its "value"
    inputs.append({"name": "fromJobConfig.customSecretToken", "value": "s3cr3t-value"})
    return job


def test_everything_that_is_sent_is_in_the_diff_and_no_secret_value():
    changes = masked_changes(diff_jobs(JOB, hidden_parts(JOB)))
    seen = {(c.kind, c.key or c.name) for c in changes}
    assert ("key", "x-unknown-top") in seen
    assert ("side-key", "extended-configs") in seen
    assert ("group-key", "type") in seen
    assert ("input-key", "type") in seen and ("input-key", "values") in seen
    assert ("input-added", "fromJobConfig.customSecretToken") in seen
    assert "s3cr3t-value" not in repr(changes)
    first_review = masked_changes(diff_jobs({}, hidden_parts(JOB)))  # against nothing: everything
    seen = {(c.kind, c.key or c.name) for c in first_review}
    assert {("key", "x-unknown-top"), ("side-key", "extended-configs"), ("group-key", "type")} <= seen
    assert ("input-key", "values") in seen and "s3cr3t-value" not in repr(first_review)


def test_a_change_of_shape_is_shown_as_what_will_be_sent():
    new = copy.deepcopy(JOB)
    new["from-config-values"]["configs"][0]["inputs"] = {}
    new["driver-config-values"] = "not an object"
    changes = diff_jobs(JOB, new)
    inputs_shape = next(c for c in changes if c.kind == "group-key" and c.key == "inputs")
    assert inputs_shape.new_text == "{}"
    assert any(c.kind == "side-key" and c.side == "driver" and c.new_text == "not an object" for c in changes)
    assert diff_jobs({"name": None}, {}) == [Change("header", name="name", old=None, new=ABSENT)]


def test_a_change_of_json_type_is_a_change():
    before = {"name": "j", "x-flag": 1, "x-list": [1], "x-ratio": 1}
    after = {"name": "j", "x-flag": True, "x-list": [True], "x-ratio": 1.0}
    assert {c.name for c in diff_jobs(before, after)} == {"x-flag", "x-list", "x-ratio"}
    reordered = {"name": "j", "x-obj": {"b": 1, "a": 2}}
    assert diff_jobs({"name": "j", "x-obj": {"a": 2, "b": 1}}, reordered) == []  # key order means nothing
