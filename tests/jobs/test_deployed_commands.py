"""The commands of deployed jobs: pull_jobs, drift and refresh_clusters (exit codes, last lines)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cdmweb.jobs.models import ClusterJob, JobDraft
from cdmweb.sandbox.models import SandboxFault, SandboxJob

from .clusters_support import cluster_id, demo_job, edit_on_cluster, put_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> tuple[int, str, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def pull(*more: str) -> tuple[int, str, str]:
    return run("pull_jobs", "--target", "sandbox", "--cluster", cluster_id(), "--owner", "owner", *more)


def test_pull_jobs_prints_the_new_ids_last_then_none(sandbox, owner):
    put_jobs(demo_job("orders"), demo_job("stock"), demo_job("batch", "BATCH_JOB"))
    code, out, _ = pull()
    ids = {str(pk) for pk in JobDraft.objects.values_list("pk", flat=True)}
    assert code == 0 and set(out.strip().splitlines()[-1].split()) == ids and len(ids) == 3
    code, out, _ = pull()
    assert code == 0 and out.strip().splitlines()[-1] == "none"


def test_pull_jobs_filter_type_and_team(sandbox, owner, crew):
    put_jobs(demo_job("orders"), demo_job("orders_batch", "BATCH_JOB"), demo_job("stock"))
    code, out, _ = pull("--filter", "orders", "--job-type", "BATCH_JOB", "--team", "crew")
    (pk,) = out.strip().splitlines()[-1].split()
    assert code == 0 and JobDraft.objects.get(pk=pk).team == crew["team"]
    assert JobDraft.objects.get(pk=pk).tracked_name == "orders_batch"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--owner", "nobody"), "no user"),
        (("--team", "nope"), "no team"),
        (("--job-type", "WEIRD"), "unknown job type"),
        (("--target", "elsewhere"), "no target"),
    ],
)
def test_pull_jobs_bad_input_exits_2_with_one_line(sandbox, owner, args, words):
    base = {"--target": "sandbox", "--cluster": cluster_id(), "--owner": "owner"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in base.items() for part in pair]
    code, _, message = run("pull_jobs", *flat)
    assert code == 2 and words in message and "\n" not in message


def test_pull_jobs_viewer_cannot_pull_into_team(sandbox, crew):
    code, _, message = run(
        "pull_jobs", "--target", "sandbox", "--cluster", cluster_id(), "--owner", "crew-viewer", "--team", "crew"
    )
    assert code == 2 and "cannot pull into team" in message


def test_pull_jobs_cdm_error_exits_2(sandbox, owner):
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="500", path_contains="/cdm/job/all", remaining=10)
    code, _, message = pull()
    assert code == 2 and "CDM error" in message and "Traceback" not in message


def test_drift_lines_and_exit_codes(sandbox, owner):
    job = demo_job("orders")
    job["from-config-values"]["configs"][0]["inputs"].append({"name": "fromJobConfig.password", "value": "Pa55-old!"})
    put_jobs(job, demo_job("stock"))
    pull()
    orders = JobDraft.objects.get(tracked_name="orders")
    code, out, _ = run("drift")
    assert code == 0 and out.count("in sync") == 2
    edit_on_cluster("orders", "by_hand")
    stored = SandboxJob.objects.get(name="orders")
    body = stored.body
    body["from-config-values"]["configs"][0]["inputs"][-1]["value"] = "Pa55-new!"
    stored.body = body
    stored.save()
    SandboxJob.objects.filter(name="stock").delete()
    code, out, _ = run("drift")
    assert code == 1
    assert f"draft {orders.pk} orders" in out and "drifted" in out and "missing on cluster" in out
    assert "fromJobConfig.tableName: orders → by_hand" in out
    assert "fromJobConfig.password" in out and "Pa55" not in out
    code, out, _ = run("drift", str(orders.pk), "--target", "sandbox")
    assert code == 1 and out.count("draft ") == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [(("abc",), "not a draft id"), (("99999",), "no tracked draft"), (("--target", "nope"), "no target")],
)
def test_drift_bad_input_exits_2(sandbox, owner, args, words):
    code, _, message = run("drift", *args)
    assert code == 2 and words in message


def test_drift_cdm_error_leaves_states_and_exits_2(sandbox, owner):
    put_jobs(demo_job("orders"))
    pull()
    SandboxFault.objects.create(kind=SandboxFault.GARBAGE, path_contains="/cdm/job/all", remaining=10)
    code, out, _ = run("drift")
    assert code == 2 and "not checked" in out
    assert JobDraft.objects.get().drift_state == "in_sync"


def test_refresh_clusters_reads_every_cluster_and_checks_drift(sandbox, owner):
    put_jobs(demo_job("orders"))
    pull()
    edit_on_cluster("orders", "by_hand")
    code, out, _ = run("refresh_clusters")
    assert code == 0 and ": 1 job" in out and "drift: 1 drifted" in out
    assert ClusterJob.objects.filter(name="orders").exists()
    assert JobDraft.objects.get().drift_state == "drifted"
