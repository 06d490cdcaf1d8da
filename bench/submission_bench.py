#!/usr/bin/env python
"""Benchmark of submitting to CDM: our CDM client against the official SDK, and the submission poll.

Run from the repository root:

    .venv/bin/python bench/submission_bench.py [--repeat 50]

Like bench/designer_bench.py, it works on a throwaway SQLite database in a temporary directory
(``DATABASE_URL`` is set before ``django.setup()``), with ``DEBUG=False``. The embedded CDM
sandbox is served by a real threaded HTTP server (Django's ``ThreadedWSGIServer`` running
``get_wsgi_application()``) on 127.0.0.1 and a free port, in a thread of this process, and
``settings.CDM_SANDBOX_URL`` points to it, so every CDM call goes over loopback HTTP. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # python bench/submission_bench.py, as documented: bench/ itself is sys.path[0]
    import _common as common
except ModuleNotFoundError:  # python -m bench.submission_bench
    from bench import _common as common

RESULTS_FILE = Path(__file__).resolve().parent / "submission-results-latest.json"

POLL_GOAL_MS = 25.0  # p95 server time of one HTMX poll of the submission page
RATIO_GOAL = 1.0  # ours / SDK, compared at p50: ours must be no slower than the official SDK

BENCH_PASSWORD = "bench-pass-1234"
# The sandbox boots a job in 0 s and then runs it for a day: every poll of the bench sees RUNNING.
SANDBOX_RUN_SECONDS = 86_400

FROM_INPUTS = [("useSql", "false"), ("schemaName", "shop"), ("tableName", "orders"), ("columnList", "id&name&total")]
TO_INPUTS = [("database", "ods"), ("table", "orders"), ("tablePreparation", "CREATE_WHEN_NOT_EXIST")]
DRIVER_INPUTS = {
    "throttlingConfig": [("numExtractors", "1"), ("numLoaders", "1"), ("recordDirtyData", "false")],
    "schedulerConfig": [("isSchedulerJob", "false"), ("disposableType", "NONE")],
    "retryJobConfig": [("retryJobType", "NONE")],
}


# --- setup ------------------------------------------------------------------------------------


def setup_django(db_path: Path, debug: bool) -> None:
    """Start Django on the throwaway database, with the embedded sandbox on and its jobs never ending."""
    common.setup_django(
        db_path,
        debug,
        # testserver for django.test.Client; 127.0.0.1 for the requests the clients send to the sandbox.
        allowed_hosts="testserver,127.0.0.1",
        extra_env={
            "CDM_SANDBOX_ENABLED": "1",
            "CDM_SANDBOX_BOOT_SECONDS": "0",
            "CDM_SANDBOX_RUN_SECONDS": str(SANDBOX_RUN_SECONDS),
        },
    )


class CountingApp:
    """A WSGI app wrapper that counts requests and times the wrapped app (the server-side work)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.calls = 0
        self.times_ms: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()
        result = self.app(environ, start_response)
        elapsed = (time.perf_counter() - started) * 1000
        with self._lock:
            self.calls += 1
            self.times_ms.append(elapsed)
        return result

    def reset(self) -> None:
        with self._lock:
            self.calls = 0
            self.times_ms = []


@dataclass
class Server:
    url: str
    app: CountingApp
    stop: Callable[[], None]


