"""CDM's verdict agrees everywhere: every accepted body is created by the sandbox over HTTP and passes
the validate_job command; every refused body is refused by the sandbox with CDM's code (nothing is
created) and makes the command exit 1 naming that code."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from cdmweb.cdm.auth import AkSkAuth
from cdmweb.cdm.client import CdmClient
from cdmweb.cdm.errors import CdmClientError
from cdmweb.sandbox.engine import cluster_id_for
from cdmweb.sandbox.models import SandboxJob

from ..conftest import sandbox_links_for
from ..verdict_cases import ACCEPTED, REFUSED

PROJECT = settings.CDM_SANDBOX_PROJECT_ID
CLUSTER = cluster_id_for(PROJECT, "sandbox-cluster-1")


@pytest.fixture
def cdm(live_server):
    auth = AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, PROJECT)
    return CdmClient(live_server.url, PROJECT, auth)


def validate_command(body: dict, tmp_path) -> tuple[int, str]:
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"jobs": [body]}), encoding="utf-8")
    out = StringIO()
    try:
        call_command("validate_job", str(path), stdout=out)
    except CommandError as refused:
        return refused.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ACCEPTED)
def test_an_accepted_body_is_created_and_passes_the_command(name, cdm, tmp_path):
    body = copy.deepcopy(ACCEPTED[name][0])
    body["name"] = f"accepted_{list(ACCEPTED).index(name)}"
    assert validate_command(body, tmp_path)[0] == 0
    sandbox_links_for(body)
    assert cdm.create_job(CLUSTER, {"jobs": [body]})["name"] == body["name"]
    assert SandboxJob.objects.filter(name=body["name"]).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_body_is_refused_with_cdms_code_everywhere(name, cdm, tmp_path):
    case = REFUSED[name]
    body = case.body()
    returncode, output = validate_command(body, tmp_path)
    assert returncode == 1 and f"ERROR {case.code}" in output
    with pytest.raises(CdmClientError) as refused:
        cdm.create_job(CLUSTER, {"jobs": [body]})
    assert refused.value.code == case.code and refused.value.status == 400
    assert not SandboxJob.objects.exists()
