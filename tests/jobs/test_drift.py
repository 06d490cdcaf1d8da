"""Drift between tracked drafts and their clusters' jobs (cdmweb/jobs/clusters/drift.py), and the
drift page: the diff, "take the cluster's version", "check now"."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from cdmweb.jobs.clusters import drift, pulling
from cdmweb.jobs.models import AuditEvent, JobDraft
from cdmweb.jobs.reviewing import decide, request_review
from cdmweb.jobspec.deployed import change_lines
from cdmweb.sandbox.models import SandboxFault, SandboxJob

from .clusters_support import cluster_id, demo_job, edit_on_cluster, input_value, put_jobs, sandbox_cluster

pytestmark = pytest.mark.django_db(transaction=True)


def tracked(sandbox, owner, *names, team=None):
    put_jobs(*(demo_job(name) for name in names))
    ids = pulling.pull(sandbox, cluster_id(), owner, team=team).new_ids
    return list(JobDraft.objects.filter(pk__in=ids).order_by("tracked_name"))


def check_all():
    return {
        r.draft.tracked_name: r
        for r in drift.check(drift.tracked_drafts().select_related("home_target", "deployed_revision"))
    }


def test_in_sync_drifted_and_missing(sandbox, owner):
    tracked(sandbox, owner, "a_same", "b_edited", "c_gone")
    edit_on_cluster("b_edited", "by_hand")
    SandboxJob.objects.filter(name="c_gone").delete()
    results = check_all()
    assert {name: r.state for name, r in results.items()} == {
        "a_same": "in_sync",
        "b_edited": "drifted",
        "c_gone": "missing",
    }
    edited = JobDraft.objects.get(tracked_name="b_edited")
    assert edited.drift_checked_at is not None
    assert input_value(edited.cluster_payload, "fromJobConfig.tableName") == "by_hand"
    lines = change_lines(results["b_edited"].changes)
    assert any("fromJobConfig.tableName" in line and "orders → by_hand" in line for line in lines)


def test_one_request_per_page_not_per_draft(sandbox, owner, monkeypatch):
    tracked(sandbox, owner, *(f"job_{n:03}" for n in range(130)))
    calls = []
    from cdmweb.cdm.client import CdmClient

    original = CdmClient.list_jobs

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("page_no"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CdmClient, "list_jobs", counting)
    results = check_all()
    assert len(results) == 130 and {r.state for r in results.values()} == {"in_sync"}
    assert calls == [1, 2]  # NORMAL_JOB only (the drafts' type), two pages of 100


@pytest.mark.parametrize(
    ("kind", "value"), [(SandboxFault.STATUS, "503"), (SandboxFault.GARBAGE, ""), (SandboxFault.DROP, "")]
)
def test_cdm_failing_mid_check_leaves_every_state_as_it_was(sandbox, owner, kind, value):
    drafts = tracked(sandbox, owner, *(f"job_{n:03}" for n in range(150)))
    edit_on_cluster("job_000", "by_hand")
    SandboxJob.objects.filter(name="job_149").delete()
    SandboxFault.objects.create(kind=kind, value=value, path_contains="/cdm/job/all", method="GET", remaining=5)
    results = check_all()
    assert all(r.error.startswith("not checked") for r in results.values())
    assert set(JobDraft.objects.values_list("drift_state", flat=True)) == {"in_sync"}
    SandboxFault.objects.all().delete()
    results = check_all()
    assert results["job_000"].state == "drifted" and results["job_149"].state == "missing"
    assert len(drafts) == 150


def test_secrets_are_masked_in_the_drift_diff(sandbox, owner):
    job = demo_job("with_secret")
    job["from-config-values"]["configs"][0]["inputs"].append({"name": "fromJobConfig.password", "value": "Old-S3cret!"})
    put_jobs(job)
    pulling.pull(sandbox, cluster_id(), owner)
    stored = SandboxJob.objects.get(name="with_secret")
    body = stored.body
    body["from-config-values"]["configs"][0]["inputs"][-1]["value"] = "New-S3cret!"
    stored.body = body
    stored.save()
    result = check_all()["with_secret"]
    assert result.state == "drifted"
    text = "\n".join(change_lines(result.changes))
    assert "fromJobConfig.password" in text
    assert "Old-S3cret!" not in text and "New-S3cret!" not in text


def test_take_the_cluster_version_makes_a_new_revision_and_team_drafts_need_review_again(
    sandbox, owner, crew, reviewer
):
    (draft,) = tracked(sandbox, owner, "orders", team=crew["team"])
    review = request_review(draft, owner)
    decide(review, reviewer, approve=True)
    draft.refresh_from_db()
    assert draft.review_state == JobDraft.ReviewState.APPROVED
    edit_on_cluster("orders", "by_hand")
    check_all()
    draft.refresh_from_db()
    revision = drift.take_cluster_version(draft, crew["editor"])
    draft.refresh_from_db()
    assert revision.author == crew["editor"] and draft.deployed_revision == revision
    assert input_value(draft.build(), "fromJobConfig.tableName") == "by_hand"
    assert draft.drift_state == JobDraft.Drift.IN_SYNC and draft.cluster_payload is None
    assert draft.review_state == JobDraft.ReviewState.CHANGED
    assert AuditEvent.objects.filter(draft=draft, action=AuditEvent.Action.TOOK_CLUSTER_VERSION).exists()
    with pytest.raises(drift.DriftRefused):
        drift.take_cluster_version(draft, crew["editor"])
    assert check_all()["orders"].state == "in_sync"


def test_drift_page_shows_the_diff_and_editors_take_the_cluster_version(sandbox, owner, crew, client):
    (draft,) = tracked(sandbox, owner, "orders", team=crew["team"])
    edit_on_cluster("orders", "by_hand")
    check_all()
    url = reverse("drift", args=[draft.pk])
    client.force_login(crew["viewer"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "drifted" in html and "by_hand" in html and "fromJobConfig.tableName" in html
    assert "Take the cluster" not in html
    assert client.post(reverse("drift-take", args=[draft.pk])).status_code == 403
    client.force_login(crew["editor"])
    assert reverse("submit", args=[draft.pk]) in client.get(url).content.decode()  # deploy the approved one
    response = client.post(reverse("drift-take", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.drift_state == JobDraft.Drift.IN_SYNC
    client.force_login(crew["outsider"])
    assert client.get(url).status_code == 404
    assert client.post(reverse("drift-check", args=[draft.pk])).status_code == 404


def test_check_now_button_and_missing_job_wording(sandbox, owner, owner_client):
    (draft,) = tracked(sandbox, owner, "orders")
    SandboxJob.objects.filter(cluster=sandbox_cluster(), name="orders").delete()
    response = owner_client.post(reverse("drift-check", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.drift_state == JobDraft.Drift.MISSING
    html = response.content.decode()
    assert "missing on cluster" in html and "deleted or renamed" in html


def test_opening_the_designer_shows_a_change_made_on_the_cluster_moments_ago(sandbox, owner, owner_client):
    (draft,) = tracked(sandbox, owner, "watched")
    designer = reverse("designer", args=[draft.pk])
    owner_client.get(designer)  # checks it: in sync
    draft.refresh_from_db()
    assert draft.drift_state == JobDraft.Drift.IN_SYNC
    edit_on_cluster("watched", "by_hand")
    cache.delete(f"cdmweb:clusters:draft:{draft.pk}")  # the page's short throttle has passed
    page = owner_client.get(designer).content.decode()
    draft.refresh_from_db()
    assert draft.drift_state == JobDraft.Drift.DRIFTED and 'id="drift-status"' in page and "drifted" in page
    SandboxJob.objects.filter(name="watched").delete()
    cache.delete(f"cdmweb:clusters:draft:{draft.pk}")
    owner_client.get(designer)
    draft.refresh_from_db()
    assert draft.drift_state == JobDraft.Drift.MISSING


def test_a_job_type_changed_in_the_draft_only_is_not_taken_for_a_job_gone(sandbox, owner):
    (draft,) = tracked(sandbox, owner, "typed")
    JobDraft.objects.filter(pk=draft.pk).update(job_type="BATCH_JOB")  # an edit not deployed yet
    assert check_all()["typed"].state == "in_sync"


def test_a_check_that_read_the_cluster_before_a_deploy_does_not_undo_it(sandbox, owner):
    (draft,) = tracked(sandbox, owner, "raced")
    edit_on_cluster("raced", "by_hand")
    stale = drift.tracked_drafts().select_related("home_target", "deployed_revision").get(pk=draft.pk)
    # A deploy lands meanwhile: a new deployed revision, in sync.
    draft.mark_deployed(draft.home_target, draft.home_cluster_id, "raced", draft.snapshot(owner, "deployed"))
    drift.check([stale])
    draft.refresh_from_db()
    assert draft.drift_state == JobDraft.Drift.IN_SYNC and draft.cluster_payload is None