def start_server(app: Callable[..., Any], nodelay: bool) -> Server:
    """Serve ``app`` over HTTP/1.1 with keep-alive on 127.0.0.1 and a free port, from a daemon thread.

    ``nodelay`` sets TCP_NODELAY on each accepted socket. Django's server writes a response's
    headers and its body in two ``send()`` calls; without TCP_NODELAY, Nagle's algorithm holds the
    body back until the client acknowledges the headers, and on a reused keep-alive connection the
    client delays that ACK by about 40 ms. Every request on a reused connection would then take
    ~44 ms whatever the code does. Production front ends (nginx's ``tcp_nodelay on``) do not stall.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def setup(self) -> None:
            super().setup()
            if nodelay:
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    counting = CountingApp(app)
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(counting)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return Server(f"http://127.0.0.1:{server.server_port}", counting, stop)


# --- job bodies -------------------------------------------------------------------------------


def job_dict(name: str) -> dict[str, Any]:
    """The job as cdmweb sends it: a plain dict, CDM's hyphenated keys."""

    def values(groups: Iterable[tuple[str, list[tuple[str, str]]]]) -> dict[str, Any]:
        return {
            "configs": [
                {"inputs": [{"name": f"{group}.{key}", "value": value} for key, value in pairs], "name": group}
                for group, pairs in groups
            ]
        }

    return {
        "job_type": "NORMAL_JOB",
        "name": name,
        "from-connector-name": "generic-jdbc-connector",
        "from-link-name": "mysql_link",
        "from-config-values": values([("fromJobConfig", FROM_INPUTS)]),
        "to-connector-name": "hive-connector",
        "to-link-name": "hive_link",
        "to-config-values": values([("toJobConfig", TO_INPUTS)]),
        "driver-config-values": values(DRIVER_INPUTS.items()),
    }


def job_sdk(name: str) -> Any:
    """The same job as SDK model objects."""
    from huaweicloudsdkcdm.v1 import Configs, ConfigValues, Input, Job

    def values(groups: Iterable[tuple[str, list[tuple[str, str]]]]) -> Any:
        return ConfigValues(
            configs=[
                Configs(name=group, inputs=[Input(name=f"{group}.{key}", value=value) for key, value in pairs])
                for group, pairs in groups
            ]
        )

    return Job(
        job_type="NORMAL_JOB",
        name=name,
        from_connector_name="generic-jdbc-connector",
        from_link_name="mysql_link",
        from_config_values=values([("fromJobConfig", FROM_INPUTS)]),
        to_connector_name="hive-connector",
        to_link_name="hive_link",
        to_config_values=values([("toJobConfig", TO_INPUTS)]),
        driver_config_values=values(DRIVER_INPUTS.items()),
    )


# --- the two clients --------------------------------------------------------------------------


def our_client(url: str, session: Any = None) -> Any:
    from django.conf import settings

    from cdmweb.cdm.auth import AkSkAuth
    from cdmweb.cdm.client import CdmClient

    project = settings.CDM_SANDBOX_PROJECT_ID
    auth = AkSkAuth(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, project)
    return CdmClient(url, project, auth, x_language="en-us", read_timeout=10, session=session)


def sdk_client(url: str) -> Any:
    """Built as tests/sandbox/test_sdk_contract.py builds it."""
    from django.conf import settings
    from huaweicloudsdkcdm.v1 import CdmClient
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.region.region import Region

    config = HttpConfig.get_default_config()
    config.timeout = (3.05, 10)
    credentials = BasicCredentials(settings.CDM_SANDBOX_AK, settings.CDM_SANDBOX_SK, settings.CDM_SANDBOX_PROJECT_ID)
    return (
        CdmClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_region(Region("sandbox", url))
        .build()
    )


def ours_create_start(client: Any, cluster: str, body: dict[str, Any], name: str) -> str:
    client.create_job(cluster, body)
    answer = client.start_job(cluster, name)
    return str(answer["submissions"][0]["status"])


def sdk_create_start(client: Any, cluster: str, job: Any, name: str) -> str:
    from huaweicloudsdkcdm.v1 import CdmCreateJobJsonReq, CreateJobRequest, StartJobRequest

    client.create_job(CreateJobRequest(cluster_id=cluster, body=CdmCreateJobJsonReq(jobs=[job])))
    answer = client.start_job(StartJobRequest(cluster_id=cluster, job_name=name))
    return str(answer.submissions[0].status)


