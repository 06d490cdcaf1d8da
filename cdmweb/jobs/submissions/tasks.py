"""Background work (django-tasks): sending submissions to CDM and following them.

On the embedded defaults the backend is ImmediateBackend, so a task runs at once in the process
that queues it and a watching page polls CDM itself. In production (CDMWEB_TASKS=database) the
tasks wait in the database for ``manage.py db_worker`` processes, the web requests only read, and
the poll task queues its next run until the job ends.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from cdmweb.jobs.models import Submission, Target

from . import targets, worker


@task()
def send_submission(submission_id: int) -> str:
    return worker.send(submission_id, on_running=_poll_later).state


@task()
def poll_submission(submission_id: int) -> str:
    """Poll once and, while the job runs, queue the next poll (where tasks can wait)."""
    submission = worker.poll(Submission.objects.select_related("target").get(pk=submission_id))
    if worker.still_running(submission):
        _poll_later(submission)
    return submission.cdm_status or submission.state


@task()
def refresh_clusters(target_id: int) -> int:
    return len(targets.refresh_clusters(Target.objects.get(pk=target_id)))


def _poll_later(submission: Submission) -> None:
    enqueue_poll(submission.pk, delay=worker.poll_seconds())


def deferred() -> bool:
    """Whether tasks wait for a worker (and can be scheduled for later)."""
    return bool(default_task_backend.supports_defer)


def enqueue_send(submission_id: int) -> None:
    send_submission.enqueue(submission_id)


def enqueue_poll(submission_id: int, delay: float = 0) -> None:
    if not deferred():
        return  # in-process: whoever watches polls (see submitting.watch)
    scheduled = poll_submission.using(run_after=timezone.now() + timedelta(seconds=delay)) if delay else poll_submission
    scheduled.enqueue(submission_id)
