"""Links on a target's clusters: the live check before sending, the designer's findings from the
local copy, the home cluster, and the "Create a link" page (access, bad input, secrets)."""

from __future__ import annotations

import base64
import json
import logging
import re
from urllib.parse import quote, quote_plus

import pytest
from django.urls import reverse

from cdmweb.accounts.models import Membership
from cdmweb.crypto import decrypt
from cdmweb.jobs.clusters import links
from cdmweb.jobs.models import AuditEvent, ClusterJob, ClusterLink, Submission, Target
from cdmweb.jobs.submissions import linkcheck, submitting, targets
from cdmweb.sandbox.engine import cluster_id_for
from cdmweb.sandbox.models import SandboxFault, SandboxLink

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Zq9#link pass/+é"  # a space, a slash, a plus and a non-ASCII letter: every encoding differs


def cluster(settings, name: str = "sandbox-cluster-1") -> str:
    return cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, name)


@pytest.fixture
def listed(sandbox):
    """The sandbox target with its clusters listed, as the submit page lists them."""
    targets.refresh_clusters(sandbox)
    return sandbox


def job_of(draft) -> dict:
    return draft.build()


@pytest.fixture
def valid_draft(owner):
    """A valid private draft (the demo job) with the links given, so only its links can stop it."""
    from cdmweb.jobs.importing import import_text

    from ..conftest import DEMO_BODY

    def make(name: str = "orders", **links: str) -> object:
        body = json.loads(DEMO_BODY.read_text())
        job = body["jobs"][0]
        job["name"] = name
        job.update({f"{side}-link-name": value for side, value in links.items()})
        (draft,), _ = import_text(json.dumps(body), owner)
        assert draft.error_count == 0
        return draft

    return make


# --- the live check ---------------------------------------------------------------------------


def test_check_links_says_which_link_is_missing_where_and_records_what_cdm_said(listed, make_draft, settings):
    draft = make_draft(from_link="nowhere_db")
    problems = linkcheck.check_links(listed, [cluster(settings), cluster(settings, "sandbox-cluster-2")], job_of(draft))
    assert [(p.kind, p.link, p.cluster_name) for p in problems] == [
        ("missing", "nowhere_db", "sandbox-cluster-1"),
        ("missing", "nowhere_db", "sandbox-cluster-2"),
    ]
    assert problems[0].message == "The source link nowhere_db does not exist on cluster sandbox-cluster-1."
    assert all(p.blocking for p in problems)
    missing = ClusterLink.objects.get(target=listed, cluster_id=cluster(settings), name="nowhere_db")
    assert missing.exists is False and missing.checked_at is not None
    found = ClusterLink.objects.get(target=listed, cluster_id=cluster(settings), name="hive_link")
    assert (found.exists, found.connector, found.origin) == (True, "hive-connector", ClusterLink.Origin.CHECKED)
    assert ("generic-jdbc-connector", "hive-connector") not in links.linkspec.unmapped_pairs(found.unmapping)


def test_check_links_refuses_another_connector_and_an_unmapped_pair(listed, make_draft, settings):
    wrong = make_draft(to_link="shop_mysql")  # a JDBC link where the destination is Hive
    (problem,) = linkcheck.check_links(listed, [cluster(settings)], job_of(wrong))
    assert (
        problem.kind == "connector"
        and "is a generic-jdbc-connector link; the job's destination is hive-connector" in (problem.message)
    )
    unmapped = make_draft(name="to_dis", to_connector="dis-connector", to_link="stream_dis")
    kinds = [p.kind for p in linkcheck.check_links(listed, [cluster(settings)], job_of(unmapped))]
    assert "unmapped" in kinds


def test_an_outage_is_said_and_does_not_block(listed, make_draft, settings):
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="503", path_contains="/cdm/link", remaining=100)
    problems = linkcheck.check_links(listed, [cluster(settings)], job_of(make_draft()))
    assert problems and all(p.kind == "unchecked" and not p.blocking for p in problems)
    assert problems[0].message.startswith("Could not check the source link mysql_link on cluster sandbox-cluster-1:")
    assert linkcheck.refusal_text(problems) == ""


def test_submit_refuses_a_job_whose_link_is_missing_where_it_goes_and_records_nothing(
    listed, valid_draft, owner, settings
):
    draft = valid_draft(**{"from": "nowhere_db"})
    with pytest.raises(submitting.SubmissionRefused, match="source link nowhere_db does not exist on cluster sandbox"):
        submitting.submit(draft, listed, owner, "k1", cluster_id=cluster(settings))
    pool = [cluster(settings), cluster(settings, "sandbox-cluster-2")]
    with pytest.raises(submitting.SubmissionRefused, match="sandbox-cluster-2"):
        submitting.submit(draft, listed, owner, "k2", pool=pool)
    assert not Submission.objects.exists()
    fine = valid_draft("fine")
    assert submitting.submit(fine, listed, owner, "k3", cluster_id=cluster(settings)).pk


