"""The job a tracked draft stands for: its page (runs beside submissions), run / stop / delete, and
the ``job_action`` command, each under the same role rule."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from cdmweb.jobs import reviewing
from cdmweb.jobs.models import AuditEvent, ClusterJob, JobDraft, Revision, Submission
from cdmweb.jobs.submissions import deployed, submitting, targets, worker
from cdmweb.sandbox.models import SandboxFault, SandboxJob, SandboxSubmission

from .test_submission import clusters, wait_until_terminal

pytestmark = pytest.mark.django_db(transaction=True)
JOB = "orders_mysql_to_hive"


@pytest.fixture
def deployed_draft(sandbox, valid_draft, owner, settings) -> JobDraft:
    """The demo job created on sandbox-cluster-1 from the owner's draft, its first run over."""
    targets.refresh_clusters(sandbox)
    submission = submitting.submit(
        valid_draft, sandbox, owner, "first", cluster_id=clusters(settings)["sandbox-cluster-1"]
    )
    done, _, _ = wait_until_terminal(submission)
    assert done.cdm_status == "SUCCEEDED"
    valid_draft.refresh_from_db()
    assert valid_draft.tracked
    return valid_draft


def with_variable(draft: JobDraft) -> None:
    """Make the deployed revision's job use a ${day} variable (as if deployed so)."""
    payload = draft.deployed_revision.payload
    for group in payload["from-config-values"]["configs"]:
        if group["name"] == "fromJobConfig":
            group["inputs"].append({"name": "fromJobConfig.whereClause", "value": "dt = '${day}'"})
    Revision.objects.filter(pk=draft.deployed_revision_id).update(payload=payload)
    draft.refresh_from_db()


def test_the_page_shows_the_runs_on_the_cluster_beside_the_submissions(deployed_draft, owner_client):
    page = owner_client.get(reverse("deployed-job", args=[deployed_draft.pk])).content.decode()
    assert JOB in page and "sandbox-cluster-1" in page
    assert 'id="run-history"' in page and "SUCCEEDED" in page
    assert 'id="submission-list"' in page and "create" in page
    assert 'id="run-form"' in page and 'id="delete-form"' in page


def test_a_run_with_variables_is_a_submission_followed_like_any(deployed_draft, owner, owner_client):
    with_variable(deployed_draft)
    assert deployed.job_variables(deployed_draft) == ["startTime", "day"]  # the demo job uses ${startTime}
    page = owner_client.get(reverse("deployed-job", args=[deployed_draft.pk])).content.decode()
    assert 'name="var-day"' in page
    response = owner_client.post(
        reverse("job-run", args=[deployed_draft.pk]), {"idempotency_key": "run-1", "var-day": "2026-11-30"}
    )
    run = Submission.objects.get(idempotency_key="run-1")
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.action == Submission.Action.START and run.state == Submission.State.ACCEPTED
    assert SandboxSubmission.objects.order_by("-id").first().variables == {"day": "2026-11-30"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.JOB_STARTED, detail__contains="variables: day").exists()
    # A run of the job as it is changes nothing in what the draft tracks.
    deployed_draft.refresh_from_db()
    assert deployed_draft.deployed_revision_id == Submission.objects.get(idempotency_key="first").revision_id


def test_stop_then_delete_on_the_cluster(deployed_draft, owner, owner_client):
    owner_client.post(reverse("job-run", args=[deployed_draft.pk]), {"idempotency_key": "run-2"})
    response = owner_client.post(reverse("job-stop", args=[deployed_draft.pk]), follow=True)
    assert "Asked CDM to stop orders_mysql_to_hive" in response.content.decode()
    assert SandboxSubmission.objects.order_by("-id").first().stopped_at is not None

    response = owner_client.post(reverse("job-delete", args=[deployed_draft.pk]), {"confirm": "wrong"}, follow=True)
    assert "Type the job&#x27;s name" in response.content.decode() and SandboxJob.objects.exists()
    ClusterJob.objects.create(
        target=deployed_draft.home_target, cluster_id=deployed_draft.home_cluster_id, name=JOB, body={}, body_hash="x"
    )
    response = owner_client.post(reverse("job-delete", args=[deployed_draft.pk]), {"confirm": JOB}, follow=True)
    assert "Deleted orders_mysql_to_hive" in response.content.decode()
    assert not SandboxJob.objects.exists() and not ClusterJob.objects.exists()
    deployed_draft.refresh_from_db()
    assert not deployed_draft.tracked and JobDraft.objects.filter(pk=deployed_draft.pk).exists()
    assert {e.action for e in AuditEvent.objects.filter(draft=deployed_draft)} >= {"job-stopped", "job-deleted"}


