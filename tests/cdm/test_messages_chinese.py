"""The CDM client's own lines in the viewer's language; what CDM (or IAM) says is passed on as it
came, and secrets are cut out of a Chinese line as out of an English one."""

from __future__ import annotations

import socket

import pytest
from django.utils import translation

from cdmweb.cdm import CdmClient, CdmConnectionError, CdmValidationError, TokenAuth
from cdmweb.cdm.errors import REDACTED, error_from_response


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_connection_error_in_chinese_then_english():
    port = free_port()
    client = CdmClient(f"http://127.0.0.1:{port}", "p1", TokenAuth("t" * 20), retries=0)
    with translation.override("zh-hans"), pytest.raises(CdmConnectionError) as caught:
        client.list_clusters()
    assert str(caught.value) == f"无法连接位于 127.0.0.1:{port} 的 CDM。"
    with translation.override("en"), pytest.raises(CdmConnectionError) as caught:
        client.list_clusters()
    assert str(caught.value) == f"Could not connect to CDM at 127.0.0.1:{port}."


def test_our_words_are_translated_and_cdm_s_own_message_is_not():
    cdm_says = '{"errCode": "Cdm.0104", "externalMessage": "Job [orders_sync] already exists."}'
    with translation.override("zh-hans"):
        refused = error_from_response(400, cdm_says)
        unavailable = error_from_response(503, "<html>Bad gateway</html>")
        validation = CdmValidationError(
            [{"status": "ERROR", "message": "Job name is invalid."}, {"status": "ERROR", "message": "Link missing."}]
        )
    assert str(refused) == "Job [orders_sync] already exists.（HTTP 400, Cdm.0104）"
    assert str(unavailable) == "CDM 暂时不可用。（HTTP 503）"
    assert str(validation) == "CDM 拒绝了该作业：Job name is invalid.（另有 1 项）"


def test_a_chinese_line_is_scrubbed_of_secrets_too():
    secret = "S3cr3t-Passw0rd!"
    body = f'{{"error_msg": "password={secret} rejected for user", "error_code": "IAM.0011"}}'
    with translation.override("zh-hans"):
        error = error_from_response(401, body, {"X-Request-Id": "r-1"}, secrets=[secret])
        timeout_free = error_from_response(502, "", secrets=[secret])
    assert secret not in str(error) and REDACTED in str(error)
    assert str(error).endswith("[请求 r-1]")
    assert str(timeout_free) == "CDM 暂时不可用。（HTTP 502）"
