"""Submissions on background workers (django-tasks' database backend and real `db_worker`
processes), including a worker killed in the middle of talking to CDM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import Submission
from cdmweb.jobs.submissions import submitting, worker
from cdmweb.sandbox.engine import cluster_id_for
from cdmweb.sandbox.models import SandboxFault, SandboxJob

from ..conftest import DEMO_BODY, database_url, hx

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
LEASE = 4.0


@pytest.fixture
def on_workers(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CDMWEB_POLL_SECONDS = 0.2


@pytest.fixture
def draft(owner):
    (draft,), _ = import_text(DEMO_BODY.read_text(), owner)
    return draft


@pytest.fixture
def start_worker(live_server) -> Iterator[Callable[[], subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CDMWEB_TASKS": "database",
            "CDM_SANDBOX_URL": live_server.url,
            "CDMWEB_SUBMISSION_LEASE_SECONDS": str(LEASE),
            "CDMWEB_POLL_SECONDS": "0.2",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_web_submission_is_queued_and_a_worker_sends_it(sandbox, on_workers, draft, owner, client, settings):
    cluster = cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, "sandbox-cluster-1")
    client.force_login(owner)
    response = client.post(
        reverse("submit", args=[draft.pk]),
        {"target": sandbox.pk, "mode": "cluster", "cluster_id": cluster, "idempotency_key": "web-1", "submit": "1"},
    )
    submission = Submission.objects.get()
    assert response.status_code == 302 and submission.state == Submission.State.PENDING
    assert not SandboxJob.objects.exists()  # the request sent nothing to CDM
    page = client.get(reverse("submission", args=[submission.pk]), **hx()).content.decode()
    assert "PENDING" in page
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED and submission.cluster_id == cluster
    # The worker follows the job: poll tasks queue themselves until it ends.
    deadline = time.monotonic() + 15
    while not submission.terminal and time.monotonic() < deadline:
        time.sleep(0.3)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        submission.refresh_from_db()
    assert submission.cdm_status == "SUCCEEDED"
    assert SandboxJob.objects.filter(name=submission.job_name).count() == 1


@pytest.mark.parametrize("mode", ["cluster", "pool"])
def test_a_worker_killed_while_sending_leaves_one_cdm_job_and_the_next_worker_finishes(
    sandbox, on_workers, draft, owner, settings, start_worker, mode
):
    project = settings.CDM_SANDBOX_PROJECT_ID
    clusters = [cluster_id_for(project, f"sandbox-cluster-{n}") for n in (1, 2, 3)]
    # CDM takes its time over the create: the worker will be inside that call when it dies.
    path = "/cdm/job" if mode == "cluster" else "/clusters/job"
    SandboxFault.objects.create(method="POST", path_contains=path, kind=SandboxFault.SLOW, value="1.5")
    where = {"cluster_id": clusters[0]} if mode == "cluster" else {"pool": clusters}
    submission = submitting.submit(draft, sandbox, owner, f"kill-{mode}", **where)
    assert submission.state == Submission.State.PENDING

    first = start_worker()
    wait_for(
        lambda: (
            Submission.objects.get(pk=submission.pk).state == Submission.State.SENDING
            and not SandboxFault.objects.filter(remaining__gt=0).exists()
        ),
        20,
        "the first worker to be inside the create call",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    # The sandbox finishes the create the dead worker asked for: the job now exists in CDM.
    wait_for(lambda: SandboxJob.objects.filter(name=submission.job_name).exists(), 10, "the create to land")
    stuck = Submission.objects.get(pk=submission.pk)
    assert stuck.state == Submission.State.SENDING and stuck.attempts == 1

    # Nothing happens before the lease runs out; then whoever watches re-queues the work.
    assert submitting.recover_stuck() == 0
    wait_for(lambda: submitting.recover_stuck() == 1, LEASE + 1, "the lease to run out")
    start_worker()
    wait_for(lambda: Submission.objects.get(pk=submission.pk).cdm_status == "SUCCEEDED", 30, "SUCCEEDED")
    done = Submission.objects.get(pk=submission.pk)
    assert done.attempts == 2 and done.state == Submission.State.ACCEPTED
    assert done.cluster_id in clusters
    assert SandboxJob.objects.filter(name=submission.job_name).count() == 1  # never created twice


def test_recover_submissions_command_requeues_an_expired_lease(on_workers, draft, owner, sandbox):
    import io
    from datetime import timedelta

    from django.utils import timezone

    submission = submitting.submit(draft, sandbox, owner, "expired", cluster_id="c1")
    Submission.objects.filter(pk=submission.pk).update(
        state=Submission.State.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("recover_submissions", stdout=out)
    assert out.getvalue().strip() == "1 submission(s) taken up again"


def test_with_workers_the_submit_page_asks_a_worker_for_the_clusters(on_workers, sandbox, draft, owner, client):
    from django.core.cache import cache

    cache.clear()
    sandbox.clusters = []
    sandbox.save()
    client.force_login(owner)
    page = client.get(reverse("submit", args=[draft.pk])).content.decode()
    assert 'id="waiting-for-clusters"' in page and 'http-equiv="refresh"' in page
    # Nothing to submit to yet: the button waits too, rather than answering "tick a cluster".
    assert 'name="submit" value="1" disabled' in page
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = client.get(reverse("submit", args=[draft.pk])).content.decode()
    assert "sandbox-cluster-1" in page and 'id="waiting-for-clusters"' not in page
    assert 'name="submit" value="1" >' in page


def test_a_created_submission_held_by_a_live_lease_is_not_started_again(on_workers, draft, owner, sandbox):
    from datetime import timedelta

    from django.utils import timezone

    submission = submitting.submit(draft, sandbox, owner, "created-held", cluster_id="c1")
    lease = timezone.now() + timedelta(seconds=30)
    Submission.objects.filter(pk=submission.pk).update(state=Submission.State.CREATED, lease_until=lease)
    again = worker.send(submission.pk)  # a double click, or a re-queue, while the first worker starts it
    assert again.state == Submission.State.CREATED and again.attempts == 0 and again.lease_until == lease


def test_a_takeover_that_cannot_reach_cdm_waits_instead_of_creating_a_second_job(
    on_workers, draft, owner, sandbox, settings
):
    from datetime import timedelta

    from django.utils import timezone

    cluster = cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, "sandbox-cluster-1")
    submission = submitting.submit(draft, sandbox, owner, "unsure", cluster_id=cluster)
    Submission.objects.filter(pk=submission.pk).update(
        state=Submission.State.SENDING, lease_until=timezone.now() - timedelta(seconds=1), attempts=1
    )
    SandboxFault.objects.create(
        method="GET", path_contains="/status", kind=SandboxFault.STATUS, value="503", remaining=9
    )
    after = worker.send(submission.pk)
    assert after.state == Submission.State.SENDING and after.lease_until > timezone.now()
    assert not SandboxJob.objects.exists()  # nothing sent while unsure


def test_a_submission_gives_up_after_five_attempts(on_workers, draft, owner, sandbox):
    submission = submitting.submit(draft, sandbox, owner, "hopeless", cluster_id="c1")
    Submission.objects.filter(pk=submission.pk).update(
        state=Submission.State.CREATED, attempts=5, error_message="Cdm.0053"
    )
    done = worker.send(submission.pk)
    assert done.state == Submission.State.ERROR and done.terminal and "Gave up after 5 attempts" in done.error_message


def test_a_second_send_of_a_sent_submission_starts_no_second_poll_chain(on_workers, draft, owner, sandbox):
    from django_tasks_db.models import DBTaskResult

    from cdmweb.jobs.submissions import tasks

    cluster = cluster_id_for(sandbox.project_id, "sandbox-cluster-1")
    submission = submitting.submit(draft, sandbox, owner, "once", cluster_id=cluster)  # queued for a worker
    polls = DBTaskResult.objects.filter(task_path=tasks.poll_submission.module_path)
    tasks.send_submission.call(submission.pk)  # the worker sends it: the job runs, one poll follows
    assert Submission.objects.get(pk=submission.pk).state == Submission.State.ACCEPTED
    assert polls.count() == 1
    tasks.send_submission.call(submission.pk)  # a second send task (a double click, a re-queue)
    assert polls.count() == 1


def test_tasks_queued_before_the_move_run_from_the_new_module(on_workers, draft, owner, sandbox):
    import importlib

    from django.apps import apps
    from django_tasks_db.models import DBTaskResult

    from cdmweb.jobs.submissions import tasks

    migration = importlib.import_module("cdmweb.jobs.migrations.0015_queued_tasks_follow_the_move")
    cluster = cluster_id_for(sandbox.project_id, "sandbox-cluster-1")
    submission = submitting.submit(draft, sandbox, owner, "queued-before", cluster_id=cluster)
    queued = DBTaskResult.objects.get(task_path=tasks.send_submission.module_path)
    DBTaskResult.objects.filter(pk=queued.pk).update(task_path="cdmweb.jobs.tasks.send_submission")
    migration.forwards(apps, None)
    queued.refresh_from_db()
    assert queued.task_path == tasks.send_submission.module_path
    assert queued.task.call(submission.pk) == Submission.State.ACCEPTED
