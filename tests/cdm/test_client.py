"""CdmClient against a scripted HTTP server on 127.0.0.1 (the far side of the network, nothing more)."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cdmweb.cdm import (
    AkSkAuth,
    CdmAuthError,
    CdmBadResponse,
    CdmClient,
    CdmClientError,
    CdmConnectionError,
    CdmError,
    CdmNotFound,
    CdmServerError,
    CdmTimeout,
    CdmValidationError,
    PasswordAuth,
    TokenAuth,
    signing,
    submission_summaries,
    submission_summary,
)
from cdmweb.cdm.errors import clean_text

RESPONSES = Path(__file__).resolve().parents[1] / "corpus" / "responses"
PROJECT = "0123456789abcdef0123456789abcdef"
CLUSTER = "bae65496-643e-47ca-84af-948672de7eeb"
TOKEN = "MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQMEAgEwggLrBgkqhkiG9w0BBwGgggLcBIIC2Hsi"
NEW_TOKEN = "MIIFnewTOKENvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQMEAgEwggLrBgkqhkiG9w0BBwGgggLcBIIC2Zz9"
PASSWORD = "Pa55w0rd!-do-not-leak"
AK = "HPUAEXAMPLEAK0000001"
SK = "Sk0Example1Secret2Key3Do4Not5Leak6789ABC"


def corpus(name: str) -> bytes:
    return next(RESPONSES.glob(f"{name}*.json")).read_bytes()


# --- the scripted server ----------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)


class FakeCloud:
    """Records every request; answers CDM paths from a queue and IAM's token path from ``iam``."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.queue: deque[Reply | Callable[[Seen], Reply]] = deque()
        self.default = Reply()
        self.iam: Callable[[Seen], Reply] = lambda seen: Reply(500, b"no IAM scripted")
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.url = ""

    def script(self, *replies: Reply | Callable[[Seen], Reply]) -> None:
        self.queue.extend(replies)

    def cdm_requests(self) -> list[Seen]:
        return [s for s in self.seen if not s.path.startswith("/v3/")]

    def iam_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith("/v3/")]

    def answer(self, seen: Seen) -> Reply:
        with self.lock:
            self.seen.append(seen)
            if seen.path.startswith("/v3/auth/tokens"):
                return self.iam(seen)
            item = self.queue.popleft() if self.queue else self.default
        return item(seen) if callable(item) else item


def make_handler(cloud: FakeCloud) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 5
        # Buffered, so headers and body leave in one write (no Nagle/delayed-ACK pause on keep-alive).
        wbufsize = 64 * 1024

        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            seen = Seen(self.command, parts.path, parts.query, dict(self.headers.items()), body)
            reply = cloud.answer(seen)
            if reply.delay and cloud.stop.wait(reply.delay):
                return
            if reply.drop:
                self.close_connection = True
                return
            payload = reply.body
            if isinstance(payload, dict | list):
                payload = json.dumps(payload)
            if isinstance(payload, str):
                payload = payload.encode("utf-8")
            try:
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json;charset=UTF-8", **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout tests)

        do_GET = do_POST = do_PUT = do_DELETE = handle_any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def _server() -> Iterator[FakeCloud]:
    fake = FakeCloud()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(fake))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield fake
    finally:
        fake.stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def cloud(_server: FakeCloud) -> FakeCloud:
    """The module's server, with a fresh script and log for each test."""
    with _server.lock:
        _server.seen = []
        _server.queue.clear()
        _server.default = Reply()
        _server.iam = FakeCloud().iam
    return _server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(cloud: FakeCloud, auth: Any = None, **options: Any) -> CdmClient:
    options.setdefault("sleep", Sleeps())
    return CdmClient(cloud.url, PROJECT, auth or TokenAuth(TOKEN), **options)


def iam_ok(tokens: list[str], lifetime: timedelta = timedelta(hours=24), delay: float = 0.0):
    """IAM answering 201; each call hands out the next token of ``tokens`` (the last one repeats)."""
    calls: list[Seen] = []

    def reply(seen: Seen) -> Reply:
        token = tokens[min(len(calls), len(tokens) - 1)]
        calls.append(seen)
        expires = (datetime.now(UTC) + lifetime).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = {"token": {"expires_at": expires, "issued_at": "2024-01-01T00:00:00.000000Z", "methods": ["password"]}}
        return Reply(201, body, {"X-Subject-Token": token}, delay)

    return reply


def password_auth(cloud: FakeCloud, **options: Any) -> PasswordAuth:
    return PasswordAuth(cloud.url, "cdm-user", PASSWORD, "my-domain", PROJECT, **options)


# --- operations: method, path, headers, body ------------------------------------------------------------------


