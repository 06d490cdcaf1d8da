"""The local copy of a cluster's jobs (and of the links they name), read from CDM page by page.

Pages (the clusters screen) read this copy, never CDM: a task refreshes it. A refresh reads every
page of every job type first, then writes in one transaction, so CDM failing half way leaves the
previous copy whole and the error recorded. The writes are bulk: a fixed number of queries per
page of 100 jobs, never one per job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cdmweb.cdm.client import JOB_TYPES, PAGE_SIZE_MAX, CdmClient
from cdmweb.cdm.errors import CdmConnectionError, CdmError
from cdmweb.jobs.models import ClusterInventory, ClusterJob, ClusterLink, Target
from cdmweb.jobs.submissions import targets
from cdmweb.jobspec.deployed import deployable, run_status
from cdmweb.jobspec.payload import JobData, PayloadError, build_job, parse_body, payload_hash

log = logging.getLogger("cdmweb.clusters")

BATCH = PAGE_SIZE_MAX
# What a listing may say of the job's latest run (CDM's own keys; the sandbox answers status only).
RUN_KEYS = (
    "status",
    "execute_start_date",
    "execute_update_date",
    "rows_read",
    "rows_written",
    "bytes_written",
    "last-update-date",
)


@dataclass
class ListedJob:
    """One job of a listing, readable: its name, the deployable body as cdmweb builds it back
    (``job``, so hashes compare with revisions), its data for a draft, and the listing itself."""

    name: str
    job_type: str
    job: dict[str, Any]
    data: JobData
    digest: str
    listed: dict[str, Any]


@dataclass
class JobPage:
    """One page of a cluster's jobs: those that can be read, and a reason for each that cannot."""

    job_type: str
    page_no: int
    jobs: list[ListedJob] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    # Names of the unreadable jobs, where they have one: the copy keeps what it knew of them.
    malformed_names: list[str] = field(default_factory=list)


def read_listed(raw: Any, job_type: str) -> ListedJob:
    """A listed job as cdmweb keeps it; PayloadError (with the reason) when it cannot be read."""
    if not isinstance(raw, dict):
        raise PayloadError(f"a listed job is {type(raw).__name__}, not a JSON object")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PayloadError("a listed job has no name")
    body = deployable(raw)
    try:
        (data,) = parse_body(body).jobs
    except PayloadError as exc:
        raise PayloadError(f"job {name}: {exc}") from exc
    job = build_job(data)
    listed_type = raw.get("job_type") if isinstance(raw.get("job_type"), str) else job_type
    return ListedJob(name, listed_type or job_type, job, data, payload_hash(job), raw)


def job_pages(
    client: CdmClient,
    cluster_id: str,
    *,
    name_filter: str = "",
    job_types: Iterable[str] | None = None,
) -> Iterator[JobPage]:
    """Every page of the cluster's jobs, one request each, type after type (all three unless
    ``job_types``). Raises CdmError as soon as a request fails; a page's unreadable jobs are
    reported in it and the others come through."""
    for job_type in job_types or JOB_TYPES:
        page_no = 1
        while True:
            data = client.list_jobs(
                cluster_id, name_filter=name_filter, page_no=page_no, page_size=PAGE_SIZE_MAX, job_type=job_type
            )
            page = JobPage(job_type, page_no)
            for raw in data["jobs"]:
                try:
                    page.jobs.append(read_listed(raw, job_type))
                except PayloadError as exc:
                    page.malformed.append(str(exc))
                    if isinstance(raw, dict) and isinstance(raw.get("name"), str):
                        page.malformed_names.append(raw["name"])
            yield page
            total = data["total"]
            if len(data["jobs"]) < PAGE_SIZE_MAX or (total is not None and page_no * PAGE_SIZE_MAX >= total):
                break
            page_no += 1


@dataclass
class Refresh:
    """What a refresh of one cluster found: the count, the jobs it could not read, the error."""

    target: Target
    cluster_id: str
    job_count: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    malformed: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def summary(self) -> str:
        name = self.target.cluster_name(self.cluster_id)
        if self.error:
            return _("%(cluster)s: not refreshed: %(error)s") % {"cluster": name, "error": self.error}
        text = ngettext("%(cluster)s: %(count)d job", "%(cluster)s: %(count)d jobs", self.job_count) % {
            "cluster": name,
            "count": self.job_count,
        }
        if self.malformed:
            bad = len(self.malformed)
            text += ngettext("; %(count)d job could not be read", "; %(count)d jobs could not be read", bad) % {
                "count": bad
            }
        return text


def client_for(target: Target, **options: Any) -> CdmClient:
    """``targets.client_for``, refusing (as a CdmError, with the reason) a target that lacks its
    credentials instead of failing inside the client."""
    missing = targets.missing_credentials(target)
    if missing:
        raise CdmConnectionError(
            _("Not sent: target %(target)s lacks %(missing)s.") % {"target": target.name, "missing": missing}
        )
    return targets.client_for(target, **options)


def refresh_cluster(target: Target, cluster_id: str, client: CdmClient | None = None) -> Refresh:
    """Read every job of the cluster and replace the local copy with what it lists; on a CDM
    error keep the old copy and record the error (the next refresh picks up)."""
    result = Refresh(target, cluster_id)
    inventory, _created = ClusterInventory.objects.get_or_create(target=target, cluster_id=cluster_id)
    ClusterInventory.objects.filter(pk=inventory.pk).update(refreshing_since=timezone.now())
    pages: list[JobPage] = []
    try:
        if client is None:
            with closing(client_for(target)) as own:
                pages = list(job_pages(own, cluster_id))
        else:
            pages = list(job_pages(client, cluster_id))
    except CdmError as exc:
        result.error = str(exc)
        log.warning("cluster %s of %s: jobs not read: %s", cluster_id, target.name, result.error)
        ClusterInventory.objects.filter(pk=inventory.pk).update(refreshing_since=None, error=result.error[:2000])
        return result
    store(result, pages)
    return result


