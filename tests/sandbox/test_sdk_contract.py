"""Contract: the official SDK, unchanged, pointed at the embedded sandbox over real HTTP."""

from __future__ import annotations

import time

import pytest
from huaweicloudsdkcdm.v1 import (
    CdmClient,
    CdmCreateAndUpdateLinkReq,
    CdmCreateJobJsonReq,
    CdmRandomCreateAndStartJobJsonReq,
    CdmStartJobReq,
    CdmUpdateJobJsonReq,
    Configs,
    ConfigValues,
    CreateAndStartRandomClusterJobRequest,
    CreateJobRequest,
    CreateLinkRequest,
    DeleteJobRequest,
    DeleteLinkRequest,
    Input,
    Job,
    Links,
    LinksLinkconfigvalues,
    ListClustersRequest,
    ShowJobsRequest,
    ShowJobStatusRequest,
    ShowLinkRequest,
    ShowSubmissionsRequest,
    StartJobRequest,
    StopJobRequest,
    UpdateJobRequest,
    UpdateLinkRequest,
)
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region


def sdk_client(url: str, ak: str, sk: str, project_id: str) -> CdmClient:
    config = HttpConfig.get_default_config()
    config.timeout = (3, 10)
    return (
        CdmClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_region(Region("sandbox", url))
        .build()
    )


def sdk_job(name: str, from_link: str = "mysql_link", table: str = "t") -> Job:
    def values(group: str, pairs: list[tuple[str, str]]) -> ConfigValues:
        return ConfigValues(
            configs=[Configs(name=group, inputs=[Input(name=f"{group}.{k}", value=v) for k, v in pairs])]
        )

    return Job(
        job_type="NORMAL_JOB",
        name=name,
        from_connector_name="generic-jdbc-connector",
        from_link_name=from_link,
        from_config_values=values("fromJobConfig", [("useSql", "false"), ("schemaName", "shop"), ("tableName", table)]),
        to_connector_name="hive-connector",
        to_link_name="hive_link",
        to_config_values=values(
            "toJobConfig", [("database", "ods"), ("table", "t"), ("tablePreparation", "CREATE_WHEN_NOT_EXIST")]
        ),
        driver_config_values=values("throttlingConfig", [("numExtractors", "1")]),
    )


@pytest.fixture
def sandbox(live_server, settings):
    settings.CDM_SANDBOX_URL = live_server.url
    settings.CDM_SANDBOX_BOOT_SECONDS = 0.2
    settings.CDM_SANDBOX_RUN_SECONDS = 0.8
    return live_server.url


@pytest.mark.django_db(transaction=True)
def test_official_sdk_works_against_the_sandbox(sandbox, settings):
    client = sdk_client(sandbox, settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, settings.CDM_SANDBOX_PROJECT_ID)

    clusters = client.list_clusters(ListClustersRequest()).clusters
    running = [c.id for c in clusters if c.status == "200"]
    assert len(running) >= 3 and any(c.status != "200" for c in clusters)

    cluster = running[0]
    created = client.create_job(
        CreateJobRequest(cluster_id=cluster, body=CdmCreateJobJsonReq(jobs=[sdk_job("sdk_job")]))
    )
    assert created.name == "sdk_job" and not created.validation_result

    with pytest.raises(ClientRequestException) as duplicate:
        client.create_job(CreateJobRequest(cluster_id=cluster, body=CdmCreateJobJsonReq(jobs=[sdk_job("sdk_job")])))
    assert duplicate.value.status_code == 400 and duplicate.value.error_code == "Cdm.0104"

    started = client.start_job(StartJobRequest(cluster_id=cluster, job_name="sdk_job"))
    assert started.submissions[0].status == "BOOTING"
    seen = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status = client.show_job_status(ShowJobStatusRequest(cluster_id=cluster, job_name="sdk_job")).submissions[0]
        seen.append(status.status)
        if status.status in ("SUCCEEDED", "FAILED"):
            break
        time.sleep(0.2)
    assert seen[-1] == "SUCCEEDED" and "RUNNING" in seen

    body = CdmRandomCreateAndStartJobJsonReq(jobs=[sdk_job("sdk_random")], clusters=running)
    answer = client.create_and_start_random_cluster_job(
        CreateAndStartRandomClusterJobRequest(x_language="en-us", body=body)
    )
    assert answer.submissions[0].job_name == "sdk_random"
    landed = []
    for cluster_id in running:
        try:
            client.show_jobs(ShowJobsRequest(cluster_id=cluster_id, job_name="sdk_random"))
        except ClientRequestException:
            continue
        landed.append(cluster_id)
    assert len(landed) == 1

    wrong = sdk_client(sandbox, settings.CDM_SANDBOX_AK, "not-the-secret-key", settings.CDM_SANDBOX_PROJECT_ID)
    with pytest.raises(ClientRequestException) as refused:
        wrong.list_clusters(ListClustersRequest())
    assert refused.value.status_code == 401


