"""What the sandbox does, apart from HTTP: seeding clusters, keeping jobs, running submissions.

A submission's state is computed from the time since it started, so nothing runs in the
background and every answer is consistent with the clock: BOOTING, then RUNNING with progress
and counters growing, then SUCCEEDED; a job told to fail (a link name containing "fail") turns
FAILED half way.

Links: every cluster is seeded with ``SEEDED_LINKS`` (the demo drafts' links, each also with a
``_fail`` twin whose jobs fail half way, and the reference's example links), each with its
connector. A job naming a link its cluster lacks is refused (Cdm.0101), as is a link of another
connector than the job's side (Cdm.0317), a disabled link (Cdm.0060) and a table/file job whose
source → destination pair the link's ``fromTo-unMapping`` excludes (Cdm.0061). Testing a link
(``?validate=true``, and every create or update, which tests first as CDM does) fails to connect when
an address input (host, server, URI, endpoint, broker list...) contains "unreachable"; every link
validation failure, bad inputs or no connection, is answered as the OTC example answers a connection
failure: HTTP 500 with ``{"validation-result": [{"linkConfig": [{"message", "status": "ERROR"}]}]}``.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdmweb.catalog.registry import get_catalog
from cdmweb.jobspec import links as linkspec
from cdmweb.jobspec.validation import ERROR, duplicate_names, validate_job

from .models import RUNNING, STOPPED, SandboxCluster, SandboxJob, SandboxLink, SandboxSubmission

CLUSTER_NAMES = [
    ("sandbox-cluster-1", RUNNING),
    ("sandbox-cluster-2", RUNNING),
    ("sandbox-cluster-3", RUNNING),
    ("sandbox-stopped", STOPPED),
]
BYTES_PER_ROW = 128
NORMAL_JOB = "NORMAL_JOB"
JOB_TYPES = (NORMAL_JOB, "BATCH_JOB", "SCENARIO_JOB")
PAGE_SIZE_MIN, PAGE_SIZE_MAX = 10, 100

# The links every sandbox cluster starts with: name -> (connector, inputs beyond the samples). The
# demo drafts' links come first (a test holds them to cdmweb/jobs/demo), then the example links of the
# API reference (§4, §5) that tests and docs name. Each also gets a "<name>_fail" twin: a job through
# it fails half way, so a failure can be watched without creating anything.
_DEMO_LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "shop_mysql": ("generic-jdbc-connector", {"linkConfig.databaseType": "MYSQL", "linkConfig.port": "3306"}),
    "lake_hive": ("hive-connector", {}),
    "raw_obs": ("obs-connector", {"linkConfig.server": "obs.eu-de.otc.t-systems.com", "linkConfig.port": "443"}),
    "warehouse_dws": ("generic-jdbc-connector", {"linkConfig.databaseType": "DWS", "linkConfig.port": "8000"}),
    "search_css": ("elasticsearch-connector", {"linkConfig.linkType": "CSS"}),
    "stream_dis": ("dis-connector", {"linkConfig.region": "eu-de"}),
}
_EXAMPLE_LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "mysql_link": ("generic-jdbc-connector", {"linkConfig.databaseType": "MYSQL", "linkConfig.port": "3306"}),
    "hive_link": ("hive-connector", {}),
}
SEEDED_LINKS: dict[str, tuple[str, dict[str, str]]] = {
    **_DEMO_LINKS,
    **{f"{name}_fail": spec for name, spec in _DEMO_LINKS.items()},
    **_EXAMPLE_LINKS,
}
# A link cannot be reached when one of these inputs holds this word (a sandbox convention).
UNREACHABLE = "unreachable"
ADDRESS_INPUT = re.compile(r"(?i)\.(host|server|serverlist|uri|endpoint|brokerlist|hivemsuris|\w*quorum)$")
# What CDM answers when it cannot connect, per connector (reference §10.2); others: Cdm.0021.
CONNECT_FAILURES = {
    "generic-jdbc-connector": "Failed to connect to the database server. Cause: {cause}.",
    "hive-connector": "Failed to connect to Hive. Cause: {cause}.",
    "hdfs-connector": "Failed to connect to HDFS. Cause: {cause}.",
    "ftp-connector": "Failed to connect to the FTP server ({cause}).",
    "sftp-connector": "Failed to connect to the SFTP server ({cause}).",
    "obs-connector": "Failed to connect to the OBS server ({cause}).",
    "redis-connector": "Failed to connect to the Redis server. Cause: {cause}.",
    "mongodb-connector": "Failed to connect to the MongoDB server. Cause: {cause}.",
    "elasticsearch-connector": "Failed to connect to the Elasticsearch server. Cause: {cause}.",
}


class SandboxRefusal(Exception):
    """A documented CDM error answer: HTTP status, code and message.

    CDM answers in the language its caller's X-Language asks for (zh_CN or en-us). ``values`` are
    what fills the code's "%s" in the catalogue's message, so the Chinese answer can be CDM's own
    words; ``translated`` marks a message the project's rules wrote, already in the active language."""

    def __init__(self, status: int, code: str, message: str, *values: str, translated: bool = False) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.values, self.translated = values, translated

    def message_in(self, chinese: bool) -> str:
        """The message in English, or in Chinese: the catalogue's Chinese message for the code with
        ``values`` filled in, when the English one is that message too (same "%s" count). A message
        of the sandbox's own wording that CDM's list cannot say stays as it is."""
        if not chinese or self.translated:
            return self.message
        catalog = get_catalog()
        english, template = (
            catalog.error_message(self.code, chinese=False),
            catalog.error_message(self.code, chinese=True),
        )
        placeholders = template.count("%s")
        if template == english or placeholders != len(self.values) or english.count("%s") != placeholders:
            return self.message
        # Only CDM's own sentence is said again in Chinese; a fuller one of the sandbox's (a link
        # "of another connector" and why) would lose its reason, so it stays as it is.
        if self.message != _filled(english, self.values):
            return self.message
        return _filled(template, self.values)