def canned_adapter(answers: dict[str, bytes]) -> Any:
    """A requests transport adapter that answers from memory: everything but the socket and the server.

    The answer goes through ``HTTPAdapter.build_response`` from a urllib3 response, as a real one
    does, so both clients read it exactly as they read a network answer.
    """
    from requests.adapters import HTTPAdapter
    from urllib3 import HTTPResponse

    class CannedAdapter(HTTPAdapter):
        def send(self, request: Any, stream: bool = False, timeout: Any = None, **kwargs: Any) -> Any:
            body = answers["start" if request.path_url.endswith("/start") else "create"]
            raw = HTTPResponse(
                body=io.BytesIO(body),
                headers={"Content-Type": "application/json", "Content-Length": str(len(body))},
                status=200,
                reason="OK",
                preload_content=False,
                decode_content=True,
            )
            return self.build_response(request, raw)

    return CannedAdapter()


def trivial_app(answers: dict[str, bytes]) -> Callable[..., Any]:
    """A WSGI app that reads the request and answers at once: the HTTP stack without Django."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        body = answers["start" if environ["PATH_INFO"].endswith("/start") else "create"]
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Result(common.SampleStats):
    key: str
    action: str
    goal: str  # "p95<25ms", "ratio<=1.0" or "reference"
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    reference: str | None = None  # key of the SDK row this one is compared with
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_json(self, results: dict[str, Result]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "action": self.action,
            **self.timing_json(),
            "goal": self.goal,
            "pass": not self.failures,
            "failures": self.failures,
            "notes": self.notes,
        }
        if self.queries:
            out["queries_min"], out["queries_max"] = min(self.queries), max(self.queries)
        if self.reference:
            ref = results[self.reference]
            out["compared_with"] = self.reference
            out["ratio_p50"] = round(self.p50 / ref.p50, 3)
            out["ratio_p95"] = round(self.p95 / ref.p95, 3)
            # The two clients alternate, so sample i of each ran under the same conditions.
            paired = [mine / theirs for mine, theirs in zip(self.times_ms, ref.times_ms, strict=True)]
            out["ratio_paired_median"] = round(common.percentile(paired, 50), 3)
        return out


class Bench(common.Runner):
    def __init__(self, repeat: int, warmup: int, gc_mode: str, profile: bool, profile_lines: int) -> None:
        super().__init__(repeat, warmup, gc_mode, profile_lines)
        self.results: dict[str, Result] = {}
        self.profile = profile

    def result(self, key: str, action: str, goal: str, reference: str | None = None) -> Result:
        if key not in self.results:
            self.results[key] = Result(key, action, goal, reference=reference)
        return self.results[key]

    def _profiler(self, key: str) -> cProfile.Profile:
        # --profile profiles every row, so each gets its profiler when first profiled.
        return self.profiles.setdefault(key, cProfile.Profile())

    def timed(self, result: Result, count_queries: bool = False) -> AbstractContextManager[None]:
        return self.measure(result, count_queries)

    def run(self, scenario: Callable[[int], None]) -> None:
        """Warm up, measure ``repeat`` times, then (with --profile) run ``repeat`` more times under cProfile."""
        self.run_scenario(scenario, profile=self.profile)


# --- part 1: our client against the official SDK ----------------------------------------------


def bench_clients(bench: Bench, sandbox: Server, cluster: str, nodelay: bool) -> None:
    """create_job + start_job, ours and the SDK's, alternating: over HTTP, in memory, against a trivial server."""
    from cdmweb.sandbox.models import SandboxJob

    ours, sdk = our_client(sandbox.url), sdk_client(sandbox.url)
    tag = "http"

    def pair(run_tag: str, label: str, ours_client: Any, sdk_client_: Any) -> None:
        sdk_row = bench.result(f"create-start-sdk@{run_tag}", f"create+start, official SDK [{label}]", "reference")
        ours_row = bench.result(
            f"create-start-ours@{run_tag}",
            f"create+start, our CdmClient [{label}]",
            f"p50 ratio<={RATIO_GOAL:g}",
            reference=sdk_row.key,
        )

        def one(index: int) -> None:
            name_ours, name_sdk = f"bench_{run_tag}_ours_{index:05d}", f"bench_{run_tag}_sdk_{index:05d}"
            body, job = {"jobs": [job_dict(name_ours)]}, job_sdk(name_sdk)  # built outside the timing
            steps = [
                (ours_row, lambda: ours_create_start(ours_client, cluster, body, name_ours)),
                (sdk_row, lambda: sdk_create_start(sdk_client_, cluster, job, name_sdk)),
            ]
            for row, call in steps if index % 2 == 0 else reversed(steps):
                with bench.timed(row):
                    status = call()
                if status not in ("BOOTING", "RUNNING"):
                    raise SystemExit(f"{row.action}: the job started as {status!r}")

        bench.run(one)

    # 1. Over loopback HTTP against the sandbox (the real Django app serving CDM's API).
    sandbox.app.reset()
    pair(tag, "sandbox over HTTP", ours, sdk)
    # Two clients, two requests each, per iteration.
    expected = 2 * 2 * (bench.warmup + bench.repeat * (2 if bench.profile else 1))
    if sandbox.app.calls != expected:
        raise SystemExit(f"expected {expected} sandbox requests, the server saw {sandbox.app.calls}")
    server_ms = sandbox.app.times_ms
    for key in (f"create-start-ours@{tag}", f"create-start-sdk@{tag}"):
        bench.results[key].notes.append(
            f"sandbox app time per request: p50 {common.percentile(server_ms, 50):.2f} ms (both clients together)"
        )

    # Both clients must have sent the same job, or the comparison measures different work.
    stored_ours = SandboxJob.objects.get(name=f"bench_{tag}_ours_00000").body
    stored_sdk = SandboxJob.objects.get(name=f"bench_{tag}_sdk_00000").body
    if {**stored_ours, "name": ""} != {**stored_sdk, "name": ""}:
        raise SystemExit(f"the two clients sent different jobs:\n{stored_ours}\n{stored_sdk}")

    # Genuine sandbox answers, replayed by the in-memory adapter and the trivial server.
    answers = {
        "create": json.dumps({"name": "bench_job", "validation-result": []}).encode(),
        "start": json.dumps(_start_answer(ours, cluster)).encode(),
    }

    # 2. In memory: a transport adapter answers at once; only the clients' own code runs.
    import requests

    session = requests.Session()
    session.mount("http://", canned_adapter(answers))
    ours_mem, sdk_mem = our_client(sandbox.url, session=session), sdk_client(sandbox.url)
    sdk_mem.get_http_client()._session.mount("http://", canned_adapter(answers))  # bench only: a private attribute
    pair("memory", "no network, in-memory answers", ours_mem, sdk_mem)

    # 3. Over loopback HTTP against a WSGI app that answers at once: client code plus the HTTP stack.
    trivial = start_server(trivial_app(answers), nodelay)
    ours_triv, sdk_triv = our_client(trivial.url), sdk_client(trivial.url)
    try:
        pair("trivial", "loopback HTTP, trivial server", ours_triv, sdk_triv)
    finally:
        for client in (ours, ours_mem, ours_triv):
            client.close()
        for client in (sdk, sdk_mem, sdk_triv):
            client.get_http_client().close()
        trivial.stop()


