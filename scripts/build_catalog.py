"""Regenerate cdmweb/catalog/data/catalog.json from the research notes in ../shared/reference.

A developer runs this when the research changes; the app itself only ever reads the generated
file, so nothing outside the repository is needed at run time.

    python scripts/build_catalog.py [path/to/cdm-catalog.json]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "cdm-catalog.json"
TARGET = ROOT / "cdmweb" / "catalog" / "data" / "catalog.json"

SIDE_GROUP = {"from": "fromJobConfig", "to": "toJobConfig", "link": "linkConfig"}
SECRET_NAME = re.compile(r"\.(password|sk|securityKey|securityToken|dek|iv)$")

# Integer bounds the research states in prose (UI limits, flavor maxima); everything else is
# only "a non-negative integer" as CDM's own Cdm.0009 check puts it.
INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    # The job's documented range; what actually runs is capped by the cluster's flavour.
    "throttlingConfig.numExtractors": (1, 300),
    "throttlingConfig.numLoaders": (1, 128),
    "throttlingConfig.channelCapacityMb": (1, 500),  # UI: 1-500 MB
    "throttlingConfig.byteRate": (2, None),  # UI: an integer greater than 1
    "throttlingConfig.concurrentSubJobs": (1, None),
    "throttlingConfig.numSplits": (1, None),
    "throttlingConfig.splitRetryTime": (0, None),
    "throttlingConfig.maxErrorRecords": (0, None),
    "throttlingConfig.recordRate": (1, None),
    "schedulerConfig.cycle": (1, None),
}
INT_MAX = 2147483647  # Cdm.0009: "beyond the value range [0, 2147483647]"

# Values real bodies send that CDM accepted, beyond what the tables enumerate. Added to an input's
# choices wherever it has choices; each with where it was seen.
EXTRA_CHOICES: dict[str, tuple[list[str], str]] = {
    "fromJobConfig.filterType": (
        ["NONE"],
        "no filter: sent by the official 'From HDFS' and object-storage samples and by the Terraform "
        "provider's huaweicloud_cdm_job",
    ),
}
# Spellings CDM accepts for an enumerated value: wherever the first is a choice, so is the second.
CHOICE_ALIASES: dict[str, tuple[str, str]] = {
    "TAR.GZ": ("TARGZ", "the official HTTP-source sample sends TARGZ where its own table spells TAR.GZ"),
}
# Inputs a table marks required that official samples CDM accepted leave out: a documented
# conflict, so leaving them out is a warning, not a refusal.
REQUIRED_BUT_LEFT_OUT: dict[str, str] = {
    "fromJobConfig.dataFormat": "the official Kafka, DMS Kafka and DIS source samples leave it out and CDM took them",
}

# Driver inputs that act only when a switch of their group is on, as the console shows them only
# then (Job Parameter Description: dirty-data settings under "write dirty data", the schedule under
# "scheduled execution", the rate under "throttling"). Set with the switch off, CDM ignores them.
DRIVER_CONDITIONS: dict[str, tuple[str, list[str]]] = {
    "throttlingConfig.writeToLink": ("throttlingConfig.recordDirtyData", ["true"]),
    "throttlingConfig.obsBucket": ("throttlingConfig.recordDirtyData", ["true"]),
    "throttlingConfig.dirtyDataDirectory": ("throttlingConfig.recordDirtyData", ["true"]),
    "throttlingConfig.byteRate": ("throttlingConfig.throttling", ["true"]),
    "schedulerConfig.cycleType": ("schedulerConfig.isSchedulerJob", ["true"]),
    "schedulerConfig.cycle": ("schedulerConfig.isSchedulerJob", ["true"]),
    "schedulerConfig.runAt": ("schedulerConfig.isSchedulerJob", ["true"]),
    "schedulerConfig.startDate": ("schedulerConfig.isSchedulerJob", ["true"]),
    "schedulerConfig.stopDate": ("schedulerConfig.isSchedulerJob", ["true"]),
}

# Connectors of relational databases, and prose conditions ("applies_when") that name the job's
# source in those terms: turned into a condition on the source connector, so a rule meant for
# relational-to-relational jobs says nothing on a hive -> jdbc job.
RELATIONAL = ["generic-jdbc-connector"]
SOURCE_CONDITIONS: dict[str, list[str]] = {
    "source and destination are both relational databases": RELATIONAL,
}

# Inputs the reference documents as a moment "yyyy-MM-dd HH:mm:ss" (job parameters: the schedule's
# start and stop; file sources' TIME filter, which also takes date macros).
DATETIME_INPUTS = {
    "schedulerConfig.startDate",
    "schedulerConfig.stopDate",
    "fromJobConfig.startTime",
    "fromJobConfig.endTime",
}

# Inputs that name the one table (or collection) a job migrates. An entire-database migration
# (BATCH_JOB, or isBatchMigration=true) names none: the console picks the tables in a step of its
# own and runs one sub-job per table (user guide, "Entire DB Migration"), so these are not required there.
SINGLE_TABLE_KEYS = {"tableName", "table", "collectionName"}

CONDITION = re.compile(r"^\s*([A-Za-z][\w]*)\s*=\s*(.+?)\s*$")


def parse_condition(text: str, side: str, known: set[str]) -> list[dict[str, Any]] | None:
    """Turn 'useSql=true' or 'hadoopType=MRS or FusionInsight HD' into machine conditions.

    Prose conditions ('Oracle source') return None and stay as context text.
    """
    text = re.sub(r"\s*\(.*?\)\s*$", "", text)
    conditions = []
    for part in re.split(r"\s+and\s+", text):
        match = CONDITION.match(part)
        if not match:
            return None
        key, values = match.groups()
        full = f"{SIDE_GROUP[side]}.{key}"
        if full not in known:
            return None
        conditions.append({"input": full, "in": [v.strip() for v in re.split(r"\s+or\s+", values)]})
    return conditions or None


def convert_input(raw: dict[str, Any], side: str | None, known: set[str]) -> dict[str, Any]:
    name = raw["name"]
    kind = raw["type"].lower()
    if SECRET_NAME.search(name):
        kind = "secret"
    elif name in DATETIME_INPUTS and kind == "string":
        kind = "datetime"
    entry: dict[str, Any] = {
        "name": name,
        "type": kind,
        "required": bool(raw.get("required")),
        "help": raw.get("help") or "",
    }
    if raw.get("default") is not None:
        default = raw["default"]
        entry["default"] = ("true" if default else "false") if isinstance(default, bool) else str(default)
    if raw.get("enum"):
        entry["choices"] = [str(v) for v in raw["enum"]]
        added = list(EXTRA_CHOICES.get(name, ([], ""))[0])
        added += [CHOICE_ALIASES[c][0] for c in entry["choices"] if c in CHOICE_ALIASES]
        for choice in added:
            if choice not in entry["choices"]:
                entry["choices"].append(choice)
        notes = [EXTRA_CHOICES[name][1]] if name in EXTRA_CHOICES else []
        notes += [f"{CHOICE_ALIASES[c][0]} as well: {CHOICE_ALIASES[c][1]}" for c in raw["enum"] if c in CHOICE_ALIASES]
        if notes:
            entry.setdefault("accepted_notes", []).extend(notes)
    elif kind == "enum":
        entry["type"] = "string"  # an enum whose literals nobody documented is free text
    if kind == "integer":
        low, high = INTEGER_BOUNDS.get(name, (0, None))
        entry["min"] = low
        entry["max"] = INT_MAX if high is None else high
    if raw.get("applies_when"):
        parsed = parse_condition(raw["applies_when"], side, known) if side else None
        if parsed:
            entry["when"] = parsed
        else:
            entry["context"] = raw["applies_when"]
            if raw["applies_when"] in SOURCE_CONDITIONS:
                entry["when_source"] = SOURCE_CONDITIONS[raw["applies_when"]]
    if side in ("from", "to") and name.split(".", 1)[-1] in SINGLE_TABLE_KEYS:
        entry["single_table"] = True
    if entry["required"] and name in REQUIRED_BUT_LEFT_OUT:
        entry["left_out_by_samples"] = REQUIRED_BUT_LEFT_OUT[name]
    if raw.get("observed_only"):
        entry["observed_only"] = True
    if raw.get("notes") or entry.get("accepted_notes"):
        entry["notes"] = [*raw.get("notes", []), *entry.pop("accepted_notes", [])]
    if raw.get("examples"):
        entry["examples"] = [str(e) for e in raw["examples"]]
    entry["source"] = raw.get("source", "")
    return entry


def build(source: dict[str, Any]) -> dict[str, Any]:
    connectors = {}
    for connector_name, raw in source["connectors"].items():
        sides = {}
        for side in ("from", "to", "link"):
            raw_inputs = raw.get(side) or []
            known = {item["name"] for item in raw_inputs}
            sides[side] = [convert_input(item, side, known) for item in raw_inputs]
        connectors[connector_name] = {
            "label": raw["label"],
            "notes": raw.get("notes", []),
            "directions": [side for side in ("from", "to") if sides[side]],
            "inputs": sides,
        }
    driver = {group: [convert_input(item, None, set()) for item in items] for group, items in source["driver"].items()}
    for items in driver.values():
        for entry in items:
            if entry["name"] in DRIVER_CONDITIONS and "when" not in entry:
                switch, values = DRIVER_CONDITIONS[entry["name"]]
                entry["when"] = [{"input": switch, "in": values}]
    return {
        "about": "Generated by scripts/build_catalog.py from the project's CDM research notes.",
        "connectors": connectors,
        "driver": driver,
        "driver_order": list(source["driver"]),
        "job_types": [{"value": jt["value"], "label": jt["meaning"]} for jt in source["job_types"]],
        "error_codes": {
            code: {"http": info.get("http_status"), "message": info.get("message", "")}
            for code, info in source["error_codes"].items()
        },
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    data = build(json.loads(path.read_text(encoding="utf-8")))
    TARGET.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(len(v) for c in data["connectors"].values() for v in c["inputs"].values())
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(data['connectors'])} connectors, {total} inputs")


if __name__ == "__main__":
    main()
