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
        "to-connector-name": "dis-connector",
        "to-link-name": "dis_link",
        "to-config-values": {
            "configs": [{"name": "toJobConfig", "inputs": [{"name": "toJobConfig.streamName", "value": "s"}]}]
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