def _start_answer(client: Any, cluster: str) -> dict[str, Any]:
    """A genuine start answer of the sandbox, for the canned answers."""
    name = "bench_canned_answer"
    client.create_job(cluster, {"jobs": [job_dict(name)]})
    return client.start_job(cluster, name)


# --- part 2: the submission page poll ---------------------------------------------------------


def bench_poll(bench: Bench, sandbox: Server, cluster: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from cdmweb.jobs.importing import import_text
    from cdmweb.jobs.models import Submission
    from cdmweb.jobs.submissions import submitting, targets

    user = get_user_model().objects.create_user("bench-poll", password=BENCH_PASSWORD)
    client = Client()
    client.force_login(user)
    target = targets.sandbox_target()
    if target.base_url != sandbox.url:
        raise SystemExit(f"the sandbox target sends to {target.base_url}, not to the bench server {sandbox.url}")

    def submitted(name: str) -> Submission:
        (draft,), _ = import_text(json.dumps({"jobs": [job_dict(name)]}), user)
        submission = submitting.submit(draft, target, user, f"bench-{name}", cluster_id=cluster)
        if submission.state != Submission.State.ACCEPTED:
            raise SystemExit(f"submitting {name} failed: {submission.state} {submission.error_message}")
        return submission

    running = submitted("bench_poll_running")
    finished = submitted("bench_poll_finished")
    Submission.objects.filter(pk=finished.pk).update(cdm_status="SUCCEEDED", progress=100.0)

    def poll_row(key: str, action: str) -> Result:
        return bench.result(key, action, f"p95<{POLL_GOAL_MS:g}ms")

    running_row = poll_row("poll-running", "poll GET /submissions/<id>/ HX, job RUNNING (1 CDM call over HTTP)")
    finished_row = poll_row("poll-terminal", "poll GET /submissions/<id>/ HX, job SUCCEEDED (no CDM call)")

    def poller(row: Result, pk: int, calls: int, expect: str) -> Callable[[int], None]:
        url = reverse("submission", args=[pk])

        def one(index: int) -> None:
            before = sandbox.app.calls
            with bench.timed(row, count_queries=True):
                response = client.get(url, headers=common.HX)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}:\n{response.content[:2000]!r}")
            if sandbox.app.calls - before != calls:
                raise SystemExit(f"{row.action}: {sandbox.app.calls - before} sandbox requests, expected {calls}")
            state = Submission.objects.values_list("cdm_status", flat=True).get(pk=pk)
            if state != expect:
                raise SystemExit(f"{row.action}: the submission is {state!r}, expected {expect!r}")

        return one

    threads_before = threading.active_count()
    sandbox.app.reset()
    bench.run(poller(running_row, running.pk, 1, "RUNNING"))
    server_ms = list(sandbox.app.times_ms)
    gc.collect()
    time.sleep(0.2)
    threads_after = threading.active_count()
    running_row.notes.append(
        f"of which the sandbox app (server thread) p50 {common.percentile(server_ms, 50):.2f} ms, "
        f"p95 {common.percentile(server_ms, 95):.2f} ms per poll"
    )
    running_row.notes.append(
        f"threads in the process: {threads_before} before the polls, {threads_after} after; each poll builds "
        f"a new CdmClient (client_for), so a new requests.Session and a new TCP connection"
    )
    bench.run(poller(finished_row, finished.pk, 0, "SUCCEEDED"))