def test_cdm_refusing_an_action_is_said_where_the_user_looks(deployed_draft, owner_client):
    response = owner_client.post(reverse("job-stop", args=[deployed_draft.pk]), follow=True)
    assert (
        "CDM did not stop orders_mysql_to_hive" in response.content.decode() and "Cdm.0053" in response.content.decode()
    )
    SandboxFault.objects.create(kind=SandboxFault.GARBAGE, method="DELETE")
    response = owner_client.post(reverse("job-delete", args=[deployed_draft.pk]), {"confirm": JOB}, follow=True)
    assert response.status_code == 200 and "CDM did not delete" in response.content.decode()
    assert SandboxJob.objects.exists()
    deployed_draft.refresh_from_db()
    assert deployed_draft.tracked


def test_roles_outsiders_see_nothing_editors_run_only_admins_delete(sandbox, crew, crew_draft, client, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    revision = crew_draft.snapshot(crew["owner"], "pulled")
    crew_draft.mark_deployed(sandbox, cluster, JOB, revision)
    pages = [
        ("get", reverse("deployed-job", args=[crew_draft.pk]), {}),
        ("post", reverse("job-run", args=[crew_draft.pk]), {"idempotency_key": "x"}),
        ("post", reverse("job-stop", args=[crew_draft.pk]), {}),
        ("post", reverse("job-delete", args=[crew_draft.pk]), {"confirm": JOB}),
    ]
    expected = {
        "outsider": [404, 404, 404, 404],
        "viewer": [200, 403, 403, 403],
        "editor": [200, None, None, 403],
        "admin": [200, None, None, None],
    }
    for who, statuses in expected.items():
        client.force_login(crew[who])
        for (method, url, data), status in zip(pages, statuses, strict=True):
            got = getattr(client, method)(url, data).status_code
            assert status is None or got == status, (who, url, got)
    with pytest.raises(deployed.ActionRefused, match="Only an admin of the team may delete"):
        deployed.delete_job(crew_draft, crew["editor"])
    # Owning the draft (whoever pulled the job owns it) gives no more than the team role: the
    # owner is an editor of the team, so may run the job but not delete it.
    client.force_login(crew["owner"])
    assert client.post(reverse("job-delete", args=[crew_draft.pk]), {"confirm": JOB}).status_code == 403
    # Moved out of the team onto a target it may not use any more (a team target): nothing.
    team_target = type(sandbox).objects.create(
        name="crew-prod", team=crew["team"], project_id="p", requires_review=False
    )
    crew_draft.home_target = team_target
    crew_draft.team = None
    crew_draft.save(update_fields=["home_target", "team"])
    assert "not this draft's to use" in deployed.refusal(crew_draft, crew["owner"], deployed.STOP)


def test_an_untracked_draft_has_no_job_to_act_on(valid_draft, owner, owner_client):
    page = owner_client.get(reverse("deployed-job", args=[valid_draft.pk])).content.decode()
    assert 'id="not-tracked"' in page
    response = owner_client.post(reverse("job-stop", args=[valid_draft.pk]), follow=True)
    assert "tracks no job on a cluster" in response.content.decode()


def test_job_action_command(deployed_draft, owner, crew):
    with_variable(deployed_draft)
    out = io.StringIO()
    call_command("job_action", str(deployed_draft.pk), "start", "--var", "day=2026-12-01", stdout=out)
    assert "Started job orders_mysql_to_hive on cluster sandbox-cluster-1." in out.getvalue()
    assert SandboxSubmission.objects.order_by("-id").first().variables == {"day": "2026-12-01"}
    with pytest.raises(CommandError) as running:
        call_command("job_action", str(deployed_draft.pk), "start", stdout=io.StringIO())
    assert running.value.returncode == 1 and "Cdm.0052" in str(running.value)
    out = io.StringIO()
    call_command("job_action", str(deployed_draft.pk), "stop", stdout=out)
    assert "Asked CDM to stop" in out.getvalue()
    for bad in (["--var", "day"], ["--var", "=x"]):
        with pytest.raises(CommandError) as refused:
            call_command("job_action", str(deployed_draft.pk), "start", *bad)
        assert refused.value.returncode == 2
    with pytest.raises(CommandError) as varstop:
        call_command("job_action", str(deployed_draft.pk), "stop", "--var", "a=b")
    assert varstop.value.returncode == 2
    with pytest.raises(CommandError) as outsider:
        call_command("job_action", str(deployed_draft.pk), "delete", "--user", "outsider")
    assert outsider.value.returncode == 2 and "no draft" in str(outsider.value)
    with pytest.raises(CommandError) as nobody:
        call_command("job_action", "999999", "stop")
    assert nobody.value.returncode == 2
    out = io.StringIO()
    call_command("job_action", str(deployed_draft.pk), "delete", stdout=out)
    assert "Deleted orders_mysql_to_hive" in out.getvalue() and not SandboxJob.objects.exists()
    with pytest.raises(CommandError) as untracked:
        call_command("job_action", str(deployed_draft.pk), "stop")
    assert untracked.value.returncode == 1 and "tracks no job" in str(untracked.value)


def test_a_tracked_draft_cannot_move_where_another_tracks_the_same_job(sandbox, crew, crew_draft, owner, valid_draft):
    revision = crew_draft.snapshot(owner, "pulled")
    crew_draft.mark_deployed(sandbox, "c1", JOB, revision)
    valid_draft.mark_deployed(sandbox, "c1", JOB, valid_draft.snapshot(owner, "pulled"))
    with pytest.raises(reviewing.ReviewRefused, match=f"#{crew_draft.pk}\\) there already tracks job {JOB}"):
        reviewing.share(valid_draft, crew["team"], owner)
    valid_draft.refresh_from_db()
    assert valid_draft.team_id is None
    admin = type(owner).objects.create_superuser("boss", password="boss-pass-1234")
    staff = Client()
    staff.force_login(admin)
    url = reverse("admin:jobs_jobdraft_change", args=[valid_draft.pk])
    form = {"owner": owner.pk, "team": crew["team"].pk, "name": JOB, "job_type": "NORMAL_JOB"}
    page = staff.post(url, form).content.decode()
    assert f"Draft #{crew_draft.pk} there already tracks job {JOB}" in page
    valid_draft.refresh_from_db()
    assert valid_draft.team_id is None


def test_a_submission_follows_its_own_run_not_a_later_one(deployed_draft, owner, settings):
    """The first submission's run ended; a run started from the job's page was then stopped: the
    first submission still says SUCCEEDED with its own numbers, the second says it was stopped."""
    first = Submission.objects.get(idempotency_key="first")
    assert first.cdm_status == "SUCCEEDED"
    run = deployed.run_job(deployed_draft, owner, "again")
    deployed.stop_job(deployed_draft, owner)
    Submission.objects.filter(pk=first.pk).update(cdm_status="RUNNING", finished_at=None)  # as if mid-poll
    polled = worker.poll(Submission.objects.select_related("target").get(pk=first.pk))
    assert polled.cdm_status == "SUCCEEDED" and polled.submission_id == first.submission_id
    stopped = worker.poll(Submission.objects.select_related("target").get(pk=run.pk))
    assert stopped.cdm_status == "FAILED" and "stopped" in stopped.error_message


def test_the_job_page_shows_one_truth_for_runs_and_submissions(deployed_draft, owner, owner_client):
    run = deployed.run_job(deployed_draft, owner, "run-3")
    deployed.stop_job(deployed_draft, owner)
    assert Submission.objects.get(pk=run.pk).cdm_status == "BOOTING"  # nobody watched its page
    page = owner_client.get(reverse("deployed-job", args=[deployed_draft.pk])).content.decode()
    assert Submission.objects.get(pk=run.pk).cdm_status == "FAILED"
    listed = page[page.index('id="submission-list"') :]
    assert "BOOTING" not in listed and "FAILED" in listed
