"""JSON from outside is read with a bound on nesting: a refusal, never a crash."""

from __future__ import annotations

import pytest

from cdmweb import jsontext
from cdmweb.catalog.input_types import MapInput
from cdmweb.catalog.registry import InputSpec
from cdmweb.cdm.errors import parse_error_body


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_nesting_up_to_the_limit_reads_and_deeper_is_refused():
    assert jsontext.depth(jsontext.loads(nested(jsontext.MAX_DEPTH))) == jsontext.MAX_DEPTH
    assert jsontext.loads('{"a": [1, {"b": 2}]}') == {"a": [1, {"b": 2}]}
    for levels in (jsontext.MAX_DEPTH + 1, 500, 100_000):  # parses but too deep; past the interpreter's limit
        with pytest.raises(jsontext.JsonTooDeep, match="nested more than 64 levels"):
            jsontext.loads(nested(levels))
    with pytest.raises(ValueError):
        jsontext.loads("{nope")


def test_a_typed_map_value_nested_too_deep_is_a_finding_and_an_error_answer_just_text():
    spec = InputSpec(name="linkConfig.properties", type="map")
    assert MapInput.check(spec, nested(100_000)) is not None
    assert MapInput.check(spec, '{"a": "b"}') is None
    assert parse_error_body(nested(100_000)) == (None, {}, None)
