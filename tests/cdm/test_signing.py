"""The AK/SK signer must agree with huaweicloudsdkcore's, and the verifier must accept what the SDK sends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from hashlib import sha256 as _sha256
from urllib.parse import unquote_to_bytes, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from cdmweb.cdm import signing

AK = "HPUAEXAMPLEAK0000001"
SK = "sk+Example/Secret0123456789ABCDEFGHIJKLMN"
HOST = "cdm.eu-de.otc.t-systems.com"
WHEN = datetime(2024, 5, 17, 9, 30, 5, tzinfo=UTC)
STAMP = "20240517T093005Z"
KEYS = {AK: SK}


def sha256(data: bytes) -> str:
    return _sha256(data).hexdigest()


def sdk_sign(
    method: str,
    path: str,
    query: list[tuple[str, object]] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    host: str = HOST,
    sk: str = SK,
) -> SdkRequest:
    """Sign with the official signer at WHEN (a preset X-Sdk-Date is honoured by the SDK)."""
    request = SdkRequest(
        method=method,
        schema="https",
        host=host,
        resource_path=path,
        query_params=list(query or []),
        header_params={"X-Sdk-Date": STAMP, **(headers or {})},
        body=body,
    )
    return Signer(BasicCredentials(AK, sk)).sign(request)


def ours(method: str, url: str, headers: dict[str, str] | None = None, body: bytes | str | None = None) -> dict:
    return signing.sign_request(method, url, dict(headers or {}), body, AK, SK, now=WHEN)


def server_view(request: SdkRequest) -> tuple[str, str, str, dict[str, str], bytes]:
    """What a server receives from the SDK: its final URI, its (latin-1 rewritten) headers, its body bytes."""
    parts = urlsplit(request.uri)
    body = request.body.encode("utf-8") if isinstance(request.body, str) else (request.body or b"")
    return request.method, parts.path, parts.query, dict(request.header_params), body


# --- the signer agrees with the SDK ---------------------------------------------------------------------------

JSON_BODY = json.dumps({"jobs": [{"name": "jöb 1", "job_type": "NORMAL_JOB"}]}, ensure_ascii=False).encode()

CASES = [
    pytest.param("GET", "/v1.1/pid/clusters", [], {}, None, id="get-plain"),
    pytest.param(
        "GET",
        "/v1.1/pid/clusters/cid/cdm/job/all",
        [("page_size", "10"), ("filter", "a b"), ("jobType", "NORMAL_JOB"), ("page_no", "1")],
        {"Content-Type": "application/json"},
        None,
        id="get-query-sorted",
    ),
    pytest.param(
        "GET",
        "/v1.1/pid/clusters/cid/cdm/submissions",
        [("jname", "jöb/ä ß"), ("Z", "1"), ("a", "x&y=z"), ("a", "+plus"), ("empty", ""), ("tilde~", "~!*'()")],
        {"X-Project-Id": "pid"},
        None,
        id="get-query-unicode-reserved-duplicates",
    ),
    pytest.param(
        "POST",
        "/v1.1/pid/clusters/cid/cdm/job",
        [],
        {"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": "pid", "X-Language": "en-us"},
        JSON_BODY,
        id="post-json",
    ),
    pytest.param(
        "PUT",
        "/v1.1/pid/clusters/c%201/cdm/job/j%C3%B6b%2Fa%20b/start",
        [],
        {"Content-Type": "application/json;charset=UTF-8"},
        b'{"variables": {"d": "2024-01-01"}}',
        id="put-encoded-path",
    ),
    pytest.param("GET", "/v1.1/pid/clusters/c 1/cdm/job/jöb (1)!/status", [], {}, None, id="get-raw-path"),
    pytest.param("DELETE", "/v1.1/pid/clusters/cid/", [], {}, None, id="delete-trailing-slash"),
    pytest.param(
        "POST",
        "/v1.1/pid/upload",
        [],
        {"Content-Type": "text/plain", "X_Ignored": "has underscore", "X-Custom": "  héllo wörld  "},
        "text body",
        id="post-non-json-unsigned-payload",
    ),
    pytest.param(
        "GET",
        "/v1.1/pid/clusters",
        [],
        {"Host": "cdm.example:8443", "User-Agent": "huaweicloud-usdk-python/3.0"},
        None,
        id="explicit-host-and-agent",
    ),
]


@pytest.mark.parametrize(("method", "path", "query", "headers", "body"), CASES)
def test_authorization_matches_the_sdk(method, path, query, headers, body):
    sdk = sdk_sign(method, path, query, headers, body)
    url = f"https://{HOST}{path}"
    if query:
        url += "?" + signing.canonical_query_string(query)
    added = ours(method, url, headers, body)

    assert added["Authorization"] == sdk.header_params["Authorization"]
    assert added["X-Sdk-Date"] == sdk.header_params["X-Sdk-Date"]
    for name in ("Host", "X-Sdk-Content-Sha256"):
        assert added.get(name) == (None if name in headers else sdk.header_params.get(name))


def test_query_given_unencoded_in_the_url_signs_the_same():
    query = [("jname", "jöb a"), ("b", "2"), ("a", "1")]
    sdk = sdk_sign("GET", "/v1.1/pid/clusters/cid/cdm/submissions", query)
    added = ours("GET", f"https://{HOST}/v1.1/pid/clusters/cid/cdm/submissions?jname=jöb a&b=2&a=1")
    assert added["Authorization"] == sdk.header_params["Authorization"]


def test_canonical_query_matches_the_sdk_for_bools_lists_and_numbers():
    query = [("flag", True), ("ids", [3, 1, 2]), ("n", 10), ("off", False), ("name", "a b")]
    request = SdkRequest(query_params=[(k, list(v) if isinstance(v, list) else v) for k, v in query])
    assert signing.canonical_query_string(query) == Signer.process_canonical_query_string(request)
    assert signing.canonical_query_string(query) == "flag=true&ids=1&ids=2&ids=3&n=10&name=a%20b&off=false"


def test_sign_request_uses_the_current_utc_time_by_default():
    added = signing.sign_request("GET", f"https://{HOST}/v1.1/p/clusters", {}, None, AK, SK)
    sent = datetime.strptime(added["X-Sdk-Date"], signing.DATE_FORMAT).replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - sent).total_seconds()) < 5
    assert added["Authorization"].startswith(f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=host;x-sdk-date, ")


def test_building_blocks_reproduce_the_documented_example():
    # Reference §2.2: the SDK signs content-type;host;x-project-id;x-sdk-date for a GET with a query.
    sdk = sdk_sign(
        "GET",
        "/v1.1/pid/clusters/cid/cdm/submissions",
        [("jname", "job1")],
        {"Content-Type": "application/json", "X-Project-Id": "pid"},
    )
    headers = {"Content-Type": "application/json", "X-Project-Id": "pid", "Host": HOST, "X-Sdk-Date": STAMP}
    canonical = signing.canonical_request("GET", "/v1.1/pid/clusters/cid/cdm/submissions", "jname=job1", headers, b"")
    assert canonical.splitlines()[:3] == ["GET", "/v1.1/pid/clusters/cid/cdm/submissions/", "jname=job1"]
    assert canonical.endswith("\n\ncontent-type;host;x-project-id;x-sdk-date\n" + signing.EMPTY_HASH)
    sig = signing.signature(SK, signing.string_to_sign(canonical, WHEN))
    assert sdk.header_params["Authorization"].endswith(
        f"SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature={sig}"
    )
    with pytest.raises(ValueError):
        signing.sign_request("GET", f"https://{HOST}/", {}, None, AK, "")


# --- the verifier accepts SDK- and self-signed requests and rejects tampering ----------------------------------


def verify(method, path, query, headers, body, now=WHEN, **options):
    return signing.verify_request(method, path, query, headers, body, KEYS.get, now, **options)


def check(method, path, query, headers, body, now=WHEN, **options):
    return signing.check_request(method, path, query, headers, body, KEYS.get, now, **options)


@pytest.mark.parametrize(("method", "path", "query", "headers", "body"), CASES)
def test_verify_accepts_what_the_sdk_sends(method, path, query, headers, body):
    view = server_view(sdk_sign(method, path, query, headers, body))
    kwargs = {"allow_unsigned_payload": True} if "text/plain" in headers.values() else {}
    assert verify(*view, **kwargs) == AK


@pytest.mark.parametrize(("method", "path", "query", "headers", "body"), CASES)
def test_verify_accepts_a_percent_decoded_path_and_shuffled_header_case(method, path, query, headers, body):
    method, raw_path, query_string, sent, body_bytes = server_view(sdk_sign(method, path, query, headers, body))
    decoded = unquote_to_bytes(raw_path).decode("utf-8")
    shuffled = {(k.upper() if i % 2 else k.lower()): v for i, (k, v) in enumerate(sent.items())}
    kwargs = {"allow_unsigned_payload": True} if "text/plain" in headers.values() else {}
    assert verify(method, decoded, query_string, shuffled, body_bytes, **kwargs) == AK
    wsgi_style = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in sent.items()}
    assert verify(method, raw_path, query_string, wsgi_style, body_bytes, **kwargs) == AK


def signed_by_us(method="POST", path="/v1.1/pid/clusters/cid/cdm/job", query="", body=JSON_BODY):
    headers = {"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": "pid"}
    url = f"https://{HOST}{path}" + (f"?{query}" if query else "")
    headers.update(ours(method, url, headers, body))
    return method, path, query, headers, body


def test_verify_accepts_what_we_sign():
    assert verify(*signed_by_us()) == AK
    assert verify(*signed_by_us("GET", "/v1.1/pid/clusters/cid/cdm/submissions", "jname=a%20b&a=1", b"")) == AK


def test_verify_rejects_a_wrong_secret_or_unknown_key():
    view = server_view(sdk_sign("POST", "/v1.1/pid/clusters/cid/cdm/job", body=JSON_BODY, sk="not-the-secret"))
    assert check(*view).reason == "signature does not match"
    assert signing.verify_request(*signed_by_us(), lambda ak: None, WHEN) is None
    assert signing.check_request(*signed_by_us(), lambda ak: None, WHEN).reason == "unknown access key"


def test_verify_rejects_a_tampered_body():
    method, path, query, headers, body = signed_by_us()
    assert verify(method, path, query, headers, body.replace(b"NORMAL_JOB", b"BATCH_JOB")) is None
    assert verify(method, path, query, headers, b"") is None


def test_verify_rejects_a_tampered_path_or_query():
    method, path, query, headers, body = signed_by_us("GET", "/v1.1/pid/clusters/cid/cdm/job/a", "x=1", b"")
    assert verify(method, path, query, headers, body) == AK
    assert verify(method, "/v1.1/pid/clusters/cid/cdm/job/b", query, headers, body) is None
    assert verify(method, "/v1.1/other/clusters/cid/cdm/job/a", query, headers, body) is None
    assert verify(method, path, "x=2", headers, body) is None
    assert verify(method, path, "", headers, body) is None
    assert verify("DELETE", path, query, headers, body) is None


def test_verify_rejects_tampered_signed_headers():
    method, path, query, headers, body = signed_by_us()
    assert verify(method, path, query, {**headers, "X-Project-Id": "other"}, body) is None
    assert verify(method, path, query, {**headers, "Host": "evil.example"}, body) is None
    # An unsigned extra header is fine (requests adds Accept, Content-Length, … unsigned as well).
    assert verify(method, path, query, {**headers, "Accept": "*/*", "Content-Length": "99"}, body) == AK


def test_verify_rejects_stale_or_future_dates():
    view = signed_by_us()
    assert verify(*view, now=WHEN + timedelta(seconds=899)) == AK
    assert check(*view, now=WHEN + timedelta(seconds=901)).reason == "X-Sdk-Date is too far from the server clock"
    assert verify(*view, now=WHEN - timedelta(minutes=16)) is None
    assert signing.verify_request(*view, KEYS.get, WHEN + timedelta(seconds=30), max_skew_seconds=10) is None
    # Naive "now" is UTC, as in the SDK.
    assert verify(*view, now=WHEN.replace(tzinfo=None)) == AK


@pytest.mark.parametrize(
    ("drop", "reason"),
    [
        ("Authorization", "missing or malformed SDK-HMAC-SHA256 Authorization header"),
        ("X-Sdk-Date", "signed header x-sdk-date is missing"),
        ("X-Project-Id", "signed header x-project-id is missing"),
        ("Content-Type", "signed header content-type is missing"),
    ],
)
def test_verify_rejects_missing_headers(drop, reason):
    method, path, query, headers, body = signed_by_us()
    headers = {k: v for k, v in headers.items() if k != drop}
    result = check(method, path, query, headers, body)
    assert result.access_key is None and result.reason == reason


def test_verify_rejects_malformed_or_weakened_authorizations():
    method, path, query, headers, body = signed_by_us()
    auth = headers["Authorization"]
    sig = auth.rsplit("Signature=", 1)[1]
    bad = {
        "wrong algorithm": auth.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3"),
        "short signature": auth[:-2],
        "host not signed": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;x-sdk-date, Signature={sig}",
        "project not signed": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=host;x-sdk-date, Signature={sig}",
        "self-signed": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=authorization;host;x-sdk-date, Signature={sig}",
    }
    for label, value in bad.items():
        assert verify(method, path, query, {**headers, "Authorization": value}, body) is None, label
    assert verify(method, path, query, {**headers, "X-Sdk-Date": "2024-05-17T09:30:05Z"}, body) is None


def test_verify_checks_a_declared_payload_hash_and_refuses_unsigned_payloads_by_default():
    view = server_view(sdk_sign("POST", "/v1.1/pid/upload", headers={"Content-Type": "text/plain"}, body=b"abc"))
    assert view[3]["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    assert verify(*view) is None
    assert verify(*view, allow_unsigned_payload=True) == AK

    # The SDK signs a declared hash without checking it against the body; the verifier must check it.
    path = "/v1.1/pid/clusters/cid/cdm/job"
    for declared, expected in [("0" * 64, "the payload hash does not match the body"), (sha256(JSON_BODY), "ok")]:
        headers = {"Content-Type": "application/json", "X-Sdk-Content-Sha256": declared}
        headers.update(ours("POST", f"https://{HOST}{path}", headers, JSON_BODY))
        assert check("POST", path, "", headers, JSON_BODY).reason == expected


def test_wsgi_request_parts_rebuilds_what_the_client_sent():
    method, path, query, headers, body = server_view(
        sdk_sign("GET", "/v1.1/pid/clusters/c%201/cdm/job/j%C3%B6b%2F1", [("jname", "ä b")], {"X-Project-Id": "pid"})
    )
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),  # PEP 3333
        "QUERY_STRING": query,
        "SERVER_NAME": "ignored.example",
        "SERVER_PORT": "443",
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }
    got_method, got_path, got_query, got_headers = signing.wsgi_request_parts(environ)
    assert (got_method, got_path, got_query) == ("GET", "/v1.1/pid/clusters/c 1/cdm/job/jöb/1", query)
    assert got_headers["host"] == HOST
    assert signing.verify_wsgi_request(environ, b"", KEYS.get, WHEN) == AK
    assert signing.verify_wsgi_request({**environ, "RAW_URI": f"{path}?{query}"}, b"", KEYS.get, WHEN) == AK


# --- end to end: the official CdmClient talks to a real WSGI server that verifies with our code ----------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def verifying_server() -> Iterator[tuple[str, list[dict]]]:
    results: list[dict] = []

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        check = signing.check_request(*signing.wsgi_request_parts(environ), body, KEYS.get)
        results.append({"path": environ["PATH_INFO"], "ok": check.access_key, "reason": check.reason})
        payload = json.dumps({"submissions": [], "clusters": []}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    server = make_server("127.0.0.1", 0, app, server_class=WSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", results
    finally:
        server.shutdown()
        server.server_close()


def test_official_sdk_requests_verify_on_a_real_wsgi_server(verifying_server):
    from huaweicloudsdkcdm.v1 import (
        CdmClient,
        CdmStartJobReq,
        ListClustersRequest,
        ShowJobsRequest,
        ShowJobStatusRequest,
        StartJobRequest,
        StopJobRequest,
    )
    from huaweicloudsdkcore.region.region import Region

    endpoint, results = verifying_server
    client = (
        CdmClient.new_builder()
        .with_credentials(BasicCredentials(AK, SK, "pid"))
        .with_region(Region("local", endpoint))
        .build()
    )
    client.list_clusters(ListClustersRequest())
    client.show_job_status(ShowJobStatusRequest(cluster_id="c 1", job_name="jöb/a b%41"))
    client.show_jobs(ShowJobsRequest(cluster_id="c1", job_name="all", filter="x y+z", page_no=1, page_size=10))
    client.start_job(StartJobRequest(cluster_id="c1", job_name="j", body=CdmStartJobReq(variables={"ä": "ö"})))
    client.stop_job(StopJobRequest(cluster_id="c1", job_name="j"))

    assert [r["ok"] for r in results] == [AK] * 5, results
    assert results[1]["path"].encode("latin-1").decode() == "/v1.1/pid/clusters/c 1/cdm/job/jöb/a b%41/status"


def test_helpers_are_stable():
    assert signing.canonical_uri("") == "/"
    assert signing.canonical_uri("/a%2Fb/c d/~x!") == "/a/b/c%20d/~x%21/"
    assert signing.parse_query_string("a=1&&b&c=%20+") == [("a", "1"), ("b", ""), ("c", " +")]
    assert signing.parse_date("20240517T093005Z") == WHEN
    assert signing.parse_date("2024-05-17") is None
    assert signing.format_date(WHEN.astimezone(timezone(timedelta(hours=2)))) == STAMP
    assert signing.format_date(WHEN.replace(tzinfo=None)) == STAMP
