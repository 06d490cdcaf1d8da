"""The embedded CDM sandbox over real HTTP: auth, documented answers and error shapes, faults."""

from __future__ import annotations

import json
import time

import pytest
import requests
from django.conf import settings

from cdmweb.cdm.auth import AkSkAuth, PasswordAuth, TokenAuth
from cdmweb.cdm.client import CdmClient
from cdmweb.cdm.errors import (
    CdmAuthError,
    CdmBadResponse,
    CdmClientError,
    CdmConnectionError,
    CdmNotFound,
    CdmServerError,
)
from cdmweb.sandbox.engine import cluster_id_for
from cdmweb.sandbox.models import SandboxFault, SandboxToken

pytestmark = pytest.mark.django_db(transaction=True)
PROJECT = settings.CDM_SANDBOX_PROJECT_ID  # the one project the sandbox's AK/SK and user belong to


def job(name: str, **changes: str) -> dict:
    body = {
        "job_type": "NORMAL_JOB",
        "name": name,
        "from-connector-name": "generic-jdbc-connector",
        "from-link-name": "mysql_link",
        "from-config-values": {
            "configs": [
                {
                    "name": "fromJobConfig",
                    "inputs": [
                        {"name": "fromJobConfig.useSql", "value": "false"},
                        {"name": "fromJobConfig.schemaName", "value": "s"},
                        {"name": "fromJobConfig.tableName", "value": "t"},
                    ],
                }
            ]
        },
        "to-connector-name": "hive-connector",
        "to-link-name": "hive_link",
        "to-config-values": {
            "configs": [
                {
                    "name": "toJobConfig",
                    "inputs": [
                        {"name": "toJobConfig.table", "value": "t"},
                        {"name": "toJobConfig.tablePreparation", "value": "DO_NOTHING"},
                    ],
                }
            ]
        },
        "driver-config-values": {"configs": []},
    }
    body.update(changes)
    return body


@pytest.fixture
def url(live_server, settings):
    settings.CDM_SANDBOX_BOOT_SECONDS = 0.1
    settings.CDM_SANDBOX_RUN_SECONDS = 0.5
    return live_server.url


@pytest.fixture
def client(url, settings):
    return CdmClient(url, PROJECT, AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, PROJECT))


def cluster(name: str = "sandbox-cluster-1") -> str:
    return cluster_id_for(PROJECT, name)


def test_clusters_are_seeded_per_project_three_running_one_stopped(client):
    clusters = client.list_clusters()["clusters"]
    assert sorted(c["status"] for c in clusters) == ["200", "200", "200", "900"]
    assert client.show_cluster(cluster())["name"] == "sandbox-cluster-1"
    with pytest.raises(CdmNotFound):
        client.show_cluster("nope")


def test_job_lifecycle_and_documented_error_codes(client):
    created = client.create_job(cluster(), {"jobs": [job("life")]})
    assert created == {"name": "life", "validation-result": []}
    with pytest.raises(CdmClientError) as duplicate:
        client.create_job(cluster(), {"jobs": [job("life")]})
    assert (duplicate.value.status, duplicate.value.code) == (400, "Cdm.0104")
    assert client.show_job(cluster(), "life")["jobs"][0]["name"] == "life"
    assert client.show_job(cluster(), "all")["total"] == 1
    started = client.start_job(cluster(), "life")["submissions"][0]
    assert started["status"] == "BOOTING" and started["submission-id"]
    with pytest.raises(CdmClientError) as running:
        client.start_job(cluster(), "life")
    assert running.value.code == "Cdm.0052"
    statuses = []
    while not statuses or statuses[-1] not in ("SUCCEEDED", "FAILED"):
        statuses.append(client.job_status(cluster(), "life")["submissions"][0]["status"])
        time.sleep(0.05)
    assert statuses[-1] == "SUCCEEDED" and "RUNNING" in statuses
    with pytest.raises(CdmNotFound) as missing:
        client.job_status(cluster(), "nobody")
    assert missing.value.code == "Cdm.0100"


