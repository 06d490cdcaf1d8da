"""Submitting drafts to the embedded sandbox over real HTTP: client, sandbox, service, screens."""

from __future__ import annotations

import html
import io
import json
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import DraftInput, Submission
from cdmweb.jobs.submissions import submitting, targets, worker
from cdmweb.sandbox.engine import cluster_id_for
from cdmweb.sandbox.models import SandboxFault, SandboxJob

from ..conftest import hx

DEMO = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"
pytestmark = pytest.mark.django_db(transaction=True)


def clusters(settings) -> dict[str, str]:
    project = settings.CDM_SANDBOX_PROJECT_ID
    return {
        name: cluster_id_for(project, name)
        for name in ("sandbox-cluster-1", "sandbox-cluster-2", "sandbox-cluster-3", "sandbox-stopped")
    }


def wait_until_terminal(submission: Submission, seconds: float = 10) -> tuple[Submission, list[str], list[float]]:
    statuses, progress = [], []
    deadline = time.monotonic() + seconds
    while not submission.terminal and time.monotonic() < deadline:
        submission = worker.poll(submission)
        statuses.append(submission.cdm_status)
        progress.append(submission.progress)
        time.sleep(0.1)
    return submission, statuses, progress


def test_default_target_lists_the_sandbox_clusters(sandbox, settings):
    found = targets.refresh_clusters(sandbox)
    assert {c["id"] for c in found} == set(clusters(settings).values())
    assert len(sandbox.running_clusters) == 3