def test_create_job_posts_the_body_with_token_and_json_headers(cloud):
    cloud.script(Reply(200, corpus("01")))
    body = {"jobs": [{"name": "mysql2hive", "job_type": "NORMAL_JOB", "note": "Zürich"}]}
    assert make_client(cloud).create_job(CLUSTER, body) == {"name": "mysql2hive"}
    (seen,) = cloud.seen
    assert (seen.method, seen.path) == ("POST", f"/v1.1/{PROJECT}/clusters/{CLUSTER}/cdm/job")
    assert seen.header("X-Auth-Token") == TOKEN
    assert seen.header("Content-Type") == "application/json;charset=UTF-8"
    assert seen.header("X-Language") is None
    assert seen.json() == body
    assert "Zürich".encode() in seen.body


def test_create_job_accepts_empty_validation_objects(cloud):
    cloud.script(Reply(200, corpus("08")), Reply(200, corpus("04")))
    client = make_client(cloud)
    assert client.create_job(CLUSTER, {"jobs": []})["name"] == "mysql2hive"
    assert client.create_job(CLUSTER, {"jobs": []}) == {"validation-result": [{}, {}, {}]}


def test_create_and_start_random_posts_to_the_project_and_returns_submissions(cloud):
    cloud.script(Reply(200, corpus("06")), Reply(200, corpus("07")), Reply(200, corpus("08")))
    client = make_client(cloud)
    body = {"jobs": [{"name": "obs2obs-03"}], "clusters": [CLUSTER, "other"]}
    first = client.create_and_start_random(body)
    assert first["submissions"][0]["submission-id"] == 13
    assert submission_summary(client.create_and_start_random(body)["submissions"][0]).submission_id == 13
    assert client.create_and_start_random(body)["submissions"] == []
    seen = cloud.seen[0]
    assert (seen.method, seen.path, seen.json()) == ("POST", f"/v1.1/{PROJECT}/clusters/job", body)
    # The SDK marks X-Language as required for this call only.
    assert seen.header("X-Language") == "en-us"


def test_start_job_puts_variables_or_an_empty_object_and_encodes_the_name(cloud):
    cloud.script(Reply(200, corpus("09")), Reply(200, corpus("15")))
    client = make_client(cloud, x_language="de-de")
    answer = client.start_job("c 1", "jöb/1 a?", {"date": "2024-01-01"})
    assert answer["submissions"][0]["status"] == "BOOTING"
    client.start_job(CLUSTER, "mysql2dws")
    first, second = cloud.seen
    assert first.method == "PUT"
    assert first.path == f"/v1.1/{PROJECT}/clusters/c%201/cdm/job/j%C3%B6b%2F1%20a%3F/start"
    assert first.json() == {"variables": {"date": "2024-01-01"}}
    assert second.json() == {}
    assert first.header("X-Language") == second.header("X-Language") == "de-de"


def test_stop_job_puts_without_a_body(cloud):
    cloud.script(Reply(200, corpus("10")))
    assert make_client(cloud).stop_job(CLUSTER, "mysql2dws") == {}
    (seen,) = cloud.seen
    assert (seen.method, seen.path, seen.body) == (
        "PUT",
        f"/v1.1/{PROJECT}/clusters/{CLUSTER}/cdm/job/mysql2dws/stop",
        b"",
    )
    assert seen.header("Content-Type") is None


def test_reads_use_get_on_the_documented_paths(cloud):
    cloud.script(Reply(200, corpus("16")), Reply(200, {"jobs": [{"name": "j"}], "total": 0}), Reply(200, corpus("12")))
    cloud.script(Reply(200, corpus("13")))
    client = make_client(cloud)
    status = client.job_status(CLUSTER, "mysql2dws")
    assert submission_summaries(status)[0].rows_written == 80
    assert client.show_job(CLUSTER, "mysql2dws")["jobs"][0]["name"] == "j"
    assert client.list_clusters()["clusters"][0]["name"] == "cdm-c018"
    assert client.show_cluster(CLUSTER)["instances"][0]["config_status"] == "In-Sync"
    base = f"/v1.1/{PROJECT}/clusters"
    assert [(s.method, s.path, s.body) for s in cloud.seen] == [
        ("GET", f"{base}/{CLUSTER}/cdm/job/mysql2dws/status", b""),
        ("GET", f"{base}/{CLUSTER}/cdm/job/mysql2dws", b""),
        ("GET", base, b""),
        ("GET", f"{base}/{CLUSTER}", b""),
    ]
    assert all(s.header("Content-Type") is None for s in cloud.seen)