def test_stop_turns_a_running_job_failed(client):
    client.create_job(cluster(), {"jobs": [job("stoppable")]})
    client.start_job(cluster(), "stoppable")
    assert client.stop_job(cluster(), "stoppable") == {}
    assert client.job_status(cluster(), "stoppable")["submissions"][0]["status"] == "FAILED"
    with pytest.raises(CdmClientError) as not_running:
        client.stop_job(cluster(), "stoppable")
    assert not_running.value.code == "Cdm.0053"


def test_validation_uses_the_projects_rules_and_refuses_with_cdms_code(client):
    with pytest.raises(CdmClientError) as refused:
        client.create_job(cluster(), {"jobs": [job("bad", job_type="STREAM_JOB")]})
    assert refused.value.code == "Cdm.0055" and "Unsupported job type" in str(refused.value)
    with pytest.raises(CdmNotFound):
        client.show_job(cluster(), "bad")  # nothing was created


@pytest.mark.parametrize("body", [{"jobs": "x"}, {"jobs": []}, {"jobs": [1]}, {"jobs": [{"name": ""}]}, {"nothing": 1}])
def test_malformed_bodies_get_cdm_0018(client, body):
    with pytest.raises(CdmClientError) as refused:
        client.create_job(cluster(), body)
    assert refused.value.code == "Cdm.0018"


def test_stopped_cluster_and_pools_without_running_clusters(client):
    with pytest.raises(CdmClientError) as stopped:
        client.create_job(cluster("sandbox-stopped"), {"jobs": [job("x")]})
    assert stopped.value.code == "Cdm.0201"
    with pytest.raises(CdmClientError) as empty:
        client.create_and_start_random({"jobs": [job("y")], "clusters": [cluster("sandbox-stopped"), "unknown"]})
    assert empty.value.code == "Cdm.0201"


def test_random_pick_never_takes_a_stopped_cluster(client):
    pool = [cluster("sandbox-cluster-2"), cluster("sandbox-stopped")]
    for index in range(6):
        answer = client.create_and_start_random({"jobs": [job(f"r{index}")], "clusters": pool})
        assert answer["submissions"][0]["job-name"] == f"r{index}"
        assert client.show_job(pool[0], f"r{index}")["jobs"][0]["name"] == f"r{index}"


def test_iam_password_tokens(url, settings):
    auth = PasswordAuth(url, settings.CDM_SANDBOX_USER, settings.CDM_SANDBOX_PASSWORD, "sandbox", PROJECT)
    client = CdmClient(url, PROJECT, auth)
    assert len(client.list_clusters()["clusters"]) == 4
    client.list_clusters()
    assert SandboxToken.objects.count() == 1  # cached, not asked again
    # An expired token is refreshed once, transparently.
    SandboxToken.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert len(client.list_clusters()["clusters"]) == 4 and SandboxToken.objects.count() == 2
    wrong = PasswordAuth(url, settings.CDM_SANDBOX_USER, "wrong", "sandbox", PROJECT)
    with pytest.raises(CdmAuthError):
        CdmClient(url, PROJECT, wrong).list_clusters()


def test_bad_credentials_get_401(url, settings):
    for auth in (AkSkAuth(settings.CDM_SANDBOX_AK, "wrong-sk", PROJECT), TokenAuth("not-a-token")):
        with pytest.raises(CdmAuthError) as refused:
            CdmClient(url, PROJECT, auth).list_clusters()
        assert refused.value.status == 401
    response = requests.get(f"{url}/v1.1/{PROJECT}/clusters", timeout=5)
    assert response.status_code == 401 and response.json()["error_code"] == "APIGW.0301"


def test_a_token_only_opens_its_own_project(url, settings):
    auth = PasswordAuth(url, settings.CDM_SANDBOX_USER, settings.CDM_SANDBOX_PASSWORD, "sandbox", PROJECT)
    token = auth.token()
    with pytest.raises(CdmAuthError):
        CdmClient(url, "otherproject", TokenAuth(token)).list_clusters()


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        (SandboxFault.STATUS, "503", CdmServerError),
        (SandboxFault.STATUS, "500", CdmServerError),
        (SandboxFault.GARBAGE, "", CdmBadResponse),
        (SandboxFault.DROP, "", CdmConnectionError),
        (SandboxFault.UNAUTHORIZED, "", CdmAuthError),
    ],
)
def test_faults_on_demand(client, kind, value, error):
    SandboxFault.objects.create(kind=kind, value=value, method="POST", project_id=PROJECT, remaining=1)
    with pytest.raises(error):
        client.create_job(cluster(), {"jobs": [job("faulty")]})
    assert client.create_job(cluster(), {"jobs": [job("fine")]})["name"] == "fine"  # one call only