def test_submit_to_a_cluster_runs_to_succeeded(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-2"]
    submission = submitting.submit(valid_draft, sandbox, owner, "key-1", cluster_id=cluster)
    assert submission.state == Submission.State.ACCEPTED and submission.cdm_status == "BOOTING"
    assert submission.body == {"jobs": [valid_draft.build()]}
    assert submission.revision.payload == valid_draft.build() and submission.revision.reason.startswith("submitted")
    submission, statuses, progress = wait_until_terminal(submission)
    assert submission.cdm_status == "SUCCEEDED" and submission.progress == 100
    assert "RUNNING" in statuses and progress == sorted(progress)
    assert submission.rows_written > 0 and submission.bytes_read > 0
    assert SandboxJob.objects.get(name="orders_mysql_to_hive").cluster.cluster_id == cluster


def test_a_double_click_never_creates_two_jobs(sandbox, valid_draft, owner, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    first = submitting.submit(valid_draft, sandbox, owner, "same-key", cluster_id=cluster)
    second = submitting.submit(valid_draft, sandbox, owner, "same-key", cluster_id=cluster)
    assert first.pk == second.pk and Submission.objects.count() == 1
    assert SandboxJob.objects.count() == 1


def test_random_pool_never_picks_a_stopped_cluster_and_the_job_lands_on_the_pick(sandbox, owner, settings):
    ids = clusters(settings)
    pool = [ids["sandbox-cluster-1"], ids["sandbox-cluster-3"], ids["sandbox-stopped"]]
    body = json.loads(DEMO.read_text())
    for index in range(8):
        body["jobs"][0]["name"] = f"pool_job_{index}"
        (draft,), _ = import_text(json.dumps(body), owner)
        submission = submitting.submit(draft, sandbox, owner, f"pool-{index}", pool=pool)
        assert submission.state == Submission.State.ACCEPTED
        landed = SandboxJob.objects.get(name=f"pool_job_{index}").cluster.cluster_id
        assert landed in pool[:2]
        assert worker.poll(submission).cluster_id == landed


def test_refusals_are_recorded_with_cdms_code_and_meaning(sandbox, valid_draft, owner, settings):
    ids = clusters(settings)
    submitting.submit(valid_draft, sandbox, owner, "k1", cluster_id=ids["sandbox-cluster-1"])
    duplicate = submitting.submit(valid_draft, sandbox, owner, "k2", cluster_id=ids["sandbox-cluster-1"])
    assert (duplicate.state, duplicate.error_code, duplicate.http_status) == (Submission.State.REFUSED, "Cdm.0104", 400)
    assert submitting.explain("Cdm.0104") == "The job name already exists."
    stopped = submitting.submit(valid_draft, sandbox, owner, "k3", cluster_id=ids["sandbox-stopped"])
    assert (stopped.state, stopped.error_code) == (Submission.State.REFUSED, "Cdm.0201")
    unknown = submitting.submit(valid_draft, sandbox, owner, "k4", cluster_id="no-such-cluster")
    assert unknown.state == Submission.State.REFUSED and unknown.http_status == 404
    empty_pool = submitting.submit(valid_draft, sandbox, owner, "k5", pool=[ids["sandbox-stopped"]])
    assert (empty_pool.state, empty_pool.error_code) == (Submission.State.REFUSED, "Cdm.0201")
    valid_draft.refresh_from_db()
    assert valid_draft.error_count == 0 and valid_draft.inputs.count() > 0  # the draft is intact


def test_a_job_told_to_fail_ends_failed_with_a_reason(sandbox, owner, settings):
    body = json.loads(DEMO.read_text())
    body["jobs"][0]["from-link-name"] = "shop_mysql_fail"
    (draft,), _ = import_text(json.dumps(body), owner)
    submission = submitting.submit(draft, sandbox, owner, "fail", cluster_id=clusters(settings)["sandbox-cluster-3"])
    submission, statuses, _ = wait_until_terminal(submission)
    assert submission.cdm_status == "FAILED" and "told to fail" in submission.error_message


def test_an_invalid_draft_is_refused_before_anything_is_sent(sandbox, make_draft, owner, settings):
    draft = make_draft()  # required values still empty
    with pytest.raises(submitting.SubmissionRefused, match="error"):
        submitting.submit(draft, sandbox, owner, "bad", cluster_id=clusters(settings)["sandbox-cluster-1"])
    assert not Submission.objects.exists() and not SandboxJob.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value", "state", "words"),
    [
        (SandboxFault.STATUS, "503", Submission.State.ERROR, "503"),
        (SandboxFault.GARBAGE, "", Submission.State.ERROR, ""),
        (SandboxFault.DROP, "", Submission.State.ERROR, ""),
        (SandboxFault.UNAUTHORIZED, "", Submission.State.REFUSED, "401"),
    ],
)
def test_every_failure_mode_gives_a_recorded_submission_and_a_message(
    sandbox, valid_draft, owner, settings, kind, value, state, words
):
    SandboxFault.objects.create(kind=kind, value=value, path_contains="/cdm/job", method="POST", remaining=5)
    submission = submitting.submit(
        valid_draft, sandbox, owner, f"f-{kind}", cluster_id=clusters(settings)["sandbox-cluster-1"]
    )
    assert submission.state == state and submission.error_message
    assert words in submission.error_message or words in str(submission.http_status)
    assert "Traceback" not in submission.error_message
    assert DraftInput.objects.filter(draft=valid_draft).count() > 0


def test_a_slow_cdm_times_out_within_the_clients_read_timeout(sandbox, valid_draft, owner, settings, monkeypatch):
    original = targets.client_for
    monkeypatch.setattr(
        worker,
        "client_for",
        lambda target, read_timeout=10.0, retries=2, secrets=(), language=None: original(
            target, read_timeout=0.5, language=language
        ),
    )
    SandboxFault.objects.create(kind=SandboxFault.SLOW, value="2", path_contains="/cdm/job", method="POST")
    started = time.monotonic()
    submission = submitting.submit(
        valid_draft, sandbox, owner, "slow", cluster_id=clusters(settings)["sandbox-cluster-1"]
    )
    assert time.monotonic() - started < 1.9
    assert submission.state == Submission.State.ERROR and "did not answer within 0.5 s" in submission.error_message
    time.sleep(max(0.0, 2.3 - (time.monotonic() - started)))  # let the slow answer finish before the next test


def test_connection_refused_is_a_clear_error(sandbox, valid_draft, owner, settings):
    settings.CDM_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    submission = submitting.submit(valid_draft, sandbox, owner, "refused", pool=["x"])
    assert submission.state == Submission.State.ERROR and submission.error_message


# --- screens and command -----------------------------------------------------------------------


def test_submit_page_and_progress_page(sandbox, valid_draft, owner_client, settings):
    page = owner_client.get(reverse("submit", args=[valid_draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "sandbox-cluster-2" in html and "sandbox-stopped" in html
    key = page.context["form"].initial["idempotency_key"]
    pool = [c for c in clusters(settings).values()]
    data = {"target": sandbox.pk, "mode": "pool", "pool": pool[:3], "idempotency_key": key, "submit": "1"}
    response = owner_client.post(reverse("submit", args=[valid_draft.pk]), data)
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("submission", args=[submission.pk])
    again = owner_client.post(reverse("submit", args=[valid_draft.pk]), data)  # the same form twice
    assert again["Location"] == response["Location"] and Submission.objects.count() == 1
    detail = owner_client.get(reverse("submission", args=[submission.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in detail and "progress-bar" in detail
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        partial = owner_client.get(reverse("submission", args=[submission.pk]), **hx()).content.decode()
        if "SUCCEEDED" in partial:
            break
        time.sleep(0.2)
    assert "SUCCEEDED" in partial and "every 1s" not in partial  # polling stops at the end


def test_submit_form_errors_stay_on_the_page(sandbox, valid_draft, owner_client):
    data = {"target": sandbox.pk, "mode": "cluster", "cluster_id": "", "idempotency_key": "k"}
    response = owner_client.post(reverse("submit", args=[valid_draft.pk]), data)
    assert response.status_code == 200 and "Choose the cluster" in response.content.decode()


def test_a_cluster_that_is_not_running_is_shown_greyed_out_and_refused(sandbox, valid_draft, owner_client, settings):
    from cdmweb.jobs.models import Submission

    stopped = clusters(settings)["sandbox-stopped"]
    url = reverse("submit", args=[valid_draft.pk])
    page = owner_client.get(url).content.decode()
    assert f'<option value="{stopped}" disabled>' in page
    boxes = re.findall(r'<input type="checkbox"[^>]*name="pool"[^>]*>', page)
    assert [box for box in boxes if "disabled" in box] == [box for box in boxes if f'value="{stopped}"' in box]
    assert len(boxes) == 4
    for mode, field in (("cluster", {"cluster_id": stopped}), ("pool", {"pool": [stopped]})):
        data = {"target": sandbox.pk, "mode": mode, "idempotency_key": f"k-{mode}", **field}
        refused = owner_client.post(url, data).content.decode()
        assert "Not running, so CDM would refuse it: sandbox-stopped (status 900)." in refused
    assert not Submission.objects.exists()


def test_others_cannot_see_a_submission(sandbox, valid_draft, owner, outsider_client, settings):
    submission = submitting.submit(
        valid_draft, sandbox, owner, "mine", cluster_id=clusters(settings)["sandbox-cluster-1"]
    )
    assert outsider_client.get(reverse("submission", args=[submission.pk])).status_code == 404
    assert outsider_client.get(reverse("submit", args=[valid_draft.pk])).status_code == 404


def test_the_submission_page_of_a_deleted_draft_says_it_is_gone(sandbox, valid_draft, owner, owner_client, settings):
    submission = submitting.submit(
        valid_draft, sandbox, owner, "k1", cluster_id=clusters(settings)["sandbox-cluster-1"]
    )
    refused = submitting.submit(valid_draft, sandbox, owner, "k2", cluster_id=clusters(settings)["sandbox-cluster-1"])
    assert refused.state == Submission.State.REFUSED and refused.error_message  # ended, with an error shown
    valid_draft.delete()
    for each in (submission, refused):
        page = owner_client.get(reverse("submission", args=[each.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="draft-gone"' in html and "has been deleted" in html
        assert "Submit again" not in html
    assert 'id="submission-error"' in owner_client.get(reverse("submission", args=[refused.pk])).content.decode()
    # The status region the page polls is drawn the same way.
    assert owner_client.get(reverse("submission", args=[refused.pk]), HTTP_HX_REQUEST="true").status_code == 200


def test_submit_job_command_waits_for_succeeded(sandbox, valid_draft):
    out = io.StringIO()
    call_command("submit_job", str(valid_draft.pk), "--target", "sandbox", "--pool", "all", "--wait", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "SUCCEEDED"


def test_submit_job_command_failures_exit_1_with_one_line(sandbox, valid_draft, settings):
    cluster = clusters(settings)["sandbox-cluster-1"]
    call_command("submit_job", str(valid_draft.pk), "--target", "sandbox", "--cluster", cluster, stdout=io.StringIO())
    with pytest.raises(CommandError) as refused:
        call_command(
            "submit_job",
            str(valid_draft.pk),
            "--target",
            "sandbox",
            "--cluster",
            clusters(settings)["sandbox-cluster-1"],
            stdout=io.StringIO(),
        )
    # The second submission updates the job the first created (never Cdm.0104), which CDM refuses
    # while the first run is still going.
    assert refused.value.returncode == 1 and "Cdm.0052" in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(CommandError) as unknown:
        call_command("submit_job", str(valid_draft.pk), "--target", "nope", "--pool", "all")
    assert unknown.value.returncode == 2


def test_dashboard_lists_recent_submissions(sandbox, valid_draft, owner, owner_client, settings):
    submitting.submit(valid_draft, sandbox, owner, "dash", cluster_id=clusters(settings)["sandbox-cluster-1"])
    html = owner_client.get(reverse("dashboard")).content.decode()
    assert 'id="recent-submissions"' in html and "orders_mysql_to_hive" in html and "BOOTING" in html


def test_a_retry_after_a_failed_start_starts_the_created_job_without_creating_another(
    sandbox, valid_draft, owner, settings
):
    cluster = clusters(settings)["sandbox-cluster-1"]
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="503", path_contains="/start", method="PUT")
    first = submitting.submit(valid_draft, sandbox, owner, "resume", cluster_id=cluster)
    assert first.state == Submission.State.CREATED and first.error_message
    again = submitting.submit(valid_draft, sandbox, owner, "resume", cluster_id=cluster)
    assert again.pk == first.pk and again.state == Submission.State.ACCEPTED and again.cdm_status == "BOOTING"
    assert SandboxJob.objects.count() == 1


def test_a_poll_never_waits_longer_than_its_timeout(sandbox, valid_draft, owner, settings):
    submission = submitting.submit(valid_draft, sandbox, owner, "p", cluster_id=clusters(settings)["sandbox-cluster-1"])
    SandboxFault.objects.create(kind=SandboxFault.SLOW, value="3", path_contains="/status", method="GET")
    started = time.monotonic()
    submission = worker.poll(submission, read_timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert "Could not read the status just now" in submission.error_message and not submission.terminal
    time.sleep(max(0.0, 3.3 - (time.monotonic() - started)))  # let the slow answer finish before the next test


def test_a_target_without_credentials_refuses_before_sending(sandbox, valid_draft, owner, settings):
    sandbox.secret_source = "CDMWEB_TEST_UNSET_SECRET"
    sandbox.save()
    with pytest.raises(submitting.SubmissionRefused, match="CDMWEB_TEST_UNSET_SECRET"):
        submitting.submit(valid_draft, sandbox, owner, "nocreds", cluster_id=clusters(settings)["sandbox-cluster-1"])
    assert not Submission.objects.exists()


ECHOED = 'Quote"Back\\slash-Ümlaut-Ω-pw/+=?'


@pytest.mark.parametrize("encoding", ["json", "url", "base64"])
def test_a_secret_echoed_back_in_any_encoding_is_never_stored_or_shown(
    sandbox, owner, owner_client, admin_client, settings, encoding
):
    from cdmweb.cdm.errors import secret_forms
    from cdmweb.sandbox.models import SandboxFault

    body = json.loads(DEMO.read_text())
    # First on both sides: PostgreSQL's jsonb may store the body's keys in another order.
    for side in ("from", "to"):
        body["jobs"][0][f"{side}-config-values"]["configs"][0]["inputs"].insert(
            0, {"name": f"{side}JobConfig.password", "value": ECHOED}
        )
    (draft,), _ = import_text(json.dumps(body), owner)
    SandboxFault.objects.create(kind=SandboxFault.ECHO, value=encoding, path_contains="/cdm/job", method="POST")
    submission = submitting.submit(draft, sandbox, owner, "echo", cluster_id=clusters(settings)["sandbox-cluster-1"])
    assert submission.state == Submission.State.REFUSED and "[redacted]" in submission.error_message
    pages = [
        submission.error_message,
        owner_client.get(reverse("submission", args=[submission.pk])).content.decode(),
        admin_client.get(reverse("admin:jobs_submission_change", args=[submission.pk])).content.decode(),
    ]
    for form in secret_forms([ECHOED]):
        for page in pages:
            assert form not in page and html.escape(form) not in page, (encoding, form)


def interrupted(draft, sandbox, owner, settings, state, *, lease_seconds_left: float, key: str) -> Submission:
    """A submission as a process killed mid-send leaves it (tasks run in-process, the default)."""
    from datetime import timedelta

    from django.utils import timezone

    from cdmweb.jobspec.payload import build_request_body

    long_ago = timezone.now() - timedelta(seconds=120)
    return Submission.objects.create(
        draft=draft,
        target=sandbox,
        user=owner,
        idempotency_key=key,
        cluster_id=clusters(settings)["sandbox-cluster-1"],
        body=build_request_body([draft.build()]),
        job_name=draft.name,
        state=state,
        attempts=1,
        lease_until=timezone.now() + timedelta(seconds=lease_seconds_left),
        created_at=long_ago,
        updated_at=long_ago,
    )


def test_a_submission_killed_during_create_recovers_on_the_next_page_view(
    sandbox, valid_draft, owner, owner_client, settings
):
    from cdmweb.sandbox.models import SandboxJob

    stuck = interrupted(valid_draft, sandbox, owner, settings, Submission.State.SENDING, lease_seconds_left=30, key="k")
    page = reverse("submission", args=[stuck.pk])
    assert owner_client.get(page).status_code == 200  # the lease is still live: nobody may touch it
    assert Submission.objects.get(pk=stuck.pk).state == Submission.State.SENDING
    assert submitting.recover_stuck() == 0  # nothing it can act on is reported as taken up
    Submission.objects.filter(pk=stuck.pk).update(lease_until=stuck.created_at)  # the lease runs out
    owner_client.get(page)  # a plain view of the page, no poll
    recovered = Submission.objects.get(pk=stuck.pk)
    assert recovered.state == Submission.State.ACCEPTED and recovered.attempts == 2
    assert SandboxJob.objects.filter(name=valid_draft.name).count() == 1
    done, _, _ = wait_until_terminal(recovered)
    assert done.cdm_status == "SUCCEEDED"


def test_a_submission_killed_during_start_is_started_not_created_again(
    sandbox, valid_draft, owner, owner_client, settings
):
    from cdmweb.sandbox.models import SandboxJob

    stuck = interrupted(
        valid_draft, sandbox, owner, settings, Submission.State.CREATED, lease_seconds_left=-60, key="k"
    )
    with targets.client_for(sandbox) as client:
        client.create_job(stuck.cluster_id, stuck.body)  # the create had landed before the process died
    owner_client.get(reverse("submission", args=[stuck.pk]), HTTP_HX_REQUEST="true")
    recovered = Submission.objects.get(pk=stuck.pk)
    assert recovered.state == Submission.State.ACCEPTED and recovered.submission_id
    assert SandboxJob.objects.filter(name=valid_draft.name).count() == 1
    # Posting the same form again finds the same submission; nothing is sent twice.
    assert submitting.submit(valid_draft, sandbox, owner, "k", cluster_id=stuck.cluster_id).pk == stuck.pk


def test_a_job_cdm_no_longer_knows_ends_clearly_instead_of_booting_for_ever(sandbox, valid_draft, owner, settings):
    from cdmweb.sandbox.models import SandboxJob

    submission = submitting.submit(valid_draft, sandbox, owner, "k", cluster_id=clusters(settings)["sandbox-cluster-1"])
    assert submission.state == Submission.State.ACCEPTED
    SandboxJob.objects.filter(name=valid_draft.name).delete()  # deleted in the console meanwhile
    ended_after = [worker.poll(submission).terminal for _ in range(worker.GONE_AFTER_POLLS)]
    assert ended_after == [False] * (worker.GONE_AFTER_POLLS - 1) + [True]
    ended = Submission.objects.get(pk=submission.pk)
    assert ended.state == Submission.State.ERROR and ended.finished_at is not None
    assert ended.error_message.startswith("CDM no longer knows this job") and "Last known:" in ended.error_message
    assert worker.poll(ended).not_found_polls == worker.GONE_AFTER_POLLS  # ended: not asked again


def test_a_pool_job_found_nowhere_never_sends_an_empty_cluster_id(sandbox, valid_draft, owner, settings, caplog):
    ids = clusters(settings)
    submission = submitting.submit(valid_draft, sandbox, owner, "k", pool=[ids["sandbox-cluster-1"], ""])
    Submission.objects.filter(pk=submission.pk).update(cluster_id="", job_name="nowhere_to_be_found")
    lost = Submission.objects.select_related("target").get(pk=submission.pk)
    with caplog.at_level("INFO", logger="cdmweb.sandbox"):
        for _ in range(worker.GONE_AFTER_POLLS):
            lost = worker.poll(lost)
    assert lost.state == Submission.State.ERROR and "no longer knows" in lost.error_message
    assert "clusters//" not in caplog.text


def test_a_cdm_that_stops_answering_ends_the_submission_after_the_give_up_time(sandbox, valid_draft, owner, settings):
    from datetime import timedelta

    from django.utils import timezone

    from cdmweb.sandbox.models import SandboxFault

    submission = submitting.submit(valid_draft, sandbox, owner, "k", cluster_id=clusters(settings)["sandbox-cluster-1"])
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="503", path_contains="/cdm/job", remaining=10)
    first = worker.poll(submission)
    assert not first.terminal and first.error_message.startswith("Could not read the status just now")
    Submission.objects.filter(pk=submission.pk).update(poll_failing_since=timezone.now() - timedelta(seconds=601))
    ended = worker.poll(Submission.objects.select_related("target").get(pk=submission.pk))
    assert ended.state == Submission.State.ERROR and ended.error_message.startswith("No answer from CDM")


def test_the_client_never_sends_a_request_with_an_empty_path_part(sandbox):
    from cdmweb.cdm.errors import CdmClientError

    with targets.client_for(sandbox) as client:
        for cluster_id, job in (("", "job"), ("c1", ""), ("..", "job"), ("c1", ".")):
            with pytest.raises(CdmClientError, match="Not sent"):
                client.job_status(cluster_id, job)


def test_a_submission_killed_after_its_start_is_not_started_again(sandbox, valid_draft, owner, owner_client, settings):
    from cdmweb.sandbox.models import SandboxSubmission

    stuck = interrupted(
        valid_draft, sandbox, owner, settings, Submission.State.CREATED, lease_seconds_left=-60, key="k"
    )
    with targets.client_for(sandbox) as client:
        client.create_job(stuck.cluster_id, stuck.body)
        client.start_job(stuck.cluster_id, valid_draft.name)  # the start landed; the process died before saying so
    owner_client.get(reverse("submission", args=[stuck.pk]))
    recovered = Submission.objects.get(pk=stuck.pk)
    assert recovered.state == Submission.State.ACCEPTED and recovered.attempts == 2
    assert SandboxSubmission.objects.filter(job__name=valid_draft.name).count() == 1  # asked CDM, not started twice


def test_an_outage_does_not_count_as_cdm_forgetting_a_pool_job(sandbox, valid_draft, owner, settings):
    from cdmweb.sandbox.models import SandboxFault

    ids = clusters(settings)
    submission = submitting.submit(valid_draft, sandbox, owner, "k", pool=[ids["sandbox-cluster-1"]])
    Submission.objects.filter(pk=submission.pk).update(cluster_id="")
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="503", path_contains="/cdm/job", remaining=100)
    polled = Submission.objects.select_related("target").get(pk=submission.pk)
    for _ in range(worker.GONE_AFTER_POLLS + 2):
        polled = worker.poll(polled)
    assert not polled.terminal and polled.not_found_polls == 0
    assert polled.error_message.startswith("Could not read the status just now")


def test_the_submit_page_warns_when_a_cluster_runs_fewer_extractors_than_the_job_asks(
    sandbox, valid_draft, owner_client
):
    """A job may ask for up to 300 extractors; a cdm.medium cluster (as the sandbox's are) runs 8 at
    once and queues the rest: a warning per cluster, the submit button stays."""
    extractors = valid_draft.inputs.get(name="throttlingConfig.numExtractors")
    targets.refresh_clusters(sandbox)
    html = owner_client.get(reverse("submit", args=[valid_draft.pk])).content.decode()
    assert "cluster-warnings" not in html
    extractors.value = "20"
    extractors.save()
    html = owner_client.get(reverse("submit", args=[valid_draft.pk])).content.decode()
    assert "asks for 20 extractors; a cdm.medium cluster runs 8 at once" in html
    assert html.count("runs 8 at once") == 4 and 'name="submit"' in html
