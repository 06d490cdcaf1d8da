#!/usr/bin/env python
"""Server-side benchmark of the job designer, the dashboard and the importer.

Run from the repository root:

    .venv/bin/python bench/designer_bench.py [--inputs 500] [--drafts 10000] [--repeat 50]

Everything runs in-process through ``django.test.Client`` against a throwaway SQLite database
in a temporary directory (``DATABASE_URL`` is set before ``django.setup()``), so the developer's
``db.sqlite3`` is never opened. Each request is timed with ``time.perf_counter`` around the
client call and its queries are counted with ``CaptureQueriesContext``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import re
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

try:  # python bench/designer_bench.py, as documented: bench/ itself is sys.path[0]
    import _common as common
except ModuleNotFoundError:  # python -m bench.designer_bench
    from bench import _common as common

RESULTS_FILE = Path(__file__).resolve().parent / "results-latest.json"

# Goals, in milliseconds of server time at the 95th percentile.
INTERACTION_GOAL_MS = 25.0
PAGE_GOAL_MS = 100.0
DASHBOARD_GOAL_MS = 50.0
IMPORT_GOAL_MS = 200.0
# The full designer page of the big draft, at most this many times the 10-input draft's (p50).
PAGE_RATIO_GOAL = 2.0

SMALL_INPUTS = 10
DASHBOARD_PAGE_SIZE = 25  # cdmweb.jobs.views.dashboard.PAGE_SIZE; only used to pick the pages to request
DRIVER_GROUPS = ("throttlingConfig", "schedulerConfig", "retryJobConfig")
EMPTY_DRIVER_GROUPS = ("jarConfig", "transformConfig")  # as every official sample sends them


# --- generated data ---------------------------------------------------------------------------


def _inputs(group: str, documented: list[tuple[str, str]], count: int) -> list[dict[str, str]]:
    """``count`` inputs of ``group``: the documented ones first, then custom keys."""
    items = [{"name": f"{group}.{key}", "value": value} for key, value in documented[:count]]
    for index in range(count - len(items)):
        # Mostly short values, every 7th one long enough to be drawn as a textarea.
        value = f"value-{index}" if index % 7 else "x" * 90 + f"-{index}"
        items.append({"name": f"{group}.bench{index:05d}", "value": value})
    return items


def split_inputs(total: int) -> tuple[int, int, int]:
    """(from, to, driver): 40/40/20, with at least one input in each driver group."""
    driver = max(len(DRIVER_GROUPS), total // 5)
    source = (total - driver) // 2
    return source, total - driver - source, driver


def job_body(total: int, name: str = "bench_job", to_connector: str = "hive-connector") -> dict[str, Any]:
    """A generic-jdbc-connector -> hive-connector job with ``total`` inputs.

    The group layout (one group per side, three driver groups with inputs and two empty ones)
    is the same whatever ``total`` is, so query counts can be compared between sizes.
    """
    n_from, n_to, n_driver = split_inputs(total)
    from_inputs = _inputs(
        "fromJobConfig",
        [("useSql", "false"), ("schemaName", "public"), ("tableName", "orders"), ("columnList", "id&name&total")],
        n_from,
    )
    to_inputs = _inputs(
        "toJobConfig",
        [("database", "default"), ("table", "orders"), ("tablePreparation", "CREATE_WHEN_NOT_EXIST")],
        n_to,
    )
    documented_driver = {
        "throttlingConfig": [("numExtractors", "1"), ("numLoaders", "1"), ("recordDirtyData", "false")],
        "schedulerConfig": [("isSchedulerJob", "false"), ("disposableType", "NONE")],
        "retryJobConfig": [("retryJobType", "NONE")],
    }
    per_group = [n_driver // len(DRIVER_GROUPS)] * len(DRIVER_GROUPS)
    for index in range(n_driver % len(DRIVER_GROUPS)):
        per_group[index] += 1
    driver_configs = [
        {"inputs": _inputs(group, documented_driver[group], count), "name": group}
        for group, count in zip(DRIVER_GROUPS, per_group, strict=True)
    ]
    driver_configs += [{"inputs": [], "name": group} for group in EMPTY_DRIVER_GROUPS]
    return {
        "job_type": "NORMAL_JOB",
        "name": name,
        "from-connector-name": "generic-jdbc-connector",
        "from-link-name": "mysql_link",
        "from-config-values": {"configs": [{"inputs": from_inputs, "name": "fromJobConfig"}]},
        "to-connector-name": to_connector,
        "to-link-name": "hive_link",
        "to-config-values": {"configs": [{"inputs": to_inputs, "name": "toJobConfig"}]},
        "driver-config-values": {"configs": driver_configs},
    }


def body_text(total: int, name: str) -> str:
    return json.dumps({"jobs": [job_body(total, name)]}, indent=2)


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Result(common.SampleStats):
    key: str
    action: str
    draft_inputs: int | None
    goal_ms: float
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    compare_to: str | None = None  # key of the row whose query count this one must equal
    failures: list[str] = field(default_factory=list)
    # A row whose p50 may be at most ratio_goal times the p50 of row ratio_of (the paired page rows).
    ratio_of: str | None = None
    ratio_goal: float | None = None
    ratio: float | None = None
    cpu_ms: list[float] = field(default_factory=list)  # process CPU time per sample, where recorded
    cpu_ratio: float | None = None

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "action": self.action,
            "draft_inputs": self.draft_inputs,
            **self.timing_json(),
            "queries_min": min(self.queries),
            "queries_max": max(self.queries),
            "goal_p95_ms": self.goal_ms,
            "queries_must_equal": self.compare_to,
            **(
                {
                    "p50_ratio_to": self.ratio_of,
                    "p50_ratio": round(self.ratio or 0, 3),
                    "p50_ratio_goal": self.ratio_goal,
                    "cpu_p50_ms": round(common.percentile(self.cpu_ms, 50), 3) if self.cpu_ms else None,
                    "cpu_p50_ratio": round(self.cpu_ratio or 0, 3),
                }
                if self.ratio_of
                else {}
            ),
            "pass": self.passed,
            "failures": self.failures,
        }


class Bench(common.Runner):
    def __init__(self, repeat: int, warmup: int, profile: set[str], profile_lines: int, gc_mode: str) -> None:
        super().__init__(repeat, warmup, gc_mode, profile_lines)
        self.results: dict[str, Result] = {}
        self.profile_keys = profile

    def result(self, key: str, action: str, draft_inputs: int | None, goal_ms: float, **kw: Any) -> Result:
        if key not in self.results:
            self.results[key] = Result(key, action, draft_inputs, goal_ms, **kw)
        return self.results[key]

    def timed(self, result: Result) -> AbstractContextManager[None]:
        """Time and count the queries of whatever runs inside; recorded unless warming up."""
        return self.measure(result, count_queries=True)

    def run(self, scenario: Callable[[int], None], keys: list[str]) -> None:
        """Warm up, measure ``repeat`` times, then (if --profile names one of ``keys``) run under cProfile."""
        wanted = [k for k in keys if k in self.profile_keys or "all" in self.profile_keys]
        for key in wanted:
            self.profiles.setdefault(key, cProfile.Profile())
        self.run_scenario(scenario, profile=bool(wanted))


# Like an open designer page: each change says which version of the draft it was made on, and takes
# the new version from the answer (the first one is read when the bench first changes a draft).
PAGE_VERSIONS: dict[int, str] = {}
DRAFT_URL = re.compile(r"^/drafts/(\d+)/")


def request(client: Any, method: str, url: str, data: dict[str, str] | None = None, htmx: bool = True) -> Any:
    headers = dict(common.HX if htmx else {})
    draft = DRAFT_URL.match(url)
    if method == "post" and draft:
        pk = int(draft[1])
        if pk not in PAGE_VERSIONS:
            from cdmweb.jobs.models import JobDraft

            PAGE_VERSIONS[pk] = str(JobDraft.objects.values_list("version", flat=True).get(pk=pk))
        headers["X-Draft-Version"] = PAGE_VERSIONS[pk]
    response = getattr(client, method)(url, data or {}, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{method.upper()} {url} answered {response.status_code}:\n{response.content[:2000]!r}")
    if draft and response.headers.get("X-Draft-Version"):
        PAGE_VERSIONS[int(draft[1])] = response.headers["X-Draft-Version"]
    return response


# --- scenarios --------------------------------------------------------------------------------


@dataclass
class DesignerDraft:
    label: str
    pk: int
    size: int
    from_group: int
    to_group: int
    edit_input: int
    controller_input: int
    move_input: int


def make_designer_draft(owner: Any, size: int) -> DesignerDraft:
    from cdmweb.jobs.importing import import_text
    from cdmweb.jobs.models import ConfigGroup, DraftInput

    (draft,), _ = import_text(body_text(size, f"bench_{size}_inputs"), owner)
    assert draft.inputs.count() == size, (draft.inputs.count(), size)
    groups = {(g.side, g.name): g.pk for g in ConfigGroup.objects.filter(draft=draft)}
    from_group, to_group = groups[("from", "fromJobConfig")], groups[("to", "toJobConfig")]
    from_ids = list(DraftInput.objects.filter(group_id=from_group).order_by("position").values_list("id", flat=True))
    to_ids = list(DraftInput.objects.filter(group_id=to_group).order_by("position").values_list("id", flat=True))
    controller = DraftInput.objects.get(group_id=from_group, name="fromJobConfig.useSql").pk
    return DesignerDraft(
        label=f"{size} inputs",
        pk=draft.pk,
        size=size,
        from_group=from_group,
        to_group=to_group,
        edit_input=from_ids[len(from_ids) // 2],
        controller_input=controller,
        move_input=to_ids[len(to_ids) // 2],
    )


def bench_designer(bench: Bench, client: Any, d: DesignerDraft, reference: DesignerDraft | None) -> None:
    from django.urls import reverse

    from cdmweb.jobs.models import DraftInput

    def row(key: str, action: str, goal: float = INTERACTION_GOAL_MS) -> Result:
        compare = f"{key}@{reference.size}" if reference else None
        return bench.result(f"{key}@{d.size}", f"{action} [{d.label}]", d.size, goal, compare_to=compare)

    def mutation(response: Any) -> None:
        if "draft-changed" not in response.headers.get("HX-Trigger", ""):
            raise SystemExit(f"expected an HX-Trigger draft-changed header, got {dict(response.headers)}")

    # Add a custom input to the source group, then remove it again: the draft keeps its size.
    add, remove = (
        row("input-add", "add input (POST input-add)"),
        row("input-delete", "remove input (POST input-delete)"),
    )
    add_url = reverse("input-add", args=[d.pk, d.from_group])

    def add_remove(index: int) -> None:
        name = f"benchAdded{index:05d}"
        with bench.timed(add):
            response = request(client, "post", add_url, {"custom_name": name, "value": f"added-{index}"})
        mutation(response)
        new_id = DraftInput.objects.get(group_id=d.from_group, name=f"fromJobConfig.{name}").pk
        assert f'id="input-{new_id}"' in response.text
        with bench.timed(remove):
            mutation(request(client, "post", reverse("input-delete", args=[d.pk, new_id])))

    bench.run(add_remove, [add.key, remove.key])

    # Edit the value of a plain input: the answer is that row only.
    edit = row("input-update", "edit input (POST input-update)")
    edit_url = reverse("input-update", args=[d.pk, d.edit_input])

    def edit_value(index: int) -> None:
        with bench.timed(edit):
            response = request(client, "post", edit_url, {"value": f"edited-{index}"})
        mutation(response)
        assert f"edited-{index}" in response.text

    bench.run(edit_value, [edit.key])

    # Edit an input other inputs depend on (useSql): the answer is that row plus the rows that
    # depend on it (out of band), and an event that reloads the group's footer.
    ctrl = row("input-update-ctrl", "edit controlling input (useSql, + dependent rows)")
    ctrl_url = reverse("input-update", args=[d.pk, d.controller_input])

    def edit_controller(index: int) -> None:
        with bench.timed(ctrl):
            response = request(client, "post", ctrl_url, {"value": "true" if index % 2 else "false"})
        mutation(response)
        assert f"group-changed-{d.from_group}" in response.headers.get("HX-Trigger", "")

    bench.run(edit_controller, [ctrl.key])

    # The footer of a group (picker, findings) reloads itself after an add, a remove or a
    # controlling edit: a follow-up request, measured on its own.
    footer = row("group-footer", "group footer reload (GET, after add/remove)")
    footer_url = reverse("designer", args=[d.pk]) + f"?partial=group-footer&group={d.from_group}"

    def reload_footer(index: int) -> None:
        with bench.timed(footer):
            response = request(client, "get", footer_url)
        assert f'id="group-footer-{d.from_group}"' in response.text

    bench.run(reload_footer, [footer.key])

    # Move a destination input up, then down: the order ends where it began.
    move = row("input-move", "reorder input (POST input-move up/down)")
    move_url = reverse("input-move", args=[d.pk, d.move_input])

    def move_input(index: int) -> None:
        with bench.timed(move):
            mutation(request(client, "post", move_url, {"direction": "up" if index % 2 == 0 else "down"}))

    bench.run(move_input, [move.key])

    # Change the destination connector, hive <-> hdfs, posting every header field.
    header = row("header-update", "connector change (POST header-update)")
    header_url = reverse("header-update", args=[d.pk])

    def change_connector(index: int) -> None:
        fields = {
            "name": f"bench_{d.size}_inputs",
            "job_type": "NORMAL_JOB",
            "from_connector": "generic-jdbc-connector",
            "from_link": "mysql_link",
            "to_connector": "hdfs-connector" if index % 2 == 0 else "hive-connector",
            "to_link": "hive_link",
        }
        with bench.timed(header):
            response = request(client, "post", header_url, fields)
        if "sides-changed" not in response.headers.get("HX-Trigger", ""):
            raise SystemExit("the connector change did not trigger sides-changed: nothing was changed")

    bench.run(change_connector, [header.key])

    # The preview region (HTMX GET), as redrawn after every change.
    preview = row("preview", "preview (GET preview, HX)")
    preview_url = reverse("preview", args=[d.pk])

    def get_preview(index: int) -> None:
        with bench.timed(preview):
            response = request(client, "get", preview_url)
        assert 'id="preview"' in response.text

    bench.run(get_preview, [preview.key])

    # An open designer asking whether someone else changed its draft (every 15 s per open page).
    from cdmweb.jobs.models import JobDraft

    watch = row("watch", "watch for others' changes (GET, HX, 204)")
    watch_url = reverse("draft-watch", args=[d.pk])

    def get_watch(index: int) -> None:
        seen = str(JobDraft.objects.filter(pk=d.pk).values_list("version", flat=True).get())
        with bench.timed(watch):
            response = client.get(watch_url, headers={**common.HX, "X-Draft-Version": seen})
        if response.status_code != 204:
            raise SystemExit(f"GET {watch_url} answered {response.status_code}, expected 204")

    bench.run(get_watch, [watch.key])

    # The whole designer page, as a browser first loads it.
    page = bench.result(f"designer-page@{d.size}", f"designer page (full GET) [{d.label}]", d.size, PAGE_GOAL_MS)
    page_url = reverse("designer", args=[d.pk])

    def get_page(index: int) -> None:
        with bench.timed(page):
            response = request(client, "get", page_url, htmx=False)
        assert "<html" in response.text

    bench.run(get_page, [page.key])


def bench_page_ratio(bench: Bench, client: Any, small: DesignerDraft, big: DesignerDraft) -> None:
    """The full designer page of both drafts, one request of each in turn (which goes first
    alternates), so that both sizes meet the same machine: the big draft's p50 must stay within
    PAGE_RATIO_GOAL times the small one's. The rows above measure each size a minute apart, so on a
    shared machine their ratio is partly the load of that minute."""
    from django.urls import reverse

    rows = {
        d.size: bench.result(
            f"designer-page-paired@{d.size}",
            f"designer page, sizes alternating [{d.label}]",
            d.size,
            PAGE_GOAL_MS,
            compare_to=None if d is small else f"designer-page-paired@{small.size}",
            ratio_of=None if d is small else f"designer-page-paired@{small.size}",
            ratio_goal=None if d is small else PAGE_RATIO_GOAL,
        )
        for d in (small, big)
    }
    urls = {d.size: reverse("designer", args=[d.pk]) for d in (small, big)}

    def both(index: int) -> None:
        for d in (small, big) if index % 2 == 0 else (big, small):
            cpu = time.process_time()
            with bench.timed(rows[d.size]):
                response = request(client, "get", urls[d.size], htmx=False)
            if bench.recording:
                rows[d.size].cpu_ms.append((time.process_time() - cpu) * 1000)
            assert "<html" in response.text

    bench.run(both, [r.key for r in rows.values()])


def make_dashboard_drafts(owner: Any, count: int) -> None:
    from django.utils import timezone

    from cdmweb.jobs.models import JobDraft

    names = ("orders", "customers", "inventory", "payments", "shipments", "invoices", "products", "sessions")
    connectors = ("generic-jdbc-connector", "hive-connector", "hdfs-connector", "obs-connector")
    now = timezone.now()
    rows = []
    for index in range(count):
        updated = now - timedelta(minutes=index)
        rows.append(
            JobDraft(
                owner=owner,
                job_type="NORMAL_JOB",
                name=f"{names[index % len(names)]}_sync_{index:05d}",
                from_connector=connectors[index % len(connectors)],
                from_link=f"link_src_{index % 50}",
                to_connector=connectors[(index + 1) % len(connectors)],
                to_link=f"link_dst_{index % 50}",
                side_meta={"from": {}, "to": {}, "driver": {}},
                error_count=index % 3 == 0,
                warning_count=index % 5,
                created_at=updated,
                updated_at=updated,
            )
        )
    JobDraft.objects.bulk_create(rows, batch_size=1000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does to a table that grew this much (since PostgreSQL 13 it vacuums after
        # inserts too): statistics for the planner, and the visibility map that index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) jobs_jobdraft")


def bench_dashboard(bench: Bench, client: Any, count: int) -> None:
    from django.urls import reverse

    url = reverse("dashboard")
    last = max(1, math.ceil(count / DASHBOARD_PAGE_SIZE))
    cases = [
        ("dashboard-p1", "dashboard page 1", {}, False),
        ("dashboard-mid", f"dashboard page {max(1, last // 2)}", {"page": str(max(1, last // 2))}, False),
        ("dashboard-last", f"dashboard page {last} (last)", {"page": str(last)}, False),
        ("dashboard-search", "dashboard search ?q=inventory", {"q": "inventory"}, False),
        ("dashboard-search-hx", "dashboard search ?q=inventory (HX partial)", {"q": "inventory"}, True),
        ("dashboard-search-none", "dashboard search, no match (full scan)", {"q": "no-such-draft"}, False),
    ]
    for key, action, params, htmx in cases:
        result = bench.result(key, f"{action} [{count:,} drafts]", None, DASHBOARD_GOAL_MS)

        def get(index: int, params: dict[str, str] = params, htmx: bool = htmx, result: Result = result) -> None:
            with bench.timed(result):
                response = request(client, "get", url, params, htmx=htmx)
            assert 'id="draft-list"' in response.text

        bench.run(get, [key])


def bench_import(bench: Bench, owner: Any, size: int) -> None:
    from cdmweb.jobs.importing import import_text

    text = body_text(size, f"imported_{size}")
    result = bench.result(f"import@{size}", f"import_text ({size:,}-input body)", size, IMPORT_GOAL_MS)

    def run_import(index: int) -> None:
        with bench.timed(result):
            (draft,), _ = import_text(text, owner)
        assert draft.pk

    bench.run(run_import, [result.key])


# --- report -----------------------------------------------------------------------------------


def judge(bench: Bench) -> None:
    for result in bench.results.values():
        if result.p95 > result.goal_ms:
            result.failures.append(f"p95 {result.p95:.1f} ms > {result.goal_ms:g} ms")
        if len(set(result.queries)) > 1:
            result.failures.append(f"query count varies between requests ({result.query_text})")
        if result.compare_to:
            other = bench.results.get(result.compare_to)
            if other is not None and sorted(set(other.queries)) != sorted(set(result.queries)):
                result.failures.append(
                    f"{result.query_text} queries vs {other.query_text} with {other.draft_inputs} inputs"
                )
        if result.ratio_of and result.ratio_goal:
            other = bench.results[result.ratio_of]
            result.ratio = result.p50 / other.p50
            if result.cpu_ms and other.cpu_ms:
                result.cpu_ratio = common.percentile(result.cpu_ms, 50) / common.percentile(other.cpu_ms, 50)
            if result.ratio > result.ratio_goal:
                result.failures.append(
                    f"p50 {result.p50:.1f} ms is {result.ratio:.2f}x the {other.draft_inputs}-input page's "
                    f"{other.p50:.1f} ms (goal <= {result.ratio_goal:g}x)"
                )


def table(bench: Bench) -> str:
    header = ("action", "n", "p50 ms", "p95 ms", "max ms", "queries", "goal", "result")
    rows = []
    for r in bench.results.values():
        goal = f"p95<{r.goal_ms:g}ms"
        if r.compare_to:
            goal += f", q=={bench.results[r.compare_to].draft_inputs}-input"
        if r.ratio_of:
            goal += f", p50<={r.ratio_goal:g}x {bench.results[r.ratio_of].draft_inputs}-input"
        rows.append(
            (
                r.action,
                str(len(r.times_ms)),
                f"{r.p50:.2f}",
                f"{r.p95:.2f}",
                f"{r.max:.2f}",
                r.query_text,
                goal,
                "PASS" if r.passed else "FAIL",
            )
        )
    failures = [f"FAIL {r.action}: {f}" for r in bench.results.values() for f in r.failures]
    notes = [
        f"{r.draft_inputs}-input page / {bench.results[r.ratio_of].draft_inputs}-input page, requests alternating:"
        f" p50 {r.ratio:.2f}x (goal <= {r.ratio_goal:g}x); process CPU p50 {r.cpu_ratio or 0:.2f}x"
        for r in bench.results.values()
        if r.ratio_of and r.ratio is not None
    ]
    return common.render_table(header, rows, {1, 2, 3, 4, 5}, notes, failures)


def print_profiles(bench: Bench) -> None:
    for key, profile in bench.profiles.items():
        title = f"cProfile: {bench.results[key].action}, {bench.repeat} requests"
        common.print_profile(profile, bench.profile_lines, title)


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--inputs", type=int, default=500, help="inputs in the big designer draft (default 500)")
    parser.add_argument("--drafts", type=int, default=10_000, help="drafts behind the dashboard (default 10000)")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per action (default 50)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per action first (default 3)")
    parser.add_argument("--import-inputs", type=int, default=1000, help="inputs in the imported body (default 1000)")
    parser.add_argument(
        "--only",
        choices=("designer", "dashboard", "import"),
        action="append",
        help="run only these parts (repeatable; default all)",
    )
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="KEY",
        help="after measuring, run the action KEY again under cProfile and print the hot spots "
        "(repeatable; KEY as in results-latest.json, e.g. input-add@500, preview@500, or 'all')",
    )
    parser.add_argument(
        "--language",
        default="",
        metavar="CODE",
        help="the language the browser asks for (Accept-Language), e.g. zh-CN; default none (English)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL instead: a throwaway database is made on this server and dropped "
        "afterwards (e.g. the URL scripts/postgres-up prints)",
    )
    common.add_common_arguments(parser, RESULTS_FILE)
    args = parser.parse_args(argv)
    if args.inputs < 2 * SMALL_INPUTS:
        parser.error(f"--inputs must be at least {2 * SMALL_INPUTS}")
    if args.repeat < 1 or args.warmup < 0 or args.drafts < 1 or args.import_inputs < SMALL_INPUTS:
        parser.error("--repeat, --drafts must be positive, --warmup not negative, --import-inputs >= 10")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = set(args.only or ("designer", "dashboard", "import"))
    database = (
        common.throwaway_postgres(args.postgres, args.keep_db)
        if args.postgres
        else common.throwaway_database("cdmweb-bench-", args.keep_db)
    )
    with database as db_path:
        started = time.perf_counter()
        common.setup_django(db_path, args.debug, allowed_hosts="testserver")

        from django.contrib.auth import get_user_model
        from django.test import Client

        users = get_user_model().objects
        bench = Bench(args.repeat, args.warmup, set(args.profile), args.profile_lines, args.gc)
        common.apply_gc_mode(args.gc)
        print(f"database: {db_path} (throwaway)", file=sys.stderr)

        if "designer" in parts:
            designer_user = users.create_user("bench-designer", password="bench-pass-1234")
            client = Client(**({"HTTP_ACCEPT_LANGUAGE": args.language} if args.language else {}))
            client.force_login(designer_user)
            small = make_designer_draft(designer_user, SMALL_INPUTS)
            big = make_designer_draft(designer_user, args.inputs)
            print(f"designer: drafts of {small.size} and {big.size} inputs ready", file=sys.stderr)
            bench_designer(bench, client, small, None)
            bench_designer(bench, client, big, small)
            bench_page_ratio(bench, client, small, big)

        if "dashboard" in parts:
            dashboard_user = users.create_user("bench-dashboard", password="bench-pass-1234")
            make_dashboard_drafts(dashboard_user, args.drafts)
            client = Client(**({"HTTP_ACCEPT_LANGUAGE": args.language} if args.language else {}))
            client.force_login(dashboard_user)
            print(f"dashboard: {args.drafts:,} drafts ready", file=sys.stderr)
            bench_dashboard(bench, client, args.drafts)

        if "import" in parts:
            import_user = users.create_user("bench-import", password="bench-pass-1234")
            bench_import(bench, import_user, args.import_inputs)

        judge(bench)
        print()
        print(table(bench))
        print_profiles(bench)
        passed = all(r.passed for r in bench.results.values())
        common.write_results(
            args.json,
            {
                "environment": common.environment(args),
                "goals_ms": {
                    "interaction_p95": INTERACTION_GOAL_MS,
                    "designer_page_p95": PAGE_GOAL_MS,
                    "dashboard_p95": DASHBOARD_GOAL_MS,
                    "import_p95": IMPORT_GOAL_MS,
                    "designer_page_p50_ratio": PAGE_RATIO_GOAL,
                },
                "results": [r.as_json() for r in bench.results.values()],
                "passed": passed,
            },
        )
        print(f"\nresults written to {args.json}; total run {time.perf_counter() - started:.1f} s", file=sys.stderr)
        return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
