"""The Submissions page (/submissions/): every submission the user may follow, filtered and paged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cdmweb.jobs.models import Submission
from cdmweb.jobs.submissions import targets

pytestmark = pytest.mark.django_db


def record(draft, user, key, **fields) -> Submission:
    defaults = {"target": targets.sandbox_target(), "body": {}, "job_name": draft.name or "", "cluster_id": "c1"}
    return Submission.objects.create(draft=draft, user=user, idempotency_key=key, **{**defaults, **fields})


def listed(client, **query) -> str:
    response = client.get(reverse("submission-list"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_each_user_sees_their_own_and_those_of_drafts_they_may_view(
    crew, crew_draft, make_draft, owner, outsider, client
):
    private = make_draft()
    mine = record(private, owner, "mine", job_name="private_job")
    team = record(crew_draft, crew["editor"], "team", job_name="team_job")
    client.force_login(owner)
    page = listed(client)
    assert "private_job" in page and "team_job" in page and 'href="/submissions/' in page
    client.force_login(crew["viewer"])
    page = listed(client)
    assert "team_job" in page and "private_job" not in page
    client.force_login(outsider)
    assert 'id="no-submissions"' in listed(client)
    # Whoever submitted keeps following it, even once the draft is gone.
    private.delete()
    client.force_login(owner)
    assert f"#{mine.pk}" in listed(client) and f"#{team.pk}" in listed(client)


def test_filters_by_state_target_draft_and_user_and_pages(crew, crew_draft, owner, client):
    record(crew_draft, owner, "ok", cdm_status="SUCCEEDED", state=Submission.State.ACCEPTED, job_name="done_job")
    record(
        crew_draft, crew["editor"], "no", state=Submission.State.REFUSED, error_code="Cdm.0104", job_name="refused_job"
    )
    for n in range(60):
        record(
            crew_draft, owner, f"many-{n}", state=Submission.State.ACCEPTED, cdm_status="RUNNING", job_name="run_job"
        )
    client.force_login(owner)
    assert "done_job" in listed(client, state="succeeded") and "refused_job" not in listed(client, state="succeeded")
    failed = listed(client, state="failed")
    assert "refused_job" in failed and "done_job" not in failed and "Cdm.0104" in failed
    assert "run_job" in listed(client, state="running") and "done_job" not in listed(client, state="running")
    assert "refused_job" in listed(client, state="refused")
    assert "refused_job" in listed(client, user="crew-editor") and "done_job" not in listed(client, user="crew-editor")
    assert "62 submissions" in listed(client, draft=crew_draft.pk)
    assert 'id="no-submissions"' in listed(client, draft=999999)
    assert 'id="no-submissions"' in listed(client, target="elsewhere")
    first, second = listed(client), listed(client, page=2)
    assert "page 1 of 2" in first and "page 2 of 2" in second
    # The pages keep the filters.
    assert "?state=running&amp;page=2" in listed(client, state="running")


def test_bad_filters_never_fail(owner, client):
    client.force_login(owner)
    for query in (
        {"page": "abc"},
        {"page": "-1"},
        {"draft": "x"},
        {"draft": "²"},
        {"state": "bogus"},
        {"user": "é" * 500},
    ):
        assert client.get(reverse("submission-list"), query).status_code == 200


def test_the_menu_leads_there_and_it_needs_a_log_in(owner, client):
    assert client.get(reverse("submission-list")).status_code == 302
    client.force_login(owner)
    assert 'href="/submissions/"' in client.get(reverse("dashboard")).content.decode()
