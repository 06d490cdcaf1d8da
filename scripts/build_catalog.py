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

# CDM's own codes for a required input left blank (reference §10, error codes); each replaces the
# generic Cdm.0238. An input listed here that the tables leave optional is required by its code.
ERROR_CODES_PAGE = "OTC API reference, appendix 'Error Codes' (cdm-api.md §10.2)"
BLANK_CODES: dict[str, dict[str, str]] = {
    "redis-connector": {
        "keyPrefix": "Cdm.1205",  # The prefix of the Redis value cannot be empty.
        "valueStoreType": "Cdm.1206",  # The storage type of the Redis value must be string or hash.
        "columnList": "Cdm.1208",  # columnList of Redis must be specified.
        "keySeparator": "Cdm.1209",  # Redis Key Delimiter cannot be empty.
        "primaryKeyList": "Cdm.1210",  # primaryKeyList of Redis must be specified.
    },
    "elasticsearch-connector": {
        "index": "Cdm.1510",  # The Elasticsearch index must be specified.
        "type": "Cdm.1511",  # The Elasticsearch type must be specified.
    },
    "hbase-connector": {
        "table": "Cdm.1111",  # The table name cannot be empty.
        "rowKeyColumn": "Cdm.1103",  # No rowkey is set.
    },
    "mongodb-connector": {
        "database": "Cdm.1306",  # The database name of the MongoDB service must be specified.
    },
}

# Inputs real bodies send that the reference tables leave out, each with where it was seen. The
# web app, the sandbox and the near-miss rule then know them instead of calling them custom.
EXTRA_INPUTS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("dis-connector", "to"): [
        {
            "name": "toJobConfig.columnList",
            "type": "STRING",
            "help": 'Fields to write, joined with "&".',
            "observed_only": True,
            "source": "opentelekomcloud-docs/data-arts-studio@60686e8 api-ref/source/dataarts_migration_apis/"
            "job_management/creating_a_job_in_a_specified_cluster.rst (the es_css sample; also the random-cluster,"
            " modify and query pages, and huaweicloudDocs/dgc@56d61d8 cn.zh-cn/API参考/指定集群创建作业.md)",
        }
    ],
    ("hdfs-connector", "from"): [
        {
            "name": "fromJobConfig.jsonType",
            "type": "STRING",
            "help": "JSON file type of a JSON source: a JSON object per line, or a JSON array (console: JSON类型).",
            "observed_only": True,
            "examples": ["JSON_OBJECT"],
            "source": "huaweicloudDocs/dgc@56d61d8 cn.zh-cn/API参考/源端为HDFS.md (the JSON sample)",
        }
    ],
    ("obs-connector", "from"): [
        {
            "name": "fromJobConfig.splitType",
            "type": "ENUM",
            "enum": ["FILE", "SIZE"],
            "help": "How the files are split among extractors: by file, or by size.",
            "observed_only": True,
            "source": "opentelekomcloud-docs/data-arts-studio@d70d03d api-ref/source/dataarts_migration_apis/"
            "public_data_structures/source_job_parameters/from_object_storage.rst (the JSON sample)",
        }
    ],
    ("hbase-connector", "from"): [
        {
            "name": "fromJobConfig.columnFamily",
            "type": "STRING",
            "help": 'Column families to read, joined with "&": the Chinese sample\'s spelling of columnFamilies.',
            "observed_only": True,
            "notes": ["The parameter table and the OTC sample spell it columnFamilies; prefer that."],
            "source": "huaweicloudDocs/dgc@56d61d8 cn.zh-cn/API参考/源端为HBase-CloudTable.md (the JSON sample)",
        }
    ],
    ("obs-connector", "to"): [
        {
            "name": "toJobConfig.kmsEncryption",
            "type": "BOOLEAN",
            "help": "Older switch for KMS encryption of the written files; encryption=KMS replaces it.",
            "observed_only": True,
            "source": "huaweicloudDocs/dgc@45c0360 cn.zh-cn/用户指南/通过数据开发实现数据增量迁移.md"
            " (modified job JSON)",
        }
    ],
    ("generic-jdbc-connector", "to"): [
        {
            "name": "toJobConfig.onConflict",
            "type": "STRING",
            "help": "What a DWS destination does on a constraint conflict (console: 约束冲突处理); EXCEPTION seen.",
            "observed_only": True,
            "examples": ["EXCEPTION"],
            "source": "opentelekomcloud/gophertelekomcloud@05efd2a acceptance/openstack/dataarts/v1.1/jobs_test.go"
            " (a skipped acceptance test, later removed: weak evidence)",
        }
    ],
}

# CDM error codes the OTC appendix lacks, from the Chinese user guide's list of migration error codes.
EXTRA_ERROR_CODES = {
    "Cdm.0109": {
        "http_status": 400,
        "message": "The job or link name cannot be longer than %s characters.",
        "source": "huaweicloudDocs/dgc@56d61d8 cn.zh-cn/用户指南/数据迁移错误码.md: 作业或连接名长度不能超过%s",
    },
    "Cdm.0110": {
        "http_status": 400,
        "message": "Invalid name: it must start with a letter or digit and hold only letters, digits, _, - and .",
        "source": "huaweicloudDocs/dgc@56d61d8 cn.zh-cn/用户指南/数据迁移错误码.md: 命名错误,只能以字符或数字开头，"
        "并且名字只能包含字符、数字、下划线、中划线、点符号",
    },
}

