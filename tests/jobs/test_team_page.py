"""The team page: members by role, managed by the team's admins; the team's activity, filterable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cdmweb.accounts.models import Membership
from cdmweb.jobs.models import AuditEvent


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("who", "status"), [("viewer", 200), ("admin", 200), ("outsider", 404)])
def test_members_see_the_team_outsiders_do_not(client, crew, who, status):
    login(client, crew[who])
    response = client.get(reverse("team", args=["crew"]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "crew-reviewer" in page
        assert ('id="member-form"' in page) == (who == "admin")


def test_an_admin_adds_changes_and_removes_members_and_it_is_audited(client, crew, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer")
    login(client, crew["admin"])
    url = reverse("team", args=["crew"])
    assert client.post(url, {"username": "newcomer", "role": "viewer"}).status_code == 302
    assert client.post(url, {"username": "newcomer", "role": "reviewer"}).status_code == 302
    assert Membership.objects.get(user=newcomer).role == "reviewer"
    bad = client.post(url, {"username": "nobody", "role": "viewer"})
    assert bad.status_code == 200 and "There is no active user named “nobody”." in bad.content.decode()
    remove = reverse("member-remove", args=["crew", newcomer.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(user=newcomer).exists()
    details = list(AuditEvent.objects.filter(action=AuditEvent.Action.MEMBERSHIP).values_list("detail", flat=True))
    assert details == ["newcomer removed", "newcomer is reviewer", "newcomer is viewer"]
    filtered = client.get(url + "?action=membership").content.decode()
    assert "newcomer removed" in filtered


@pytest.mark.parametrize("who", ["viewer", "editor", "reviewer"])
def test_only_admins_manage_members(client, crew, who):
    login(client, crew[who])
    assert client.post(reverse("team", args=["crew"]), {"username": "outsider", "role": "admin"}).status_code == 403
    assert client.post(reverse("member-remove", args=["crew", crew["viewer"].pk])).status_code == 403
    assert not Membership.objects.filter(user=crew["outsider"]).exists()


def test_the_last_admin_stays_admin(client, crew):
    login(client, crew["admin"])
    url = reverse("team", args=["crew"])
    demoted = client.post(url, {"username": "crew-admin", "role": "viewer"})
    assert demoted.status_code == 200 and "last admin" in demoted.content.decode()
    client.post(reverse("member-remove", args=["crew", crew["admin"].pk]))
    assert Membership.objects.get(user=crew["admin"]).role == "admin"


def target_fields(team) -> dict[str, str]:
    """TARGET with the team's own variable names."""
    return {key: value.format(team=team.pk) for key, value in TARGET.items()}


TARGET = {
    "name": "crew-prod",
    "endpoint": "https://cdm.example.com",
    "region": "eu-de",
    "project_id": "p1",
    "auth_mode": "aksk",
    "access_key_source": "CDM_TARGET_{team}_AK",
    "secret_source": "CDM_TARGET_{team}_SK",
    "x_language": "en-us",
    "requires_review": "on",
}


def test_a_team_admin_adds_a_target_naming_only_target_variables(client, crew):
    from cdmweb.jobs.models import Target

    login(client, crew["admin"])
    url = reverse("team-target-add", args=["crew"])
    bad = client.post(url, {**TARGET, "secret_source": "DJANGO_SECRET_KEY"})
    assert bad.status_code == 200 and "Name a variable starting with CDM_TARGET_" in bad.content.decode()
    assert not Target.objects.filter(name="crew-prod").exists()
    assert client.post(url, target_fields(crew["team"])).status_code == 302
    target = Target.objects.get(name="crew-prod")
    assert target.team == crew["team"] and target.requires_review
    assert "crew-prod" in client.get(reverse("team", args=["crew"])).content.decode()
    login(client, crew["editor"])
    assert client.get(url).status_code == 403


def test_a_teams_target_is_offered_to_its_drafts_only(client, crew, crew_draft, draft, owner):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from cdmweb.jobs.models import Target
    from cdmweb.jobs.submissions import targets

    sandbox = targets.sandbox_target()
    sandbox.clusters = [{"id": "c1", "name": "c1", "status": "200"}]
    sandbox.save()
    Target.objects.create(
        team=crew["team"],
        clusters=sandbox.clusters,
        **{k: v for k, v in target_fields(crew["team"]).items() if k != "requires_review"},
    )
    login(client, owner)
    assert "crew-prod" in client.get(reverse("submit", args=[crew_draft.pk])).content.decode()
    assert "crew-prod" not in client.get(reverse("submit", args=[draft.pk])).content.decode()
    with pytest.raises(CommandError, match="no target named") as failed:
        call_command("submit_job", str(draft.pk), "--target", "crew-prod", "--cluster", "c1")
    assert failed.value.returncode == 2


def test_a_removed_member_loses_the_team_drafts_they_own(client, crew, crew_draft, owner):
    client.force_login(crew["admin"])
    assert client.post(reverse("member-remove", args=["crew", owner.pk])).status_code == 302
    client.force_login(owner)
    assert client.get(reverse("designer", args=[crew_draft.pk])).status_code == 404
    client.force_login(crew["admin"])
    assert client.get(reverse("designer", args=[crew_draft.pk])).status_code == 200  # the team keeps it
