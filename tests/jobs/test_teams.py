"""Teams, roles and who may do what to a draft (the first part of issue 5)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cdmweb.accounts.models import Membership, Team
from cdmweb.jobs.models import JobDraft

from ..conftest import hx

DEMO = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"
ROLES = ("viewer", "editor", "reviewer", "admin")


@pytest.fixture
def team(owner, django_user_model):
    team = Team.objects.create(slug="data", name="Data team")
    Membership.objects.create(team=team, user=owner, role="admin")
    for role in ROLES:
        user = django_user_model.objects.create_user(role, password=f"{role}-pass-1234")
        Membership.objects.create(team=team, user=user, role=role)
    return team


@pytest.fixture
def team_draft(make_draft, team):
    draft = make_draft(name="shared_job")
    JobDraft.objects.filter(pk=draft.pk).update(team=team)
    draft.refresh_from_db()
    return draft


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("username", "view", "edit", "delete"),
    [
        ("owner", 200, 200, 302),
        ("viewer", 200, 403, 403),
        ("editor", 200, 200, 403),
        ("reviewer", 200, 200, 403),
        ("admin", 200, 200, 302),
        ("outsider", 404, 404, 404),
    ],
)
def test_roles_decide_what_a_member_may_do(
    client, django_user_model, outsider, team_draft, username, view, edit, delete
):
    login(client, django_user_model, username)
    item = team_draft.inputs.get(name="throttlingConfig.numLoaders")
    assert client.get(reverse("designer", args=[team_draft.pk])).status_code == view
    assert client.get(reverse("export", args=[team_draft.pk])).status_code == view
    response = client.post(reverse("input-update", args=[team_draft.pk, item.pk]), {"value": "2"}, **hx())
    assert response.status_code == edit
    if edit == 403:
        assert "As a viewer of this team you cannot change this draft" in response.content.decode()
        item.refresh_from_db()
        assert item.value == "1"
    assert client.post(reverse("draft-delete", args=[team_draft.pk])).status_code == delete


def test_anonymous_is_sent_to_login(client, team_draft):
    assert client.get(reverse("designer", args=[team_draft.pk])).status_code == 302


def test_dashboard_team_switcher(client, django_user_model, team, team_draft, make_draft):
    make_draft(name="private_job")
    login(client, django_user_model, "viewer")
    mine = client.get(reverse("dashboard")).content.decode()
    assert "shared_job" not in mine and "Data team" in mine
    shared = client.get(reverse("dashboard"), {"team": "data"}).content.decode()
    assert "shared_job" in shared and "private_job" not in shared
    # A team the user is not in shows the user's own drafts, nothing of the team.
    Team.objects.create(slug="other", name="Other")
    other = client.get(reverse("dashboard"), {"team": "other"}).content.decode()
    assert "shared_job" not in other


def test_create_team_command(owner, django_user_model):
    django_user_model.objects.create_user("bob")
    out = io.StringIO()
    call_command("create_team", "ops", "--member", "owner:admin", "--member", "bob:viewer", stdout=out)
    assert "team ops created" in out.getvalue()
    call_command("create_team", "ops", "--member", "bob:editor", stdout=io.StringIO())
    assert Membership.objects.get(team__slug="ops", user__username="bob").role == "editor"
    for args in (["ops", "--member", "nobody:viewer"], ["ops", "--member", "bob:boss"], ["Not A Slug"]):
        with pytest.raises(CommandError) as refused:
            call_command("create_team", *args, stdout=io.StringIO())
        assert refused.value.returncode == 2


def test_import_job_into_a_team(owner, team, tmp_path):
    out = io.StringIO()
    call_command("import_job", str(DEMO), "--owner", "owner", "--team", "data", stdout=out)
    draft_id = int(out.getvalue().strip().splitlines()[-1])
    assert JobDraft.objects.get(pk=draft_id).team == team
    with pytest.raises(CommandError) as refused:
        call_command("import_job", str(DEMO), "--owner", "owner", "--team", "nope", stdout=io.StringIO())
    assert refused.value.returncode == 2


def test_a_viewer_sees_the_designer_read_only(client, django_user_model, team_draft):
    login(client, django_user_model, "viewer")
    html = client.get(reverse("designer", args=[team_draft.pk])).content.decode()
    assert 'id="read-only"' in html and '<fieldset class="designer-sides" disabled>' in html
    assert "Submit to CDM" not in html and "Delete draft" not in html
    assert 'id="preview-json"' in html  # reading, copying and downloading stay possible
    login(client, django_user_model, "editor")
    html = client.get(reverse("designer", args=[team_draft.pk])).content.decode()
    assert 'id="read-only"' not in html and "Submit to CDM" in html and "Delete draft" not in html


def test_viewers_export_with_secrets_masked_editors_with_secrets(client, django_user_model, team_draft, team):
    from cdmweb.jobs.models import DraftInput

    DraftInput.objects.create(
        draft=team_draft,
        group=team_draft.groups.get(side="from"),
        name="fromJobConfig.password",
        value="S3CRET-VALUE",
        position=99,
    )
    login(client, django_user_model, "viewer")
    assert "S3CRET-VALUE" not in client.get(reverse("export", args=[team_draft.pk])).content.decode()
    login(client, django_user_model, "editor")
    assert "S3CRET-VALUE" in client.get(reverse("export", args=[team_draft.pk])).content.decode()
    # The command follows the same rule for the same people.
    from io import StringIO

    from django.core.management import call_command

    for username, sees in (("viewer", False), ("editor", True)):
        out = StringIO()
        call_command("export_job", str(team_draft.pk), "--user", username, stdout=out)
        assert ("S3CRET-VALUE" in out.getvalue()) is sees, username
        assert '"fromJobConfig.password"' in out.getvalue()