def _filled(template: str, values: tuple[str, ...] | list[str]) -> str:
    """CDM's message with its "%s" filled in order (as many values as "%s")."""
    return "".join(part + value for part, value in zip(template.split("%s"), [*values, ""], strict=True))


def cluster_id_for(project_id: str, name: str) -> str:
    """Stable ids, so a project's clusters are the same in every run and can be printed."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"cdm-sandbox/{project_id}/{name}"))


def ensure_clusters(project_id: str) -> list[SandboxCluster]:
    clusters = list(SandboxCluster.objects.filter(project_id=project_id))
    if clusters:
        return clusters
    for name, status in CLUSTER_NAMES:
        try:
            with transaction.atomic():
                cluster, created = SandboxCluster.objects.get_or_create(
                    project_id=project_id,
                    cluster_id=cluster_id_for(project_id, name),
                    defaults={"name": name, "status": status},
                )
                if created:
                    seed_links(cluster)
        except IntegrityError:  # another request seeded it first
            pass
    return list(SandboxCluster.objects.filter(project_id=project_id))


def sample_link(name: str, connector: str, given: dict[str, str] | None = None) -> dict[str, Any]:
    """A link of ``connector`` whose inputs pass validation (placeholders where none are given)."""
    values = linkspec.sample_values(
        connector, {"linkConfig.host": f"{name.replace('_', '-')}.sandbox", **(given or {})}
    )
    specs = {s.name for s in linkspec.link_specs(connector)}
    return linkspec.build_link(name, connector, {k: v for k, v in values.items() if k in specs})


def add_links(cluster: SandboxCluster, links: dict[str, str]) -> None:
    """Give the cluster a sample link for each name → connector it lacks (seeding, and tests whose
    jobs name links of their own)."""
    SandboxLink.objects.bulk_create(
        [SandboxLink(cluster=cluster, name=n, connector=c, body=sample_link(n, c)) for n, c in links.items()],
        ignore_conflicts=True,
    )


def seed_links(cluster: SandboxCluster) -> None:
    """Give a new cluster the seeded links (also used by the migration that seeds older clusters)."""
    SandboxLink.objects.bulk_create(
        [
            SandboxLink(cluster=cluster, name=name, connector=connector, body=sample_link(name, connector, given))
            for name, (connector, given) in SEEDED_LINKS.items()
        ],
        ignore_conflicts=True,
    )


def get_cluster(project_id: str, cluster_id: str) -> SandboxCluster:
    ensure_clusters(project_id)
    cluster = SandboxCluster.objects.filter(project_id=project_id, cluster_id=cluster_id).first()
    if cluster is None:
        raise SandboxRefusal(404, "Cdm.0001", f"Cluster {cluster_id} does not exist or is invalid.")
    return cluster


def running_cluster(project_id: str, cluster_id: str) -> SandboxCluster:
    cluster = get_cluster(project_id, cluster_id)
    if not cluster.running:
        raise SandboxRefusal(400, "Cdm.0201", f"Cluster {cluster.name} is stopped; start it before using it.")
    return cluster


def cluster_json(cluster: SandboxCluster) -> dict[str, Any]:
    created = cluster.created_at.strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "id": cluster.cluster_id,
        "name": cluster.name,
        "status": cluster.status,
        "statusDetail": "Normal" if cluster.running else "Stopped",
        "isFrozen": "0",
        "created": created,
        "updated": created,
        "actionProgress": {},
        "publicEndpoint": "",
        "flavorName": "cdm.medium",
        "datastore": {"type": "cdm", "version": "2.9.3.300"},
    }


def check_jobs_body(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("jobs"), list) or not body["jobs"]:
        raise SandboxRefusal(400, "Cdm.0018", 'The content of jobs or links is invalid: expected {"jobs": [...]}.')
    for job in body["jobs"]:
        if not isinstance(job, dict) or not isinstance(job.get("name"), str) or not job["name"].strip():
            raise SandboxRefusal(400, "Cdm.0018", "The content of jobs or links is invalid: each job needs a name.")
    for found in duplicate_names(body["jobs"]):
        raise SandboxRefusal(400, found["code"], "The job name already exists.")
    return body["jobs"]


def refuse_invalid(jobs: list[dict[str, Any]]) -> None:
    """CDM answers a job it refuses with HTTP 400 and the code of what is wrong (Cdm.0913,
    Cdm.0089...); the sandbox judges with the project's rules and answers the same way: the first
    error's code, every error's message."""
    errors = [f for job in jobs for f in validate_job(job) if f["status"] == ERROR]
    if errors:
        coded = next((f for f in errors if f["code"]), errors[0])
        message = " ".join(f["message"] for f in [coded, *[f for f in errors if f is not coded]])
        raise SandboxRefusal(400, coded["code"] or "Cdm.0018", message, translated=True)


def check_job_for_cluster(cluster: SandboxCluster, job: dict[str, Any]) -> None:
    """What CDM checks of a job against the cluster it goes to, beyond the body itself: each link
    it names exists there (Cdm.0101), is enabled (Cdm.0060) and is of the side's connector, and a
    table/file job's pair is one the links serve (Cdm.0061).

    A link of another connector is Cdm.0317 "Invalid link %s": the code that names the link and
    says it cannot serve here; Cdm.0327 ("Invalid link or job") would not tell which is at fault."""
    named = linkspec.job_links(job)
    found = {link.name: link for link in SandboxLink.objects.filter(cluster=cluster, name__in=[n for _, n, _ in named])}
    for side, name, connector in named:
        link = found.get(name)
        if link is None:
            raise SandboxRefusal(400, "Cdm.0101", f"Link [{name}] does not exist.", name)
        if link.body.get("enabled") is False:
            raise SandboxRefusal(
                400, "Cdm.0060", f"Link {name} for this job has been disabled. The job cannot be submitted.", name
            )
        if connector and link.connector != connector:
            role = "source" if side == "from" else "destination"
            raise SandboxRefusal(
                400,
                "Cdm.0317",
                f"Invalid link {name}: it is a {link.connector} link; the job's {role} is {connector}.",
                name,
            )
    source, destination = job.get("from-connector-name"), job.get("to-connector-name")
    if job_type_of(job) != NORMAL_JOB or not isinstance(source, str) or not isinstance(destination, str):
        return
    for _side, name, _kind in named:
        if linkspec.pair_excluded(linkspec.unmapping_text(found[name].connector), source, destination):
            raise SandboxRefusal(
                400,
                "Cdm.0061",
                f"Connector {destination} does not support the specified direction (from {source}, link {name})."
                " The job cannot be submitted.",
                destination,
            )


# --- links -------------------------------------------------------------------------------------


def check_links_body(body: Any) -> list[dict[str, Any]]:
    problem = linkspec.body_problem(body)
    if problem is not None:
        raise SandboxRefusal(400, problem["code"], problem["message"], translated=True)
    return body["links"]


class LinkInvalid(Exception):
    """A link that failed validation: its inputs, or the connection test. Answered as CDM answers a
    link validation failure: HTTP 500 with the findings in ``validation-result``."""

    def __init__(self, findings: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f["message"] for f in findings))
        self.findings = findings


def validation_result(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CDM's link ``validation-result``: the findings per config group."""
    groups: dict[str, list[dict[str, str]]] = {}
    for found in findings:
        group = str(found.get("input") or linkspec.LINK_GROUP).split(".", 1)[0]
        if group in ("name", "connector-name", "link-config-values"):
            group = linkspec.LINK_GROUP
        groups.setdefault(group, []).append({"message": found["message"], "status": found["status"]})
    return [groups] if groups else []


