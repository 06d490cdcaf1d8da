from __future__ import annotations

import pytest
from django.urls import reverse

from cdmweb.jobs.models import DraftInput


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-1234")
    client.force_login(user)
    return client


def test_catalogue_is_browsable_read_only(admin_client_):
    listing = admin_client_.get(reverse("admin:catalog_connector_changelist"))
    assert listing.status_code == 200 and "generic-jdbc-connector" in listing.content.decode()
    detail = admin_client_.get(reverse("admin:catalog_connector_detail", args=["generic-jdbc-connector"]))
    assert "fromJobConfig.useSql" in detail.content.decode() and "useSql=true" in detail.content.decode()
    assert (
        "throttlingConfig.numExtractors"
        in admin_client_.get(reverse("admin:catalog_connector_detail", args=["driver"])).content.decode()
    )
    assert admin_client_.get(reverse("admin:catalog_connector_detail", args=["nope"])).status_code == 404


def test_draft_admin_shows_the_payload_with_secrets_masked(admin_client_, make_draft):
    draft = make_draft(from_connector="obs-connector")
    DraftInput.objects.create(
        draft=draft,
        group=draft.groups.get(name="fromJobConfig"),
        name="fromJobConfig.dek",
        value="SECRET-DEK",
        position=9,
    )
    html = admin_client_.get(reverse("admin:jobs_jobdraft_change", args=[draft.pk])).content.decode()
    assert "orders_sync" in html and "&quot;jobs&quot;" in html and "SECRET-DEK" not in html
    listing = admin_client_.get(reverse("admin:jobs_draftinput_changelist")).content.decode()
    assert "SECRET-DEK" not in listing
    secret = draft.inputs.get(name="fromJobConfig.dek")
    change = admin_client_.get(reverse("admin:jobs_draftinput_change", args=[secret.pk])).content.decode()
    assert "SECRET-DEK" not in change and "********" in change
    assert admin_client_.get(reverse("admin:jobs_jobdraft_changelist"), {"q": "orders"}).status_code == 200


def test_non_staff_cannot_open_the_admin(owner_client):
    assert owner_client.get(reverse("admin:catalog_connector_changelist")).status_code == 302


def test_review_history_and_audit_admin_list_filter_and_never_show_secrets(admin_client_, crew, crew_draft, owner):
    from cdmweb.jobs import reviewing
    from cdmweb.jobs.models import AuditEvent, Comment

    item = crew_draft.inputs.first()
    DraftInput.objects.create(
        draft=crew_draft, group=item.group, name="fromJobConfig.password", value="HUNTER2-SECRET", position=99
    )
    review = reviewing.request_review(crew_draft, owner, "please")
    reviewing.decide(review, crew["reviewer"], approve=True)
    Comment.objects.create(draft=crew_draft, author=owner, body="a remark")
    pages = {
        "admin:jobs_review_changelist": "crew-reviewer",
        "admin:jobs_revision_changelist": "review requested",
        "admin:jobs_comment_changelist": "a remark",
        "admin:jobs_auditevent_changelist": "review-requested",
        "admin:accounts_team_changelist": "Crew",
        "admin:accounts_membership_changelist": "crew-viewer",
    }
    for name, text in pages.items():
        html = admin_client_.get(reverse(name)).content.decode()
        assert text in html and "HUNTER2-SECRET" not in html, name
    filtered = admin_client_.get(reverse("admin:jobs_auditevent_changelist") + "?action__exact=approved").content
    assert filtered.count(b'class="field-action"') == 1 and b'class="field-action">approved<' in filtered
    revision = admin_client_.get(reverse("admin:jobs_revision_change", args=[review.revision.pk])).content.decode()
    assert "fromJobConfig.password" in revision and "HUNTER2-SECRET" not in revision
    event = AuditEvent.objects.first()
    # Read-only: no add, no change form that saves, no delete.
    assert admin_client_.get(reverse("admin:jobs_auditevent_add")).status_code == 403
    assert (
        admin_client_.post(reverse("admin:jobs_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    delete_revision = reverse("admin:jobs_revision_delete", args=[review.revision.pk])
    assert admin_client_.post(delete_revision, {"post": "yes"}).status_code == 403
    assert crew_draft.revisions.filter(pk=review.revision.pk).exists()


def test_an_admin_deletes_a_draft_with_its_history_but_no_revision_or_review_alone(admin_client_, crew, crew_draft):
    from cdmweb.jobs import reviewing
    from cdmweb.jobs.models import AuditEvent, JobDraft, Review, Revision

    review = reviewing.request_review(crew_draft, crew["owner"])
    reviewing.decide(review, crew["reviewer"], approve=True)
    for name, pk in (("admin:jobs_revision_delete", review.revision.pk), ("admin:jobs_review_delete", review.pk)):
        assert admin_client_.post(reverse(name, args=[pk]), {"post": "yes"}).status_code == 403
    for name in ("admin:jobs_revision_changelist", "admin:jobs_review_changelist"):
        assert "delete_selected" not in admin_client_.get(reverse(name)).content.decode()
    confirm = admin_client_.get(reverse("admin:jobs_jobdraft_delete", args=[crew_draft.pk])).content.decode()
    assert "permission to delete" not in confirm
    deleted = admin_client_.post(reverse("admin:jobs_jobdraft_delete", args=[crew_draft.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    assert not JobDraft.objects.filter(pk=crew_draft.pk).exists()
    assert not Revision.objects.filter(draft_id=crew_draft.pk).exists()
    assert not Review.objects.filter(pk=review.pk).exists()
    # The audit trail outlives the draft.
    assert AuditEvent.objects.filter(draft_id=crew_draft.pk, action=AuditEvent.Action.APPROVED).exists()


def test_draft_header_fields_are_one_line_boxes_in_the_admin(admin_client_, make_draft):
    draft = make_draft()
    page = admin_client_.get(reverse("admin:jobs_jobdraft_change", args=[draft.pk])).content.decode()
    for field in ("name", "job_type", "from_connector", "from_link", "to_connector", "to_link"):
        assert f'<input type="text" name="{field}"' in page, field
    assert "<textarea" not in page
