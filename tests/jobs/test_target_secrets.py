"""Target secrets: stored encrypted, used to talk to CDM, never rendered, logged or exported."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cdmweb.crypto import SecretUnreadable, decrypt, encrypt
from cdmweb.jobs.models import Target
from cdmweb.jobs.submissions import submitting, targets

SECRET = "sk-very-secret-value-4711"


def test_encryption_round_trips_and_a_changed_key_cannot_read_old_secrets(settings):
    token = encrypt(SECRET)
    assert SECRET not in token and decrypt(token) == SECRET
    settings.SECRET_KEY = "another-key-entirely"
    with pytest.raises(SecretUnreadable):
        decrypt(token)


def test_admin_stores_the_secret_encrypted_and_never_shows_it(admin_client):
    response = admin_client.post(
        reverse("admin:jobs_target_add"),
        {
            "name": "prod",
            "endpoint": "https://cdm.example.com",
            "project_id": "p1",
            "auth_mode": "aksk",
            "access_key": "AK123",
            "new_secret": SECRET,
            "x_language": "en-us",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(name="prod")
    assert target.secret_encrypted and SECRET not in target.secret_encrypted
    assert targets.target_secret(target) == SECRET and targets.missing_credentials(target) == ""
    page = admin_client.get(reverse("admin:jobs_target_change", args=[target.pk])).content.decode()
    assert SECRET not in page and target.secret_encrypted not in page and "stored encrypted" in page
    listing = admin_client.get(reverse("admin:jobs_target_changelist")).content.decode()
    assert SECRET not in listing and "stored encrypted" in listing
    # Saving without typing it again keeps it; "forget" removes it.
    data = {
        "name": "prod",
        "endpoint": "https://cdm.example.com",
        "project_id": "p1",
        "auth_mode": "aksk",
        "access_key": "AK123",
        "x_language": "en-us",
    }
    admin_client.post(reverse("admin:jobs_target_change", args=[target.pk]), data)
    target.refresh_from_db()
    assert targets.target_secret(target) == SECRET
    admin_client.post(reverse("admin:jobs_target_change", args=[target.pk]), {**data, "clear_secret": "on"})
    target.refresh_from_db()
    assert target.secret_encrypted == "" and "a secret" in targets.missing_credentials(target)


@pytest.mark.django_db(transaction=True)
def test_a_target_with_an_encrypted_sk_submits_to_the_sandbox(sandbox, settings, owner, draft, caplog):
    from cdmweb.jobs.importing import import_text
    from cdmweb.sandbox.engine import cluster_id_for

    from ..conftest import DEMO_BODY

    encrypted = Target.objects.create(
        name="sandbox-encrypted",
        project_id=settings.CDM_SANDBOX_PROJECT_ID,
        auth_mode=Target.AuthMode.AKSK,
        access_key=settings.CDM_SANDBOX_AK,
        requires_review=False,
    )
    encrypted.set_secret(settings.CDM_SANDBOX_SK)
    encrypted.save()
    (valid,), _ = import_text(DEMO_BODY.read_text(), owner)
    cluster = cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, "sandbox-cluster-1")
    submission = submitting.submit(valid, encrypted, owner, "enc-1", cluster_id=cluster)
    assert submission.state == "accepted"
    assert settings.CDM_SANDBOX_SK not in caplog.text and encrypted.secret_encrypted not in caplog.text
    assert settings.CDM_SANDBOX_SK not in str(submission.body)


def test_team_admin_types_a_secret_instead_of_naming_a_variable(client, crew):
    client.force_login(crew["admin"])
    response = client.post(
        reverse("team-target-add", args=["crew"]),
        {
            "name": "crew-enc",
            "endpoint": "https://cdm.example.com",
            "project_id": "p1",
            "auth_mode": "aksk",
            "access_key": "AK1",
            "new_secret": SECRET,
            "x_language": "en-us",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(name="crew-enc")
    assert targets.target_secret(target) == SECRET
    page = client.get(reverse("team-target", args=["crew", target.pk])).content.decode()
    assert SECRET not in page and target.secret_encrypted not in page
    empty = client.post(
        reverse("team-target-add", args=["crew"]),
        {
            "name": "no-secret",
            "endpoint": "https://x.example.com",
            "project_id": "p",
            "auth_mode": "token",
            "x_language": "en-us",
        },
    )
    assert "Type the secret" in empty.content.decode()


def test_a_stored_secret_is_never_sent_somewhere_new_without_being_typed_again(client, crew):
    client.force_login(crew["admin"])
    data = {
        "name": "crew-move",
        "endpoint": "https://cdm.example.com",
        "project_id": "p1",
        "auth_mode": "aksk",
        "access_key": "AK1",
        "new_secret": SECRET,
        "x_language": "en-us",
    }
    client.post(reverse("team-target-add", args=["crew"]), data)
    target = Target.objects.get(name="crew-move")
    moved = {**data, "new_secret": "", "endpoint": "https://attacker.example.net", "auth_mode": "token"}
    refused = client.post(reverse("team-target", args=["crew", target.pk]), moved)
    assert refused.status_code == 200 and "type the secret again" in refused.content.decode()
    target.refresh_from_db()
    assert target.endpoint == "https://cdm.example.com" and targets.target_secret(target) == SECRET
    # Another team's variables cannot be named either.
    other = client.post(
        reverse("team-target-add", args=["crew"]),
        {**data, "name": "crew-steal", "new_secret": "", "secret_source": f"CDM_TARGET_{crew['team'].pk + 1}_SK"},
    )
    assert f"Name a variable starting with CDM_TARGET_{crew['team'].pk}_" in other.content.decode()
    assert not Target.objects.filter(name="crew-steal").exists()


@pytest.fixture
def catcher():
    """A server of the attacker's: records every request it gets."""
    import http.server
    import threading

    seen: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(201)
            self.send_header("X-Subject-Token", "stolen")
            self.end_headers()

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_no_team_can_name_another_teams_variables_whatever_the_slugs(client, django_user_model, monkeypatch, catcher):
    from django.core.checks import run_checks

    from cdmweb.accounts.models import Membership, Team

    url, seen = catcher
    admin = django_user_model.objects.create_user("sec-admin", password="x")
    sec = Team.objects.create(slug="sec", name="Sec")
    sec_team = Team.objects.create(slug="sec-team", name="Sec team")
    Membership.objects.create(team=sec, user=admin, role="admin")
    theirs = f"{targets.team_variable_prefix(sec_team.pk)}PROD_PASSWORD"
    monkeypatch.setenv(theirs, "sec-team-password-1")
    assert not theirs.startswith(targets.team_variable_prefix(sec.pk))
    assert not targets.team_variable_prefix(sec_team.pk).startswith(targets.team_variable_prefix(sec.pk))
    # The form refuses the other team's variable...
    client.force_login(admin)
    fields = {"name": "sec-prod", "endpoint": url, "project_id": "p1", "auth_mode": "password", "x_language": "en-us"}
    fields.update(iam_endpoint=url, username="u", domain="d", secret_source=theirs)
    refused = client.post(reverse("team-target-add", args=["sec"]), fields)
    assert refused.status_code == 200 and not Target.objects.filter(name="sec-prod").exists()
    assert f"Name a variable starting with {targets.team_variable_prefix(sec.pk)}" in refused.content.decode()
    # ...and a row that names it anyway (made before, or in the admin) is never read nor sent.
    target = Target.objects.create(team=sec, **{k: v for k, v in fields.items()})
    assert targets.target_secret(target) == "" and theirs in targets.missing_credentials(target)
    warnings = [m for m in run_checks(databases=["default"]) if m.id == "cdmweb.W001"]
    assert len(warnings) == 1 and theirs in warnings[0].msg and "sec-prod" in warnings[0].msg
    draft = _team_draft(admin, sec)
    page = client.get(reverse("submit", args=[draft.pk]) + f"?target={target.pk}")
    assert page.status_code == 200 and "not this team" in page.content.decode()
    assert all(b"sec-team-password-1" not in body for body in seen) and seen == []


