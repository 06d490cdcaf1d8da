"""Pulling a cluster's jobs into tracked drafts (cdmweb/jobs/clusters/pulling.py), over real HTTP
against the sandbox."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdmweb.jobs.clusters import pulling
from cdmweb.jobs.models import AuditEvent, JobDraft
from cdmweb.sandbox.models import SandboxFault

from .clusters_support import answered_with_nul, cluster_id, demo_job, edit_on_cluster, input_value, put_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def pull(sandbox, user, **options):
    return pulling.pull(sandbox, cluster_id(), user, **options)


def test_pull_makes_tracked_drafts_of_every_type_with_the_body_as_their_deployed_revision(sandbox, owner):
    put_jobs(demo_job("orders"), demo_job("batch_one", "BATCH_JOB"), demo_job("scene", "SCENARIO_JOB"))
    result = pull(sandbox, owner)
    assert result.error == "" and len(result.new_ids) == 3
    draft = JobDraft.objects.get(tracked_name="orders")
    assert draft.tracked and draft.home_target == sandbox and draft.home_cluster_id == cluster_id()
    assert draft.team is None and draft.owner == owner
    assert draft.deployed_revision.payload == draft.build() == demo_job("orders")
    assert draft.drift_state == JobDraft.Drift.IN_SYNC
    assert "status" not in draft.build() and "creation-date" not in draft.build()
    assert AuditEvent.objects.filter(draft=draft, action=AuditEvent.Action.PULLED).count() == 1
    assert set(JobDraft.objects.values_list("job_type", flat=True)) == {"NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB"}


def test_pull_by_filter_type_and_ticked_names(sandbox, owner):
    put_jobs(demo_job("orders_a"), demo_job("orders_b"), demo_job("stock"), demo_job("orders_c", "BATCH_JOB"))
    assert {p.name for p in pull(sandbox, owner, name_filter="orders", job_type="NORMAL_JOB").pulled} == {
        "orders_a",
        "orders_b",
    }
    assert [p.name for p in pull(sandbox, owner, names=["stock"]).pulled] == ["stock"]
    assert {p.name for p in pull(sandbox, owner, names=["orders_c", "stock"]).pulled} == {"orders_c", "stock"}
    assert JobDraft.objects.count() == 4


def test_pulling_again_makes_no_duplicate_and_refreshes_an_unchanged_draft(sandbox, owner):
    put_jobs(demo_job("orders"))
    (first,) = pull(sandbox, owner).new_ids
    again = pull(sandbox, owner)
    assert again.new_ids == [] and again.pulled[0].outcome == pulling.UNCHANGED
    edit_on_cluster("orders", "orders_v2")
    refreshed = pull(sandbox, owner)
    assert [(p.outcome, p.draft_id) for p in refreshed.pulled] == [(pulling.REFRESHED, first)]
    draft = JobDraft.objects.get(pk=first)
    assert input_value(draft.build(), "fromJobConfig.tableName") == "orders_v2"
    assert draft.deployed_revision.number == 2 and draft.drift_state == JobDraft.Drift.IN_SYNC
    assert JobDraft.objects.count() == 1


def test_pulling_again_never_overwrites_local_edits_it_marks_drift(sandbox, owner):
    put_jobs(demo_job("orders"))
    (pk,) = pull(sandbox, owner).new_ids
    draft = JobDraft.objects.get(pk=pk)
    item = draft.inputs.get(name="fromJobConfig.schemaName")
    item.value = "local_edit"
    item.save()
    edit_on_cluster("orders", "changed_on_cluster")
    result = pull(sandbox, owner)
    assert result.pulled[0].outcome == pulling.KEPT
    draft.refresh_from_db()
    assert input_value(draft.build(), "fromJobConfig.schemaName") == "local_edit"
    assert input_value(draft.build(), "fromJobConfig.tableName") == "orders"
    assert draft.drift_state == JobDraft.Drift.DRIFTED
    assert input_value(draft.cluster_payload, "fromJobConfig.tableName") == "changed_on_cluster"


def test_pull_into_a_team_needs_an_editor_and_is_separate_from_private_drafts(sandbox, owner, crew):
    put_jobs(demo_job("orders"))
    with pytest.raises(pulling.PullRefused, match="cannot pull into team"):
        pull(sandbox, crew["viewer"], team=crew["team"])
    assert JobDraft.objects.count() == 0
    (team_draft,) = pull(sandbox, owner, team=crew["team"]).new_ids
    (private,) = pull(sandbox, owner).new_ids
    assert team_draft != private
    assert JobDraft.objects.get(pk=team_draft).team == crew["team"]
    # An editor of the team pulling again refreshes the team's draft, no second one.
    assert pull(sandbox, crew["editor"], team=crew["team"]).pulled[0].draft_id == team_draft


def test_a_team_target_is_pulled_only_into_its_team(sandbox, owner, crew, outsider, settings):
    sandbox.team = crew["team"]
    # A team's target reads only its team's variables: store the sandbox's keys on it instead.
    sandbox.access_key, sandbox.access_key_source = settings.CDM_SANDBOX_AK, ""
    sandbox.set_secret(settings.CDM_SANDBOX_SK)
    sandbox.secret_source = ""
    sandbox.save()
    put_jobs(demo_job("orders"))
    with pytest.raises(pulling.PullRefused, match="belongs to a team"):
        pull(sandbox, owner)
    with pytest.raises(pulling.PullRefused, match="No target"):
        pull(sandbox, outsider)
    assert len(pull(sandbox, owner, team=crew["team"]).new_ids) == 1


def test_one_malformed_job_on_a_page_is_reported_and_the_others_come_in(sandbox, owner, monkeypatch):
    put_jobs(*(demo_job(f"job_{n:03}") for n in range(30)))
    put_jobs({"from-connector-name": "generic-jdbc-connector", "name": ""} | {"job_type": "NORMAL_JOB"})
    put_jobs(demo_job("job_bad"))
    answered_with_nul(monkeypatch, "job_bad")
    result = pull(sandbox, owner)
    assert len(result.new_ids) == 30
    failed = [p for p in result.pulled if p.outcome == pulling.FAILED]
    assert len(failed) == 2
    assert any("no name" in p.message for p in failed) and any("NUL" in p.message for p in failed)


@pytest.mark.parametrize(
    ("kind", "value"),
    [(SandboxFault.STATUS, "503"), (SandboxFault.GARBAGE, ""), (SandboxFault.DROP, ""), (SandboxFault.STATUS, "500")],
)
def test_cdm_failing_mid_pull_keeps_the_jobs_already_pulled_whole(sandbox, owner, kind, value):
    put_jobs(*(demo_job(f"job_{n:03}") for n in range(150)))
    # The first page answers, the second fails (every retry too).
    SandboxFault.objects.create(kind=kind, value=value, path_contains="/cdm/job/all", method="GET", remaining=0)
    calls = {"n": 0}
    original = pulling.job_pages

    def pages(*args, **kwargs):
        for page in original(*args, **kwargs):
            calls["n"] += 1
            yield page
            SandboxFault.objects.update(remaining=5)

    pulling.job_pages = pages
    try:
        result = pull(sandbox, owner)
    finally:
        pulling.job_pages = original
    assert result.error and "Traceback" not in result.error
    assert len(result.new_ids) == 100 == JobDraft.objects.count()
    for draft in JobDraft.objects.all()[:5]:
        assert draft.build() == draft.deployed_revision.payload
    SandboxFault.objects.all().delete()
    # The next pull picks up where it stopped.
    assert len(pull(sandbox, owner).new_ids) == 50


def test_queries_per_pulled_job_are_constant(sandbox, owner):
    put_jobs(*(demo_job(f"small_{n:02}") for n in range(5)))
    with CaptureQueriesContext(connection) as few:
        assert len(pull(sandbox, owner, name_filter="small_").new_ids) == 5
    put_jobs(*(demo_job(f"large_{n:02}") for n in range(20)))
    with CaptureQueriesContext(connection) as many:
        assert len(pull(sandbox, owner, name_filter="large_").new_ids) == 20
    per_job = (len(many) - len(few)) / 15
    assert len(many) == len(few) + per_job * 15
    assert per_job <= 20
    with CaptureQueriesContext(connection) as unchanged:
        assert pull(sandbox, owner, name_filter="large_").new_ids == []
    assert len(unchanged) <= 6 * 3  # per page: find the drafts, mark them checked (and the type's empty pages)
