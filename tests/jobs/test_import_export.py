from __future__ import annotations

import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import JobDraft
from cdmweb.jobspec.payload import PayloadError, parse_job

from ..conftest import corpus_files, hx
from ..jobspec.test_payload import jobs


@pytest.mark.parametrize("path", corpus_files("jobs", "*.json"), ids=lambda p: p.name)
def test_import_every_corpus_body_and_export_it_back(owner_client, owner, path):
    text = path.read_text(encoding="utf-8")
    response = owner_client.post(reverse("draft-import"), {"text": text})
    assert response.status_code == 302
    raw = json.loads(text)
    jobs = raw["jobs"] if "jobs" in raw else [raw]
    drafts = list(JobDraft.objects.filter(owner=owner).order_by("id"))
    assert len(drafts) == len(jobs)
    for draft, job in zip(drafts, jobs, strict=True):
        exported = json.loads(owner_client.get(reverse("export", args=[draft.pk])).content)
        assert exported == {"jobs": [job]}


def test_upload_a_file(owner_client, owner):
    path = corpus_files("jobs", "06-*")[0]
    upload = SimpleUploadedFile("job.json", path.read_bytes(), content_type="application/json")
    response = owner_client.post(reverse("draft-import"), {"file": upload})
    draft = JobDraft.objects.get(owner=owner)
    assert response["Location"] == reverse("designer", args=[draft.pk])
    assert draft.name == "dws2obs-${currentTime}"


def test_pasted_text_and_a_file_together_are_refused_not_half_taken(owner_client, owner):
    path = corpus_files("jobs", "06-*")[0]
    upload = SimpleUploadedFile("job.json", path.read_bytes(), content_type="application/json")
    response = owner_client.post(reverse("draft-import"), {"file": upload, "text": '{"name": "pasted"}'})
    assert response.status_code == 200
    assert "Paste JSON or upload a file, not both" in response.content.decode()
    assert not JobDraft.objects.filter(owner=owner).exists()


def test_imported_drafts_keep_their_findings(owner_client, owner):
    body = {"jobs": [{"name": "x" * 300, "job_type": "NOPE", "from-connector-name": "generic-jdbc-connector"}]}
    owner_client.post(reverse("draft-import"), {"text": json.dumps(body)})
    draft = JobDraft.objects.get(owner=owner)
    assert draft.error_count >= 3
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert "Cdm.0109" in html and "Cdm.0055" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste a CDM job JSON or choose a file"),
        ({"text": "{nope"}, "Nothing was imported: not valid JSON"),
        ({"text": "[]"}, "top level is a JSON array"),
        ({"text": '{"jobs": [1]}'}, "job 1 is a number"),
        ({"text": corpus_files("jobs", "07-*")[0].read_text()}, "Nothing was imported"),
    ],
)
def test_bad_imports_show_a_message_and_save_nothing(owner_client, data, message):
    response = owner_client.post(reverse("draft-import"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not JobDraft.objects.exists()


def test_bad_upload(owner_client, settings):
    settings.CDMWEB_MAX_IMPORT_BYTES = 100
    big = SimpleUploadedFile("big.json", b"{" + b" " * 200 + b"}")
    assert "limit is 100" in owner_client.post(reverse("draft-import"), {"file": big}).content.decode()
    settings.CDMWEB_MAX_IMPORT_BYTES = 10_000
    latin = SimpleUploadedFile("l.json", '{"name": "caf\xe9"}'.encode("latin-1"))
    assert "not UTF-8" in owner_client.post(reverse("draft-import"), {"file": latin}).content.decode()
    assert not JobDraft.objects.exists()


def test_several_jobs_land_on_the_dashboard(owner_client, owner):
    body = json.loads(corpus_files("jobs", "01-*")[0].read_text())
    body["jobs"].append({**body["jobs"][0], "name": "copy"})
    response = owner_client.post(reverse("draft-import"), {"text": json.dumps(body)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Imported “copy”" in response.content.decode()


def test_export_download_and_random_form(owner_client, draft):
    response = owner_client.get(reverse("export", args=[draft.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="orders_sync.json"'
    random = json.loads(
        owner_client.get(reverse("export", args=[draft.pk]), {"form": "random", "clusters": "a,b"}).content
    )
    assert random["clusters"] == ["a", "b"] and random["jobs"][0]["name"] == "orders_sync"


def test_import_page_requires_login(client):
    assert client.get(reverse("draft-import")).status_code == 302


# --- generated bodies: import, open every region, export; never a 500, always the same body ---


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(job=jobs())
def test_generated_bodies_survive_every_screen(client, django_user_model, job):
    user, _ = django_user_model.objects.get_or_create(username="fuzz")
    client.force_login(user)
    try:
        (draft,), _ = import_text(json.dumps({"jobs": [job]}), user)
    except PayloadError:  # a clear refusal is acceptable; any other exception fails the test
        return
    designer = reverse("designer", args=[draft.pk])
    assert client.get(designer).status_code == 200
    assert client.get(designer, {"all": "1"}).status_code == 200
    assert client.get(designer, {"partial": "sides"}, **hx()).status_code == 200
    for group in draft.groups.all():
        assert client.get(designer, {"partial": "group-footer", "group": group.pk}, **hx()).status_code == 200
    assert client.get(reverse("preview", args=[draft.pk]), {"form": "random"}, **hx()).status_code == 200
    assert json.loads(client.get(reverse("export", args=[draft.pk])).content) == {"jobs": [job]}


def test_round_trip_through_the_database_keeps_marker_like_keys(owner):
    raw = {
        "to-link-name": "x",
        "driver-config-values": {"configs": [], "__no_configs__": True, "no_configs": ["from"]},
        "from-config-values": {"extended-configs": {"name": "a", "value": "b"}},
    }
    draft = JobDraft.create_from_data(owner, parse_job(raw))
    assert JobDraft.objects.get(pk=draft.pk).build() == raw


def test_an_oversized_paste_is_refused_without_echoing_it_back(owner_client, settings):
    settings.CDMWEB_MAX_IMPORT_BYTES = 50_000
    pasted = json.dumps({"jobs": [{"name": f"j{i}", "to-link-name": "x"} for i in range(5000)]})
    assert len(pasted.encode()) > 50_000
    page = owner_client.post(reverse("draft-import"), {"text": pasted})
    html = unescape(page.content.decode())
    assert page.status_code == 200 and "nothing was imported" in html and "the rest was cut" in html
    assert len(html) < 30_000 and pasted[:1000] in html and pasted[-1000:] not in html
    assert not JobDraft.objects.exists()


def test_a_request_too_large_to_read_gets_a_plain_refusal(owner_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    page = owner_client.post(reverse("draft-import"), {"text": "x" * 20_000})
    assert page.status_code == 400 and "nothing was saved" in page.content.decode()