def test_reads_are_retried_through_a_passing_fault(client):
    SandboxFault.objects.create(kind=SandboxFault.STATUS, value="503", method="GET", remaining=1)
    assert len(client.list_clusters()["clusters"]) == 4


def test_the_sandbox_can_be_switched_off():
    from django.test import override_settings
    from django.urls import clear_url_caches

    import cdmweb.urls

    with override_settings(CDM_SANDBOX_ENABLED=False):
        import importlib

        importlib.reload(cdmweb.urls)
        clear_url_caches()
        from django.urls import Resolver404, resolve

        with pytest.raises(Resolver404):
            resolve(f"/v1.1/{PROJECT}/clusters")
    importlib.reload(cdmweb.urls)
    clear_url_caches()


def test_iam_refusals(url):
    assert requests.post(f"{url}/v3/auth/tokens", data="nope", timeout=5).status_code == 400
    body = {
        "auth": {"identity": {"password": {"user": {"name": "x", "password": "y"}}}, "scope": {"project": {"id": "p"}}}
    }
    assert requests.post(f"{url}/v3/auth/tokens", data=json.dumps(body), timeout=5).status_code == 401


DEEP = ("[" * 100_000 + "]" * 100_000).encode()


def signed_post(url: str, path: str, body: bytes, settings) -> requests.Response:
    auth = AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, PROJECT)
    headers = {"Content-Type": "application/json;charset=UTF-8"}
    headers.update(auth.headers_for("POST", url + path, headers, body))
    return requests.post(url + path, data=body, headers=headers, timeout=10)


def test_hostile_json_is_refused_in_the_callers_shape_never_a_crash(url, settings):
    iam = requests.post(f"{url}/v3/auth/tokens", data=DEEP, timeout=10)
    assert iam.status_code == 400 and iam.json()["error_code"] == "IAM.0011"
    jobs = f"/v1.1/{PROJECT}/clusters/{cluster()}/cdm/job"
    nested: list = []
    for _ in range(200):  # parses, but deeper than anything a job holds, and than what walks it recursively
        nested = [nested]
    for body in (DEEP, json.dumps({"jobs": [job("deep", extra=nested)]}).encode()):
        answer = signed_post(url, jobs, body, settings)
        assert answer.status_code == 400, answer.text[:200]
        assert answer.json()["errCode"] == "Cdm.0018" and "nested" in answer.json()["message"]


def test_an_oversized_body_gets_413_in_cdms_shape(url, settings):
    big = b'{"jobs": ["' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"]}'
    jobs = f"/v1.1/{PROJECT}/clusters/{cluster()}/cdm/job"
    answer = signed_post(url, jobs, big, settings)
    assert answer.status_code == 413 and answer.json()["errCode"] == "Cdm.0018"
    anonymous = requests.post(url + jobs, data=big, headers={"Content-Type": "application/json"}, timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error_code"] == "APIGW.0301"  # who asks comes first
    iam = requests.post(f"{url}/v3/auth/tokens", data=big, timeout=10)
    assert iam.status_code == 413 and iam.json()["error_code"] == "IAM.0011"


def test_an_aksk_pair_and_the_iam_user_belong_to_one_project(url, settings):
    from cdmweb.sandbox.models import SandboxCluster

    other = "another0project0id0000000000000"
    signed_elsewhere = CdmClient(url, other, AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, other))
    with pytest.raises(CdmAuthError) as refused:
        signed_elsewhere.list_clusters()
    assert refused.value.status == 401
    assert not SandboxCluster.objects.filter(project_id=other).exists()  # nothing seeded for it
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": settings.CDM_SANDBOX_USER, "password": settings.CDM_SANDBOX_PASSWORD}},
            },
            "scope": {"project": {"id": other}},
        }
    }
    token = requests.post(f"{url}/v3/auth/tokens", data=json.dumps(body), timeout=5)
    assert token.status_code == 403 and token.json()["error_code"] == "IAM.0003"
    assert CdmClient(url, PROJECT, AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, PROJECT)).list_clusters()