# Which source may go to which destination (table/file migration). The user guide's matrix, CDM
# 2.10.0.300, Table 1, rows mapped to connectors (RDS/DWS/MySQL/... = generic-jdbc, CloudTable = hbase,
# CSS = elasticsearch), widened by what other pages document; a pair outside it is a warning, since the
# matrices of different versions and languages disagree.
MATRIX_PAGE = (
    "opentelekomcloud-docs/data-arts-studio@d70d03d umn/source/user_guide/dataarts_migration_cdm_jobs/"
    "supported_data_sources/supported_data_sources_2.10.0.300.rst, Table 1"
)
_ANALYTICS = ["dli-connector", "elasticsearch-connector", "generic-jdbc-connector", "hbase-connector"]
_BIG_DATA = [*_ANALYTICS, "hdfs-connector", "hive-connector", "obs-connector"]
_FILE_SYSTEMS = ["obs-connector", "hdfs-connector", "ftp-connector", "sftp-connector", "nas-connector"]
PAIRS: dict[str, list[str]] = {
    "generic-jdbc-connector": _BIG_DATA,
    "dli-connector": [*_BIG_DATA, "mongodb-connector"],
    "hdfs-connector": _BIG_DATA,
    "hbase-connector": _BIG_DATA,
    "hive-connector": _BIG_DATA,
    "obs-connector": _BIG_DATA,
    "ftp-connector": _BIG_DATA,
    "sftp-connector": _BIG_DATA,
    "elasticsearch-connector": _BIG_DATA,
    "kafka-connector": _BIG_DATA,
    "dms-kafka-connector": ["elasticsearch-connector"],
    "http-connector": ["hdfs-connector"],
    "redis-connector": ["hbase-connector", "hdfs-connector", "hive-connector", "obs-connector"],
    "mongodb-connector": ["hbase-connector", "hdfs-connector", "hive-connector", "obs-connector"],
}
# Pairs other pages document beyond the matrix, each with its page.
MORE_PAIRS: list[tuple[list[str], list[str], str]] = [
    (
        ["hdfs-connector", "hive-connector", "hbase-connector"],
        ["redis-connector", "mongodb-connector"],
        "huaweicloudDocs/dgc@2637d96 cn.zh-cn/用户指南/支持的数据源.md:"
        " DCS 仅支持MRS到DCS迁移; DDS 仅支持DDS和MRS之间迁移",
    ),
    (
        ["http-connector", "thirdparty-obs-connector", "obs-connector"],
        ["obs-connector"],
        "huaweicloudDocs/dgc@2637d96 支持的数据源.md (HTTP仅支持到OBS/HDFS; 其他对象存储仅支持迁移数据到OBS); "
        "toJobConfig.copyContentType exists for object storage to OBS (to_obs.rst)",
    ),
    (
        _FILE_SYSTEMS,
        ["ftp-connector", "sftp-connector", "nas-connector"],
        "huaweicloudDocs/dgc@45c0360 cn.zh-cn/用户指南/配置FTP-SFTP-NAS-SFS目的端参数.md:"
        " 源端为文件系统（OBS/FTP/SFTP/NAS/HDFS），"
        "目的端为FTP/SFTP/NAS",
    ),
    (
        ["nas-connector"],
        _BIG_DATA,
        "huaweicloudDocs/dgc@45c0360 支持的数据源.md: NAS/SFS read and write",
    ),
    (
        ["dis-connector", "kafka-connector", "dms-kafka-connector", "elasticsearch-connector"],
        ["dis-connector", "elasticsearch-connector"],
        "huaweicloudDocs/dgc@45c0360 支持的数据源.md:"
        " 消息系统作为源端时，仅支持迁移到CSS、DIS、Apache Kafka、DMS Kafka; "
        "the official es_css sample (Elasticsearch to DIS)",
    ),
    (
        ["dis-connector"],
        ["kafka-connector", "dms-kafka-connector"],
        "support.huaweicloud.com/en-us/usermanual-cdm/cdm_01_0086.html (From DIS): data can only be exported from"
        " DIS to CSS, Apache Kafka, or DMS Kafka",
    ),
    (
        ["opentsdb-connector", *_BIG_DATA],
        ["opentsdb-connector"],
        "huaweicloudDocs/dgc@2637d96 支持的数据源.md: CloudTable OpenTSDB read and write",
    ),
]
# Connectors every current page calls a source only: as a destination CDM refuses the direction (Cdm.0061).
NEVER_DESTINATION: dict[str, str] = {
    "http-connector": "HTTP is read only (新建表-文件迁移作业.md:"
    " 当前只支持从HTTP URL导出数据，不支持导入; from_http_https.rst)",
    "thirdparty-obs-connector": "third-party object storage is read only (新建表-文件迁移作业.md:"
    " 暂不支持导入数据到…七牛云KODO、腾讯云COS、亚马逊S3)",
}
# Kafka as a destination: the 2.10 matrix says "the message system cannot serve as the destination", yet
# the CDM user manual's "From DIS" page exports DIS to Apache Kafka and DMS Kafka; so a warning, no refusal.