# --- what cdmweb knows, and the designer ----------------------------------------------------------


def test_known_links_are_the_rows_and_the_links_the_clusters_jobs_name(listed, settings):
    here = cluster(settings)
    ClusterLink.objects.create(target=listed, cluster_id=here, name="made", connector="obs-connector", origin="created")
    ClusterLink.objects.create(target=listed, cluster_id=here, name="gone", exists=False)
    ClusterJob.objects.create(
        target=listed,
        cluster_id=here,
        name="j",
        body={},
        body_hash="x",
        from_link="src",
        from_connector="generic-jdbc-connector",
        to_link="made",
        to_connector="obs-connector",
    )
    ClusterJob.objects.create(target=listed, cluster_id="elsewhere", name="k", body={}, body_hash="y", from_link="far")
    known = links.known_links(listed, here)
    assert [(link.name, link.connector, link.origin) for link in known] == [
        ("made", "obs-connector", "created"),
        ("src", "generic-jdbc-connector", "job"),
    ]


def test_link_findings_come_from_the_local_copy_beside_the_link_fields(listed, make_draft, settings):
    here = cluster(settings)
    draft = make_draft(from_link="gone_db", to_link="hive_link")
    assert links.link_findings(draft) == []  # no home cluster: nothing to say
    draft.home_target, draft.home_cluster_id = listed, here
    draft.save()
    (unknown,) = [f for f in links.link_findings(draft) if f["input"] == "from-link-name"]
    assert unknown["status"] == "WARNING" and "Link gone_db is not on cluster sandbox-cluster-1" in unknown["message"]
    ClusterLink.objects.create(target=listed, cluster_id=here, name="gone_db", exists=False)
    ClusterLink.objects.create(target=listed, cluster_id=here, name="hive_link", connector="obs-connector", exists=True)
    found = {f["input"]: f for f in links.link_findings(draft)}
    assert (found["from-link-name"]["status"], found["from-link-name"]["code"]) == ("ERROR", "Cdm.0101")
    assert found["to-link-name"]["code"] == "Cdm.0317" and "is a obs-connector link" in found["to-link-name"]["message"]
    ClusterLink.objects.filter(name="hive_link").update(
        connector="hive-connector", unmapping=json.dumps({"generic-jdbc-connector": ["hive-connector"]})
    )
    found = {f["input"]: f for f in links.link_findings(draft)}
    assert found["to-link-name"]["code"] == "Cdm.0061"


def test_the_designer_names_a_home_cluster_suggests_its_links_and_shows_the_findings(
    owner_client, listed, make_draft, settings
):
    draft = make_draft(from_link="gone_db")
    here = cluster(settings)
    ClusterLink.objects.create(target=listed, cluster_id=here, name="gone_db", exists=False)
    ClusterLink.objects.create(
        target=listed, cluster_id=here, name="lake_hive", connector="hive-connector", exists=True
    )
    page = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert 'id="home-form"' in page and "Link gone_db" not in page
    choice = f"{listed.pk}:{here}"
    answer = owner_client.post(reverse("draft-home", args=[draft.pk]), {"home": choice})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert (draft.home_target, draft.home_cluster_id) == (listed, here)
    assert AuditEvent.objects.filter(draft=draft, action="edited", detail__contains="home cluster").exists()
    page = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert "Link gone_db is not on cluster sandbox-cluster-1" in page
    assert 'list="link-choices"' in page and '<option value="lake_hive">hive-connector</option>' in page
    owner_client.post(reverse("draft-home", args=[draft.pk]), {"home": "999:nope"})
    draft.refresh_from_db()
    assert draft.home_cluster_id == here  # an unlisted choice changes nothing


def test_a_viewer_cannot_name_the_home_cluster(client, crew, crew_draft, listed, settings):
    client.force_login(crew["viewer"])
    answer = client.post(reverse("draft-home", args=[crew_draft.pk]), {"home": f"{listed.pk}:{cluster(settings)}"})
    assert answer.status_code == 403
    crew_draft.refresh_from_db()
    assert crew_draft.home_cluster_id == ""


# --- the Create a link page -----------------------------------------------------------------------


def create_url(target: Target, cluster_id: str, **extra: str) -> str:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in {"target": target.pk, "cluster": cluster_id, **extra}.items())
    return f"{reverse('link-create')}?{query}"