def test_paths_and_methods_match_the_official_sdk(cloud):
    """The same operations through huaweicloudsdkcdm hit the same method and path as ours."""
    from huaweicloudsdkcdm.v1 import CdmClient as SdkClient
    from huaweicloudsdkcdm.v1 import (
        CdmCreateJobJsonReq,
        CdmRandomCreateAndStartJobJsonReq,
        CdmStartJobReq,
        CreateAndStartRandomClusterJobRequest,
        CreateJobRequest,
        ListClustersRequest,
        ShowClusterDetailRequest,
        ShowJobsRequest,
        ShowJobStatusRequest,
        StartJobRequest,
        StopJobRequest,
    )
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.region.region import Region

    cloud.default = Reply(200, {"submissions": [], "clusters": [], "jobs": []})
    sdk = SdkClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT))
    sdk = sdk.with_region(Region("local", cloud.url)).build()
    name = "jöb 1/ä"
    sdk.create_job(CreateJobRequest(cluster_id=CLUSTER, body=CdmCreateJobJsonReq(jobs=[])))
    sdk.create_and_start_random_cluster_job(
        CreateAndStartRandomClusterJobRequest(
            x_language="en-us", body=CdmRandomCreateAndStartJobJsonReq(jobs=[], clusters=[CLUSTER])
        )
    )
    sdk.start_job(StartJobRequest(cluster_id=CLUSTER, job_name=name, body=CdmStartJobReq(variables={"a": "b"})))
    sdk.stop_job(StopJobRequest(cluster_id=CLUSTER, job_name=name))
    sdk.show_job_status(ShowJobStatusRequest(cluster_id=CLUSTER, job_name=name))
    sdk.show_jobs(ShowJobsRequest(cluster_id=CLUSTER, job_name=name))
    sdk.list_clusters(ListClustersRequest())
    sdk.show_cluster_detail(ShowClusterDetailRequest(cluster_id=CLUSTER))
    theirs = [(s.method, s.path, s.body and json.loads(s.body)) for s in cloud.seen]
    cloud.seen.clear()

    client = make_client(cloud, AkSkAuth(AK, SK, PROJECT))
    client.create_job(CLUSTER, {"jobs": []})
    client.create_and_start_random({"jobs": [], "clusters": [CLUSTER]})
    client.start_job(CLUSTER, name, {"a": "b"})
    client.stop_job(CLUSTER, name)
    client.job_status(CLUSTER, name)
    client.show_job(CLUSTER, name)
    client.list_clusters()
    client.show_cluster(CLUSTER)
    mine = [(s.method, s.path, s.body and json.loads(s.body)) for s in cloud.seen]
    assert mine == theirs

    # Our AK/SK requests carry the SDK's signed-header set (minus its User-Agent detail) and verify server-side.
    for seen in cloud.seen:
        signed = seen.header("Authorization").split("SignedHeaders=")[1].split(",")[0].split(";")
        assert {"host", "x-project-id", "x-sdk-date", "user-agent"} <= set(signed)
        assert seen.header("X-Project-Id") == PROJECT
        access_key = signing.verify_request(
            seen.method, seen.path, seen.query, seen.headers, seen.body, {AK: SK}.get, datetime.now(UTC)
        )
        assert access_key == AK


# --- transport: timeouts, connection errors, retries ----------------------------------------------------------


def test_a_slow_answer_raises_cdm_timeout_at_the_read_timeout(cloud):
    cloud.script(Reply(200, b"{}", delay=3))
    client = make_client(cloud, read_timeout=0.4, retries=0)
    started = time.monotonic()
    with pytest.raises(CdmTimeout) as caught:
        client.create_job(CLUSTER, {"jobs": []})
    elapsed = time.monotonic() - started
    assert 0.35 <= elapsed < 1.5
    assert str(caught.value) == (
        f"CDM did not answer within 0.4 s (POST /v1.1/{PROJECT}/clusters/{CLUSTER}/cdm/job). "
        "It may still have been carried out."
    )
    assert caught.value.maybe_applied is True
    assert len(cloud.seen) == 1


def test_a_dropped_connection_is_retried_for_get_and_flagged_for_writes(cloud):
    cloud.script(Reply(drop=True), Reply(200, corpus("12")), Reply(drop=True), Reply(200))
    client = make_client(cloud)
    assert client.list_clusters()["clusters"]
    with pytest.raises(CdmConnectionError) as caught:
        client.start_job(CLUSTER, "j")
    assert str(caught.value) == (
        f"The connection to CDM at {cloud.url.removeprefix('http://')} broke. It may still have been carried out."
    )
    assert caught.value.maybe_applied is True
    assert [s.method for s in cloud.seen] == ["GET", "GET", "PUT"]