def test_anonymous_callers_neither_use_up_faults_nor_get_a_debug_page(url, settings):
    jobs = f"/v1.1/{PROJECT}/clusters/{cluster()}/cdm/job"
    fault = SandboxFault.objects.create(kind=SandboxFault.ECHO, value="json", path_contains="/cdm/job", remaining=1)
    big = b'{"jobs": ["' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"]}'
    for body in (b"{}", big):
        answer = requests.post(url + jobs, data=body, headers={"Content-Type": "application/json"}, timeout=10)
        assert answer.status_code == 401 and answer.json()["error_code"] == "APIGW.0301"
    fault.refresh_from_db()
    assert fault.remaining == 1
    signed = signed_post(url, jobs, big, settings)  # a caller who may call: the fault, then a 413, in JSON
    assert signed.status_code in (400, 413) and signed.headers["Content-Type"].startswith("application/json")


def test_the_sandbox_refuses_what_the_designer_refuses(client):
    from cdmweb.sandbox.models import SandboxJob

    body = job("slip")
    inputs = body["from-config-values"]["configs"][0]["inputs"]
    inputs[2]["name"] = "fromJobConfig.tabelName"
    with pytest.raises(CdmClientError, match="did you mean fromJobConfig.tableName") as refused:
        client.create_job(cluster(), {"jobs": [body]})
    assert refused.value.code == "Cdm.0089"
    assert not SandboxJob.objects.filter(name="slip").exists()


def test_a_body_with_two_jobs_of_one_name_is_refused_whole(client):
    from cdmweb.sandbox.models import SandboxJob

    with pytest.raises(CdmClientError) as refused:
        client.create_job(cluster(), {"jobs": [job("twin"), job("twin")]})
    assert refused.value.code == "Cdm.0104" and not SandboxJob.objects.filter(name="twin").exists()


# --- links -------------------------------------------------------------------------------------

LINK_SECRET = "Pw-link-7f3a"


def mysql_link(name: str = "orders_db", **inputs: str) -> dict:
    from cdmweb.jobspec.links import build_link

    values = {
        "linkConfig.databaseType": "MYSQL",
        "linkConfig.host": "10.0.0.5",
        "linkConfig.port": "3306",
        "linkConfig.username": "cdm",
        "linkConfig.password": LINK_SECRET,
    }
    values.update(inputs)
    return build_link(name, "generic-jdbc-connector", values)


def test_a_link_is_validated_without_being_created_then_created_and_shown_without_its_secret(client, url):
    from cdmweb.jobspec.links import unmapped_pairs
    from cdmweb.sandbox.models import SandboxLink

    checked = client.create_link(cluster(), {"links": [mysql_link()]}, validate=True)
    assert checked == {"name": "orders_db", "validation-result": []}
    assert not SandboxLink.objects.filter(name="orders_db").exists()
    assert client.create_link(cluster(), {"links": [mysql_link()]})["name"] == "orders_db"
    assert (
        SandboxLink.objects.get(name="orders_db", cluster__cluster_id=cluster()).connector == "generic-jdbc-connector"
    )

    shown = client.show_link(cluster(), "orders_db")
    (link,) = shown["links"]
    names = [i["name"] for i in link["link-config-values"]["configs"][0]["inputs"]]
    assert "linkConfig.host" in names and "linkConfig.password" not in names
    assert link["connector-name"] == "generic-jdbc-connector" and link["creation-date"]
    raw = requests.get(
        f"{url}/v1.1/{PROJECT}/clusters/{cluster()}/cdm/link/orders_db",
        headers={"X-Auth-Token": token(url, settings)},
        timeout=5,
    ).text
    assert LINK_SECRET not in raw
    # A JDBC link serves the documented pairs and names the ones it cannot.
    pairs = unmapped_pairs(shown["fromTo-unMapping"])
    assert ("generic-jdbc-connector", "hive-connector") not in pairs
    assert ("generic-jdbc-connector", "dis-connector") in pairs
    assert isinstance(shown["batchFromTo-mapping"], str) and "hive-connector" in shown["batchFromTo-mapping"]
    with pytest.raises(CdmClientError) as again:
        client.create_link(cluster(), {"links": [mysql_link()]})
    assert (again.value.status, again.value.code) == (400, "Cdm.0315")
    assert "orders_db" in again.value.message


