"""Deploying: a draft whose job a cluster already has updates it (PUT) instead of creating it again."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from hashlib import sha256

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from cdmweb.jobs import reviewing
from cdmweb.jobs.models import AuditEvent, ClusterJob, DraftInput, Submission
from cdmweb.jobs.submissions import submitting, targets, worker
from cdmweb.sandbox.engine import create_jobs, get_cluster
from cdmweb.sandbox.models import SandboxFault, SandboxJob, SandboxSubmission

from .test_submission import clusters, wait_until_terminal

pytestmark = pytest.mark.django_db(transaction=True)
JOB = "orders_mysql_to_hive"


@pytest.fixture(autouse=True)
def listed(sandbox):
    """The target knows its clusters by name, as after the submit page listed them."""
    targets.refresh_clusters(sandbox)


def finished(submission: Submission) -> Submission:
    done, _, _ = wait_until_terminal(submission)
    assert done.cdm_status == "SUCCEEDED", done.error_message
    return done


def change_extractors(draft, value: str) -> None:
    row = DraftInput.objects.get(draft=draft, name="throttlingConfig.numExtractors")
    row.value = value
    row.save()


def died_update(draft, sandbox, owner, cluster, **fields) -> Submission:
    """An update whose worker died while sending: SENDING, its lease run out."""
    return Submission.objects.create(
        draft=draft,
        target=sandbox,
        user=owner,
        idempotency_key="died",
        cluster_id=cluster,
        body={"jobs": [draft.build()]},
        job_name=JOB,
        action=Submission.Action.UPDATE,
        state=Submission.State.SENDING,
        lease_until=timezone.now() - timedelta(seconds=1),
        attempts=1,
        **fields,
    )


def test_a_second_submission_of_the_same_draft_updates_its_job_and_runs_it(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    first = finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    assert first.action == Submission.Action.CREATE
    assert first.outcome == f"Created job {JOB} on cluster sandbox-cluster-1 and started it."
    valid_draft.refresh_from_db()
    assert valid_draft.tracked and valid_draft.tracked_name == JOB and valid_draft.home_cluster_id == cluster
    assert valid_draft.deployed_revision_id == first.revision_id

    change_extractors(valid_draft, "2")
    second = submitting.submit(valid_draft, sandbox, owner, "two", cluster_id=cluster)
    assert second.state == Submission.State.ACCEPTED and second.error_code == "", second.error_message
    assert second.action == Submission.Action.UPDATE
    assert second.outcome == f"Updated job {JOB} on cluster sandbox-cluster-1 and started it."
    job = SandboxJob.objects.get()
    assert job.body == valid_draft.build() and job.submissions.count() == 2
    finished(second)
    valid_draft.refresh_from_db()
    assert valid_draft.deployed_revision_id == second.revision_id
    assert valid_draft.drift_state == valid_draft.Drift.IN_SYNC


def test_an_update_not_asked_to_start_ends_once_the_cluster_has_it(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    valid_draft.refresh_from_db()
    change_extractors(valid_draft, "3")
    update = submitting.submit(valid_draft, sandbox, owner, "two", cluster_id=cluster, start=False)
    assert update.state == Submission.State.ACCEPTED and update.terminal
    assert update.outcome == f"Updated job {JOB} on cluster sandbox-cluster-1."
    assert SandboxSubmission.objects.count() == 1  # no second run
    assert SandboxJob.objects.get().body == valid_draft.build()


def test_a_pool_submission_of_a_tracked_job_goes_to_the_cluster_that_has_it(sandbox, valid_draft, owner, settings):
    ids = clusters(settings)
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=ids["sandbox-cluster-2"]))
    valid_draft.refresh_from_db()
    pooled = submitting.submit(
        valid_draft, sandbox, owner, "two", pool=[ids["sandbox-cluster-1"], ids["sandbox-cluster-3"]]
    )
    assert pooled.action == Submission.Action.UPDATE and pooled.cluster_id == ids["sandbox-cluster-2"]
    assert "sandbox-cluster-2, which has this job" in pooled.routing_note
    assert SandboxJob.objects.count() == 1 and pooled.body == {"jobs": [valid_draft.build()]}


def test_a_name_the_cluster_is_known_to_have_is_asked_about_then_updated(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    other = valid_draft.build()
    create_jobs(get_cluster(sandbox.project_id, cluster), [other])
    ClusterJob.objects.create(target=sandbox, cluster_id=cluster, name=JOB, body=other, body_hash="x")
    with pytest.raises(submitting.NameTaken) as taken:
        submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster)
    assert "already has a job named orders_mysql_to_hive" in str(taken.value)
    assert not Submission.objects.exists()
    change_extractors(valid_draft, "2")
    update = submitting.submit(valid_draft, sandbox, owner, "two", cluster_id=cluster, update=True)
    assert update.action == Submission.Action.UPDATE and update.state == Submission.State.ACCEPTED
    assert SandboxJob.objects.get().body == valid_draft.build()
    valid_draft.refresh_from_db()
    assert valid_draft.tracked_name == JOB


def test_the_submit_page_asks_and_a_refused_duplicate_offers_the_update(
    sandbox, valid_draft, owner, owner_client, settings
):
    cluster = clusters(settings)["sandbox-cluster-1"]
    create_jobs(get_cluster(sandbox.project_id, cluster), [valid_draft.build()])  # unknown to cdmweb
    url = reverse("submit", args=[valid_draft.pk])
    form = {"target": sandbox.pk, "mode": "cluster", "cluster_id": cluster, "start": "1", "submit": "1"}
    response = owner_client.post(url, {**form, "idempotency_key": "k1"})
    refused = Submission.objects.get()
    assert response.status_code == 302 and refused.error_code == "Cdm.0104"
    page = owner_client.get(response["Location"]).content.decode()
    assert 'id="update-instead"' in page and "Update the existing job orders_mysql_to_hive" in page

    response = owner_client.post(url, {**form, "idempotency_key": "k2", "update": "1"})
    update = Submission.objects.get(idempotency_key="k2")
    assert response.status_code == 302 and update.action == Submission.Action.UPDATE
    assert "Updated job orders_mysql_to_hive" in owner_client.get(response["Location"]).content.decode()

    # Now cdmweb knows the cluster has it: a plain create from another draft is asked about first.
    ClusterJob.objects.create(target=sandbox, cluster_id=cluster, name=JOB, body={}, body_hash="x")
    valid_draft.tracked_name = ""
    valid_draft.save()
    page = owner_client.post(url, {**form, "idempotency_key": "k3"}).content.decode()
    assert "already has a job named orders_mysql_to_hive" in page and 'id="confirm-update"' in page
    assert not Submission.objects.filter(idempotency_key="k3").exists()


def test_a_tracked_draft_renamed_is_not_sent_as_another_job(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    valid_draft.refresh_from_db()
    valid_draft.name = "orders_renamed"
    valid_draft.save()
    with pytest.raises(submitting.SubmissionRefused, match="tracks job orders_mysql_to_hive"):
        submitting.submit(valid_draft, sandbox, owner, "two", cluster_id=cluster)
    assert SandboxJob.objects.count() == 1


def test_two_people_deploying_one_job_at_once_one_goes_and_the_other_is_told(
    sandbox, crew, crew_draft, owner, teammate, settings
):
    cluster = clusters(settings)["sandbox-cluster-1"]
    crew_draft.home_target, crew_draft.home_cluster_id, crew_draft.tracked_name = sandbox, cluster, JOB
    crew_draft.save()
    reviewing.decide(reviewing.request_review(crew_draft, owner), crew["reviewer"], approve=True)
    create_jobs(get_cluster(sandbox.project_id, cluster), [crew_draft.build()])
    # The teammate's deploy is recorded and not yet sent (a worker will take it).
    Submission.objects.create(
        draft=crew_draft,
        target=sandbox,
        user=teammate,
        idempotency_key="theirs",
        cluster_id=cluster,
        body={},
        job_name=JOB,
        action=Submission.Action.UPDATE,
    )
    with pytest.raises(submitting.SubmissionRefused, match="crew-editor is deploying orders_mysql_to_hive"):
        submitting.submit(crew_draft, sandbox, owner, "mine", cluster_id=cluster)
    # And while another request holds the moment of recording, the same.
    Submission.objects.filter(idempotency_key="theirs").delete()
    lock = f"deploy-lock-{sandbox.pk}-{cluster}-{sha256(JOB.encode()).hexdigest()[:32]}"
    cache.add(lock, "other", 30)
    with pytest.raises(submitting.SubmissionRefused, match="Someone else is deploying"):
        submitting.submit(crew_draft, sandbox, owner, "mine", cluster_id=cluster)
    assert not Submission.objects.filter(idempotency_key="mine").exists()
    cache.delete(lock)
    mine = submitting.submit(crew_draft, sandbox, owner, "mine", cluster_id=cluster)
    assert mine.action == Submission.Action.UPDATE and mine.state == Submission.State.ACCEPTED


def test_an_update_cdm_fails_is_recorded_and_the_next_attempt_picks_up(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    valid_draft.refresh_from_db()
    change_extractors(valid_draft, "2")
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="503", method="PUT", path_contains=f"/job/{JOB}")
    failed = submitting.submit(valid_draft, sandbox, owner, "two", cluster_id=cluster)
    assert failed.state == Submission.State.ERROR and "503" in failed.error_message
    assert SandboxJob.objects.get().body != valid_draft.build()
    again = submitting.submit(valid_draft, sandbox, owner, "three", cluster_id=cluster)
    assert again.state == Submission.State.ACCEPTED and SandboxJob.objects.get().body == valid_draft.build()


def test_an_update_whose_worker_died_is_sent_again_not_mistaken_for_an_old_run(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    valid_draft.refresh_from_db()
    change_extractors(valid_draft, "2")
    time.sleep(0.01)
    died = died_update(valid_draft, sandbox, owner, cluster)
    done = worker.send(died.pk)
    assert done.state == Submission.State.ACCEPTED and done.cdm_status == "BOOTING"
    assert SandboxJob.objects.get().body == valid_draft.build()
    assert SandboxSubmission.objects.count() == 2
    # Killed again after its start went through: the run going on is followed, not started twice.
    Submission.objects.filter(pk=died.pk).update(
        state=Submission.State.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    again = worker.send(died.pk)
    assert again.state == Submission.State.ACCEPTED and again.submission_id == done.submission_id
    assert SandboxSubmission.objects.count() == 2


def test_submit_job_updates_a_tracked_draft_without_being_told_where(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-3"]
    call_command("submit_job", str(valid_draft.pk), "--target", "sandbox", "--cluster", cluster, stdout=io.StringIO())
    finished(Submission.objects.get())
    valid_draft.refresh_from_db()
    change_extractors(valid_draft, "2")
    out = io.StringIO()
    call_command("submit_job", str(valid_draft.pk), "--target", "sandbox", "--wait", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"Updated job {JOB} on cluster sandbox-cluster-3 and started it." in lines and lines[-1] == "SUCCEEDED"
    assert SandboxJob.objects.get().body == valid_draft.build()
    valid_draft.tracked_name = ""
    valid_draft.save()
    with pytest.raises(CommandError) as nowhere:
        call_command("submit_job", str(valid_draft.pk), "--target", "sandbox", stdout=io.StringIO())
    assert nowhere.value.returncode == 2 and "--cluster" in str(nowhere.value)


def test_submit_job_asks_for_update_when_the_cluster_has_the_name(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    create_jobs(get_cluster(sandbox.project_id, cluster), [valid_draft.build()])
    ClusterJob.objects.create(target=sandbox, cluster_id=cluster, name=JOB, body={}, body_hash="x")
    with pytest.raises(CommandError) as taken:
        call_command("submit_job", str(valid_draft.pk), "--target", "sandbox", "--cluster", cluster)
    assert taken.value.returncode == 1 and "--update" in str(taken.value)
    out = io.StringIO()
    call_command(
        "submit_job", str(valid_draft.pk), "--target", "sandbox", "--cluster", cluster, "--update", "--no-start",
        stdout=out,
    )  # fmt: skip
    assert f"Updated job {JOB} on cluster sandbox-cluster-1." in out.getvalue()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMITTED, detail__contains="updating job").exists()


def test_a_job_a_team_tracks_is_changed_only_through_that_teams_draft(
    sandbox, crew, crew_draft, valid_draft, outsider, owner, settings
):
    cluster = clusters(settings)["sandbox-cluster-1"]
    create_jobs(get_cluster(sandbox.project_id, cluster), [crew_draft.build()])
    crew_draft.mark_deployed(sandbox, cluster, JOB, crew_draft.snapshot(owner, "pulled"))
    before = SandboxJob.objects.get().body
    # Someone's private copy of the same job, sent as an update (asked, or by tracking it too).
    change_extractors(valid_draft, "9")
    with pytest.raises(submitting.SubmissionRefused, match=f"tracked by team Crew's draft #{crew_draft.pk}"):
        submitting.submit(valid_draft, sandbox, owner, "mine", cluster_id=cluster, update=True)
    valid_draft.mark_deployed(sandbox, cluster, JOB, valid_draft.snapshot(owner, "pulled"))
    with pytest.raises(submitting.SubmissionRefused, match="through that team's review"):
        submitting.submit(valid_draft, sandbox, owner, "mine-2", cluster_id=cluster)
    assert SandboxJob.objects.get().body == before and not Submission.objects.exists()


def test_a_tracked_job_deleted_in_the_console_is_created_again_by_the_next_deploy(
    sandbox, valid_draft, owner, settings
):
    cluster = clusters(settings)["sandbox-cluster-1"]
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    valid_draft.refresh_from_db()
    SandboxJob.objects.all().delete()  # someone deleted it in the console
    again = submitting.submit(valid_draft, sandbox, owner, "two", cluster_id=cluster)
    assert again.state == Submission.State.ACCEPTED, again.error_message
    assert "created again" in again.routing_note and SandboxJob.objects.get().body == valid_draft.build()


def test_a_resumed_update_not_asked_to_start_does_not_start(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    finished(submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster))
    valid_draft.refresh_from_db()
    change_extractors(valid_draft, "2")
    SandboxJob.objects.update(body=valid_draft.build())  # the dead worker's PUT went through
    died = died_update(valid_draft, sandbox, owner, cluster, start=False)
    done = worker.send(died.pk)
    assert done.state == Submission.State.ACCEPTED and done.terminal
    assert SandboxSubmission.objects.count() == 1


def test_a_resumed_update_that_never_landed_is_not_reported_done(sandbox, valid_draft, owner, settings):
    """The worker died before its PUT, and a run of the job is going: the update is refused
    (the job runs), never reported as done, and the draft not marked in sync with it."""
    cluster = clusters(settings)["sandbox-cluster-1"]
    settings.CDM_SANDBOX_RUN_SECONDS = 30
    submitting.submit(valid_draft, sandbox, owner, "one", cluster_id=cluster)
    valid_draft.refresh_from_db()
    first_revision = valid_draft.deployed_revision_id
    change_extractors(valid_draft, "2")
    died = died_update(valid_draft, sandbox, owner, cluster, revision=valid_draft.snapshot(owner, "submitted"))
    done = worker.send(died.pk)
    assert done.state == Submission.State.REFUSED and done.error_code == "Cdm.0052" and not done.outcome
    valid_draft.refresh_from_db()
    assert valid_draft.deployed_revision_id == first_revision