# Extractors a cluster runs at once, by flavour (OTC user guide FAQ "How Do I Set the Number of
# Concurrent Extractors for a CDM Job?": cdm.large 16, cdm.xlarge 32, cdm.4xlarge 128, "2 x vCPUs";
# small and medium by that rule from their vCPUs, 2 and 4, in the SDK's create_cluster docstring).
# A job may ask for more (1-300); what exceeds the cap queues.
FLAVOUR_EXTRACTORS = {"cdm.small": 4, "cdm.medium": 8, "cdm.large": 16, "cdm.xlarge": 32, "cdm.4xlarge": 128}

# What each job type takes (user guide, "Creating an Entire Database Migration Job", CDM 2.10, Table 2,
# and the Chinese 整库迁移 pages): an entire-database job reads databases, never files or streams; it
# picks its tables in a step of its own, so it takes no custom SQL.
ENTIRE_DB_PAGE = (
    "opentelekomcloud-docs/data-arts-studio@d70d03d umn/source/user_guide/dataarts_migration_cdm_jobs/"
    "creating_a_job_in_a_cdm_cluster/creating_an_entire_database_migration_job.rst; huaweicloudDocs/dgc@45c0360 "
    "cn.zh-cn/用户指南/整库迁移.md"
)
JOB_TYPE_RULES: dict[str, dict[str, Any]] = {
    "NORMAL_JOB": {"documented": True},
    "BATCH_JOB": {
        "documented": True,
        "sources": [
            "generic-jdbc-connector",
            "hive-connector",
            "hbase-connector",
            "mongodb-connector",
            "redis-connector",
            "elasticsearch-connector",
        ],
        "destinations": [
            "generic-jdbc-connector",
            "hive-connector",
            "hbase-connector",
            "mongodb-connector",
            "redis-connector",
            "elasticsearch-connector",
            "obs-connector",
        ],
        "not_taken": ["fromJobConfig.useSql", "fromJobConfig.sql"],
        "source": ENTIRE_DB_PAGE,
    },
    "SCENARIO_JOB": {
        "documented": False,
        "source": "the job APIs name it (SCENARIO_JOB: scenario migration) and document nothing more",
    },
}

# Keys and vectors written in hexadecimal of a fixed length: AES-256-GCM's data encryption key is
# 64 hex characters and its initialisation vector 32 (OTC API reference, from_hdfs.rst / to_obs.rst
# "dek ... 64-bit hexadecimal" and "iv ... 32-bit hexadecimal", i.e. characters; 迁移文件时加解密.md).
HEX_LENGTHS = {"dek": 64, "iv": 32}

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


def convert_input(
    raw: dict[str, Any], side: str | None, known: set[str], connector: str | None = None
) -> dict[str, Any]:
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
    if name.split(".", 1)[-1] in HEX_LENGTHS and side in ("from", "to"):
        entry["hex_length"] = HEX_LENGTHS[name.split(".", 1)[-1]]
    blank_code = BLANK_CODES.get(connector or "", {}).get(name.split(".", 1)[-1])
    if blank_code and side in ("from", "to"):
        entry["blank_code"] = blank_code
        if not entry["required"]:
            entry["required"] = True
            note = f"required: CDM refuses it blank with {blank_code} ({ERROR_CODES_PAGE})"
            entry.setdefault("accepted_notes", []).append(note)
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
            raw_inputs = [*(raw.get(side) or []), *EXTRA_INPUTS.get((connector_name, side), [])]
            known = {item["name"] for item in raw_inputs}
            sides[side] = [convert_input(item, side, known, connector_name) for item in raw_inputs]
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
    pairs = {source: sorted(set(destinations)) for source, destinations in PAIRS.items()}
    for sources, destinations, _page in MORE_PAIRS:
        for source_name in sources:
            pairs[source_name] = sorted({*pairs.get(source_name, []), *destinations})
    return {
        "about": "Generated by scripts/build_catalog.py from the project's CDM research notes.",
        "pairs": pairs,
        "pairs_source": "; ".join([MATRIX_PAGE, *[page for _s, _d, page in MORE_PAIRS]]),
        "never_destination": NEVER_DESTINATION,
        "flavour_extractors": FLAVOUR_EXTRACTORS,
        "connectors": connectors,
        "driver": driver,
        "driver_order": list(source["driver"]),
        "job_types": [
            {"value": jt["value"], "label": jt["meaning"], **JOB_TYPE_RULES.get(jt["value"], {})}
            for jt in source["job_types"]
        ],
        "error_codes": {
            code: {"http": info.get("http_status"), "message": info.get("message", "")}
            for code, info in {**source["error_codes"], **EXTRA_ERROR_CODES}.items()
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
