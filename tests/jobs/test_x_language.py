"""CDM's X-Language: a target may fix it; blank follows the language of whom the call is for,
also when a worker sends a submission later."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cdmweb.accounts.models import Preference
from cdmweb.cdm.client import CdmClient
from cdmweb.jobs.clusters import tasks as cluster_tasks
from cdmweb.jobs.forms import TargetForm
from cdmweb.jobs.models import Submission, Target
from cdmweb.jobs.submissions import submitting, targets, worker
from cdmweb.sandbox.engine import cluster_id_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent_languages(monkeypatch) -> list[str | None]:
    """The X-Language header of every request the client sends to CDM."""
    seen: list[str | None] = []
    original = CdmClient._send

    def spy(self, method, url, headers, payload):
        seen.append(headers.get("X-Language"))
        return original(self, method, url, headers, payload)

    monkeypatch.setattr(CdmClient, "_send", spy)
    return seen


def cluster(settings) -> str:
    return cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, "sandbox-cluster-1")


def test_the_sandbox_target_follows_the_user(sandbox):
    assert sandbox.x_language == ""


def test_a_chinese_users_submission_speaks_chinese_to_cdm_also_from_the_worker(
    sandbox, valid_draft, owner, settings, sent_languages
):
    with translation.override("zh-hans"):
        submission = submitting.submit(valid_draft, sandbox, owner, "zh-key", cluster_id=cluster(settings))
    assert submission.language == "zh-hans" and submission.state == Submission.State.ACCEPTED
    assert sent_languages and set(sent_languages) == {"zh-cn"}
    # Later, in a worker that has no language of its own (English), the submitter's stays.
    sent_languages.clear()
    with translation.override("en"):
        worker.poll(Submission.objects.select_related("target").get(pk=submission.pk))
    assert sent_languages and set(sent_languages) == {"zh-cn"}


def test_an_english_users_submission_speaks_english(sandbox, valid_draft, owner, settings, sent_languages):
    with translation.override("en"):
        submission = submitting.submit(valid_draft, sandbox, owner, "en-key", cluster_id=cluster(settings))
    assert submission.language == "en" and set(sent_languages) == {"en-us"}


def test_a_target_fixed_to_english_stays_english_for_a_chinese_user(
    sandbox, valid_draft, owner, settings, sent_languages
):
    Target.objects.filter(pk=sandbox.pk).update(x_language="en-us")
    sandbox.refresh_from_db()
    with translation.override("zh-hans"):
        submitting.submit(valid_draft, sandbox, owner, "fixed-key", cluster_id=cluster(settings))
        targets.refresh_clusters(sandbox)
    assert sent_languages and set(sent_languages) == {"en-us"}


def test_a_user_who_chose_chinese_submits_from_the_web_and_cdm_answers_in_chinese(
    owner_client, owner, sandbox, valid_draft, settings, sent_languages
):
    Preference.objects.create(user=owner, language="zh-hans")  # chosen with the switch, in another browser
    page = reverse("submit", args=[valid_draft.pk])
    assert owner_client.get(page).status_code == 200  # lists the clusters, checks the links: asked in Chinese
    assert sent_languages and set(sent_languages) == {"zh-cn"}
    sent_languages.clear()
    form = {"target": sandbox.pk, "mode": "cluster", "cluster_id": cluster(settings), "idempotency_key": "web-zh"}
    response = owner_client.post(page, form)
    submission = Submission.objects.get(idempotency_key="web-zh")
    assert response.status_code == 302 and submission.language == "zh-hans"
    assert sent_languages and set(sent_languages) == {"zh-cn"}


def test_a_background_refresh_speaks_english(sandbox, sent_languages):
    with translation.override(None):  # a worker process: no language active
        targets.refresh_clusters(sandbox)
    with translation.override("zh-hans"):  # the same call for a Chinese user
        targets.refresh_clusters(sandbox)
    assert sent_languages == ["en-us", "zh-cn"]


def test_a_pull_queued_for_a_user_who_chose_chinese_speaks_chinese_in_the_worker(
    sandbox, owner, settings, sent_languages
):
    Preference.objects.create(user=owner, language="zh-hans")
    with translation.override(None):  # a worker process: no language of its own
        result = cluster_tasks.pull_jobs.call(sandbox.pk, cluster(settings), owner.pk)
        assert translation.get_language() is None  # given back afterwards
    assert not result["error"] and sent_languages and set(sent_languages) == {"zh-cn"}


def test_cdm_language_maps_the_interface_languages():
    blank, fixed = Target(x_language=""), Target(x_language="zh-cn")
    assert targets.cdm_language(blank, "zh-hans") == "zh-cn" and targets.cdm_language(blank, "en") == "en-us"
    assert targets.cdm_language(fixed, "en") == "zh-cn"


def test_the_target_form_offers_follow_the_user_and_the_two_cdm_values():
    form = TargetForm()
    assert [value for value, _label in form.fields["x_language"].choices] == ["", "en-us", "zh-cn"]
    with translation.override("zh-hans"):
        assert "跟随用户的语言" in str(form["x_language"])
    # A value stored before (not offered any more) is kept when the target is edited.
    old = TargetForm(instance=Target(name="old", project_id="p", x_language="de-de"))
    assert ("de-de", "de-de") in old.fields["x_language"].choices


def test_what_the_worker_stores_is_in_the_submitters_language(sandbox, valid_draft, owner, settings):
    from cdmweb.sandbox.models import SandboxJob

    with translation.override("zh-hans"):
        submission = submitting.submit(valid_draft, sandbox, owner, "zh-gone", cluster_id=cluster(settings))
    SandboxJob.objects.filter(name=submission.job_name).delete()  # CDM no longer knows the job
    translation.deactivate_all()  # a separate worker: no language of its own
    polled = worker.poll(Submission.objects.select_related("target").get(pk=submission.pk))
    assert polled.error_message.startswith("暂时无法读取状态："), polled.error_message
    assert "Could not read" not in polled.error_message