def token(url: str, settings) -> str:
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": settings.CDM_SANDBOX_USER, "password": settings.CDM_SANDBOX_PASSWORD}},
            },
            "scope": {"project": {"id": PROJECT}},
        }
    }
    return requests.post(f"{url}/v3/auth/tokens", data=json.dumps(body), timeout=5).headers["X-Subject-Token"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"links": []}, "Cdm.0018"),
        ({"jobs": [{}]}, "Cdm.0018"),
        ({"links": [{"name": "x", "connector-name": "generic-jdbc-connector"}]}, "Cdm.0018"),
        (
            {
                "links": [
                    {"name": "", "connector-name": "generic-jdbc-connector", "link-config-values": {"configs": []}}
                ]
            },
            "Cdm.0018",
        ),
        (
            {"links": [{"name": "x", "connector-name": "oracle-connector", "link-config-values": {"configs": []}}]},
            "Cdm.0102",
        ),
    ],
)
def test_a_link_body_cdm_cannot_read_is_refused_with_its_code(client, body, code):
    from cdmweb.sandbox.models import SandboxLink

    client.list_clusters()  # seeded before counting
    before = SandboxLink.objects.count()
    with pytest.raises(CdmClientError) as refused:
        client.create_link(cluster(), body)
    assert (refused.value.status, refused.value.code) == (400, code)
    assert SandboxLink.objects.count() == before


def test_a_link_missing_a_required_input_or_unreachable_fails_validation_as_cdm_answers_it(client, url, settings):
    from cdmweb.cdm.errors import CdmValidationError
    from cdmweb.sandbox.models import SandboxLink

    incomplete = mysql_link("half", **{"linkConfig.host": ""})
    with pytest.raises(CdmValidationError, match="linkConfig.host cannot be left blank") as refused:
        client.create_link(cluster(), {"links": [incomplete]}, validate=True)
    assert refused.value.status == 500
    # The documented shape: HTTP 500, the findings per config group.
    answer = requests.post(
        f"{url}/v1.1/{PROJECT}/clusters/{cluster()}/cdm/link?validate=false",
        data=json.dumps({"links": [mysql_link("far", **{"linkConfig.host": "db.unreachable.example"})]}),
        headers={"X-Auth-Token": token(url, settings), "Content-Type": "application/json"},
        timeout=5,
    )
    assert answer.status_code == 500
    (result,) = answer.json()["validation-result"]
    assert result["linkConfig"][0]["status"] == "ERROR"
    assert "Failed to connect to the database server" in result["linkConfig"][0]["message"]
    assert LINK_SECRET not in answer.text
    with pytest.raises(CdmValidationError, match="Failed to connect"):
        client.create_link(cluster(), {"links": [mysql_link("far", **{"linkConfig.host": "unreachable"})]})
    with pytest.raises(CdmValidationError, match="must be one of"):
        client.create_link(cluster(), {"links": [mysql_link("odd", **{"linkConfig.databaseType": "SYBASE"})]})
    assert not SandboxLink.objects.filter(name__in=["half", "far", "odd"]).exists()


def test_a_link_is_updated_keeping_the_secret_it_was_not_sent_and_a_missing_one_is_said(client):
    from cdmweb.jobspec.links import link_values
    from cdmweb.sandbox.models import SandboxLink

    client.create_link(cluster(), {"links": [mysql_link()]})
    shown = client.show_link(cluster(), "orders_db")["links"][0]
    shown["link-config-values"]["configs"][0]["inputs"][1]["value"] = "10.0.0.9"  # host, from what GET gave
    assert client.update_link(cluster(), "orders_db", {"links": [shown]}) == {"validation-result": []}
    stored = link_values(SandboxLink.objects.get(name="orders_db", cluster__cluster_id=cluster()).body)
    assert stored["linkConfig.host"] == "10.0.0.9" and stored["linkConfig.password"] == LINK_SECRET
    with pytest.raises(CdmClientError) as missing:
        client.update_link(cluster(), "nowhere", {"links": [mysql_link("nowhere")]})
    assert (missing.value.status, missing.value.code) == (400, "Cdm.0316")
    with pytest.raises(CdmNotFound) as unknown:
        client.show_link(cluster(), "nowhere")
    assert (unknown.value.status, unknown.value.code) == (400, "Cdm.0101")
    assert unknown.value.message == "Link [nowhere] does not exist."


