"""Rules that tie inputs together: one input's value decides whether another is right.

Each rule is one CDM states with an error code of its own (the API reference's error codes,
cdm-api.md §10.2) and whose condition the job body shows by itself; what only the database or the
cluster can tell (a table that does not exist, a column's type) is left to CDM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdmweb.catalog.registry import Catalog
from cdmweb.translation import gettext as _
from cdmweb.translation import gettext_noop

from .constants import SIDE_GROUP, SIDE_KEYS
from .findings import ERROR, OPAQUE, WARNING, as_text, finding

# CDM joins column names with "&" (every official sample: "id&gid&name", "AA:AA&BB:BB").
COLUMN_SEPARATOR = "&"


@dataclass(frozen=True)
class SideInput:
    value: str
    where: dict[str, int | str]


def side_inputs(job: dict[str, Any], side: str) -> dict[str, SideInput]:
    """Name -> string value and place of the inputs of a side's job group (fromJobConfig/toJobConfig)."""
    found: dict[str, SideInput] = {}
    config_values = job.get(SIDE_KEYS[side])
    configs = config_values.get("configs") if isinstance(config_values, dict) else None
    if not isinstance(configs, list):
        return found
    for g_index, config in enumerate(configs):
        if not isinstance(config, dict) or config.get("name") != SIDE_GROUP[side]:
            continue
        inputs = config.get("inputs")
        for i_index, item in enumerate(inputs if isinstance(inputs, list) else []):
            text = as_text(item.get("value")) if isinstance(item, dict) else None
            if text is not None and isinstance(item.get("name"), str):
                # The last of a name wins, as in the conditions between inputs.
                found[item["name"]] = SideInput(text, {"side": side, "group": g_index, "index": i_index})
    return found


def columns(value: str) -> list[str]:
    return [part.strip() for part in value.split(COLUMN_SEPARATOR) if part.strip()]


def column_name(column: str) -> str:
    """The name of a typed column entry ("price:double" names price)."""
    return column.split(":", 1)[0].strip()


# A key column must be one of the listed columns: (connector, side, key input, list input, code, the finding
# in CDM's words, translated where it is made).
KEY_AMONG_COLUMNS = (
    (
        "redis-connector",
        "to",
        "primaryKeyList",
        "columnList",
        "Cdm.1211",
        gettext_noop("{missing} of {key} is not in {listed}: primaryKeyList must exist in columnList."),
    ),
    (
        "elasticsearch-connector",
        "to",
        "primaryKey",
        "columnList",
        "Cdm.1514",
        gettext_noop("{missing} of {key} is not in {listed}: columnList must contain primaryKey."),
    ),
)
# Column lists whose every entry carries its type as name:type (Elasticsearch source: "a1:numeric&s1:string").
TYPED_COLUMN_LISTS = (("elasticsearch-connector", "from", "columnList", "Cdm.1513"),)
# A column named twice in a destination's mapping: HBase's own code refuses it (Cdm.1116, among the
# HBase codes 11xx); elsewhere it is surely a slip, but no page says CDM refuses it.
DUPLICATE_COLUMNS_REFUSED = (("hbase-connector", "toJobConfig.columns", "Cdm.1116"),)
MAPPED_COLUMN_LISTS = ("toJobConfig.columnList", "toJobConfig.columns")


