#!/usr/bin/env python
"""Benchmark of deployed jobs: pulling 1,000 jobs from one sandbox cluster over HTTP, pulling them
again unchanged, checking the drift of 1,000 tracked drafts, and the clusters screen with 1,000 jobs.

Run from the repository root:

    .venv/bin/python bench/clusters_bench.py [--jobs 1000] [--repeat 30]

Like the other benchmarks it works on a throwaway SQLite database (``DEBUG=False``), and serves the
embedded sandbox from a real threaded HTTP server in this process (bench/submission_bench.py's
``start_server``, TCP_NODELAY on), so every CDM call goes over loopback HTTP. The jobs are inserted
as SandboxJob rows directly (as if made in the console). See bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

try:  # python bench/clusters_bench.py, as documented: bench/ itself is sys.path[0]
    import _common as common
    import submission_bench
except ModuleNotFoundError:  # python -m bench.clusters_bench
    from bench import _common as common
    from bench import submission_bench

RESULTS_FILE = Path(__file__).resolve().parent / "clusters-results-latest.json"
GOALS_S = {"pull": 20.0, "pull-again": 10.0, "drift": 30.0}
SCREEN_GOAL_MS = 200.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests of the clusters screen")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--show-queries", action="store_true", help="print the clusters screen's queries")
    common.add_common_arguments(parser, RESULTS_FILE)
    args = parser.parse_args(argv)
    with common.throwaway_database("cdmweb-clusters-bench-", args.keep_db) as db_path:
        submission_bench.setup_django(db_path, args.debug)
        return run(args)


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cdmweb.cdm.client import CdmClient
    from cdmweb.jobs.clusters import drift, inventory, pulling
    from cdmweb.jobs.models import JobDraft
    from cdmweb.jobs.submissions import targets
    from cdmweb.sandbox.engine import cluster_id_for, ensure_clusters
    from cdmweb.sandbox.models import SandboxCluster, SandboxJob

    server = submission_bench.start_server(get_wsgi_application(), nodelay=True)
    settings.CDM_SANDBOX_URL = server.url
    settings.CDMWEB_DRIFT_ON_OPEN_SECONDS = 3600  # the screen's on-open check runs once, before timing
    failures: list[str] = []
    rows: list[tuple[str, ...]] = []
    results: dict[str, Any] = {}
    try:
        project = settings.CDM_SANDBOX_PROJECT_ID
        ensure_clusters(project)
        cluster = SandboxCluster.objects.get(
            project_id=project, cluster_id=cluster_id_for(project, "sandbox-cluster-1")
        )
        body = submission_bench.job_dict("template")
        SandboxJob.objects.bulk_create(
            [
                SandboxJob(cluster=cluster, name=f"bench_{n:05}", body={**body, "name": f"bench_{n:05}"})
                for n in range(args.jobs)
            ],
            batch_size=500,
        )
        target = targets.sandbox_target()
        user = get_user_model().objects.create_user("bench", password="bench-pass-1234")
        requests_made = {"n": 0}
        original = CdmClient.list_jobs

        def counting(self: Any, *a: Any, **k: Any) -> Any:
            requests_made["n"] += 1
            return original(self, *a, **k)

        CdmClient.list_jobs = counting  # type: ignore[method-assign]

        def timed(key: str, action: Any) -> Any:
            requests_made["n"] = 0
            counted = QueryCounter()
            with connection.execute_wrapper(counted):
                started = time.perf_counter()
                value = action()
                seconds = time.perf_counter() - started
            captured = range(counted.count)
            per_job = len(captured) / args.jobs
            results[key] = {"seconds": round(seconds, 3), "queries": len(captured), "list_requests": requests_made["n"]}
            ok = seconds < GOALS_S[key]
            rows.append(
                (
                    key,
                    f"{seconds:.2f} s",
                    str(len(captured)),
                    f"{per_job:.2f}",
                    str(requests_made["n"]),
                    f"< {GOALS_S[key]:.0f} s",
                    "PASS" if ok else "FAIL",
                )
            )
            if not ok:
                failures.append(f"{key}: {seconds:.2f} s, goal {GOALS_S[key]} s")
            return value

        cid = cluster_id_for(project, "sandbox-cluster-1")
        pulled = timed("pull", lambda: pulling.pull(target, cid, user))
        assert len(pulled.new_ids) == args.jobs and not pulled.error, pulled.summary
        again = timed("pull-again", lambda: pulling.pull(target, cid, user))
        assert again.count(pulling.UNCHANGED) == args.jobs, again.summary
        checked = timed(
            "drift",
            lambda: drift.check(drift.tracked_drafts().select_related("home_target", "deployed_revision")),
        )
        assert len(checked) == args.jobs and all(r.state == "in_sync" for r in checked)
        CdmClient.list_jobs = original  # type: ignore[method-assign]

        inventory.refresh_target(target)
        assert JobDraft.objects.count() == args.jobs
        client = Client()
        client.force_login(user)
        url = f"/clusters/?target=sandbox&cluster={cid}"
        assert client.get(url).status_code == 200  # the first view queues the on-open check
        if args.show_queries:
            reset_queries()
            with CaptureQueriesContext(connection) as shown:
                client.get(url)
            for query in shown.captured_queries:
                print(query["sql"][:160])
        screen = ScreenResult("clusters-screen", [], [])
        runner = common.Runner(args.repeat, args.warmup, args.gc, args.profile_lines)

        def view(index: int) -> None:
            with runner.measure(screen, count_queries=True):
                response = client.get(url + ("&q=bench_00" if index % 2 else ""))
            assert response.status_code == 200 and b"bench_00000" in response.content

        runner.run_scenario(view, profile=False)
        ok = screen.p95 < SCREEN_GOAL_MS and min(screen.queries) == max(screen.queries)
        rows.append(
            (
                "clusters-screen p50/p95",
                f"{screen.p50:.1f}/{screen.p95:.1f} ms",
                screen.query_text,
                "-",
                "0",
                f"< {SCREEN_GOAL_MS:.0f} ms",
                "PASS" if ok else "FAIL",
            )
        )
        results["clusters-screen"] = {**screen.timing_json(), "queries": screen.queries}
        if not ok:
            failures.append(f"clusters screen p95 {screen.p95:.1f} ms, goal {SCREEN_GOAL_MS} ms")
    finally:
        server.stop()
    header = ("action", "time", "queries", "per job", "list requests", "goal", "")
    print(f"{args.jobs} jobs on one sandbox cluster, over loopback HTTP")
    print(common.render_table(header, rows, {1, 2, 3, 4}, [], failures))
    common.write_results(args.json, {"results": results, "environment": common.environment(args)})
    return 1 if failures else 0


class QueryCounter:
    """Counts every query (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class ScreenResult(common.SampleStats):
    def __init__(self, key: str, times_ms: list[float], queries: list[int]) -> None:
        self.key, self.times_ms, self.queries = key, times_ms, queries


if __name__ == "__main__":
    sys.exit(main())