def link_post(target: Target, cluster_id: str, **changes: str | None) -> dict[str, str]:
    data = {
        "target": str(target.pk),
        "cluster": cluster_id,
        "connector": "generic-jdbc-connector",
        "name": "orders_db",
        "clusters": cluster_id,
        "in__linkConfig__databaseType": "MYSQL",
        "in__linkConfig__host": "10.0.0.5",
        "in__linkConfig__port": "3306",
        "in__linkConfig__username": "cdm",
        "in__linkConfig__password": PASSWORD,
        "create": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_is_built_from_the_connectors_link_inputs(owner_client, listed, settings):
    page = owner_client.get(create_url(listed, cluster(settings), connector="generic-jdbc-connector")).content.decode()
    assert re.search(r'<input[^>]*name="in__linkConfig__host"[^>]*required', page)
    assert re.search(r'host<span class="asteriskField">\*</span>', page)
    assert re.search(
        r"server \*",
        owner_client.get(create_url(listed, cluster(settings), connector="obs-connector")).content.decode(),
    )
    assert '<input type="password" name="in__linkConfig__password"' in page
    assert '<option value="MYSQL">MYSQL</option>' in page  # an enum is a select of its choices
    assert "Test connection" in page and "Create link" in page
    bare = owner_client.get(create_url(listed, cluster(settings))).content.decode()
    assert "choose a connector" in bare and "Create link" not in bare


def test_test_connection_creates_nothing_then_create_creates_encrypts_and_audits(
    owner_client, owner, listed, valid_draft, settings
):
    here = cluster(settings)
    draft = valid_draft(**{"from": "orders_db"})
    tested = owner_client.post(create_url(listed, here), link_post(listed, here, create=None, test="1"))
    assert "Connection works on sandbox-cluster-1" in tested.content.decode()
    assert not SandboxLink.objects.filter(name="orders_db").exists()
    created = owner_client.post(create_url(listed, here), link_post(listed, here, draft=str(draft.pk)))
    assert (
        created.status_code == 302
        and created["Location"] == reverse("submit", args=[draft.pk]) + f"?target={listed.pk}&cluster={here}"
    )
    # Back on the submit page, the cluster the link was made on is the one chosen.
    back = owner_client.get(created["Location"]).content.decode()
    assert re.search(rf'<option value="{here}"[^>]*selected', back) and re.search(r'value="cluster"[^>]*checked', back)
    assert SandboxLink.objects.get(name="orders_db", cluster__cluster_id=here).connector == "generic-jdbc-connector"
    row = ClusterLink.objects.get(target=listed, cluster_id=here, name="orders_db")
    assert (row.origin, row.exists, row.created_by) == ("created", True, owner)
    assert "linkConfig.password" not in row.config and row.config["linkConfig.host"] == "10.0.0.5"
    assert json.loads(decrypt(row.secrets_encrypted)) == {"linkConfig.password": PASSWORD}
    event = AuditEvent.objects.get(action=AuditEvent.Action.LINK_CREATED)
    assert event.draft == draft and "orders_db" in event.detail and PASSWORD not in event.detail
    # The draft now goes through.
    assert submitting.submit(draft, listed, owner, "after", cluster_id=here).pk


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"name": ""}, "Give the link a name."),
        ({"name": "a/b"}, "A link name cannot be . or .. nor hold"),
        ({"name": "x" * 241}, "at most 240 characters"),
        ({"name": "bad\u202ename"}, "invisible or direction-changing characters"),
        ({"clusters": None}, "Tick at least one cluster."),
        ({"clusters": "no-such-cluster"}, "no-such-cluster is not a running cluster of this target."),
        ({"in__linkConfig__host": ""}, "linkConfig.host cannot be left blank."),
        ({"in__linkConfig__password": ""}, "linkConfig.password cannot be left blank."),
        ({"in__linkConfig__databaseType": "SYBASE"}, "databaseType must be one of ORACLE"),
        ({"in__linkConfig__useSSL": "maybe"}, "useSSL must be true or false."),
    ],
)
def test_each_bad_input_gets_a_clear_message_and_creates_nothing(
    owner_client, listed, settings, changes, field_message
):
    here = cluster(settings)
    answer = owner_client.post(create_url(listed, here), link_post(listed, here, **changes))
    assert answer.status_code == 200 and field_message in answer.content.decode()
    assert PASSWORD not in answer.content.decode()
    assert not SandboxLink.objects.filter(name="orders_db").exists()
    assert not ClusterLink.objects.filter(origin="created").exists()


def test_a_link_that_cannot_connect_is_said_beside_the_form_and_created_nowhere(owner_client, listed, settings):
    here = cluster(settings)
    for button in ("test", "create"):
        data = link_post(
            listed, here, **{"in__linkConfig__host": "db.unreachable.example", "create": None, button: "1"}
        )
        answer = owner_client.post(create_url(listed, here), data)
        page = answer.content.decode()
        assert answer.status_code == 200 and "Failed to connect to the database server" in page
        assert 'id="link-failed"' in page
    assert not SandboxLink.objects.filter(name="orders_db").exists()


