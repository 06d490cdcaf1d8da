"""A job as a cluster answers it (cdmweb/jobspec/deployed.py): what is kept, how drift reads it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from cdmweb.jobspec.deployed import change_lines, comparable, deployable, drift_changes, run_status, variables
from cdmweb.jobspec.validation import ERROR, validate_job

DEMO = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"


def demo() -> dict:
    return json.loads(DEMO.read_text())["jobs"][0]


def set_input(job: dict, name: str, value: object) -> dict:
    job = copy.deepcopy(job)
    for key in ("from-config-values", "to-config-values", "driver-config-values"):
        for group in job[key]["configs"]:
            for item in group["inputs"]:
                if item["name"] == name:
                    item["value"] = value
                    return job
    job["from-config-values"]["configs"][0]["inputs"].append({"name": name, "value": value})
    return job


def test_the_keys_cdm_writes_itself_are_not_kept_and_never_drift():
    listed = {**demo(), "status": "SUCCEEDED", "creation-date": 1, "update-user": "x", "id": 9, "enabled": True}
    assert deployable(listed) == demo() and run_status(listed) == "SUCCEEDED"
    assert drift_changes(demo(), listed) == []


def test_typed_and_url_encoded_answers_are_not_changes_but_a_real_change_is():
    deployed = set_input(demo(), "throttlingConfig.numExtractors", "4")
    assert drift_changes(deployed, set_input(deployed, "throttlingConfig.numExtractors", 4)) == []
    encoded = set_input(deployed, "fromJobConfig.whereClause", "a%20%3D%201")
    assert drift_changes(set_input(deployed, "fromJobConfig.whereClause", "a = 1"), encoded) == []
    changed = drift_changes(deployed, set_input(deployed, "throttlingConfig.numExtractors", "6"))
    assert [c.name for c in changed] == ["throttlingConfig.numExtractors"]
    assert change_lines(changed) == ["input-changed driver.throttlingConfig.throttlingConfig.numExtractors: 4 → 6"]


def test_a_secret_cdm_answers_masked_is_the_one_sent_and_a_changed_secret_is_never_shown():
    deployed = set_input(demo(), "fromJobConfig.password", "S3cret-1")
    for answered in ("", "******", "********", None):
        assert drift_changes(deployed, set_input(deployed, "fromJobConfig.password", answered)) == []
    (change,) = drift_changes(deployed, set_input(deployed, "fromJobConfig.password", "Other-2"))
    assert "S3cret-1" not in str(change_lines([change])) and "Other-2" not in str(change_lines([change]))
    assert comparable(set_input(deployed, "fromJobConfig.password", "******"), secrets_from=deployed) == comparable(
        deployed
    )


def test_variables_are_the_plain_names_a_run_may_set_not_macros():
    job = set_input(demo(), "fromJobConfig.whereClause", "dt = '${day}' and h < ${ hour } and ${dateformat(yyyy)}")
    assert variables(job) == ["day", "hour"]


def test_a_secret_still_masked_is_refused_before_it_is_sent():
    masked = set_input(demo(), "fromJobConfig.password", "******")
    (found,) = [f for f in validate_job(masked) if f["input"] == "fromJobConfig.password" and f["status"] == ERROR]
    assert found["code"] == "Cdm.0014" and "holds a mask" in found["message"]
    typed = set_input(demo(), "fromJobConfig.password", "S3cret-1")
    assert not [f for f in validate_job(typed) if f["input"] == "fromJobConfig.password" and f["status"] == ERROR]