def test_a_slow_get_is_retried_but_a_slow_post_is_not(cloud):
    cloud.script(Reply(200, b"{}", delay=3), Reply(200, corpus("12")))
    client = make_client(cloud, read_timeout=0.3, retries=2)
    assert client.list_clusters()["clusters"]
    assert len(cloud.seen) == 2
    assert client._sleep == [0.3]

    cloud.seen.clear()
    cloud.script(Reply(200, b"{}", delay=3), Reply(200, b"{}"))
    with pytest.raises(CdmTimeout):
        client.start_job(CLUSTER, "j")
    assert len(cloud.seen) == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_raises_cdm_connection_error_after_get_retries(caplog):
    port = free_port()
    sleeps = Sleeps()
    client = CdmClient(f"http://127.0.0.1:{port}", PROJECT, TokenAuth(TOKEN), retries=2, sleep=sleeps)
    caplog.set_level(logging.INFO, logger="cdmweb.cdm")
    with pytest.raises(CdmConnectionError) as caught:
        client.list_clusters()
    assert str(caught.value) == f"Could not connect to CDM at 127.0.0.1:{port}."
    assert sleeps == [0.3, 0.6]
    failures = [r for r in caplog.records if "failed after" in r.getMessage()]
    assert len(failures) == 3
    assert all("ConnectionError" in r.getMessage() for r in failures)

    sleeps.clear()
    with pytest.raises(CdmConnectionError) as caught:
        client.create_job(CLUSTER, {"jobs": []})
    assert sleeps == []
    assert caught.value.maybe_applied is False  # refused: provably never reached CDM


def test_get_is_retried_on_503_then_succeeds(cloud):
    cloud.script(Reply(503, b"busy"), Reply(502, b""), Reply(200, corpus("12")))
    client = make_client(cloud, retries=2, backoff=0.5)
    assert client.list_clusters()["clusters"][0]["id"] == CLUSTER
    assert len(cloud.seen) == 3
    assert client._sleep == [0.5, 1.0]


def test_get_gives_up_after_the_retries(cloud):
    cloud.script(Reply(503), Reply(504), Reply(503), Reply(200))
    with pytest.raises(CdmServerError) as caught:
        make_client(cloud, retries=2).show_cluster(CLUSTER)
    assert caught.value.status == 503
    assert str(caught.value) == "CDM is temporarily unavailable. (HTTP 503)"
    assert len(cloud.seen) == 3


@pytest.mark.parametrize("call", ["create_job", "create_and_start_random", "start_job", "stop_job"])
def test_writes_are_never_retried(cloud, call):
    cloud.script(Reply(503, {"error_code": "APIGW.0308", "error_msg": "The request is throttled."}), Reply(200))
    client = make_client(cloud, retries=5)
    operation = {
        "create_job": lambda: client.create_job(CLUSTER, {"jobs": []}),
        "create_and_start_random": lambda: client.create_and_start_random({"jobs": []}),
        "start_job": lambda: client.start_job(CLUSTER, "j"),
        "stop_job": lambda: client.stop_job(CLUSTER, "j"),
    }[call]
    with pytest.raises(CdmServerError) as caught:
        operation()
    assert (caught.value.code, caught.value.message) == ("APIGW.0308", "The request is throttled.")
    assert len(cloud.seen) == 1
    assert client._sleep == []


def test_500_is_a_server_error_and_not_retried(cloud):
    cloud.script(Reply(500, b"<html>Internal Server Error</html>", {"X-Request-Id": "req-42"}))
    with pytest.raises(CdmServerError) as caught:
        make_client(cloud).show_job(CLUSTER, "j")
    error = caught.value
    assert (error.status, error.code, error.request_id) == (500, None, "req-42")
    assert error.body == "<html>Internal Server Error</html>"
    assert str(error) == "CDM failed to process the request. (HTTP 500) [request req-42]"
    assert len(cloud.seen) == 1


# --- error bodies ------------------------------------------------------------------------------------------------


