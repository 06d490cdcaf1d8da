"""Four-eyes review, the submission gate at every way in, comments, audit, concurrent edits."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cdmweb.jobs import reviewing
from cdmweb.jobs.models import AuditEvent, Comment, DraftInput, JobDraft, Review, Submission
from cdmweb.jobs.submissions import submitting, targets
from cdmweb.jobspec.payload import payload_hash

from ..conftest import hx


def login(client, user):
    client.force_login(user)
    return client


def edit_value(draft: JobDraft, name: str, value: str, by=None) -> None:
    item = draft.inputs.get(name=name)
    item.value = value
    item.save()
    draft.record_change(by, detail=f"set {name}")


TABLE = "fromJobConfig.tableName"


# --- the service --------------------------------------------------------------------------------


def test_request_then_approve_opens_the_gate_for_exactly_that_payload(crew, crew_draft):
    target = targets.sandbox_target()
    assert "needs approval" in reviewing.gate(crew_draft, target, crew_draft.build())
    review = reviewing.request_review(crew_draft, crew["owner"], "please look")
    crew_draft.refresh_from_db()
    assert crew_draft.review_state == JobDraft.ReviewState.IN_REVIEW
    assert "waiting for a reviewer" in reviewing.gate(crew_draft, target, crew_draft.build())
    reviewing.decide(review, crew["reviewer"], approve=True)
    crew_draft.refresh_from_db()
    assert crew_draft.review_state == JobDraft.ReviewState.APPROVED
    assert reviewing.gate(crew_draft, target, crew_draft.build()) == ""
    # One edit, and the draft is no longer what was approved...
    original = crew_draft.inputs.get(name=TABLE).value
    edit_value(crew_draft, TABLE, "other_table")
    crew_draft.refresh_from_db()
    assert crew_draft.review_state == JobDraft.ReviewState.CHANGED
    assert "changed since it was approved" in reviewing.gate(crew_draft, target, crew_draft.build())
    # ...until it is exactly the approved payload again.
    edit_value(crew_draft, TABLE, original)
    crew_draft.refresh_from_db()
    assert crew_draft.review_state == JobDraft.ReviewState.APPROVED
    assert reviewing.gate(crew_draft, target, crew_draft.build()) == ""


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_nobody_approves_their_own_draft_or_without_the_role(crew, crew_draft, who):
    review = reviewing.request_review(crew_draft, crew["owner"])
    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.decide(review, crew[who], approve=True)
    expected = "Nobody approves their own draft" if who == "owner" else "Only the team's reviewers"
    assert expected in str(refused.value)
    assert Review.objects.get(pk=review.pk).state == Review.State.OPEN


def test_the_requester_and_whoever_changed_it_since_approval_cannot_approve(crew, crew_draft):
    review = reviewing.request_review(crew_draft, crew["admin"])
    with pytest.raises(reviewing.ReviewRefused, match="You asked for this review"):
        reviewing.decide(review, crew["admin"], approve=True)
    reviewing.decide(review, crew["reviewer"], approve=True)
    # The reviewer edits after the approval, asks nobody; the admin asks: the reviewer may not decide.

    edit_value(crew_draft, TABLE, "by_the_reviewer", by=crew["reviewer"])
    second = reviewing.request_review(crew_draft, crew["owner"])
    with pytest.raises(reviewing.ReviewRefused, match="You changed this draft since its last approval"):
        reviewing.decide(second, crew["reviewer"], approve=True)
    reviewing.decide(second, crew["admin"], approve=True)


def test_requesting_changes_needs_a_comment_and_keeps_the_gate_shut(crew, crew_draft):
    review = reviewing.request_review(crew_draft, crew["owner"])
    with pytest.raises(reviewing.ReviewRefused, match="needs a comment"):
        reviewing.decide(review, crew["reviewer"], approve=False, comment="  ")
    reviewing.decide(review, crew["reviewer"], approve=False, comment="Use the orders_v2 table.")
    crew_draft.refresh_from_db()
    assert crew_draft.review_state == JobDraft.ReviewState.CHANGES_REQUESTED
    assert reviewing.gate(crew_draft, targets.sandbox_target(), crew_draft.build())


def test_the_author_reads_the_requested_changes_in_the_designer_until_asking_again(crew, crew_draft, client):
    review = reviewing.request_review(crew_draft, crew["owner"])
    reviewing.decide(review, crew["reviewer"], approve=False, comment="Use the <orders_v2> table.")
    designer = reverse("designer", args=[crew_draft.pk])
    page = login(client, crew["owner"]).get(designer).content.decode()
    assert 'id="changes-requested"' in page and "crew-reviewer" in page
    assert "Use the &lt;orders_v2&gt; table." in page
    edit_value(crew_draft, TABLE, "orders_v2")
    reviewing.request_review(crew_draft, crew["owner"])
    assert 'id="changes-requested"' not in client.get(designer).content.decode()


def test_a_second_look_shows_what_changed_since_the_changes_were_asked_for(crew, crew_draft, client):
    first = reviewing.request_review(crew_draft, crew["owner"])
    reviewing.decide(first, crew["reviewer"], approve=False, comment="Use the orders_v2 table.")
    edit_value(crew_draft, TABLE, "orders_v2")
    second = reviewing.request_review(crew_draft, crew["owner"])
    page = login(client, crew["reviewer"]).get(reverse("review", args=[second.pk])).content.decode()
    assert f"Changes since r{first.revision.number}, where crew-reviewer asked for changes" in page
    assert "Use the orders_v2 table." in page
    assert TABLE in page and "orders_v2" in page
    # Only what changed, not every input again (the whole body is there too, folded away).
    diff = page.split('id="diff"', 1)[1].split("</ul>", 1)[0]
    assert TABLE in diff and "fromJobConfig.schemaName" not in diff and "First review" not in page


def test_a_new_request_supersedes_the_open_one_and_private_drafts_are_not_reviewed(crew, crew_draft, draft, owner):
    first = reviewing.request_review(crew_draft, owner)
    edit_value(crew_draft, TABLE, "t2")
    second = reviewing.request_review(crew_draft, owner)
    assert Review.objects.get(pk=first.pk).state == Review.State.SUPERSEDED
    assert second.revision.number > first.revision.number
    with pytest.raises(reviewing.ReviewRefused, match="Only team drafts"):
        reviewing.request_review(draft, owner)


def test_approval_of_an_older_revision_does_not_open_the_gate_for_the_newer_payload(crew, crew_draft):
    review = reviewing.request_review(crew_draft, crew["owner"])
    edit_value(crew_draft, TABLE, "edited_during_review")
    reviewing.decide(review, crew["reviewer"], approve=True)
    crew_draft.refresh_from_db()
    assert crew_draft.review_state == JobDraft.ReviewState.CHANGED
    assert reviewing.gate(crew_draft, targets.sandbox_target(), crew_draft.build())


def test_an_approval_is_a_revision_of_exactly_what_was_approved(crew, crew_draft):
    review = reviewing.request_review(crew_draft, crew["owner"])
    requested = review.revision
    edit_value(crew_draft, TABLE, "edited_during_review")
    reviewing.decide(review, crew["reviewer"], approve=True)
    newest = crew_draft.revisions.order_by("-number").first()
    assert (newest.number, newest.reason, newest.author) == (
        requested.number + 1,
        f"approved r{requested.number}",
        crew["reviewer"],
    )
    # The payload approved, not the draft as it is now.
    assert (newest.payload, newest.payload_hash) == (requested.payload, requested.payload_hash)


def test_revisions_cannot_be_changed_or_deleted_but_go_with_their_draft(crew, crew_draft):
    revision = crew_draft.snapshot(crew["owner"], "test")
    revision.reason = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        revision.save()
    with pytest.raises(ValueError, match="immutable"):
        revision.delete()
    assert crew_draft.revisions.get(pk=revision.pk).reason == "test"
    crew_draft.delete()
    assert not type(revision).objects.filter(pk=revision.pk).exists()


def test_moving_a_draft_to_another_team_needs_that_teams_approval(crew, crew_draft, owner, client):
    from cdmweb.accounts.models import Membership, Team

    review = reviewing.request_review(crew_draft, owner)
    reviewing.decide(review, crew["reviewer"], approve=True)
    other = Team.objects.create(slug="other", name="Other")
    Membership.objects.create(team=other, user=owner, role="editor")
    login(client, owner)
    response = client.post(reverse("draft-share", args=[crew_draft.pk]), {"team": other.pk})
    assert response.status_code == 302
    crew_draft.refresh_from_db()
    assert crew_draft.team == other and crew_draft.review_state == ""
    assert "needs approval" in reviewing.gate(crew_draft, targets.sandbox_target(), crew_draft.build())


def test_private_drafts_go_to_the_sandbox_but_not_to_a_target_that_requires_review(draft, owner):
    sandbox = targets.sandbox_target()
    assert not sandbox.requires_review
    assert reviewing.gate(draft, sandbox, draft.build()) == ""
    sandbox.requires_review = True
    assert "private draft cannot be reviewed" in reviewing.gate(draft, sandbox, draft.build())


# --- the gate at every way in ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_gate_holds_in_the_service_the_page_the_command_and_the_admin(
    sandbox, crew, crew_draft, owner, client, admin_client
):
    pool = [c["id"] for c in targets.refresh_clusters(sandbox) if c["status"] == "200"]
    with pytest.raises(submitting.SubmissionRefused, match="needs approval"):
        submitting.submit(crew_draft, sandbox, owner, "k1", pool=pool)
    # The page: the button is disabled and a forced post is refused with the same words.
    login(client, owner)
    page = client.get(reverse("submit", args=[crew_draft.pk]))
    assert b'id="needs-approval"' in page.content
    post = client.post(
        reverse("submit", args=[crew_draft.pk]),
        {"target": sandbox.pk, "mode": "pool", "pool": pool, "idempotency_key": "k2", "submit": "1"},
    )
    assert post.status_code == 200 and "needs approval" in post.content.decode()
    # The command exits 1 saying so.
    with pytest.raises(CommandError, match="needs approval") as failed:
        call_command("submit_job", str(crew_draft.pk), "--target", "sandbox", "--pool", "all", stdout=io.StringIO())
    assert failed.value.returncode == 1
    # The admin action refuses too.
    response = admin_client.post(
        reverse("admin:jobs_jobdraft_changelist"),
        {"action": "submit_to_sandbox", "_selected_action": [crew_draft.pk]},
        follow=True,
    )
    assert "not submitted" in response.content.decode() and "needs approval" in response.content.decode()
    assert not Submission.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMISSION_REFUSED, draft=crew_draft).count() == 4
    # Approved by a second person: the same command succeeds and the job runs.
    review = reviewing.request_review(crew_draft, owner)
    reviewing.decide(review, crew["reviewer"], approve=True)
    out = io.StringIO()
    call_command("submit_job", str(crew_draft.pk), "--target", "sandbox", "--pool", "all", "--wait", stdout=out)
    assert out.getvalue().strip().endswith("SUCCEEDED")
    submission = Submission.objects.get()
    assert submission.revision.payload_hash == review.revision.payload_hash
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMITTED, submission=submission).exists()


@pytest.mark.django_db(transaction=True)
def test_submit_job_checks_the_users_role(sandbox, crew, crew_draft):
    for username, code, words in [("crew-viewer", 1, "cannot submit"), ("outsider", 2, "no draft")]:
        with pytest.raises(CommandError, match=words) as failed:
            call_command("submit_job", str(crew_draft.pk), "--target", "sandbox", "--pool", "all", "--user", username)
        assert failed.value.returncode == code


# --- the screens ----------------------------------------------------------------------------------


def test_review_flow_through_the_pages(crew, crew_draft, owner, client):
    login(client, owner)
    designer = client.get(reverse("designer", args=[crew_draft.pk])).content.decode()
    assert 'id="review-request-form"' in designer and "not reviewed" in designer
    client.post(reverse("review-request", args=[crew_draft.pk]), {"message": "first version"})
    review = Review.objects.get()
    # The owner's queue does not list their own draft; the reviewer's does.
    assert "first version" not in client.get(reverse("review-queue")).content.decode()
    login(client, crew["reviewer"])
    queue = client.get(reverse("review-queue")).content.decode()
    assert "first version" in queue and reverse("review", args=[review.pk]) in queue
    page = client.get(reverse("review", args=[review.pk])).content.decode()
    assert "First review" in page and 'id="decision-form"' in page and TABLE in page
    refused = client.post(reverse("review", args=[review.pk]), {"decision": "changes", "comment": ""})
    assert refused.status_code == 200 and "Say what should change." in refused.content.decode()
    done = client.post(reverse("review", args=[review.pk]), {"decision": "approve", "comment": "ok"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.APPROVED and review.reviewer == crew["reviewer"]
    # The owner sees the approval; the decision form is gone for everyone.
    login(client, owner)
    designer = client.get(reverse("designer", args=[crew_draft.pk])).content.decode()
    assert 'id="last-approval"' in designer and "crew-reviewer" in designer
    again = client.get(reverse("review", args=[review.pk])).content.decode()
    assert 'id="decision-form"' not in again


def test_review_page_diffs_against_the_last_approved_revision(crew, crew_draft, owner, client):
    first = reviewing.request_review(crew_draft, owner)
    reviewing.decide(first, crew["reviewer"], approve=True)
    edit_value(crew_draft, TABLE, "orders_v2")
    second = reviewing.request_review(crew_draft, owner)
    login(client, crew["admin"])
    page = client.get(reverse("review", args=[second.pk])).content.decode()
    assert f"since the last approved revision, r{first.revision.number}" in page
    assert "orders_v2" in page and page.count('class="diff-') == 1


def test_owner_cannot_approve_by_posting(crew, crew_draft, owner, client):
    review = reviewing.request_review(crew_draft, crew["editor"])
    login(client, owner)
    assert client.post(reverse("review", args=[review.pk]), {"decision": "approve"}).status_code == 403
    page = client.get(reverse("review", args=[review.pk])).content.decode()
    assert "Nobody approves their own draft" in page and 'id="decision-form"' not in page


def test_comments_on_the_draft_and_on_an_input(crew, crew_draft, client):
    login(client, crew["viewer"])
    url = reverse("comment-add", args=[crew_draft.pk])
    response = client.post(url, {"body": "Why this table?", "input_name": TABLE}, **hx())
    assert response.status_code == 200
    html = response.content.decode()
    item = crew_draft.inputs.get(name=TABLE)
    assert "Why this table?" in html and f'href="#input-{item.pk}"' in html
    bad = client.post(url, {"body": "x", "input_name": "no.such.input"}, **hx()).content.decode()
    assert "has no input named" in bad and 'value="no.such.input"' in bad
    empty = client.post(url, {"body": "   "}).content.decode()  # plain post: the whole page, the message in place
    assert "Write something to comment." in empty
    assert Comment.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COMMENTED, actor=crew["viewer"]).count() == 1


def test_the_audit_trail_is_append_only_and_shown_per_draft(crew, crew_draft, owner, client):
    login(client, owner)
    item = crew_draft.inputs.get(name=TABLE)
    client.post(reverse("input-update", args=[crew_draft.pk, item.pk]), {"value": "audited"}, **hx())
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EDITED).get()
    assert event.actor == owner and event.detail == f"set {TABLE}" and "audited" not in event.detail
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    history = client.get(reverse("history", args=[crew_draft.pk])).content.decode()
    assert 'id="activity"' in history and f"set {TABLE}" in history and "imported" in history
    assert f"<title>History · {crew_draft.display_name} · cdmweb</title>" in history
    # Deleting the draft keeps its trail.
    crew_draft.delete()
    assert AuditEvent.objects.filter(draft_id=event.draft_id).count() >= 2


def test_an_unchanged_value_posted_twice_is_not_a_change(draft, owner_client):
    item = draft.inputs.first()
    version = JobDraft.objects.get(pk=draft.pk).version
    owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": item.value}, **hx())
    assert JobDraft.objects.get(pk=draft.pk).version == version
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EDITED).exists()


# --- concurrent edits -------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_overwritten(crew, crew_draft, owner, client):
    item = crew_draft.inputs.get(name=TABLE)
    seen = JobDraft.objects.get(pk=crew_draft.pk).version
    # Someone else saves first...
    login(client, crew["editor"])
    first = client.post(
        reverse("input-update", args=[crew_draft.pk, item.pk]), {"value": "theirs"}, **hx(x_draft_version=str(seen))
    )
    assert first.status_code == 200 and int(first["X-Draft-Version"]) == seen + 1
    # ...then the owner, whose page still shows the old version.
    login(client, owner)
    second = client.post(
        reverse("input-update", args=[crew_draft.pk, item.pk]), {"value": "mine"}, **hx(x_draft_version=str(seen))
    )
    assert second.status_code == 409
    assert second["HX-Retarget"] == "#conflict"
    assert "crew-editor" in second.content.decode() and "not saved" in second.content.decode()
    # The banner repeats the refused change, so it can be made again after the reload.
    assert f'Your change: <code>{TABLE}</code> = “<span class="user-select-all">mine</span>”' in second.content.decode()
    assert DraftInput.objects.get(pk=item.pk).value == "theirs"
    # Moving or removing the row posts the row's form, stored value included: nothing was typed, so
    # the banner repeats nothing.
    for action, data in (("input-move", {"direction": "up"}), ("input-delete", {})):
        refused = client.post(
            reverse(action, args=[crew_draft.pk, item.pk]), {"value": "theirs", **data}, **hx(x_draft_version=str(seen))
        )
        assert refused.status_code == 409 and 'id="unsaved-change"' not in refused.content.decode()
    assert DraftInput.objects.filter(pk=item.pk).exists()
    # A plain form post with the stale hidden version: the whole page, the message, status 409.
    plain = client.post(reverse("input-update", args=[crew_draft.pk, item.pk]), {"value": "mine", "version": seen})
    assert plain.status_code == 409 and "This draft changed while you were editing" in plain.content.decode()
    # With the current version the owner's change goes through.
    current = JobDraft.objects.get(pk=crew_draft.pk).version
    ok = client.post(
        reverse("input-update", args=[crew_draft.pk, item.pk]), {"value": "mine"}, **hx(x_draft_version=str(current))
    )
    assert ok.status_code == 200 and DraftInput.objects.get(pk=item.pk).value == "mine"


def test_an_open_page_hears_of_someone_elses_change_but_not_of_its_own(crew, crew_draft, owner, client, settings):
    item = crew_draft.inputs.get(name=TABLE)
    watch = reverse("draft-watch", args=[crew_draft.pk])
    login(client, owner)
    page = client.get(reverse("designer", args=[crew_draft.pk])).content.decode()
    assert f'hx-get="{watch}" hx-trigger="every 15000ms"' in page
    seen = JobDraft.objects.get(pk=crew_draft.pk).version
    assert client.get(watch, **hx(x_draft_version=str(seen), x_designer_page="mine")).status_code == 204
    # The page's own change, its answer not yet back: still quiet.
    client.post(
        reverse("input-update", args=[crew_draft.pk, item.pk]),
        {"value": "own"},
        **hx(x_draft_version=str(seen), x_designer_page="mine"),
    )
    assert client.get(watch, **hx(x_draft_version=str(seen), x_designer_page="mine")).status_code == 204
    # Someone else's change: the heads-up, naming them, and no new version for the page to adopt.
    login(client, crew["editor"])
    client.post(
        reverse("input-update", args=[crew_draft.pk, item.pk]),
        {"value": "theirs"},
        **hx(x_draft_version=str(seen + 1), x_designer_page="theirs"),
    )
    login(client, owner)
    told = client.get(watch, **hx(x_draft_version=str(seen + 1), x_designer_page="mine"))
    assert told.status_code == 200 and "X-Draft-Version" not in told
    body = told.content.decode()
    assert "This draft has changed since you opened it" in body and "crew-editor" in body
    assert "hx-trigger" not in body  # a banner ends the asking
    # Switched off: no asking at all.
    settings.CDMWEB_DESIGNER_WATCH_SECONDS = 0
    assert watch not in client.get(reverse("designer", args=[crew_draft.pk])).content.decode()


def test_a_refused_secret_edit_is_named_but_its_value_never_echoed(crew, crew_draft, owner, client):
    secret = crew_draft.inputs.create(
        group=crew_draft.groups.first(), name="fromJobConfig.password", value="", position=99
    )
    seen = JobDraft.objects.get(pk=crew_draft.pk).version
    login(client, crew["editor"])
    client.post(
        reverse("input-update", args=[crew_draft.pk, secret.pk]), {"value": "first"}, **hx(x_draft_version=str(seen))
    )
    login(client, owner)
    refused = client.post(
        reverse("input-update", args=[crew_draft.pk, secret.pk]),
        {"value": "hunter2-typed", "keep_secret": "1"},
        **hx(x_draft_version=str(seen)),
    ).content.decode()
    assert "fromJobConfig.password</code> (a secret: type it again)" in refused
    assert "hunter2-typed" not in refused


def test_seed_demo_makes_two_users_in_a_team_with_a_draft_to_review(db, settings, tmp_path):
    from cdmweb.accounts.models import Membership

    settings.BASE_DIR = tmp_path
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    logins = [line for line in first.getvalue().splitlines() if line.startswith("Log in as:")]
    assert [line.split()[3] for line in logins] == ["demo", "reviewer"]
    assert logins == [line for line in second.getvalue().splitlines() if line.startswith("Log in as:")]
    roles = dict(Membership.objects.filter(team__slug="demo-team").values_list("user__username", "role"))
    assert roles == {"demo": "editor", "reviewer": "reviewer"}
    team_drafts = JobDraft.objects.filter(team__slug="demo-team")
    assert list(team_drafts.values_list("name", flat=True)) == ["orders_mysql_to_hive"]
    assert JobDraft.objects.count() == 3  # the second run added nothing
    assert (tmp_path / "var" / "demo-login.txt").stat().st_mode & 0o777 == 0o600
    # The sandbox's first cluster already runs jobs made "in the console", for the Clusters screen:
    # each valid demo job under five names, once.
    from cdmweb.sandbox.models import SandboxJob

    running = sorted(SandboxJob.objects.filter(cluster__name="sandbox-cluster-1").values_list("name", flat=True))
    assert len(running) == 10 and "orders_mysql_to_hive_nightly" in running and "events_obs_to_dws_eu" in running
    assert "already runs 10 jobs" in first.getvalue() and "already runs" not in second.getvalue()


def test_seed_demo_does_not_print_a_password_that_was_changed_since(db, settings, tmp_path):
    from django.contrib.auth import get_user_model

    settings.BASE_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    demo = get_user_model().objects.get(username="demo")
    demo.set_password("changed-by-hand-7391")
    demo.save()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Log in as:")]
    assert lines[0] == (
        "Log in as: demo (its password was changed after it was stored; `manage.py changepassword demo` sets a new one)"
    )
    assert lines[1].startswith("Log in as: reviewer / ")
    # The stale password is gone from the file too.
    assert [line.split()[0] for line in (tmp_path / "var" / "demo-login.txt").read_text().splitlines()] == ["reviewer"]


def test_asking_twice_for_the_same_version_is_refused(crew, crew_draft, owner, client):
    reviewing.request_review(crew_draft, owner)
    with pytest.raises(reviewing.ReviewRefused, match="already waiting"):
        reviewing.request_review(crew_draft, owner)
    login(client, owner)
    page = client.get(reverse("designer", args=[crew_draft.pk])).content.decode()
    assert 'id="open-review"' in page and 'id="review-request-form"' not in page
    edit_value(crew_draft, TABLE, "newer")
    page = client.get(reverse("designer", args=[crew_draft.pk])).content.decode()
    assert "Request review of this newer version" in page


def test_a_change_made_while_an_older_review_waited_still_counts_as_ones_own(crew, crew_draft, owner):

    first = reviewing.request_review(crew_draft, owner)  # r_n
    edit_value(crew_draft, TABLE, "by_the_admin", by=crew["admin"])  # the admin changes it while r_n waits
    reviewing.decide(first, crew["reviewer"], approve=True)  # r_n approved after that change
    second = reviewing.request_review(crew_draft, owner)  # holds the admin's change
    with pytest.raises(reviewing.ReviewRefused, match="You changed this draft"):
        reviewing.decide(second, crew["admin"], approve=True)


def test_a_restore_respects_the_lock_and_conflicts_open_pages(crew, crew_draft, owner, client):
    login(client, owner)
    item = crew_draft.inputs.get(name=TABLE)
    page_version = JobDraft.objects.get(pk=crew_draft.pk).version
    page = {"x_draft_version": str(page_version), "x_designer_page": "a" * 32}
    assert (
        client.post(reverse("input-update", args=[crew_draft.pk, item.pk]), {"value": "v1"}, **hx(**page)).status_code
        == 200
    )
    # A restore from an out-of-date history page is refused like any stale change.
    stale = client.post(reverse("restore", args=[crew_draft.pk, 1]), {"version": page_version})
    assert stale.status_code == 409
    current = JobDraft.objects.get(pk=crew_draft.pk).version
    assert client.post(reverse("restore", args=[crew_draft.pk, 1]), {"version": current}).status_code == 302
    # The page that made v1 now sees the restore as someone else's change.
    after = client.post(
        reverse("input-update", args=[crew_draft.pk, crew_draft.inputs.get(name=TABLE).pk]),
        {"value": "v2"},
        **hx(x_draft_version=str(current), x_designer_page="a" * 32),
    )
    assert after.status_code == 409


def test_admin_edits_of_inputs_are_a_new_version_and_audited(crew_draft, admin_client):
    item = crew_draft.inputs.get(name=TABLE)
    before = JobDraft.objects.get(pk=crew_draft.pk).version
    data = {
        "draft": crew_draft.pk,
        "group": item.group_id,
        "name": item.name,
        "value": "from_admin",
        "value_key": "value",
        "extra": "{}",
        "position": item.position,
    }
    assert admin_client.post(reverse("admin:jobs_draftinput_change", args=[item.pk]), data).status_code == 302
    assert JobDraft.objects.get(pk=crew_draft.pk).version > before
    assert AuditEvent.objects.filter(draft=crew_draft, detail=f"in the admin: changed {TABLE}").exists()


def test_the_reviewer_sees_every_part_that_is_sent_and_approves_exactly_that(crew, owner, client):
    import html
    import json

    from cdmweb.jobs.importing import import_text

    from ..conftest import DEMO_BODY
    from ..jobspec.test_diffing import hidden_parts

    body = json.loads(DEMO_BODY.read_text())
    body["jobs"][0] = hidden_parts(body["jobs"][0])
    (draft,), _ = import_text(json.dumps(body), owner, crew["team"])
    review = reviewing.request_review(draft, owner)
    login(client, crew["reviewer"])
    page = html.unescape(client.get(reverse("review", args=[review.pk])).content.decode())
    for part in (
        "x-unknown-top",
        "extended-configs",
        "BOOLEAN",
        '["a", "b"]',
        '"type"',
        "fromJobConfig.customSecretToken",
    ):
        assert part in page, part
    assert "s3cr3t-value" not in page and "1 secret value masked" in page
    # The body shown is the one approved and sent: secrets aside, the revision's payload itself.
    client.post(reverse("review", args=[review.pk]), {"decision": "approve"})
    assert (
        draft.is_approved(review.revision.payload)
        and reviewing.gate(draft, targets.sandbox_target(), draft.build()) == ""
    )
    # A later change to a part the designer does not edit is in the next review's diff.
    changed = json.loads(json.dumps(draft.build()))
    changed["x-unknown-top"] = {"retries": 4}
    draft.restore(draft.add_revision(changed, payload_hash(changed), owner, "edited elsewhere"), owner)
    second = reviewing.request_review(draft, owner)
    page = html.unescape(client.get(reverse("review", args=[second.pk])).content.decode())
    assert "x-unknown-top" in page and '{"retries": 3}' in page and '{"retries": 4}' in page


@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "²", "9" * 30, "1.0"])
def test_a_change_that_does_not_say_its_version_is_refused_and_not_applied(crew, crew_draft, owner, version):
    from django.test import Client

    item = crew_draft.inputs.get(name=TABLE)
    before = DraftInput.objects.get(pk=item.pk).value
    raw = Client()  # not the page: sends only what the test gives
    raw.force_login(owner)
    url = reverse("input-update", args=[crew_draft.pk, item.pk])
    headers = {} if version is None else {"HTTP_X_DRAFT_VERSION": version}
    answer = raw.post(url, {"value": "overwritten"}, **hx(), **headers)
    assert answer.status_code == 428 and answer["HX-Retarget"] == "#conflict"
    assert 'id="version-missing"' in answer.content.decode()
    plain = raw.post(url, {"value": "overwritten", **({} if version is None else {"version": version})})
    assert plain.status_code == 428 and "Your last change was not saved" in plain.content.decode()
    for other in ("input-delete", "input-move"):
        assert raw.post(reverse(other, args=[crew_draft.pk, item.pk]), {"direction": "up"}, **hx()).status_code == 428
    assert DraftInput.objects.get(pk=item.pk).value == before and crew_draft.inputs.filter(pk=item.pk).exists()
    assert JobDraft.objects.get(pk=crew_draft.pk).version == crew_draft.version


def test_local_refusals_come_before_any_call_to_cdm_on_every_path(
    crew, crew_draft, owner, client, admin_client, settings
):
    import socket

    with socket.socket() as closed:  # a port where nothing listens: every call to CDM would fail
        closed.bind(("127.0.0.1", 0))
        settings.CDM_SANDBOX_URL = f"http://127.0.0.1:{closed.getsockname()[1]}"
    sandbox = targets.sandbox_target()
    assert not sandbox.clusters  # the page would have to ask CDM for them
    with pytest.raises(CommandError, match="needs approval") as failed:
        call_command("submit_job", str(crew_draft.pk), "--target", "sandbox", "--pool", "all", stdout=io.StringIO())
    assert failed.value.returncode == 1
    response = admin_client.post(
        reverse("admin:jobs_jobdraft_changelist"),
        {"action": "submit_to_sandbox", "_selected_action": [crew_draft.pk]},
        follow=True,
    ).content.decode()
    assert "needs approval" in response and "could not reach" not in response
    page = login(client, owner).get(reverse("submit", args=[crew_draft.pk])).content.decode()
    assert 'id="needs-approval"' in page and "Could not list the clusters" not in page
    assert 'id="clusters-later"' in page  # the empty cluster lists are explained


def test_the_review_of_a_pulled_job_shows_what_changes_on_the_cluster(crew, crew_draft, client, sandbox):
    pulled = crew_draft.snapshot(crew["owner"], "pulled from cluster c1")
    crew_draft.mark_deployed(sandbox, "c1", "orders_mysql_to_hive", pulled)
    edit_value(crew_draft, TABLE, "orders_v2", by=crew["owner"])
    review = reviewing.request_review(crew_draft, crew["owner"])
    client.force_login(crew["reviewer"])
    page = client.get(reverse("review", args=[review.pk])).content.decode()
    assert "Changes to job orders_mysql_to_hive as the cluster has it" in page and "First review" not in page
    diff = page[page.index('id="diff"') : page.index('id="approved-body"')]
    assert "orders_v2" in diff and "fromJobConfig.schemaName" not in diff  # only what changes


def test_the_review_page_shows_the_findings_of_the_revision_under_review(crew, crew_draft, client):
    edit_value(crew_draft, TABLE, "", by=crew["owner"])  # a required value left blank: an error
    review = reviewing.request_review(crew_draft, crew["owner"])
    edit_value(crew_draft, TABLE, "orders_fixed", by=crew["owner"])  # fixed since: not what is reviewed
    client.force_login(crew["reviewer"])
    page = client.get(reverse("review", args=[review.pk])).content.decode()
    findings = page[page.index('id="review-findings"') :]
    assert "Error" in findings and TABLE in findings and "cannot be left blank" in findings
