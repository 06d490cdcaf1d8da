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