def check_between(job: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = []
    connectors = {side: job.get(f"{side}-connector-name") for side in ("from", "to")}
    inputs = {side: side_inputs(job, side) for side in ("from", "to")}
    source = connectors["from"] if isinstance(connectors["from"], str) else None
    if catalog.spec(source, "from", "fromJobConfig.sql") and catalog.spec(source, "from", "fromJobConfig.schemaName"):
        _sql_or_schema(inputs["from"], findings)
    _redis_string_values(connectors, inputs, findings)
    for connector, side, key, listed, code, words in KEY_AMONG_COLUMNS:
        if connectors[side] == connector:
            _key_among_columns(inputs[side], SIDE_GROUP[side], key, listed, code, words, findings)
    for connector, side, listed, code in TYPED_COLUMN_LISTS:
        if connectors[side] == connector:
            _typed_columns(inputs[side], f"{SIDE_GROUP[side]}.{listed}", code, findings)
    refused = {name: code for connector, name, code in DUPLICATE_COLUMNS_REFUSED if connectors["to"] == connector}
    for listed in MAPPED_COLUMN_LISTS:
        _duplicate_columns(inputs["to"], listed, refused.get(listed, ""), findings)
    return findings


def _blank(inputs: dict[str, SideInput], name: str) -> bool:
    return name not in inputs or not inputs[name].value.strip()


def _sql_or_schema(source: dict[str, SideInput], findings: list[dict[str, Any]]) -> None:
    """A relational source reads a schema's table or a custom SELECT; with neither, CDM has nothing
    to read (Cdm.0913: "Schema and SQL cannot be left blank at the same time")."""
    sql, schema = "fromJobConfig.sql", "fromJobConfig.schemaName"
    use_sql = source.get("fromJobConfig.useSql")
    if _blank(source, sql) and _blank(source, schema):
        name = sql if use_sql is not None and use_sql.value == "true" else schema
        where = source[name].where if name in source else None
        message = _("{name} is blank: give a schema and table, or a SQL statement.").format(name=name)
        findings.append(finding(ERROR, message, "Cdm.0913", name, where))


def _redis_string_values(
    connectors: dict[str, Any], inputs: dict[str, dict[str, SideInput]], findings: list[dict[str, Any]]
) -> None:
    """Redis STRING values are the columns joined by valueSeparator; sent blank there is none
    (Cdm.1207). Left out, CDM uses its default."""
    for side, group in SIDE_GROUP.items():
        if side not in inputs or connectors.get(side) != "redis-connector":
            continue
        store, separator = inputs[side].get(f"{group}.valueStoreType"), inputs[side].get(f"{group}.valueSeparator")
        if store is not None and store.value == "STRING" and separator is not None and not separator.value:
            message = _("{name} is blank: when the value storage type is STRING it must be set.").format(
                name=f"{group}.valueSeparator"
            )
            findings.append(finding(ERROR, message, "Cdm.1207", f"{group}.valueSeparator", separator.where))


def _key_among_columns(
    inputs: dict[str, SideInput],
    group: str,
    key: str,
    listed: str,
    code: str,
    words: str,
    findings: list[dict[str, Any]],
) -> None:
    key_input, list_input = inputs.get(f"{group}.{key}"), inputs.get(f"{group}.{listed}")
    if key_input is None or list_input is None or not list_input.value.strip():
        return
    if OPAQUE.search(list_input.value) or OPAQUE.search(key_input.value):
        return  # a macro or URL escapes: not the columns CDM will read
    names = {column_name(c) for c in columns(list_input.value)}
    missing = [k for k in columns(key_input.value) if column_name(k) not in names]
    if missing:
        message = _(words).format(missing=", ".join(missing), key=f"{group}.{key}", listed=f"{group}.{listed}")
        findings.append(finding(ERROR, message, code, f"{group}.{key}", key_input.where))


def _typed_columns(inputs: dict[str, SideInput], name: str, code: str, findings: list[dict[str, Any]]) -> None:
    listed = inputs.get(name)
    if listed is None or OPAQUE.search(listed.value):
        return
    untyped = [c for c in columns(listed.value) if ":" not in c or not c.split(":", 1)[1].strip()]
    if untyped:
        message = _("{name} must give each field's type as name:type; {untyped} has none.").format(
            name=name, untyped=", ".join(untyped[:5])
        )
        findings.append(finding(ERROR, message, code, name, listed.where))


def _duplicate_columns(inputs: dict[str, SideInput], name: str, code: str, findings: list[dict[str, Any]]) -> None:
    listed = inputs.get(name)
    if listed is None or OPAQUE.search(listed.value):
        return
    seen: set[str] = set()
    twice: list[str] = []
    for column in columns(listed.value):
        if column in seen and column not in twice:
            twice.append(column)
        seen.add(column)
    if twice:
        if code:
            message = _("{name} names {columns} more than once: CDM refuses duplicate column names.").format(
                name=name, columns=", ".join(twice[:5])
            )
            findings.append(finding(ERROR, message, code, name, listed.where))
        else:
            message = _("{name} names {columns} more than once; one column cannot be written twice.").format(
                name=name, columns=", ".join(twice[:5])
            )
            findings.append(finding(WARNING, message, "", name, listed.where))