def _team_draft(owner, team):
    import json

    from cdmweb.jobs.importing import import_text

    from ..conftest import DEMO_BODY

    (draft,), _ = import_text(json.dumps(json.loads(DEMO_BODY.read_text())), owner, team)
    return draft


@pytest.mark.parametrize(
    "endpoint, problem",
    [
        ("http://169.254.169.254", "link-local"),
        ("https://169.254.169.254", "link-local"),
        ("https://127.0.0.1:8000", "loopback"),
        ("https://localhost", "loopback"),
        ("https://10.1.2.3", "private"),
        ("https://[::1]:8443", "loopback"),
        ("https://cdm.example.com/v1.1/x?y=1", "no path"),
        ("https://user:pw@cdm.example.com", "No user name"),
        ("http://93.184.216.34", "Use https"),
        ("ftp://cdm.example.com", "https://host"),
    ],
)
def test_a_team_target_reaches_public_https_hosts_only(client, crew, endpoint, problem):
    client.force_login(crew["admin"])
    data = {
        "name": "crew-ssrf",
        "endpoint": endpoint,
        "project_id": "p1",
        "auth_mode": "token",
        "new_secret": SECRET,
        "x_language": "en-us",
    }
    refused = client.post(reverse("team-target-add", args=["crew"]), data)
    assert refused.status_code == 200 and problem in refused.content.decode(), refused.content.decode()[-3000:]
    assert not Target.objects.filter(name="crew-ssrf").exists()
    ok = client.post(reverse("team-target-add", args=["crew"]), {**data, "endpoint": "https://cdm.example.com:8443"})
    assert ok.status_code == 302