LINK_SECRET = "sdk-Link-Secret-5150"


def sdk_link(name: str, host: str = "10.0.0.5", password: str | None = LINK_SECRET) -> Links:
    pairs = [("databaseType", "MYSQL"), ("host", host), ("port", "3306"), ("username", "cdm")]
    if password is not None:
        pairs.append(("password", password))
    inputs = [Input(name=f"linkConfig.{k}", value=v) for k, v in pairs]
    return Links(
        name=name,
        connector_name="generic-jdbc-connector",
        enabled=True,
        link_config_values=LinksLinkconfigvalues(configs=[Configs(name="linkConfig", inputs=inputs)]),
    )


def error_of(call) -> ClientRequestException | ServerResponseException:
    try:
        call()
    except (ClientRequestException, ServerResponseException) as error:
        return error
    raise AssertionError("the call was not refused")


@pytest.mark.django_db(transaction=True)
def test_official_sdk_manages_links_and_deployed_jobs(sandbox, settings):
    from cdmweb.sandbox.models import SandboxSubmission

    client = sdk_client(sandbox, settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, settings.CDM_SANDBOX_PROJECT_ID)
    cluster = next(c.id for c in client.list_clusters(ListClustersRequest()).clusters if c.status == "200")
    link_body = CdmCreateAndUpdateLinkReq(links=[sdk_link("sdk_db")])

    # Links: validate only (nothing created), create, show (no secret), update, unreachable.
    checked = client.create_link(CreateLinkRequest(cluster_id=cluster, validate="true", body=link_body))
    assert checked.name == "sdk_db" and not checked.validation_result
    missing = error_of(lambda: client.show_link(ShowLinkRequest(cluster_id=cluster, link_name="sdk_db")))
    assert (missing.status_code, missing.error_code) == (400, "Cdm.0101")
    created = client.create_link(CreateLinkRequest(cluster_id=cluster, validate="false", body=link_body))
    assert created.name == "sdk_db"
    shown = client.show_link(ShowLinkRequest(cluster_id=cluster, link_name="sdk_db"))
    (link,) = shown.links
    assert link.connector_name == "generic-jdbc-connector" and link.creation_date
    assert "linkConfig.password" not in [i.name for i in link.link_config_values.configs[0].inputs]
    assert LINK_SECRET not in str(shown.to_json_object())
    assert isinstance(shown.from_to_un_mapping, str) and isinstance(shown.batch_from_to_mapping, str)
    duplicate = error_of(lambda: client.create_link(CreateLinkRequest(cluster_id=cluster, body=link_body)))
    assert (duplicate.status_code, duplicate.error_code) == (400, "Cdm.0315")
    moved = CdmCreateAndUpdateLinkReq(links=[sdk_link("sdk_db", host="10.0.0.6", password=None)])
    updated = client.update_link(UpdateLinkRequest(cluster_id=cluster, link_name="sdk_db", body=moved))
    assert not updated.validation_result
    hosts = [
        i.value
        for i in client.show_link(ShowLinkRequest(cluster_id=cluster, link_name="sdk_db"))
        .links[0]
        .link_config_values.configs[0]
        .inputs
        if i.name == "linkConfig.host"
    ]
    assert hosts == ["10.0.0.6"]
    far = CdmCreateAndUpdateLinkReq(links=[sdk_link("sdk_far", host="db.unreachable")])
    unreachable = error_of(lambda: client.create_link(CreateLinkRequest(cluster_id=cluster, validate="true", body=far)))
    assert unreachable.status_code == 500 and "Failed to connect" in unreachable.error_msg + str(unreachable)
    absent = CdmCreateAndUpdateLinkReq(links=[sdk_link("nowhere")])
    gone = error_of(lambda: client.update_link(UpdateLinkRequest(cluster_id=cluster, link_name="nowhere", body=absent)))
    assert (gone.status_code, gone.error_code) == (400, "Cdm.0316")

    # Jobs through that link: list by filter, page and type; update; start with variables; stop.
    for name in ("sdk_a", "sdk_b", "other"):
        client.create_job(
            CreateJobRequest(cluster_id=cluster, body=CdmCreateJobJsonReq(jobs=[sdk_job(name, "sdk_db")]))
        )
    listed = client.show_jobs(
        ShowJobsRequest(
            cluster_id=cluster, job_name="all", filter="sdk_", page_no=1, page_size=10, job_type="NORMAL_JOB"
        )
    )
    assert listed.total == 2 and [j.name for j in listed.jobs] == ["sdk_a", "sdk_b"]
    second = client.show_jobs(ShowJobsRequest(cluster_id=cluster, job_name="all", page_no=2, page_size=10))
    assert second.total == 3 and second.jobs == []
    batch = client.show_jobs(ShowJobsRequest(cluster_id=cluster, job_name="all", job_type="BATCH_JOB"))
    assert batch.total == 0
    small = error_of(lambda: client.show_jobs(ShowJobsRequest(cluster_id=cluster, job_name="all", page_size=5)))
    assert (small.status_code, small.error_code) == (400, "Cdm.0011")
    unlinked = error_of(
        lambda: client.create_job(
            CreateJobRequest(cluster_id=cluster, body=CdmCreateJobJsonReq(jobs=[sdk_job("x", "no_such_link")]))
        )
    )
    assert (unlinked.status_code, unlinked.error_code) == (400, "Cdm.0101")

    change = CdmUpdateJobJsonReq(jobs=[sdk_job("sdk_a", "sdk_db", table="orders")])
    assert not client.update_job(UpdateJobRequest(cluster_id=cluster, job_name="sdk_a", body=change)).validation_result
    (job,) = client.show_jobs(ShowJobsRequest(cluster_id=cluster, job_name="sdk_a")).jobs
    tables = [i.value for i in job.from_config_values.configs[0].inputs if i.name == "fromJobConfig.tableName"]
    assert tables == ["orders"]
    absent_job = CdmUpdateJobJsonReq(jobs=[sdk_job("ghost", "sdk_db")])
    ghost = error_of(lambda: client.update_job(UpdateJobRequest(cluster_id=cluster, job_name="ghost", body=absent_job)))
    assert ghost.error_code == "Cdm.0319"

    start = CdmStartJobReq(variables={"day": "2026-01-31"})
    started = client.start_job(StartJobRequest(cluster_id=cluster, job_name="sdk_a", body=start))
    assert started.submissions[0].status == "BOOTING"
    assert SandboxSubmission.objects.get(job__name="sdk_a").variables == {"day": "2026-01-31"}
    running = error_of(lambda: client.delete_job(DeleteJobRequest(cluster_id=cluster, job_name="sdk_a")))
    assert running.error_code == "Cdm.0052"
    client.stop_job(StopJobRequest(cluster_id=cluster, job_name="sdk_a"))
    status = client.show_job_status(ShowJobStatusRequest(cluster_id=cluster, job_name="sdk_a")).submissions[0]
    assert status.status == "FAILED"
    history = client.show_submissions(ShowSubmissionsRequest(cluster_id=cluster, jname="sdk_a"))
    assert history.total == 1 and history.submissions[0].status == "FAILED"
    assert history.submissions[0].job_name == "sdk_a"

    # A link is not deleted while a job names it; then it is.
    in_use = error_of(lambda: client.delete_link(DeleteLinkRequest(cluster_id=cluster, link_name="sdk_db")))
    assert in_use.error_code == "Cdm.0021" and "in use" in str(in_use)
    for name in ("sdk_a", "sdk_b", "other"):
        client.delete_job(DeleteJobRequest(cluster_id=cluster, job_name=name))
    assert client.show_jobs(ShowJobsRequest(cluster_id=cluster, job_name="all")).total == 0
    client.delete_link(DeleteLinkRequest(cluster_id=cluster, link_name="sdk_db"))
    deleted = error_of(lambda: client.show_link(ShowLinkRequest(cluster_id=cluster, link_name="sdk_db")))
    assert deleted.error_code == "Cdm.0101"
