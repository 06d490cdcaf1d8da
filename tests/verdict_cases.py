"""CDM's verdict as data: bodies CDM accepted, each with its public source, and one body per rule that
CDM refuses, each with the documentation that says so and CDM's code. The pure validation tests, the
validate_job command's tests and the sandbox's tests all read these tables.

Accepted bodies are the corpus's whole jobs (tests/corpus/INDEX.md gives each one's repository,
commit and path) and bodies made of two official per-connector samples, a source page's and a
destination page's, joined for a pair the user guide documents.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
OTC_SAMPLES = (
    "opentelekomcloud-docs/data-arts-studio@d70d03d api-ref/source/dataarts_migration_apis/public_data_structures"
)
DGC_SAMPLES = "huaweicloudDocs/dgc@56d61d8 cn.zh-cn/API参考"


def corpus_jobs(pattern: str) -> list[dict[str, Any]]:
    path = next((CORPUS / "jobs").glob(pattern))
    return json.loads(path.read_text(encoding="utf-8"))["jobs"]


def fragment(name: str) -> dict[str, Any]:
    """One per-connector sample: '"from-config-values": {...}' with no braces around it."""
    return json.loads("{" + (CORPUS / "fragments" / f"{name}.txt").read_text(encoding="utf-8") + "}")


def joined(source: str, source_connector: str, destination: str, destination_connector: str) -> dict[str, Any]:
    driver = fragment("otc-driver-job_parameter_description")["driver-config-values"]
    return {
        "job_type": "NORMAL_JOB",
        "name": f"{source_connector.split('-')[0]}2{destination_connector.split('-')[0]}",
        "from-connector-name": source_connector,
        "from-link-name": "source_link",
        "from-config-values": fragment(source)["from-config-values"],
        "to-connector-name": destination_connector,
        "to-link-name": "destination_link",
        "to-config-values": fragment(destination)["to-config-values"],
        "driver-config-values": copy.deepcopy(driver),
    }


# name -> (body, where it comes from)
ACCEPTED: dict[str, tuple[dict[str, Any], str]] = {
    "es_css create": (corpus_jobs("01-*")[0], "corpus 01: OTC 'Creating a Job in a Specified Cluster' sample"),
    "es_css random cluster": (
        corpus_jobs("02-*")[0],
        "corpus 02: OTC 'Creating and Executing a Job in a Random Cluster'",
    ),
    "es_css as listed": (corpus_jobs("03-*")[0], "corpus 03: OTC 'Querying a Job' response"),
    "mysql2dws": (corpus_jobs("04-*")[0], "corpus 04: OTC 'Example of Using DataArts Migration APIs' (curl payload)"),
    "dws2obs with DLF macros": (corpus_jobs("06-*")[0], "corpus 06: DGC user guide, 通过数据开发实现数据增量迁移"),
}
JOINED = [
    ("otc-src-from_a_relational_database", "generic-jdbc-connector", "otc-dst-to_hive", "hive-connector"),
    (
        "dgc-src-from_a_relational_database",
        "generic-jdbc-connector",
        "otc-dst-to_a_relational_database",
        "generic-jdbc-connector",
    ),
    ("otc-src-from_dis", "dis-connector", "otc-dst-to_elasticsearch_cloud_search_service", "elasticsearch-connector"),
    ("dgc-src-from_dis", "dis-connector", "otc-dst-to_dis", "dis-connector"),
    ("otc-src-from_elasticsearch_cloud_search_service", "elasticsearch-connector", "otc-dst-to_dli", "dli-connector"),
    ("otc-src-from_ftp_sftp", "ftp-connector", "otc-dst-to_obs", "obs-connector"),
    ("otc-src-from_ftp_sftp", "sftp-connector", "dgc-dst-to_obs", "obs-connector"),
    ("otc-src-from_hbase_cloudtable", "hbase-connector", "otc-dst-to_hbase_cloudtable", "hbase-connector"),
    ("dgc-src-from_hbase_cloudtable", "hbase-connector", "otc-dst-to_hive", "hive-connector"),
    ("otc-src-from_hdfs", "hdfs-connector", "otc-dst-to_obs", "obs-connector"),
    ("dgc-src-from_hdfs", "hdfs-connector", "otc-dst-to_dds", "mongodb-connector"),
    ("otc-src-from_hive", "hive-connector", "otc-dst-to_dcs@c9a97ae", "redis-connector"),
    ("otc-src-from_http_https", "http-connector", "otc-dst-to_hdfs", "hdfs-connector"),
    (
        "otc-src-from_kafka",
        "kafka-connector",
        "otc-dst-to_elasticsearch_cloud_search_service",
        "elasticsearch-connector",
    ),
    ("otc-src-from_mongodb_dds", "mongodb-connector", "otc-dst-to_hive", "hive-connector"),
    ("otc-src-from_object_storage", "obs-connector", "otc-dst-to_dli", "dli-connector"),
    ("otc-src-from_opentsdb@c9a97ae", "opentsdb-connector", "otc-dst-to_opentsdb@c9a97ae", "opentsdb-connector"),
    ("otc-src-from_redis", "redis-connector", "otc-dst-to_hbase_cloudtable", "hbase-connector"),
    (
        "otc-src-from_hdfs",
        "hdfs-connector",
        "otc-dst-to_ftp_sftp_nas_to_be_brought_offline_sfs_to_be_brought_offline@c9a97ae",
        "ftp-connector",
    ),
    ("dgc-ug-fieldmap-src-hbase2dws", "hbase-connector", "dgc-ug-fieldmap-dst-hbase2dws", "generic-jdbc-connector"),
]
for _source, _source_connector, _destination, _destination_connector in JOINED:
    ACCEPTED[f"{_source} + {_destination} ({_source_connector})"] = (
        joined(_source, _source_connector, _destination, _destination_connector),
        f"tests/corpus/fragments/{_source}.txt and {_destination}.txt ({OTC_SAMPLES}, {DGC_SAMPLES};"
        " see tests/corpus/INDEX.md)",
    )


@dataclass
class Refused:
    """One body CDM refuses: a change to a clean base, the code, and the page that says so."""

    base: str
    change: Any
    code: str
    documented: str
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body = copy.deepcopy(ACCEPTED[self.base][0])
        self.change(body)
        return body


def inputs(body: dict[str, Any], side: str) -> list[dict[str, Any]]:
    return body[f"{side}-config-values"]["configs"][0]["inputs"]


def set_input(side: str, name: str, value: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        found = [i for i in inputs(body, side) if i["name"] == name]
        if found:
            found[0]["value"] = value
        else:
            inputs(body, side).append({"name": name, "value": value})

    return change


def drop_input(side: str, name: str) -> Any:
    def change(body: dict[str, Any]) -> None:
        inputs(body, side)[:] = [i for i in inputs(body, side) if i["name"] != name]

    return change


def rename_input(side: str, name: str, new_name: str) -> Any:
    def change(body: dict[str, Any]) -> None:
        for item in inputs(body, side):
            if item["name"] == name:
                item["name"] = new_name

    return change


def set_key(key: str, value: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        body[key] = value

    return change


def driver_input(group: str, name: str, value: str, *also: tuple[str, str]) -> Any:
    def change(body: dict[str, Any]) -> None:
        configs = body["driver-config-values"]["configs"]
        wanted = [{"name": name, "value": value}, *({"name": n, "value": v} for n, v in also)]
        for config in configs:
            if config["name"] == group:
                config["inputs"] = [i for i in config["inputs"] if i["name"] not in {w["name"] for w in wanted}]
                config["inputs"] += wanted
                return
        configs.append({"name": group, "inputs": wanted})

    return change


def both(*changes: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        for one in changes:
            one(body)

    return change


JDBC_HIVE = "otc-src-from_a_relational_database + otc-dst-to_hive (generic-jdbc-connector)"
HIVE_REDIS = "otc-src-from_hive + otc-dst-to_dcs@c9a97ae (hive-connector)"
KAFKA_ES = "otc-src-from_kafka + otc-dst-to_elasticsearch_cloud_search_service (kafka-connector)"
ES_DLI = "otc-src-from_elasticsearch_cloud_search_service + otc-dst-to_dli (elasticsearch-connector)"
HBASE_HBASE = "otc-src-from_hbase_cloudtable + otc-dst-to_hbase_cloudtable (hbase-connector)"
HDFS_OBS = "otc-src-from_hdfs + otc-dst-to_obs (hdfs-connector)"
HDFS_DDS = "dgc-src-from_hdfs + otc-dst-to_dds (hdfs-connector)"
HTTP_HDFS = "otc-src-from_http_https + otc-dst-to_hdfs (http-connector)"
ERROR_CODES = "API reference, appendix 'Error Codes' (cdm-api.md §10.2)"

REFUSED: dict[str, Refused] = {
    "a misspelt input name": Refused(
        JDBC_HIVE,
        rename_input("from", "fromJobConfig.tableName", "fromJobConfig.tabelName"),
        "Cdm.0089",
        f"{ERROR_CODES}: Cdm.0089 The configuration item [%s] does not exist.",
    ),
    "a misspelt driver group": Refused(
        JDBC_HIVE,
        driver_input("throtlingConfig", "throtlingConfig.numExtractors", "1"),
        "Cdm.0089",
        f"{ERROR_CODES}: Cdm.0089 The configuration item [%s] does not exist.",
    ),
    "an unknown connector": Refused(
        JDBC_HIVE,
        set_key("to-connector-name", "hive2-connector"),
        "Cdm.0102",
        f"{ERROR_CODES}: Cdm.0102 Connector [%s] does not exist.",
    ),
    "an unknown job type": Refused(
        JDBC_HIVE,
        set_key("job_type", "STREAM_JOB"),
        "Cdm.0055",
        f"{ERROR_CODES}: Cdm.0055 Unsupported job type.",
    ),
    "a read-only connector as the destination": Refused(
        HDFS_OBS,
        set_key("to-connector-name", "http-connector"),
        "Cdm.0061",
        f"{ERROR_CODES}: Cdm.0061 Connector %s does not support the specified direction; user guide: HTTP is read only",
    ),
    "a binary source into a database": Refused(
        HTTP_HDFS,
        set_key("to-connector-name", "hive-connector"),
        "Cdm.0062",
        "from_http_https.rst / from_hdfs.rst: 'If you select BINARY_FILE, the migration destination must also be a file"
        f" system'; {ERROR_CODES}: Cdm.0062",
    ),
    "neither a schema nor SQL": Refused(
        JDBC_HIVE,
        both(drop_input("from", "fromJobConfig.schemaName")),
        "Cdm.0913",
        f"{ERROR_CODES}: Cdm.0913 Schema and SQL cannot be left blank at the same time.",
    ),
    "custom SQL mode without a statement": Refused(
        JDBC_HIVE,
        both(set_input("from", "fromJobConfig.useSql", "true"), drop_input("from", "fromJobConfig.schemaName")),
        "Cdm.0913",
        f"{ERROR_CODES}: Cdm.0913 Schema and SQL cannot be left blank at the same time.",
    ),
    "a Redis key column not among the columns": Refused(
        HIVE_REDIS,
        set_input("to", "toJobConfig.primaryKeyList", "99"),
        "Cdm.1211",
        f"{ERROR_CODES}: Cdm.1211 primaryKeyList of Redis must exist in columnList.",
    ),
    "Redis STRING values with a blank separator": Refused(
        HIVE_REDIS,
        set_input("to", "toJobConfig.valueSeparator", ""),
        "Cdm.1207",
        f"{ERROR_CODES}: Cdm.1207 When the value storage type is string, Value Delimiter must be specified.",
    ),
    "Redis without columns": Refused(
        HIVE_REDIS,
        drop_input("to", "toJobConfig.columnList"),
        "Cdm.1208",
        f"{ERROR_CODES}: Cdm.1208 columnList of Redis must be specified.",
    ),
    "Redis without a key separator": Refused(
        HIVE_REDIS,
        set_input("to", "toJobConfig.keySeparator", ""),
        "Cdm.1209",
        f"{ERROR_CODES}: Cdm.1209 Redis Key Delimiter cannot be empty.",
    ),
    "an Elasticsearch key field not among the columns": Refused(
        KAFKA_ES,
        both(set_input("to", "toJobConfig.columnList", "id&name"), set_input("to", "toJobConfig.primaryKey", "uuid")),
        "Cdm.1514",
        f"{ERROR_CODES}: Cdm.1514 columnList must contain primaryKey.",
    ),
    "Elasticsearch source fields without their types": Refused(
        ES_DLI,
        set_input("from", "fromJobConfig.columnList", "a1&s1"),
        "Cdm.1513",
        f"{ERROR_CODES}: Cdm.1513 columnList must contain the field type definition.",
    ),
    "an Elasticsearch destination without an index": Refused(
        KAFKA_ES,
        set_input("to", "toJobConfig.index", ""),
        "Cdm.1510",
        f"{ERROR_CODES}: Cdm.1510 The Elasticsearch index must be specified.",
    ),
    "an HBase destination without a row key": Refused(
        HBASE_HBASE,
        drop_input("to", "toJobConfig.rowKeyColumn"),
        "Cdm.1103",
        f"{ERROR_CODES}: Cdm.1103 No rowkey is set.",
    ),
    "a column mapped twice": Refused(
        HBASE_HBASE,
        set_input("to", "toJobConfig.columns", "AA:AA&BB:BB&AA:AA"),
        "Cdm.1116",
        f"{ERROR_CODES}: Cdm.1116 Duplicate column name. Reset it in the field mapping step.",
    ),
    "a MongoDB destination without a database": Refused(
        HDFS_DDS,
        set_input("to", "toJobConfig.database", ""),
        "Cdm.1306",
        f"{ERROR_CODES}: Cdm.1306 The database name of the MongoDB service must be specified.",
    ),
    "a value outside its choices": Refused(
        HDFS_OBS,
        set_input("to", "toJobConfig.outputFormat", "ORC_FILE"),
        "Cdm.0014",
        f"{OTC_SAMPLES}/destination_job_parameters/to_obs.rst: outputFormat CSV_FILE or BINARY_FILE; Cdm.0014",
    ),
    "more extractors than a job may have": Refused(
        HDFS_OBS,
        driver_input("throttlingConfig", "throttlingConfig.numExtractors", "301"),
        "Cdm.0024",
        "Job parameter description: concurrent extractors 1-300; Cdm.0024 [%s] must be within the range of [%s].",
    ),
    "an empty whole number": Refused(
        HDFS_OBS,
        driver_input("throttlingConfig", "throttlingConfig.numExtractors", ""),
        "Cdm.0009",
        f"{ERROR_CODES}: Cdm.0009 %s is not an integer or is beyond the value range [0, 2147483647].",
    ),
    "an empty switch": Refused(
        HDFS_OBS,
        driver_input("throttlingConfig", "throttlingConfig.recordDirtyData", ""),
        "Cdm.0004",
        f"{ERROR_CODES}: Cdm.0004 Invalid parameter type (a boolean is true or false).",
    ),
    "a start date in another format": Refused(
        HDFS_OBS,
        driver_input(
            "schedulerConfig",
            "schedulerConfig.startDate",
            "2026/12/01 02:30",
            ("schedulerConfig.isSchedulerJob", "true"),
        ),
        "Cdm.0004",
        "Job parameter description: startDate is yyyy-MM-dd HH:mm:ss; Cdm.0004 Invalid parameter type.",
    ),
    "runAt that is not of its cycle": Refused(
        HDFS_OBS,
        driver_input(
            "schedulerConfig",
            "schedulerConfig.runAt",
            "monday",
            ("schedulerConfig.isSchedulerJob", "true"),
            ("schedulerConfig.cycleType", "week"),
        ),
        "Cdm.0004",
        "Job parameter description: runAt holds weekday names (mon, tue...) for cycleType week.",
    ),
    "a job name with a space": Refused(
        HDFS_OBS,
        set_key("name", "nightly copy"),
        "Cdm.0110",
        "huaweicloudDocs/dgc@56d61d8 用户指南/数据迁移错误码.md: Cdm.0110 命名错误,只能以字符或数字开头，"
        "并且名字只能包含字符、数字、下划线、中划线、点符号",
    ),
    "a job name starting with a dot": Refused(
        HDFS_OBS,
        set_key("name", ".hidden"),
        "Cdm.0110",
        "huaweicloudDocs/dgc@56d61d8 用户指南/数据迁移错误码.md: Cdm.0110 (must start with a letter or digit)",
    ),
    "a job name of 241 characters": Refused(
        HDFS_OBS,
        set_key("name", "j" * 241),
        "Cdm.0109",
        "API reference, job name 1-240 characters; 数据迁移错误码.md: Cdm.0109 作业或连接名长度不能超过%s",
    ),
    "an AES key of the wrong length": Refused(
        HDFS_OBS,
        both(
            set_input("to", "toJobConfig.encryption", "AES-256-GCM"),
            set_input("to", "toJobConfig.dek", "0123456789abcdef"),
            set_input("to", "toJobConfig.iv", "0123456789abcdef0123456789abcdef"),
        ),
        "Cdm.0014",
        f"{OTC_SAMPLES}/destination_job_parameters/to_obs.rst: dek is 64 and iv 32 hexadecimal characters",
    ),
    "an entire-database migration from files": Refused(
        HDFS_OBS,
        set_key("job_type", "BATCH_JOB"),
        "Cdm.0055",
        "User guide, 'Creating an Entire Database Migration Job': it reads databases (Table 2), not file systems",
    ),
}