JOB_EXISTS = "Job name already exist or created by other."
IAM_INFO = "Incorrect IAM authentication information."


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "message"),
    [
        (400, corpus("02"), CdmClientError, "Cdm.0104", JOB_EXISTS),
        (400, corpus("03"), CdmClientError, "Cdm.0104", JOB_EXISTS),
        (400, corpus("05"), CdmClientError, "Cdm.00095", "A job with the name obs-obs does not exist."),
        (400, corpus("11"), CdmNotFound, "Cdm.0100", "Job[jdbc2hive] doesn't exist."),
        (500, corpus("11"), CdmNotFound, "Cdm.0100", "Job[jdbc2hive] doesn't exist."),
        (
            400,
            {"errCode": "Cdm.0054", "externalMessage": "Job x does not exist."},
            CdmNotFound,
            "Cdm.0054",
            "Job x does not exist.",
        ),
        (
            400,
            {"code": "Cdm.0101", "message": "Link [l] does not exist."},
            CdmNotFound,
            "Cdm.0101",
            "Link [l] does not exist.",
        ),
        (404, b"<html>Not Found</html>", CdmNotFound, None, "The CDM resource does not exist."),
        (
            400,
            {"ternalMessage": "Only the typo key.", "errCode": "Cdm.0014"},
            CdmClientError,
            "Cdm.0014",
            "Only the typo key.",
        ),
        (401, {"error_code": "APIGW.0301", "error_msg": IAM_INFO}, CdmAuthError, "APIGW.0301", IAM_INFO),
        (
            403,
            {"errorCode": "CDM.0403", "errorMsg": "Forbidden by policy."},
            CdmAuthError,
            "CDM.0403",
            "Forbidden by policy.",
        ),
        (400, {"errCode": "Cdm.0032", "externalMessage": "No permission."}, CdmAuthError, "Cdm.0032", "No permission."),
        (429, {"error_code": "APIGW.0308", "error_msg": "Throttled."}, CdmClientError, "APIGW.0308", "Throttled."),
        (
            400,
            {"error": {"code": 400, "message": "Nested IAM style.", "title": "Bad Request"}},
            CdmClientError,
            "400",
            "Nested IAM style.",
        ),
        (409, b"", CdmClientError, None, "CDM rejected the request."),
    ],
)
def test_error_bodies_map_to_error_classes(cloud, status, body, cls, code, message):
    cloud.script(Reply(status, body))
    with pytest.raises(CdmError) as caught:
        make_client(cloud).show_job(CLUSTER, "jdbc2hive")
    error = caught.value
    assert type(error) is cls
    assert (error.status, error.code, error.message) == (status, code, message)
    suffix = f"(HTTP {status}, {code})" if code and code != str(status) else f"(HTTP {status})"
    assert str(error) == f"{message} {suffix}"
    assert len(cloud.seen) == 1


def test_errcode_wins_over_code_but_both_are_kept(cloud):
    cloud.script(Reply(400, corpus("05")))
    with pytest.raises(CdmClientError) as caught:
        make_client(cloud).start_job(CLUSTER, "obs-obs")
    assert caught.value.code == caught.value.err_code == "Cdm.00095"
    assert caught.value.codes == {"errCode": "Cdm.00095", "code": "Cdm.0095"}
    assert caught.value.body == corpus("05").decode()


@pytest.mark.parametrize(
    "body", [b"<html>ok</html>", b"[1, 2]", b'"text"', b"null", b"\xff\xfe{}", b'{"name": ', b"42"]
)
def test_garbage_200_is_a_bad_response(cloud, body):
    cloud.script(Reply(200, body))
    with pytest.raises(CdmBadResponse) as caught:
        make_client(cloud).list_clusters()
    assert caught.value.status == 200
    assert "\n" not in str(caught.value)


def test_wrong_shapes_are_bad_responses_and_empty_bodies_are_empty(cloud):
    cloud.script(Reply(200, {"clusters": "none"}), Reply(200, {"submissions": {"a": 1}}), Reply(200, b""))
    client = make_client(cloud)
    with pytest.raises(CdmBadResponse):
        client.list_clusters()
    with pytest.raises(CdmBadResponse):
        client.job_status(CLUSTER, "j")
    assert client.stop_job(CLUSTER, "j") == {}


def test_validation_errors_on_200_raise_with_findings(cloud):
    job_result = {
        "name": "j",
        "validation-result": [
            {"message": "Warn only.", "status": "WARNING"},
            {"message": "Table [t] does not exist.", "status": "ERROR"},
            {"message": "Second error.", "status": "ERROR"},
        ],
    }
    link_result = {"validation-result": [{"linkConfig": [{"message": "Cannot connect.", "status": "ERROR"}]}]}
    cloud.script(
        Reply(200, job_result),
        Reply(200, link_result),
        Reply(200, {"validation-result": job_result["validation-result"][:1]}),
    )
    client = make_client(cloud)
    with pytest.raises(CdmValidationError) as caught:
        client.create_job(CLUSTER, {"jobs": []})
    error = caught.value
    assert str(error) == "CDM refused the job: Table [t] does not exist. (+1 more)"
    assert error.status == 200
    assert [f["status"] for f in error.findings] == ["WARNING", "ERROR", "ERROR"]
    assert len(error.errors) == 2 and error.response["name"] == "j"
    with pytest.raises(CdmValidationError) as caught:
        client.stop_job(CLUSTER, "j")
    assert caught.value.findings == [{"status": "ERROR", "message": "Cannot connect.", "section": "linkConfig"}]
    assert client.create_job(CLUSTER, {"jobs": []})["validation-result"][0]["status"] == "WARNING"


