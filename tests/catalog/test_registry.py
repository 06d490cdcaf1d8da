"""The connector catalogue the designer and validation iterate."""

from __future__ import annotations

import pytest

from cdmweb.catalog.input_types import INPUT_TYPES, input_type
from cdmweb.catalog.registry import get_catalog, is_secret_name


def test_catalogue_has_all_documented_connectors_and_driver_groups():
    catalog = get_catalog()
    assert len(catalog.connectors) == 18
    assert sum(len(v) for c in catalog.connectors.values() for v in c.inputs.values()) > 500
    assert {
        "throttlingConfig",
        "schedulerConfig",
        "retryJobConfig",
        "jarConfig",
        "transformConfig",
        "smnConfig",
    } <= set(catalog.driver)
    assert [value for value, _ in catalog.job_types] == ["NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB"]


def test_directions_follow_the_reference():
    catalog = get_catalog()
    assert catalog.connector("dli-connector").directions == ("to",)
    assert catalog.connector("kafka-connector").directions == ("from",)
    assert "generic-jdbc-connector" in {c.name for c in catalog.connectors_for("from")}


def test_conditions_are_machine_readable():
    spec = get_catalog().spec("generic-jdbc-connector", "from", "fromJobConfig.sql")
    assert spec.when[0].input == "fromJobConfig.useSql" and spec.when[0].values == ("true",)
    assert spec.describe_when() == "useSql=true"


def test_secrets_are_typed_as_such():
    catalog = get_catalog()
    assert catalog.spec("obs-connector", "from", "fromJobConfig.dek").secret
    assert is_secret_name("linkConfig.password") and is_secret_name("fromJobConfig.sk")
    assert not is_secret_name("fromJobConfig.skipRows")


def test_catalogue_secrets_and_secret_names_agree():
    # Pages mask by name (is_secret_name); the catalogue's secret inputs must all be caught by it.
    for (_, name), spec in get_catalog().by_name.items():
        assert spec.secret == is_secret_name(name), name


def test_every_catalogue_type_has_a_registered_input_type():
    catalog = get_catalog()
    types = {s.type for s in catalog.by_name.values()}
    assert types <= set(INPUT_TYPES)


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("throttlingConfig.numExtractors", "3", True),
        ("throttlingConfig.numExtractors", "300", True),  # a job's documented range is 1-300
        ("throttlingConfig.numExtractors", "301", False),
        ("throttlingConfig.channelCapacityMb", "500", True),
        ("throttlingConfig.channelCapacityMb", "501", False),
        ("schedulerConfig.cycleType", "day", True),
        ("schedulerConfig.cycleType", "Day", False),
        ("schedulerConfig.isSchedulerJob", "true", True),
        ("schedulerConfig.isSchedulerJob", "True", False),
    ],
)
def test_input_type_checks(name, value, ok):
    spec = get_catalog().spec(None, "driver", name)
    assert (input_type(spec).check(spec, value) is None) == ok


def test_map_inputs_want_a_json_object():
    spec = get_catalog().spec("generic-jdbc-connector", "link", "linkConfig.jdbcProperties")
    kind = input_type(spec)
    assert kind.check(spec, '{"a": "1"}') is None
    assert kind.check(spec, "[1]") is not None
    assert kind.check(spec, "a=1") is not None