def test_a_target_saved_before_the_rule_is_never_called(client, crew, catcher, settings):
    url, seen = catcher
    target = Target.objects.create(
        team=crew["team"], name="old", endpoint=url, project_id="p1", auth_mode="token", secret_encrypted=""
    )
    target.set_secret(SECRET)
    target.save()
    assert "loopback" in targets.endpoint_refusal(target)
    with pytest.raises(submitting.SubmissionRefused, match="cannot be used"):
        submitting.check(_team_draft(crew["owner"], crew["team"]), target, crew["owner"])
    client.force_login(crew["owner"])
    page = client.get(reverse("submit", args=[_team_draft(crew["owner"], crew["team"]).pk]) + f"?target={target.pk}")
    assert 'id="target-problem"' in page.content.decode() and seen == []
    # The operator may name a private host exactly; its credentials still never travel in clear text.
    settings.CDMWEB_TARGET_HOSTS = ["127.0.0.1"]
    assert "loopback" not in targets.endpoint_refusal(target) and "Use https" in targets.endpoint_refusal(target)
    target.endpoint = target.endpoint.replace("http://", "https://")
    assert targets.endpoint_refusal(target) == ""


def test_the_address_is_checked_again_when_connecting(crew, catcher, monkeypatch):
    """A name can resolve to a public address when the target is checked and to a private one when
    the connection is made (DNS rebinding): the connection itself is refused before anything is sent."""
    from cdmweb.cdm.errors import CdmConnectionError
    from cdmweb.jobs.submissions import endpoints

    url, seen = catcher
    target = Target(team=crew["team"], name="rebound", endpoint=url, project_id="p1", auth_mode="token")
    target.set_secret(SECRET)
    monkeypatch.setattr(targets, "endpoint_problem", lambda *args, **kwargs: "")  # the check saw a public address
    with targets.client_for(target) as client, pytest.raises(CdmConnectionError):
        client.list_clusters()
    assert seen == []
    for address, allowed in [
        ("169.254.169.254", False),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 to the metadata address
        ("2002:a9fe:a9fe::1", False),  # 6to4 of it
        ("::a9fe:a9fe", False),  # IPv4-compatible
        ("::127.0.0.1", False),
        ("100.64.0.1", False),
        ("93.184.216.34", True),
        ("2606:2800:220:1::1", True),
    ]:
        assert endpoints.address_allowed("cdm.example.com", address, loopback_ok=False) is allowed, address
