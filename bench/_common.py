"""Set-up, measuring and reporting shared by bench/designer_bench.py and bench/submission_bench.py.

Both benchmarks run Django in-process on a throwaway SQLite database, time scenarios the same way
(warm-up, ``--repeat`` timed samples, optional cProfile pass, the same garbage-collector modes) and
report a fixed-width table plus a results JSON file. What differs between them (their rows, goals
and scenarios) stays in each script.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

HX = {"HX-Request": "true"}

# --- setup ------------------------------------------------------------------------------------


@contextmanager
def throwaway_database(prefix: str, keep: bool) -> Iterator[Path]:
    """A SQLite path in a new temporary directory, removed afterwards unless ``keep`` (--keep-db).

    The directory goes even when the run fails, so an aborted benchmark leaves nothing behind.
    """
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    db_path = tmp / "bench.sqlite3"
    try:
        yield db_path
    finally:
        if keep:
            print(f"database kept: {db_path}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def throwaway_postgres(server_url: str, keep: bool) -> Iterator[str]:
    """A new database on the PostgreSQL server of ``server_url`` (whose role may CREATEDB), named
    ``cdmweb_bench_<pid>``, dropped afterwards unless ``keep``. Yields its URL."""
    import psycopg

    base, _, _ = server_url.rpartition("/")
    name = f"cdmweb_bench_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        if keep:
            print(f"database kept: {base}/{name}", file=sys.stderr)
        else:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(db_path: Path | str, debug: bool, allowed_hosts: str, extra_env: dict[str, str] | None = None) -> None:
    """Point the settings at the throwaway database, then start Django and migrate it.

    ``allowed_hosts`` must include ``testserver``, the Host ``django.test.Client`` sends. Adding it
    here (rather than calling setup_test_environment) keeps the template-rendering instrumentation
    of the test runner, which copies every template context, out of the measurements.
    ``extra_env`` is set too, before ``django.setup()`` reads the settings.
    """
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cdmweb.settings"
    # Overrides any DATABASE_URL the shell has: the benchmark must never touch a real database,
    # only its throwaway SQLite file or PostgreSQL database.
    os.environ["DATABASE_URL"] = db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"
    os.environ["DJANGO_DEBUG"] = "1" if debug else "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = allowed_hosts
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # Production settings, but served over the test client's plain HTTP, from the static folders,
    # with the sandbox on: the benchmarks measure the app, not TLS redirects or collectstatic.
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
    os.environ.setdefault("CDM_SANDBOX_ENABLED", "1")
    os.environ.update(extra_env or {})

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    # The settings may still ignore DATABASE_URL (a later change to settings.py): check, don't trust.
    db = settings.DATABASES["default"]
    if isinstance(db_path, str):
        if not db["ENGINE"].endswith("postgresql") or not db["NAME"].startswith("cdmweb_bench_"):
            raise SystemExit(f"refusing to run: the database is {db['ENGINE']} {db['NAME']}, not a throwaway one")
    elif db["ENGINE"] != "django.db.backends.sqlite3" or Path(db["NAME"]).resolve() != db_path.resolve():
        raise SystemExit(f"refusing to run: the database is {db['ENGINE']} {db['NAME']}, not {db_path}")
    call_command("migrate", verbosity=0, interactive=False)


def add_common_arguments(parser: argparse.ArgumentParser, results_file: Path) -> None:
    """The options both benchmarks take: profiling depth, gc mode, DEBUG, --keep-db and --json."""
    parser.add_argument("--profile-lines", type=int, default=25, help="rows per cProfile listing (default 25)")
    parser.add_argument(
        "--gc",
        choices=("default", "freeze", "off"),
        default="freeze",
        help="garbage collector while measuring: gc.freeze() after set-up, as cdmweb/wsgi.py does in a "
        "server (default), as Python ships it, or disabled: to tell collection pauses from the rest",
    )
    parser.add_argument("--debug", action="store_true", help="run with DEBUG=True (default: DEBUG=False)")
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary database and print its path")
    parser.add_argument("--json", type=Path, default=results_file, help=f"results file (default {results_file})")


def apply_gc_mode(mode: str) -> None:
    """``--gc off`` disables the collector for the whole run; ``freeze`` is applied per scenario by Runner."""
    if mode == "off":
        gc.disable()


# --- measuring --------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class SampleStats:
    """Statistics over a row's samples, mixed into each benchmark's own ``Result`` dataclass.

    A mixin rather than a base dataclass: the two ``Result`` classes order their fields
    differently (and build them positionally), which dataclass inheritance would not allow.
    """

    key: str
    times_ms: list[float]
    queries: list[int]

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    @property
    def max(self) -> float:
        return max(self.times_ms)

    @property
    def query_text(self) -> str:
        if not self.queries:  # rows whose queries are not counted (submission_bench's client calls)
            return "-"
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"

    def timing_json(self) -> dict[str, Any]:
        """The timing fields of the results file, in the order both files have always had them."""
        return {
            "samples": len(self.times_ms),
            "p50_ms": round(self.p50, 3),
            "p95_ms": round(self.p95, 3),
            "max_ms": round(self.max, 3),
            "min_ms": round(min(self.times_ms), 3),
            "mean_ms": round(sum(self.times_ms) / len(self.times_ms), 3),
        }


class Runner:
    """Runs a scenario: warm-up, ``repeat`` timed samples, then optionally an untimed cProfile pass.

    Subclasses add their rows (``result``) and decide which rows get a profiler (``_profiler``).
    """

    def __init__(self, repeat: int, warmup: int, gc_mode: str, profile_lines: int) -> None:
        self.repeat = repeat
        self.warmup = warmup
        self.gc_mode = gc_mode
        self.profile_lines = profile_lines
        self.profiles: dict[str, cProfile.Profile] = {}
        self._recording = True
        self._profiling = False

    @property
    def recording(self) -> bool:
        """Whether samples taken now count (not while warming up or profiling)."""
        return self._recording

    def _profiler(self, key: str) -> cProfile.Profile | None:
        """The profiler of row ``key`` during the profiling pass: only those registered in advance."""
        return self.profiles.get(key)

    @contextmanager
    def measure(self, result: SampleStats, count_queries: bool) -> Iterator[None]:
        """Time (and optionally count the queries of) whatever runs inside; recorded unless warming up."""
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        # CaptureQueriesContext counts by the length of connection.queries_log, a deque capped at
        # 9,000 entries that nothing empties while it is active: empty it first or counts go to 0.
        reset_queries()
        profiler = self._profiler(result.key) if self._profiling else None
        with CaptureQueriesContext(connection) as captured:
            if profiler is not None:
                profiler.enable()
            start = time.perf_counter()
            yield
            elapsed = (time.perf_counter() - start) * 1000
            if profiler is not None:
                profiler.disable()
        if self._recording:
            result.times_ms.append(elapsed)
            if count_queries:
                result.queries.append(len(captured.captured_queries))

    def run_scenario(self, scenario: Callable[[int], None], profile: bool) -> None:
        """Warm up, measure ``repeat`` times, then (if ``profile``) run ``repeat`` more times under cProfile.

        ``scenario`` gets a running index, never repeated, so it can make unique names.
        """
        gc.collect()  # start each scenario without the garbage of the previous one
        if self.gc_mode == "freeze":
            gc.freeze()
        self._recording = False
        for index in range(self.warmup):
            scenario(index)
        self._recording = True
        for index in range(self.repeat):
            scenario(self.warmup + index)
        if profile:
            # Profiled samples are not recorded: cProfile's overhead would skew the timings.
            self._recording, self._profiling = False, True
            for index in range(self.repeat):
                scenario(self.warmup + self.repeat + index)
            self._recording, self._profiling = True, False


# --- reporting --------------------------------------------------------------------------------


def render_table(
    header: tuple[str, ...],
    rows: list[tuple[str, ...]],
    numeric: set[int],
    notes: list[str],
    failures: list[str],
) -> str:
    """A fixed-width table (``numeric`` columns right-aligned), then the notes and the failures."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    for section in (notes, failures):
        if section:
            out.append("")
            out += section
    return "\n".join(out)


def print_profile(profile: cProfile.Profile, lines: int, title: str) -> None:
    """Print ``profile`` twice, by cumulative and by own time, each under ``title``."""
    for sort in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profile, stream=stream)
        stats.strip_dirs().sort_stats(sort).print_stats(lines)
        print(f"\n=== {title}, sorted by {sort} ===")
        print(stream.getvalue().split("\n", 4)[-1].rstrip())  # drop pstats' preamble lines


def environment(args: argparse.Namespace, versions: dict[str, str] | None = None) -> dict[str, Any]:
    """What the numbers were measured on, for the results file; ``versions`` lists extra libraries."""
    import sqlite3

    import django

    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:  # no git on this machine: the results are still worth writing
            return ""

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "django": django.get_version(),
        **(versions or {}),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "args": vars(args),
    }


def write_results(path: Path, payload: dict[str, Any]) -> None:
    """Write the results file; ``default=str`` covers the Paths in ``args``."""
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