def test_cdm_down_is_a_message_not_a_500(owner_client, listed, settings):
    here = cluster(settings)
    SandboxFault.objects.create(kind=SandboxFault.GARBAGE, path_contains="/cdm/link", remaining=10)
    answer = owner_client.post(create_url(listed, here), link_post(listed, here))
    assert answer.status_code == 200 and "not JSON" in answer.content.decode()


def test_the_password_appears_on_no_page_and_in_no_log_in_any_encoding(
    owner_client, listed, make_draft, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    here = cluster(settings)
    draft = make_draft(from_link="orders_db")
    pages = []
    # The server repeats the request in its error, in each encoding a careless server uses.
    for encoding in ("json", "url", "base64"):
        SandboxFault.objects.create(kind=SandboxFault.ECHO, value=encoding, path_contains="/cdm/link", remaining=1)
        pages.append(owner_client.post(create_url(listed, here), link_post(listed, here)).content.decode())
    assert all("Invalid input values" in page for page in pages)
    pages.append(owner_client.post(create_url(listed, here), link_post(listed, here, test="1", create=None)).content)
    pages.append(owner_client.post(create_url(listed, here), link_post(listed, here, name="")).content)
    created = owner_client.post(create_url(listed, here), link_post(listed, here, draft=str(draft.pk)), follow=True)
    pages.append(created.content)
    pages.append(owner_client.get(reverse("designer", args=[draft.pk])).content)
    pages.append(owner_client.get(reverse("history", args=[draft.pk])).content)
    text = "\n".join(p if isinstance(p, str) else p.decode() for p in pages) + caplog.text
    raw = PASSWORD.encode()
    forms = {
        PASSWORD,
        json.dumps(PASSWORD)[1:-1],
        quote(PASSWORD, safe=""),
        quote_plus(PASSWORD),
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }
    assert not [form for form in forms if form in text]
    assert "created on sandbox-cluster-1" in created.content.decode()


def test_who_may_create_links(client, crew, listed, settings, django_user_model):
    team_target = Target.objects.create(
        name="crew-cdm", team=crew["team"], project_id=settings.CDM_SANDBOX_PROJECT_ID, clusters=listed.clusters
    )
    here = cluster(settings)
    client.force_login(crew["outsider"])
    assert client.get(create_url(team_target, here)).status_code == 404
    assert client.get(create_url(listed, here)).status_code == 200  # the shared sandbox: anyone signed in
    client.force_login(crew["viewer"])
    refused = client.get(create_url(team_target, here))
    assert refused.status_code == 403 and b"editors" in refused.content
    assert client.post(create_url(team_target, here), link_post(team_target, here)).status_code == 403
    client.force_login(crew["editor"])
    assert client.get(create_url(team_target, here)).status_code == 200
    client.logout()
    assert client.get(create_url(listed, here)).status_code == 302  # to the log-in page
    assert Membership.objects.filter(team=crew["team"]).count() == 5
    # A target every team uses that requires review (production): only approved team drafts go
    # there, so links are created by editors of some team (or staff), not by anyone signed in.
    listed.requires_review = True
    listed.save()
    client.force_login(crew["outsider"])
    assert client.get(create_url(listed, here)).status_code == 403
    client.force_login(crew["viewer"])
    assert client.get(create_url(listed, here)).status_code == 403
    client.force_login(crew["editor"])
    assert client.get(create_url(listed, here)).status_code == 200


# --- the submit page --------------------------------------------------------------------------------


def test_the_submit_page_says_which_link_is_missing_where_with_a_way_to_create_it(
    owner_client, listed, valid_draft, settings
):
    draft = valid_draft(**{"from": "nowhere_db"})
    page = owner_client.get(reverse("submit", args=[draft.pk]) + f"?target={listed.pk}").content.decode()
    assert 'id="link-problems"' in page
    for name in ("sandbox-cluster-1", "sandbox-cluster-2", "sandbox-cluster-3"):
        assert f"The source link nowhere_db does not exist on cluster {name}." in page
    assert "Create nowhere_db on sandbox-cluster-1" in page
    assert f"draft={draft.pk}" in page and "connector=generic-jdbc-connector" in page
    refused = owner_client.post(
        reverse("submit", args=[draft.pk]),
        {
            "target": listed.pk,
            "mode": "cluster",
            "cluster_id": cluster(settings),
            "idempotency_key": "a" * 32,
            "submit": "1",
        },
    )
    assert "does not exist on cluster sandbox-cluster-1" in refused.content.decode()
    assert not Submission.objects.exists()
    fine = valid_draft("fine")
    page = owner_client.get(reverse("submit", args=[fine.pk]) + f"?target={listed.pk}").content.decode()
    assert 'id="link-problems"' not in page