# --- authentication -----------------------------------------------------------------------------------------------


def test_password_auth_gets_one_token_and_reuses_it(cloud):
    cloud.iam = iam_ok([TOKEN])
    cloud.default = Reply(200, corpus("12"))
    auth = password_auth(cloud)
    client = make_client(cloud, auth)
    for _ in range(3):
        client.list_clusters()
    client.create_job(CLUSTER, {"jobs": []})
    (iam,) = cloud.iam_requests()
    assert (iam.method, iam.path, parse_qs(iam.query)) == ("POST", "/v3/auth/tokens", {"nocatalog": ["true"]})
    assert iam.header("Content-Type") == "application/json;charset=utf8"
    assert iam.json() == {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": "cdm-user", "password": PASSWORD, "domain": {"name": "my-domain"}}},
            },
            "scope": {"project": {"id": PROJECT}},
        }
    }
    assert [s.header("X-Auth-Token") for s in cloud.cdm_requests()] == [TOKEN] * 4
    assert auth.token_requests == 1


def test_password_auth_threads_share_one_iam_call(cloud):
    cloud.iam = iam_ok([TOKEN], delay=0.2)
    cloud.default = Reply(200, corpus("12"))
    client = make_client(cloud, password_auth(cloud))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            client.list_clusters()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert errors == []
    assert len(cloud.iam_requests()) == 1
    assert len(cloud.cdm_requests()) == 6