@transaction.atomic
def store(result: Refresh, pages: list[JobPage]) -> None:
    """Write what the pages list as the cluster's copy, in one transaction, bulk."""
    target, cluster_id = result.target, result.cluster_id
    now = timezone.now()
    listed: dict[str, ListedJob] = {}
    kept_names: set[str] = set()
    for page in pages:
        result.malformed += page.malformed
        kept_names.update(page.malformed_names)
        for job in page.jobs:
            listed[job.name] = job
    existing = {
        row[0]: row[1:]
        for row in ClusterJob.objects.filter(target=target, cluster_id=cluster_id).values_list(
            "name", "pk", "body_hash", "status"
        )
    }
    new_rows, changed_rows = [], []
    for name, job in listed.items():
        row = job_row(target, cluster_id, job, now)
        if name not in existing:
            new_rows.append(row)
        else:
            pk, digest, status = existing[name]
            if digest != job.digest or status != row.status:
                row.pk = pk
                changed_rows.append(row)
    gone = [pk for name, (pk, _job, _hash) in existing.items() if name not in listed and name not in kept_names]
    ClusterJob.objects.bulk_create(new_rows, batch_size=BATCH)
    ClusterJob.objects.bulk_update(
        changed_rows,
        ["job_type", "from_connector", "to_connector", "from_link", "to_link", "body", "body_hash", "status"]
        + ["last_run", "seen_at"],
        batch_size=BATCH,
    )
    for start in range(0, len(gone), 500):
        ClusterJob.objects.filter(pk__in=gone[start : start + 500]).delete()
    ClusterJob.objects.filter(target=target, cluster_id=cluster_id).update(seen_at=now)
    store_links(target, cluster_id, listed.values(), now)
    result.job_count, result.created, result.updated, result.deleted = (
        len(listed) + len(kept_names - listed.keys()),
        len(new_rows),
        len(changed_rows),
        len(gone),
    )
    error = ""
    if result.malformed:
        count = len(result.malformed)
        error = ngettext(
            "%(count)d job could not be read: %(reasons)s", "%(count)d jobs could not be read: %(reasons)s", count
        ) % {"count": count, "reasons": "; ".join(result.malformed[:5])}
    ClusterInventory.objects.filter(target=target, cluster_id=cluster_id).update(
        refreshed_at=now, refreshing_since=None, job_count=result.job_count, error=error[:2000]
    )


def job_row(target: Target, cluster_id: str, job: ListedJob, now: Any) -> ClusterJob:
    data = job.data
    run = {key: job.listed[key] for key in RUN_KEYS if key in job.listed}
    status = run_status(job.listed)
    return ClusterJob(
        target=target,
        cluster_id=cluster_id,
        name=job.name,
        job_type=job.job_type[:32],
        from_connector=data.from_connector or "",
        to_connector=data.to_connector or "",
        from_link=data.from_link or "",
        to_link=data.to_link or "",
        body=job.job,
        body_hash=job.digest,
        status=status[:32],
        last_run=run if run and status not in ("", "NEW") else None,
        seen_at=now,
    )


def store_links(target: Target, cluster_id: str, jobs: Iterable[ListedJob], now: Any) -> None:
    """The links the jobs name, with their connector, as origin "job" rows. Links cdmweb read
    from the cluster or created there are known better: their rows are left as they are."""
    named: dict[str, str] = {}
    for job in jobs:
        data = job.data
        for link, connector in ((data.from_link, data.from_connector), (data.to_link, data.to_connector)):
            if link:
                named[link] = named.get(link) or connector or ""
    rows = {row.name: row for row in ClusterLink.objects.filter(target=target, cluster_id=cluster_id)}
    new, changed = [], []
    for name, connector in named.items():
        row = rows.get(name)
        if row is None:
            new.append(
                ClusterLink(
                    target=target, cluster_id=cluster_id, name=name, connector=connector, origin="job", seen_at=now
                )
            )
        elif row.origin == ClusterLink.Origin.JOB and row.connector != connector:
            row.connector, row.seen_at = connector, now
            changed.append(row)
    ClusterLink.objects.bulk_create(new, batch_size=BATCH)
    ClusterLink.objects.bulk_update(changed, ["connector", "seen_at"], batch_size=BATCH)
    stale = [row.pk for name, row in rows.items() if row.origin == ClusterLink.Origin.JOB and name not in named]
    for start in range(0, len(stale), 500):
        ClusterLink.objects.filter(pk__in=stale[start : start + 500]).delete()


def refresh_target(target: Target, cluster_id: str | None = None) -> list[Refresh]:
    """Refresh the target's cluster list, then the copy of each cluster (or just ``cluster_id``).
    A failing cluster list is recorded on every known cluster's inventory."""
    try:
        clusters = targets.refresh_clusters(target)
    except CdmError as exc:
        clusters = target.clusters or []
        if cluster_id is None and not clusters:
            return [Refresh(target, "", error=str(exc))]
    ids = [str(c.get("id")) for c in clusters if isinstance(c, dict) and c.get("id")]
    if cluster_id is not None:
        ids = [cluster_id]
    try:
        shared = client_for(target)
    except CdmError as exc:
        for cid in ids:
            ClusterInventory.objects.update_or_create(
                target=target, cluster_id=cid, defaults={"error": str(exc)[:2000]}
            )
        return [Refresh(target, cid, error=str(exc)) for cid in ids]
    with closing(shared):
        return [refresh_cluster(target, cid, shared) for cid in ids]
