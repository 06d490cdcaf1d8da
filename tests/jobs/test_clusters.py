"""The local copy of a cluster's jobs (cdmweb/jobs/clusters/inventory.py) and the clusters screen:
who sees what, search, paging, tracked drafts, links, refresh and pull."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cdmweb.jobs.clusters import inventory, pulling
from cdmweb.jobs.models import ClusterInventory, ClusterJob, ClusterLink, JobDraft, Target
from cdmweb.sandbox.models import SandboxFault, SandboxJob

from ..conftest import hx
from .clusters_support import answered_with_nul, cluster_id, demo_job, edit_on_cluster, put_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def refresh(sandbox):
    return inventory.refresh_cluster(sandbox, cluster_id())


def test_refresh_copies_every_job_of_every_type_with_status_and_links(sandbox):
    put_jobs(*(demo_job(f"job_{n:03}") for n in range(120)), demo_job("batch", "BATCH_JOB"))
    put_jobs(demo_job("scene", "SCENARIO_JOB", **{"from-link-name": "other_mysql"}))
    result = refresh(sandbox)
    assert result.error == "" and result.job_count == 122
    job = ClusterJob.objects.get(name="job_000")
    assert job.status == "NEW" and job.from_link == "shop_mysql" and job.to_connector == "hive-connector"
    assert "status" not in job.body and "creation-date" not in job.body and job.body == demo_job("job_000")
    assert set(ClusterJob.objects.values_list("job_type", flat=True)) == {"NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB"}
    links = dict(ClusterLink.objects.values_list("name", "connector"))
    jdbc = "generic-jdbc-connector"
    assert links == {"shop_mysql": jdbc, "lake_hive": "hive-connector", "other_mysql": jdbc}
    stored = ClusterInventory.objects.get(target=sandbox, cluster_id=cluster_id())
    assert stored.job_count == 122 and stored.refreshed_at and stored.error == "" and stored.refreshing_since is None


def test_refresh_updates_and_deletes_and_leaves_checked_links_alone(sandbox):
    put_jobs(demo_job("a"), demo_job("b"))
    refresh(sandbox)
    ClusterLink.objects.filter(name="lake_hive").update(origin="checked", connector="hive-connector", exists=True)
    edit_on_cluster("a", "changed")
    SandboxJob.objects.filter(name="b").delete()
    put_jobs(demo_job("c", **{"to-connector-name": "hdfs-connector"}))
    result = refresh(sandbox)
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    assert sorted(ClusterJob.objects.values_list("name", flat=True)) == ["a", "c"]
    assert ClusterLink.objects.get(name="lake_hive").origin == "checked"
    assert ClusterLink.objects.get(name="lake_hive").connector == "hive-connector"


def test_queries_per_page_not_per_job(sandbox):
    refresh(sandbox)  # the cluster's inventory row exists from now on
    put_jobs(*(demo_job(f"job_{n:03}") for n in range(10)))
    with CaptureQueriesContext(connection) as few:
        refresh(sandbox)
    ClusterJob.objects.all().delete()
    ClusterLink.objects.all().delete()
    put_jobs(*(demo_job(f"more_{n:03}") for n in range(240)))
    with CaptureQueriesContext(connection) as many:
        assert refresh(sandbox).job_count == 250
    # 25 times the jobs, 3 pages instead of 1: a few more batched writes, not one per job.
    assert len(many) <= len(few) + 2 * 4, [q["sql"][:80] for q in many.captured_queries]


def test_a_malformed_job_is_reported_and_the_others_come_in(sandbox, monkeypatch):
    put_jobs(*(demo_job(f"job_{n:02}") for n in range(20)), demo_job("bad"))
    answered_with_nul(monkeypatch, "bad")
    result = refresh(sandbox)
    assert ClusterJob.objects.count() == 20 and len(result.malformed) == 1 and "bad" in result.malformed[0]
    assert "could not be read" in ClusterInventory.objects.get().error


@pytest.mark.parametrize(
    ("kind", "value"), [(SandboxFault.STATUS, "503"), (SandboxFault.GARBAGE, ""), (SandboxFault.DROP, "")]
)
def test_cdm_failing_mid_refresh_keeps_the_old_copy_and_records_the_error(sandbox, kind, value):
    put_jobs(*(demo_job(f"job_{n:03}") for n in range(150)))
    refresh(sandbox)
    SandboxJob.objects.filter(name__startswith="job_0").delete()
    # Page 1 answers, page 2 fails with every retry.
    SandboxFault.objects.create(kind=kind, value=value, path_contains="/cdm/job/all", method="GET", remaining=0)
    original = inventory.job_pages

    def pages(*args, **kwargs):
        for page in original(*args, **kwargs):
            yield page
            SandboxFault.objects.update(remaining=5)

    inventory.job_pages = pages
    try:
        result = refresh(sandbox)
    finally:
        inventory.job_pages = original
    assert result.error and "Traceback" not in result.error
    assert ClusterJob.objects.count() == 150
    stored = ClusterInventory.objects.get()
    assert stored.error and stored.job_count == 150 and stored.refreshing_since is None
    SandboxFault.objects.all().delete()
    assert refresh(sandbox).job_count == 50


def test_refresh_target_lists_the_clusters_and_reads_each(sandbox):
    put_jobs(demo_job("one"))
    results = inventory.refresh_target(sandbox)
    assert len(results) == 4 and sandbox.clusters and all(r.error == "" for r in results)
    assert ClusterInventory.objects.count() == 4


# --- the screen ------------------------------------------------------------------------------


@pytest.fixture
def listed(sandbox):
    put_jobs(*(demo_job(f"job_{n:03}") for n in range(60)), demo_job("stock_batch", "BATCH_JOB"))
    inventory.refresh_target(sandbox)
    return sandbox


def screen(client, **query):
    return client.get(reverse("clusters"), {"target": "sandbox", "cluster": cluster_id(), **query})


def test_screen_lists_clusters_jobs_links_and_pages_from_the_local_copy(listed, owner_client, monkeypatch):
    from cdmweb.cdm.client import CdmClient

    def no_network(*args, **kwargs):
        raise AssertionError("the screen must not call CDM")

    monkeypatch.setattr(CdmClient, "_request", no_network)
    response = screen(owner_client)
    html = response.content.decode()
    assert response.status_code == 200
    assert "sandbox-cluster-1" in html and "sandbox-stopped" in html and "stopped" in html
    assert "job_000" in html and "job_049" in html and "job_050" not in html  # 50 a page
    assert "61 jobs" in html and "page 1 of 2" in html
    assert "shop_mysql" in html and "generic-jdbc-connector" in html
    second = screen(owner_client, page=2).content.decode()
    assert "job_050" in second and "stock_batch" in second
    found = screen(owner_client, q="stock").content.decode()
    assert "stock_batch" in found and "job_001" not in found
    assert "stock_batch" in screen(owner_client, type="BATCH_JOB").content.decode()
    partial = owner_client.get(
        reverse("clusters"), {"target": "sandbox", "cluster": cluster_id(), "q": "job_01", "partial": "jobs"}, **hx()
    )
    assert partial.content.decode().lstrip().startswith('<form id="job-list"')


def test_screen_shows_the_tracking_draft_and_its_drift(listed, owner, outsider, client):
    pulling.pull(listed, cluster_id(), owner, names=["job_001"])
    draft = JobDraft.objects.get(tracked_name="job_001")
    client.force_login(owner)
    html = screen(client).content.decode()
    assert reverse("designer", args=[draft.pk]) in html and "in sync" in html
    # Someone else's private draft is not shown.
    client.force_login(outsider)
    assert reverse("designer", args=[draft.pk]) not in screen(client).content.decode()


def test_bad_input_never_500(listed, owner_client):
    assert screen(owner_client, page="x", type="NOPE", q="%_' OR 1=1" * 40).status_code == 200
    assert screen(owner_client, q="\u0000").status_code == 400  # refused by the middleware, as everywhere
    assert owner_client.get(reverse("clusters"), {"target": "nope"}).status_code == 404
    # A cluster the target does not list: nothing to show, and nothing asked of CDM about it.
    assert owner_client.get(reverse("clusters"), {"target": "sandbox", "cluster": "unknown"}).status_code == 404
    assert owner_client.post(reverse("clusters-pull"), {"target": "sandbox"}).status_code == 302
    assert owner_client.post(reverse("clusters-pull"), {}).status_code == 404
    assert owner_client.post(reverse("clusters-refresh"), {"target": "zzz"}).status_code == 404


def test_team_targets_are_for_members_only(listed, crew, client):
    team_target = Target.objects.create(name="crew-cdm", team=crew["team"], project_id="p1")
    client.force_login(crew["outsider"])
    assert client.get(reverse("clusters"), {"target": team_target.name}).status_code == 404
    assert client.post(reverse("clusters-refresh"), {"target": team_target.name}).status_code == 404
    client.force_login(crew["viewer"])
    assert client.get(reverse("clusters"), {"target": team_target.name}).status_code == 200


def test_pull_from_the_screen_ticked_or_all_matching(listed, owner, owner_client):
    response = owner_client.post(
        reverse("clusters-pull"),
        {"target": "sandbox", "cluster": cluster_id(), "names": ["job_002", "job_003"], "scope": "ticked"},
        follow=True,
    )
    assert "2 new draft" in response.content.decode()
    assert set(JobDraft.objects.values_list("tracked_name", flat=True)) == {"job_002", "job_003"}
    response = owner_client.post(
        reverse("clusters-pull"),
        {"target": "sandbox", "cluster": cluster_id(), "q": "job_00", "scope": "all"},
        follow=True,
    )
    assert "8 new draft" in response.content.decode() and "2 unchanged" in response.content.decode()
    nothing = owner_client.post(reverse("clusters-pull"), {"target": "sandbox", "cluster": cluster_id()}, follow=True)
    assert "Tick the jobs" in nothing.content.decode()


def test_viewers_look_but_do_not_pull_into_the_team(listed, crew, client):
    client.force_login(crew["viewer"])
    html = screen(client).content.decode()
    assert "job_000" in html and "team Crew" not in html
    response = client.post(
        reverse("clusters-pull"),
        {"target": "sandbox", "cluster": cluster_id(), "names": ["job_002"], "team": "crew"},
        follow=True,
    )
    assert "cannot pull into team" in response.content.decode()
    assert not JobDraft.objects.filter(team=crew["team"]).exists()
    client.force_login(crew["editor"])
    assert "team Crew" in screen(client).content.decode()
    client.post(
        reverse("clusters-pull"), {"target": "sandbox", "cluster": cluster_id(), "names": ["job_002"], "team": "crew"}
    )
    assert JobDraft.objects.filter(team=crew["team"], tracked_name="job_002").exists()


def test_refresh_button_reads_the_cluster_again_and_shows_cdm_errors(listed, owner_client):
    put_jobs(demo_job("new_one"))
    owner_client.post(reverse("clusters-refresh"), {"target": "sandbox", "cluster": cluster_id()})
    assert ClusterJob.objects.filter(name="new_one").exists()
    # Pressed again at once (by anyone): one refresh in a few seconds, not one per press.
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="500", path_contains="/cdm/job/all", remaining=10)
    again = owner_client.post(reverse("clusters-refresh"), {"target": "sandbox", "cluster": cluster_id()}, follow=True)
    assert "Refreshed moments ago" in again.content.decode() and SandboxFault.objects.get().remaining == 10
    cache.clear()  # a few seconds later
    owner_client.post(reverse("clusters-refresh"), {"target": "sandbox", "cluster": cluster_id()})
    html = screen(owner_client, q="new_one").content.decode()
    assert 'id="inventory-error"' in html and "new_one" in html


def test_dashboard_shows_the_drift_badge_of_tracked_drafts(listed, owner, owner_client):
    pulling.pull(listed, cluster_id(), owner, names=["job_001"])
    html = owner_client.get(reverse("dashboard")).content.decode()
    assert 'data-drift="in_sync"' in html


def test_screen_queries_do_not_grow_with_the_tracked_drafts(listed, owner, owner_client):
    screen(owner_client)  # the first view queues its on-open checks
    with CaptureQueriesContext(connection) as before:
        screen(owner_client)
    pulling.pull(listed, cluster_id(), owner, name_filter="job_00")
    with CaptureQueriesContext(connection) as after:
        html = screen(owner_client).content.decode()
    assert html.count('data-drift="in_sync"') == 10
    assert len(after) == len(before)
