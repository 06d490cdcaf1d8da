"""One rule for what is secret, one mask for showing it."""

from __future__ import annotations

from cdmweb.catalog.registry import get_catalog
from cdmweb.jobspec.masking import SECRET_MASK, is_secret, masked_job, masked_value


def test_masked_job_hides_secret_values_wherever_they_sit_and_keeps_the_rest():
    job = {
        "name": "j",
        "from-config-values": {
            "configs": [
                {"name": "linkConfig", "inputs": [{"name": "linkConfig.password", "value": "p@ss"}]},
                {"name": "fromJobConfig", "inputs": [{"name": "fromJobConfig.tableName", "value": "orders"}]},
            ]
        },
        "extended-configs": {"name": "custom.accessToken", "values": ["a", "b"]},
    }
    shown = masked_job(job)
    assert shown["from-config-values"]["configs"][0]["inputs"][0]["value"] == SECRET_MASK
    assert shown["from-config-values"]["configs"][1]["inputs"][0]["value"] == "orders"
    assert shown["extended-configs"]["values"] == SECRET_MASK
    assert job["from-config-values"]["configs"][0]["inputs"][0]["value"] == "p@ss"  # the original is untouched


def test_a_job_without_secrets_is_returned_as_it_is():
    job = {"name": "j", "to-config-values": {"configs": [{"name": "toJobConfig", "inputs": []}]}}
    assert masked_job(job) is job


def test_an_empty_secret_stays_empty_and_other_names_are_not_masked():
    assert masked_value("linkConfig.password", "") == ""
    assert masked_value("linkConfig.password", "x") == SECRET_MASK
    assert masked_value("fromJobConfig.skipRows", "3") == "3"


def test_the_catalogue_type_decides_for_known_inputs_the_name_for_custom_ones():
    spec = get_catalog().spec("obs-connector", "from", "fromJobConfig.dek")
    assert spec is not None and is_secret(spec, spec.name)
    assert is_secret(None, "custom.secretKey") and not is_secret(None, "custom.tableName")