# --- reporting --------------------------------------------------------------------------------


def judge(bench: Bench) -> None:
    for r in bench.results.values():
        if r.goal.startswith("p95<") and r.p95 > POLL_GOAL_MS:
            r.failures.append(f"p95 {r.p95:.2f} ms is over the {POLL_GOAL_MS:g} ms goal")
        if r.reference:
            ratio = r.p50 / bench.results[r.reference].p50
            if ratio > RATIO_GOAL:
                r.failures.append(f"p50 {r.p50:.3f} ms is {ratio:.2f}x the SDK's {bench.results[r.reference].p50:.3f}")


def table(bench: Bench) -> str:
    header = ("action", "n", "p50 ms", "p95 ms", "max ms", "queries", "ours/SDK p50", "p95", "goal", "result")
    rows = []
    for r in bench.results.values():
        ratio50 = ratio95 = ""
        if r.reference:
            ref = bench.results[r.reference]
            ratio50, ratio95 = f"{r.p50 / ref.p50:.2f}", f"{r.p95 / ref.p95:.2f}"
        result = "-" if r.goal == "reference" else ("FAIL" if r.failures else "PASS")
        rows.append(
            (
                r.action,
                str(len(r.times_ms)),
                f"{r.p50:.2f}",
                f"{r.p95:.2f}",
                f"{r.max:.2f}",
                r.query_text,
                ratio50,
                ratio95,
                r.goal,
                result,
            )
        )
    notes = [f"note {r.key}: {n}" for r in bench.results.values() for n in r.notes]
    failures = [f"FAIL {r.action}: {f}" for r in bench.results.values() for f in r.failures]
    return common.render_table(header, rows, {1, 2, 3, 4, 5, 6, 7}, notes, failures)