def test_a_link_in_use_is_not_deleted(client):
    client.create_link(cluster(), {"links": [mysql_link()]})
    client.create_job(cluster(), {"jobs": [job("user", **{"from-link-name": "orders_db"})]})
    with pytest.raises(CdmServerError) as refused:
        client.delete_link(cluster(), "orders_db")
    assert refused.value.code == "Cdm.0021" and refused.value.message == "Given link name is in use"
    client.delete_job(cluster(), "user")
    assert client.delete_link(cluster(), "orders_db") == {}
    with pytest.raises(CdmNotFound):
        client.show_link(cluster(), "orders_db")


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"from-link-name": "nowhere"}, "Cdm.0101", "Link [nowhere] does not exist."),
        ({"to-link-name": "shop_mysql"}, "Cdm.0317", "Invalid link shop_mysql: it is a generic-jdbc-connector link"),
    ],
)
def test_a_job_naming_a_link_its_cluster_lacks_or_of_another_connector_is_refused(client, changes, code, message):
    from cdmweb.cdm.errors import CdmError
    from cdmweb.sandbox.models import SandboxJob

    with pytest.raises(CdmError) as refused:
        client.create_job(cluster(), {"jobs": [job("linked", **changes)]})
    assert refused.value.status == 400 and refused.value.code == code and refused.value.message.startswith(message)
    assert not SandboxJob.objects.filter(name="linked").exists()
    client.create_job(cluster(), {"jobs": [job("linked")]})
    with pytest.raises(CdmError) as update:
        client.update_job(cluster(), "linked", {"jobs": [job("linked", **changes)]})
    assert update.value.code == code


def test_a_pair_the_links_unmapping_excludes_is_refused(client):
    dis = {"name": "toJobConfig", "inputs": [{"name": "toJobConfig.streamName", "value": "s"}]}
    changes = {
        "to-connector-name": "dis-connector",
        "to-link-name": "stream_dis",
        "to-config-values": {"configs": [dis]},
    }
    with pytest.raises(CdmClientError) as refused:
        client.create_job(cluster(), {"jobs": [job("unmapped", **changes)]})
    assert refused.value.code == "Cdm.0061" and "does not support the specified direction" in refused.value.message


def test_every_cluster_has_the_links_the_demo_drafts_name_each_with_its_connector(client):
    from pathlib import Path

    from cdmweb.jobspec.links import job_links
    from cdmweb.sandbox.engine import SEEDED_LINKS

    demo = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo"
    named = {
        (n, c) for path in demo.glob("*.json") for j in json.loads(path.read_text())["jobs"] for _, n, c in job_links(j)
    }
    assert len(named) == 6
    for name, connector in named:
        assert SEEDED_LINKS[name][0] == connector and SEEDED_LINKS[f"{name}_fail"][0] == connector
    for cluster_json in client.list_clusters()["clusters"]:
        for name, connector in named:
            assert client.show_link(cluster_json["id"], name)["links"][0]["connector-name"] == connector


def test_clusters_seeded_before_links_existed_get_them(client):
    import importlib

    from django.apps import apps

    from cdmweb.sandbox.engine import SEEDED_LINKS
    from cdmweb.sandbox.models import SandboxCluster, SandboxLink

    old = SandboxCluster.objects.create(project_id="older", cluster_id="c-old", name="old")
    assert not old.links.exists()
    importlib.import_module("cdmweb.sandbox.migrations.0004_seed_links").seed(apps, None)
    assert set(SandboxLink.objects.filter(cluster=old).values_list("name", flat=True)) == set(SEEDED_LINKS)
