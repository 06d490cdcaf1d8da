"""The history page: revisions at save points, their diff, and restoring an older revision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import DraftInput

from ..conftest import hx

DEMO = json.loads((Path(__file__).resolve().parents[2] / "cdmweb/jobs/demo/orders_mysql_to_hive.json").read_text())
JOB = DEMO["jobs"][0]


def from_inputs(job):
    return job["from-config-values"]["configs"][0]["inputs"]


@pytest.fixture
def imported(owner):
    (draft,), _ = import_text(json.dumps(DEMO), owner)
    return draft


def test_import_keeps_a_first_revision(imported, owner):
    revision = imported.revisions.get()
    assert (revision.number, revision.reason, revision.author) == (1, "imported", owner)
    assert revision.payload == JOB


def test_history_shows_the_diff_against_the_current_draft_and_restore_brings_it_back(owner_client, imported):
    item = imported.inputs.get(name="fromJobConfig.tableName")
    owner_client.post(reverse("input-update", args=[imported.pk, item.pk]), {"value": "orders_v2"}, **hx())
    html = owner_client.get(reverse("history", args=[imported.pk])).content.decode()
    assert "fromJobConfig.tableName" in html and "orders_v2" in html and "<del>orders</del>" in html
    response = owner_client.post(reverse("restore", args=[imported.pk, 1]))
    assert response.status_code == 302
    assert owner_client.get(reverse("export", args=[imported.pk])).json() == {"jobs": [JOB]}
    # The edit made since the import existed nowhere else: it is kept before the restore.
    assert [r.reason for r in imported.revisions.all()] == ["restored revision 1", "before restoring r1", "imported"]
    kept = imported.revisions.get(number=2).payload
    assert "orders_v2" in json.dumps(kept)
    # Nothing new since the last revision: nothing extra kept; from htmx, a client-side redirect.
    again = owner_client.post(reverse("restore", args=[imported.pk, 2]), **hx())
    assert again.status_code == 200 and again["HX-Redirect"] == reverse("designer", args=[imported.pk])
    assert [r.reason for r in imported.revisions.all()][:2] == ["restored revision 2", "restored revision 1"]
    assert imported.inputs.get(name="fromJobConfig.tableName").value == "orders_v2"


def test_history_masks_secret_values(owner_client, imported):
    group = imported.groups.get(name="fromJobConfig")
    DraftInput.objects.create(draft=imported, group=group, name="fromJobConfig.dbPassword", value="S3CRET", position=99)
    html = owner_client.get(reverse("history", args=[imported.pk])).content.decode()
    assert "fromJobConfig.dbPassword" in html and "S3CRET" not in html


def test_history_access(outsider_client, imported):
    assert outsider_client.get(reverse("history", args=[imported.pk])).status_code == 404
    assert outsider_client.post(reverse("restore", args=[imported.pk, 1])).status_code == 404


def test_a_draft_without_revisions_shows_no_diff(owner_client, draft):
    draft.revisions.all().delete()  # as drafts made before revisions were kept
    html = owner_client.get(reverse("history", args=[draft.pk])).content.decode()
    assert "No revision yet" in html and 'id="diff"' not in html


def test_creating_a_draft_in_the_designer_keeps_a_revision(owner_client, owner):
    data = {
        "name": "new_job",
        "job_type": "NORMAL_JOB",
        "from_connector": "generic-jdbc-connector",
        "from_link": "a",
        "to_connector": "hive-connector",
        "to_link": "b",
    }
    owner_client.post(reverse("draft-create"), data)
    assert owner.drafts.get().revisions.get().reason == "created"
