"""Contract: the official SDK, unchanged, pointed at the embedded sandbox over real HTTP."""

from __future__ import annotations

import time

import pytest
from huaweicloudsdkcdm.v1 import (
    CdmClient,
    CdmCreateJobJsonReq,
    CdmRandomCreateAndStartJobJsonReq,
    Configs,
    ConfigValues,
    CreateAndStartRandomClusterJobRequest,
    CreateJobRequest,
    Input,
    Job,
    ListClustersRequest,
    ShowJobsRequest,
    ShowJobStatusRequest,
    StartJobRequest,
)
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
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


def sdk_job(name: str) -> Job:
    def values(group: str, pairs: list[tuple[str, str]]) -> ConfigValues:
        return ConfigValues(
            configs=[Configs(name=group, inputs=[Input(name=f"{group}.{k}", value=v) for k, v in pairs])]
        )

    return Job(
        job_type="NORMAL_JOB",
        name=name,
        from_connector_name="generic-jdbc-connector",
        from_link_name="mysql_link",
        from_config_values=values("fromJobConfig", [("useSql", "false"), ("schemaName", "shop"), ("tableName", "t")]),
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