def try_link(link: dict[str, Any]) -> list[dict[str, Any]]:
    """What testing a link finds: its inputs, then (if they hold) the connection. Raises LinkInvalid
    on an error; answers the warnings."""
    findings = linkspec.validate_link(link)
    if not any(f["status"] == ERROR for f in findings):
        for name, value in linkspec.link_values(link).items():
            if ADDRESS_INPUT.search(name) and UNREACHABLE in value.lower():
                template = CONNECT_FAILURES.get(link["connector-name"], "Failed to connect to server {cause}.")
                message = template.format(cause=f"{value} is unreachable")
                findings.append({"status": ERROR, "message": message, "code": "", "input": name})
                break
    if any(f["status"] == ERROR for f in findings):
        raise LinkInvalid(findings)
    return findings


@transaction.atomic
def create_links(cluster: SandboxCluster, links: list[dict[str, Any]], *, validate: bool) -> dict[str, Any]:
    """Test each link; with ``validate`` that is all, else create them. A failure creates nothing."""
    findings = [f for link in links for f in try_link(link)]
    for link in links:
        if SandboxLink.objects.filter(cluster=cluster, name=link["name"]).exists():
            raise SandboxRefusal(400, "Cdm.0315", f"Link name {link['name']} already exists.", link["name"])
    if not validate:
        now = timezone.now()
        for link in links:
            SandboxLink.objects.create(
                cluster=cluster,
                name=link["name"],
                connector=link["connector-name"],
                body=_stored(link),
                created_at=now,
                updated_at=now,
            )
    return {"name": links[0]["name"], "validation-result": validation_result(findings)}


