"""Jobs put straight into a sandbox cluster, for the tests of the clusters screen, pull and drift."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from cdmweb.sandbox.engine import cluster_id_for, ensure_clusters
from cdmweb.sandbox.models import SandboxCluster, SandboxJob

DEMO = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"
CLUSTER = "sandbox-cluster-1"


def demo_job(name: str, job_type: str = "NORMAL_JOB", **changes: Any) -> dict[str, Any]:
    job = copy.deepcopy(json.loads(DEMO.read_text())["jobs"][0])
    job["name"], job["job_type"] = name, job_type
    job.update(changes)
    return job


def cluster_id(name: str = CLUSTER) -> str:
    return cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, name)


def sandbox_cluster(name: str = CLUSTER) -> SandboxCluster:
    ensure_clusters(settings.CDM_SANDBOX_PROJECT_ID)
    return SandboxCluster.objects.get(project_id=settings.CDM_SANDBOX_PROJECT_ID, cluster_id=cluster_id(name))


def put_jobs(*jobs: dict[str, Any], cluster: str = CLUSTER) -> list[SandboxJob]:
    """Jobs as if someone created them in the console (no check, no HTTP)."""
    where = sandbox_cluster(cluster)
    return SandboxJob.objects.bulk_create(
        SandboxJob(cluster=where, name=job.get("name") or "", job_type=job.get("job_type") or "NORMAL_JOB", body=job)
        for job in jobs
    )


def edit_on_cluster(name: str, value: str, cluster: str = CLUSTER) -> None:
    """Change fromJobConfig.tableName of a job on the cluster, as a console user would."""
    job = SandboxJob.objects.get(cluster=sandbox_cluster(cluster), name=name)
    body = copy.deepcopy(job.body)
    for item in body["from-config-values"]["configs"][0]["inputs"]:
        if item["name"] == "fromJobConfig.tableName":
            item["value"] = value
    job.body = body
    job.save(update_fields=["body"])


def input_value(job: dict[str, Any], name: str) -> Any:
    for key in ("from-config-values", "to-config-values", "driver-config-values"):
        for group in job.get(key, {}).get("configs", []):
            for item in group.get("inputs", []):
                if item.get("name") == name:
                    return item.get("value")
    return None


def answered_with_nul(monkeypatch: Any, name: str) -> None:
    """CDM answers job ``name`` with a NUL character inside a value. The sandbox cannot store one
    (PostgreSQL refuses \\u0000 in JSON), so it is put into the answer only, on the far side."""
    from cdmweb.sandbox import engine

    original = engine.listed_job

    def listed(job: SandboxJob) -> dict[str, Any]:
        answer = original(job)
        if job.name == name:
            answer["to-link-name"] = "nul\u0000inside"
        return answer

    monkeypatch.setattr(engine, "listed_job", listed)