def test_password_auth_refreshes_once_on_401_for_any_method(cloud):
    cloud.iam = iam_ok([TOKEN, NEW_TOKEN])
    refused = Reply(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information."})
    cloud.script(refused, Reply(200, corpus("01")))
    auth = password_auth(cloud)
    client = make_client(cloud, auth)
    assert client.create_job(CLUSTER, {"jobs": []}) == {"name": "mysql2hive"}
    assert [s.header("X-Auth-Token") for s in cloud.cdm_requests()] == [TOKEN, NEW_TOKEN]
    assert len(cloud.iam_requests()) == 2
    assert [s.method for s in cloud.cdm_requests()] == ["POST", "POST"]
    assert client._sleep == []


def test_password_auth_fails_cleanly_when_still_refused(cloud, caplog):
    caplog.set_level(logging.DEBUG)
    cloud.iam = iam_ok([TOKEN, NEW_TOKEN])
    refused = Reply(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information."})
    cloud.default = refused
    client = make_client(cloud, password_auth(cloud))
    with pytest.raises(CdmAuthError) as caught:
        client.start_job(CLUSTER, "j")
    assert str(caught.value) == "Incorrect IAM authentication information. (HTTP 401, APIGW.0301)"
    assert len(cloud.cdm_requests()) == 2
    assert len(cloud.iam_requests()) == 2
    assert_no_secrets(caplog, caught.value, client)


def test_token_auth_is_not_retried_on_401(cloud):
    cloud.default = Reply(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information."})
    with pytest.raises(CdmAuthError):
        make_client(cloud).list_clusters()
    assert len(cloud.seen) == 1


def test_password_auth_refreshes_five_minutes_before_expiry(cloud):
    now = [time.time()]
    cloud.iam = iam_ok([TOKEN, NEW_TOKEN], lifetime=timedelta(minutes=10))
    auth = password_auth(cloud, clock=lambda: now[0])
    assert auth.token() == TOKEN
    now[0] += 4 * 60
    assert auth.token() == TOKEN
    now[0] += 2 * 60  # 6 minutes in: inside the 5-minute margin
    assert auth.token() == NEW_TOKEN
    assert len(cloud.iam_requests()) == 2


def test_password_auth_uses_a_shared_cache(cloud):
    class DictCache:
        def __init__(self) -> None:
            self.data: dict[str, Any] = {}
            self.timeouts: list[float | None] = []

        def get(self, key: str, default: Any = None) -> Any:
            return self.data.get(key, default)

        def set(self, key: str, value: Any, timeout: float | None = None) -> None:
            self.data[key] = value
            self.timeouts.append(timeout)

    cache = DictCache()
    cloud.iam = iam_ok([TOKEN, NEW_TOKEN])
    assert password_auth(cloud, cache=cache).token() == TOKEN
    assert password_auth(cloud, cache=cache).token() == TOKEN  # another process, same cache
    assert len(cloud.iam_requests()) == 1
    assert 24 * 3600 - 400 < cache.timeouts[0] < 24 * 3600 - 250
    (key,) = cache.data
    assert PASSWORD not in key and "cdm-user" not in key

    other = password_auth(cloud, cache=cache)
    assert other.invalidate({"X-Auth-Token": "some-older-token"}) is True
    assert other.token() == TOKEN  # a stale refusal does not throw away the current token
    assert other.invalidate({"X-Auth-Token": TOKEN}) is True
    assert other.token() == NEW_TOKEN
    assert len(cloud.iam_requests()) == 2


@pytest.mark.parametrize(
    ("reply", "cls", "text"),
    [
        (
            Reply(401, {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauth"}}),
            CdmAuthError,
            "IAM refused to issue a token: The username or password is wrong. (HTTP 401)",
        ),
        (Reply(201, {"token": {}}), CdmAuthError, "IAM answered 201 without an X-Subject-Token header. (HTTP 201)"),
        (
            Reply(500, b"oops"),
            CdmAuthError,
            "IAM refused to issue a token: CDM failed to process the request. (HTTP 500)",
        ),
    ],
)
def test_iam_failures_are_auth_errors(cloud, caplog, reply, cls, text):
    caplog.set_level(logging.DEBUG)
    cloud.iam = lambda seen: reply
    client = make_client(cloud, password_auth(cloud))
    with pytest.raises(cls) as caught:
        client.list_clusters()
    assert str(caught.value) == text
    assert cloud.cdm_requests() == []
    assert_no_secrets(caplog, caught.value, client)


def test_iam_unreachable_is_a_connection_error():
    auth = PasswordAuth(f"http://127.0.0.1:{free_port()}", "u", PASSWORD, "d", PROJECT)
    client = CdmClient(f"http://127.0.0.1:{free_port()}", PROJECT, auth, retries=0)
    with pytest.raises(CdmConnectionError) as caught:
        client.list_clusters()
    assert str(caught.value) == "Could not connect to IAM to obtain a token."


def test_aksk_requests_verify_server_side(cloud):
    cloud.script(Reply(200, corpus("16")))
    client = make_client(cloud, AkSkAuth(AK, SK, PROJECT), x_language="en-us")
    client.start_job(CLUSTER, "mysql 2 dws", {"d": "ö"})
    (seen,) = cloud.seen
    assert seen.header("X-Auth-Token") is None
    assert seen.header("Host") == cloud.url.removeprefix("http://")
    check = signing.check_request(
        seen.method, seen.path, seen.query, seen.headers, seen.body, {AK: SK}.get, datetime.now(UTC)
    )
    assert check.reason == "ok"
    signed = seen.header("Authorization").split("SignedHeaders=")[1].split(",")[0]
    assert signed == "accept;content-type;host;user-agent;x-language;x-project-id;x-sdk-date"


# --- secrets never leak -----------------------------------------------------------------------------------------


def assert_no_secrets(caplog: pytest.LogCaptureFixture, *objects: object, known: tuple[str, ...] = ()) -> None:
    """No secret in log records, str/repr/message of the objects; ``.body`` is raw, so only ``known`` ones there."""
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    bodies: list[str] = []
    for obj in objects:
        texts += [str(obj), repr(obj)]
        if isinstance(obj, CdmError):
            texts += [str(obj.args), obj.message]
            bodies.append(obj.body or "")
    for secret in (TOKEN, NEW_TOKEN, PASSWORD, SK):
        for text in texts:
            assert secret not in text, f"secret leaked into: {text[:200]}"
    for secret in known:
        for body in bodies:
            assert secret not in body, f"secret leaked into a body: {body[:200]}"


def test_reprs_hide_secrets():
    auths = [
        TokenAuth(TOKEN),
        AkSkAuth(AK, SK, PROJECT),
        PasswordAuth("iam.example", "cdm-user", PASSWORD, "my-domain", PROJECT),
    ]
    for auth in auths:
        assert TOKEN not in repr(auth) and SK not in repr(auth) and PASSWORD not in repr(auth)
        client = CdmClient("cdm.example", PROJECT, auth)
        assert client.endpoint == "https://cdm.example"
        assert TOKEN not in repr(client) and SK not in repr(client) and PASSWORD not in repr(client)
    assert AK not in repr(auths[1])


def test_echoed_secrets_are_scrubbed_from_errors_and_logs(cloud, caplog):
    caplog.set_level(logging.DEBUG)
    echo = f"Token {TOKEN} rejected for password={PASSWORD}; X-Auth-Token: {NEW_TOKEN}"
    cloud.iam = iam_ok([TOKEN])
    cloud.script(Reply(400, {"error_code": "APIGW.0201", "error_msg": echo}), Reply(200, f"not json {TOKEN}"))
    client = make_client(cloud, password_auth(cloud))
    with pytest.raises(CdmClientError) as first:
        client.list_clusters()
    with pytest.raises(CdmBadResponse) as second:
        client.list_clusters()
    assert first.value.message == "Token [redacted] rejected for password=[redacted]; X-Auth-Token: [redacted]"
    # .body stays raw apart from the client's own secrets (NEW_TOKEN is merely token-shaped, not ours).
    assert_no_secrets(caplog, first.value, second.value, client, client.auth, known=(TOKEN, PASSWORD))


def test_logs_carry_method_path_status_and_duration(cloud, caplog):
    caplog.set_level(logging.INFO, logger="cdmweb.cdm")
    cloud.script(Reply(200, corpus("12")))
    make_client(cloud, AkSkAuth(AK, SK, PROJECT)).list_clusters()
    (record,) = [r for r in caplog.records if r.name == "cdmweb.cdm"]
    assert record.getMessage().startswith(f"CDM GET /v1.1/{PROJECT}/clusters -> 200 in ")
    assert (record.cdm_method, record.cdm_status) == ("GET", 200)
    assert_no_secrets(caplog)
    assert "Signature=" not in record.getMessage()


def test_clean_text_is_one_line_and_bounded():
    text = clean_text("line one\nline two\t" + "x" * 500, secrets=["line two"])
    assert "\n" not in text and "line two" not in text and len(text) <= 300
    assert clean_text(f"path /v1.1/{PROJECT}/clusters/{CLUSTER}/cdm/job ok") == (
        f"path /v1.1/{PROJECT}/clusters/{CLUSTER}/cdm/job ok"
    )
    assert clean_text(f"bad {TOKEN}") == "bad [redacted]"


# --- submission summaries ----------------------------------------------------------------------------------------


def test_submission_summary_reads_every_corpus_variant():
    random_cluster = submission_summary(json.loads(corpus("06"))["submissions"][0])
    assert (random_cluster.job_name, random_cluster.submission_id, random_cluster.status) == (
        "obs2obs-03",
        13,
        "PENDING",
    )
    assert random_cluster.creation_date == random_cluster.execute_date == 1635909057030
    assert random_cluster.rows_written == 0 and random_cluster.rows_read is None
    assert submission_summary(json.loads(corpus("07"))["submissions"][0]).submission_id == 13

    started = submission_summary(json.loads(corpus("09"))["submissions"][0])
    assert (started.status, started.progress, started.creation_date) == ("BOOTING", 1.0, 1536905778725)
    assert started.submission_id is None and not started.is_terminal

    for name in ("16", "17"):
        done = submission_summary(json.loads(corpus(name))["submissions"][0])
        assert (done.rows_read, done.rows_written) == (80, 80)
        assert done.bytes_read is None and done.bytes_written is None  # -1 = not measured
        assert done.is_terminal and done.succeeded and done.external_id == "job_local1127970451_0009"
        assert done.last_update_date == 1536654888622


def test_submission_summary_of_a_failure_and_of_junk():
    failed = submission_summary(
        {
            "job-name": "j",
            "submission-id": "7",
            "status": "failed",
            "progress": "-1",
            "error-summary": "Table missing",
            "error-details": "java.lang.Exception: Table missing\n\tat x",
            "execute-date": "2024-05-17T09:30:05",
            "counters": {"ROWS_READ": "12", "other.Group": {"BYTES_READ": 34}},
        }
    )
    assert (failed.status, failed.progress, failed.submission_id) == ("FAILED", -1.0, 7)
    assert (failed.rows_read, failed.bytes_read, failed.error_summary) == (12, 34, "Table missing")
    assert failed.execute_date == int(datetime(2024, 5, 17, 9, 30, 5, tzinfo=UTC).timestamp() * 1000)
    assert failed.is_terminal and not failed.succeeded

    junk = submission_summary({"status": None, "progress": "NaN", "creation-date": True, "counters": [1]})
    assert (junk.status, junk.progress, junk.creation_date, junk.job_name) == ("UNKNOWN", None, None, None)
    assert submission_summary("not a dict").status == "UNKNOWN"  # type: ignore[arg-type]
    assert submission_summaries({"submissions": [{"status": "RUNNING"}, "x"]})[0].status == "RUNNING"
    assert submission_summaries({}) == []


def test_the_package_imports_without_django():
    code = (
        "import sys, cdmweb.cdm, cdmweb.cdm.signing; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    env = {"PATH": "", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()


def test_the_shared_token_cache_key_depends_on_the_password():
    from cdmweb.cdm.auth import PasswordAuth

    def auth(password: str) -> PasswordAuth:
        return PasswordAuth("https://iam.example.com", "user", password, "domain", "project")

    assert auth("right").cache_key == auth("right").cache_key
    assert auth("right").cache_key != auth("wrong").cache_key  # a wrong password never finds the token