def _stored(link: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in link.items() if k not in LINK_READ_ONLY_KEYS} | {"enabled": link.get("enabled", True)}


LINK_READ_ONLY_KEYS = ("id", "creation-user", "creation-date", "update-user", "update-date")


def get_link(cluster: SandboxCluster, name: str) -> SandboxLink:
    link = SandboxLink.objects.filter(cluster=cluster, name=name).first()
    if link is None:
        raise SandboxRefusal(400, "Cdm.0101", f"Link [{name}] does not exist.", name)
    return link


def show_link(link: SandboxLink) -> dict[str, Any]:
    shown = {
        **linkspec.without_secrets(link.body),
        "id": link.pk,
        "creation-user": "sandbox",
        "creation-date": _ms(link.created_at),
        "update-user": "sandbox",
        "update-date": _ms(link.updated_at),
    }
    return {
        "links": [shown],
        "fromTo-unMapping": linkspec.unmapping_text(link.connector),
        "batchFromTo-mapping": linkspec.batch_mapping_text(link.connector),
    }


@transaction.atomic
def update_link(cluster: SandboxCluster, name: str, links: list[dict[str, Any]]) -> dict[str, Any]:
    """Replace link ``name`` (the create body, this one link). A secret left out or blank keeps the
    stored one, as the console does: show_link never gives it back, so a GET → PUT keeps it."""
    existing = SandboxLink.objects.select_for_update().filter(cluster=cluster, name=name).first()
    if existing is None:
        raise SandboxRefusal(400, "Cdm.0316", "Failed to update the link that does not exist.")
    if len(links) != 1 or links[0]["name"] != name:
        raise SandboxRefusal(
            400, "Cdm.0317", f"Invalid link {name}: the body must hold this one link, by this name.", name
        )
    link = _keep_secrets(links[0], existing.body)
    findings = try_link(link)
    existing.body, existing.connector, existing.updated_at = _stored(link), link["connector-name"], timezone.now()
    existing.save(update_fields=["body", "connector", "updated_at"])
    return {"validation-result": validation_result(findings)}