def print_profiles(bench: Bench) -> None:
    for key, profile in bench.profiles.items():
        title = f"cProfile (main thread only): {bench.results[key].action}"
        common.print_profile(profile, bench.profile_lines, title)


def environment(args: argparse.Namespace) -> dict[str, Any]:
    from importlib.metadata import version

    import requests

    return common.environment(
        args,
        {
            "requests": requests.__version__,
            "huaweicloudsdkcdm": version("huaweicloudsdkcdm"),
            "huaweicloudsdkcore": version("huaweicloudsdkcore"),
        },
    )


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed samples per measurement (default 50)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed samples per measurement first (default 3)")
    parser.add_argument(
        "--only", choices=("clients", "poll"), action="append", help="run only these parts (default both)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, run every measurement --repeat more times under cProfile (main thread) and print it",
    )
    parser.add_argument(
        "--nagle",
        action="store_true",
        help="leave TCP_NODELAY off on the bench servers' sockets, as Django's runserver does: requests on "
        "reused keep-alive connections then stall ~40 ms (Nagle + delayed ACK)",
    )
    common.add_common_arguments(parser, RESULTS_FILE)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be positive and --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = set(args.only or ("clients", "poll"))
    with common.throwaway_database("cdmweb-submission-bench-", args.keep_db) as db_path:
        sandbox: Server | None = None
        try:
            started = time.perf_counter()
            setup_django(db_path, args.debug)

            from django.conf import settings
            from django.core.wsgi import get_wsgi_application

            from cdmweb.sandbox.engine import cluster_id_for

            sandbox = start_server(get_wsgi_application(), not args.nagle)
            settings.CDM_SANDBOX_URL = sandbox.url
            os.environ["CDM_SANDBOX_URL"] = sandbox.url
            print(f"database: {db_path} (throwaway); sandbox: {sandbox.url}", file=sys.stderr)

            # Seeds the sandbox's clusters (over HTTP) and checks that the credentials work.
            with our_client(sandbox.url) as client:
                clusters = client.list_clusters()["clusters"]
            cluster = cluster_id_for(settings.CDM_SANDBOX_PROJECT_ID, "sandbox-cluster-1")
            if not any(c["id"] == cluster and c["status"] == "200" for c in clusters):
                raise SystemExit(f"the sandbox has no running cluster {cluster}: {clusters}")

            bench = Bench(args.repeat, args.warmup, args.gc, args.profile, args.profile_lines)
            common.apply_gc_mode(args.gc)
            if "clients" in parts:
                bench_clients(bench, sandbox, cluster, not args.nagle)
            if "poll" in parts:
                bench_poll(bench, sandbox, cluster)

            judge(bench)
            print()
            print(table(bench))
            print_profiles(bench)
            passed = all(not r.failures for r in bench.results.values())
            common.write_results(
                args.json,
                {
                    "environment": environment(args),
                    "goals": {"poll_p95_ms": POLL_GOAL_MS, "ours_over_sdk_p50": RATIO_GOAL},
                    "results": [r.as_json(bench.results) for r in bench.results.values()],
                    "passed": passed,
                },
            )
            print(f"\nresults written to {args.json}; total run {time.perf_counter() - started:.1f} s", file=sys.stderr)
            return 0 if passed else 1
        finally:
            # The server thread holds a connection to the database: stop it before the file goes.
            if sandbox is not None:
                sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