def _keep_secrets(link: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    if stored.get("connector-name") != link.get("connector-name"):
        return link
    kept = linkspec.secret_values(stored)
    given = linkspec.link_values(link)
    missing = {n: v for n, v in kept.items() if not given.get(n)}
    if not missing:
        return link
    values = {**{n: v for n, v in given.items() if n not in missing}, **missing}
    return {
        **link,
        **linkspec.build_link(link["name"], link["connector-name"], values, enabled=link.get("enabled", True)),
    }


def delete_link(cluster: SandboxCluster, link: SandboxLink) -> None:
    """Refused while a job of the cluster names the link: Cdm.0021 "Given link name is in use", as
    the OTC delete-link example answers (with HTTP 500; the code table calls Cdm.0021 something else)."""
    for job in SandboxJob.objects.filter(cluster=cluster).only("body"):
        if link.name in (job.body.get("from-link-name"), job.body.get("to-link-name")):
            raise SandboxRefusal(500, "Cdm.0021", "Given link name is in use")
    link.delete()


def job_type_of(job: dict[str, Any]) -> str:
    job_type = job.get("job_type")
    return job_type if isinstance(job_type, str) and job_type else NORMAL_JOB


@transaction.atomic
def create_jobs(cluster: SandboxCluster, jobs: list[dict[str, Any]], user: str = "sandbox") -> str:
    """Create the jobs and answer the first one's name. A refused body creates nothing."""
    refuse_invalid(jobs)
    for job in jobs:
        check_job_for_cluster(cluster, job)
        if SandboxJob.objects.filter(cluster=cluster, name=job["name"]).exists():
            raise SandboxRefusal(400, "Cdm.0104", "The job name already exists.")
        SandboxJob.objects.create(cluster=cluster, name=job["name"], job_type=job_type_of(job), body=job)
    return jobs[0]["name"]


@transaction.atomic
def update_job(cluster: SandboxCluster, name: str, jobs: list[dict[str, Any]]) -> None:
    """Replace job ``name`` with the body's job (CDM's update takes the create body). A job that
    runs is not changed under its run (TF's provider stops a job before it updates it)."""
    existing = SandboxJob.objects.select_for_update().filter(cluster=cluster, name=name).first()
    if existing is None:
        raise SandboxRefusal(400, "Cdm.0319", "Failed to update the job that does not exist.")
    if len(jobs) != 1 or jobs[0]["name"] != name:
        raise SandboxRefusal(
            400, "Cdm.0320", f"Invalid job {name}: the body must hold this one job, by this name.", name
        )
    refuse_invalid(jobs)
    check_job_for_cluster(cluster, jobs[0])
    if is_running(existing):
        raise SandboxRefusal(400, "Cdm.0052", f"Job {name} is running.", name)
    existing.body, existing.job_type, existing.updated_at = jobs[0], job_type_of(jobs[0]), timezone.now()
    existing.save(update_fields=["body", "job_type", "updated_at"])


def delete_job(job: SandboxJob) -> None:
    if is_running(job):
        raise SandboxRefusal(400, "Cdm.0052", f"Job {job.name} is running.", job.name)
    job.delete()


def is_running(job: SandboxJob) -> bool:
    latest = job.submissions.first()
    return latest is not None and submission_state(latest).status in ("BOOTING", "RUNNING")


def list_jobs(cluster: SandboxCluster, query: Any) -> dict[str, Any]:
    """show_jobs with job_name=all: ``filter`` matches part of the name, ``jobType`` picks the
    type (NORMAL_JOB by default), ``page_no`` from 1, ``page_size`` 10 to 100."""
    page_no = _whole(query.get("page_no", "1"), "page_no", 1, None)
    page_size = _whole(query.get("page_size", "10"), "page_size", PAGE_SIZE_MIN, PAGE_SIZE_MAX)
    job_type = query.get("jobType") or NORMAL_JOB
    if job_type not in JOB_TYPES:
        raise SandboxRefusal(400, "Cdm.0055", "Unsupported job type.")
    jobs = SandboxJob.objects.filter(cluster=cluster, job_type=job_type)
    if query.get("filter"):
        jobs = jobs.filter(name__icontains=query["filter"])
    total = jobs.count()
    start = (page_no - 1) * page_size
    page = list(jobs.order_by("name").prefetch_related("submissions")[start : start + page_size])
    return {"total": total, "jobs": [listed_job(j) for j in page], "page_no": page_no, "page_size": page_size}


def listed_job(job: SandboxJob) -> dict[str, Any]:
    """A job as show_jobs answers it: the body, plus the keys CDM writes itself."""
    submissions = list(job.submissions.all())
    status = submission_state(submissions[0]).status if submissions else "NEW"
    listed = {
        **job.body,
        "status": status,
        "creation-user": "sandbox",
        "creation-date": _ms(job.created_at),
        "update-date": _ms(job.updated_at),
    }
    if submissions:
        # When the latest run began (the SDK's Job.execute_start_date, in ms).
        listed["execute_start_date"] = _ms(submissions[0].started_at)
    return listed


def _whole(text: str, name: str, low: int, high: int | None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SandboxRefusal(400, "Cdm.0011", f"The parameter value exceeds the value range: {name}.") from None
    if value < low or (high is not None and value > high):
        raise SandboxRefusal(400, "Cdm.0011", f"The parameter value exceeds the value range: {name}.")
    return value


def get_job(cluster: SandboxCluster, name: str) -> SandboxJob:
    job = SandboxJob.objects.filter(cluster=cluster, name=name).first()
    if job is None:
        raise SandboxRefusal(400, "Cdm.0100", f"Job [{name}] does not exist.", name)
    return job


def start_body_variables(body: Any) -> dict[str, str]:
    """The ``variables`` of a start body (``{}`` or ``{"variables": {name: value}}``)."""
    if body in (None, {}):
        return {}
    variables = body.get("variables", {}) if isinstance(body, dict) else None
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise SandboxRefusal(400, "Cdm.0018", '"variables" must be an object of texts.')
    return variables


def start_job(job: SandboxJob, user: str, variables: dict[str, str] | None = None) -> SandboxSubmission:
    if is_running(job):
        raise SandboxRefusal(400, "Cdm.0052", f"Job {job.name} is running.", job.name)
    links = f"{job.body.get('from-link-name', '')} {job.body.get('to-link-name', '')}"
    digest = int(hashlib.sha256(job.name.encode()).hexdigest()[:8], 16)
    return SandboxSubmission.objects.create(
        job=job,
        will_fail="fail" in links.lower(),
        total_rows=10_000 + digest % 990_000,
        creation_user=user,
        variables=variables or {},
    )


def stop_job(job: SandboxJob) -> None:
    latest = job.submissions.first()
    if latest is None or submission_state(latest).status not in ("BOOTING", "RUNNING"):
        raise SandboxRefusal(400, "Cdm.0053", f"Job {job.name} is not running.", job.name)
    latest.stopped_at = timezone.now()
    latest.save(update_fields=["stopped_at"])


def pick_random_running(project_id: str, cluster_ids: Any) -> SandboxCluster:
    if not isinstance(cluster_ids, list) or not cluster_ids or not all(isinstance(c, str) for c in cluster_ids):
        raise SandboxRefusal(400, "Cdm.0018", '"clusters" must be a non-empty list of cluster ids.')
    ensure_clusters(project_id)
    pool = list(SandboxCluster.objects.filter(project_id=project_id, cluster_id__in=set(cluster_ids), status=RUNNING))
    if not pool:
        raise SandboxRefusal(400, "Cdm.0201", "None of the given clusters is running.")
    return random.choice(pool)


@dataclass
class SubmissionState:
    status: str
    progress: float
    rows: int
    error: str = ""


def submission_state(submission: SandboxSubmission, now: datetime | None = None) -> SubmissionState:
    boot = float(getattr(settings, "CDM_SANDBOX_BOOT_SECONDS", 1.0))
    run = float(getattr(settings, "CDM_SANDBOX_RUN_SECONDS", 4.0))
    end = submission.stopped_at or now or timezone.now()
    elapsed = (end - submission.started_at).total_seconds()
    fraction = min(max((elapsed - boot) / run, 0.0), 1.0) if run > 0 else 1.0
    rows = int(submission.total_rows * fraction)
    if submission.will_fail and fraction >= 0.5:
        return SubmissionState(
            "FAILED",
            -1,
            submission.total_rows // 2,
            # In the X-Language asked for, as CDM's own failure text is (the request's language).
            _("Cdm.0901 Failed to connect to the database server: the sandbox was told to fail this job."),
        )
    if submission.stopped_at is not None:
        return SubmissionState("FAILED", -1, rows, _("The job was stopped."))
    if elapsed < boot:
        return SubmissionState("BOOTING", 0.0, 0)
    if fraction < 1.0:
        return SubmissionState("RUNNING", round(fraction * 100, 1), rows)
    return SubmissionState("SUCCEEDED", 100.0, submission.total_rows)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def submission_json(submission: SandboxSubmission, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    state = submission_state(submission, now)
    result: dict[str, Any] = {
        "job-name": submission.job.name,
        "submission-id": submission.pk,
        "external-id": f"job_sandbox_{submission.pk:010d}",
        "status": state.status,
        "progress": state.progress,
        "creation-user": submission.creation_user,
        "creation-date": _ms(submission.started_at),
        "execute-date": _ms(submission.started_at),
        "last-update-date": _ms(now),
        "last-update-user": submission.creation_user,
        "is-execute-auto": False,
        "isIncrementing": False,
        "isStopingIncrement": "",
        "isDeleteJob": False,
        "delete_rows": 0,
        "update_rows": 0,
        "write_rows": state.rows,
        "counters": {
            "org.apache.sqoop.submission.counter.SqoopCounters": {
                "ROWS_READ": state.rows,
                "ROWS_WRITTEN": state.rows,
                "BYTES_READ": state.rows * BYTES_PER_ROW,
                "BYTES_WRITTEN": state.rows * BYTES_PER_ROW,
                "FILES_READ": -1,
                "FILES_WRITTEN": -1,
                "TOTAL_FILES": -1,
                "TOTAL_SIZE": -1,
            }
        },
    }
    if state.status == "FAILED":
        result["error-summary"] = state.error
        result["error-details"] = f"{state.error} (sandbox submission {submission.pk})"
    return result
