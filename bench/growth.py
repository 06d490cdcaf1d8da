#!/usr/bin/env python
"""How the designer and the dashboard grow with size, on SQLite and on PostgreSQL: runs
bench/designer_bench.py for drafts of 10 to 1,000 inputs and dashboards of 100 to 100,000
drafts, and prints one table (p50/p95 ms and queries per request).

    .venv/bin/python bench/growth.py [--postgres "$(scripts/postgres-up)"] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUT_SIZES = (100, 500, 1000)  # every run also measures a 10-input draft
DRAFT_COUNTS = (100, 1_000, 10_000, 100_000)


def run(args: list[str]) -> list[dict]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run(
            [sys.executable, str(HERE / "designer_bench.py"), *args, "--json", out.name], capture_output=True, text=True
        )
        if not Path(out.name).stat().st_size:
            raise SystemExit(f"designer_bench failed: {done.stderr[-2000:]}")
        return json.loads(Path(out.name).read_text())["results"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="also on PostgreSQL: a server URL whose role may create databases")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    engines = {"SQLite": []} | ({"PostgreSQL": ["--postgres", args.postgres]} if args.postgres else {})
    table: dict[tuple[str, str, int], dict] = {}
    for engine, extra in engines.items():
        for size in INPUT_SIZES:
            print(f"{engine}: designer, {size} inputs...", file=sys.stderr, flush=True)
            for row in run(["--only", "designer", "--inputs", str(size), "--repeat", str(args.repeat), *extra]):
                table[(engine, row["key"].partition("@")[0], row["draft_inputs"])] = row
        for count in DRAFT_COUNTS:
            print(f"{engine}: dashboard, {count:,} drafts...", file=sys.stderr, flush=True)
            for row in run(["--only", "dashboard", "--drafts", str(count), "--repeat", str(args.repeat), *extra]):
                table[(engine, row["key"].partition("@")[0], count)] = row
    print("| engine | action | size | p50 ms | p95 ms | queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for (engine, action, size), row in sorted(table.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])):
        print(f"| {engine} | {action} | {size:,} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries_max']} |")
    (HERE / "growth-latest.json").write_text(
        json.dumps([{"engine": e, "action": a, "size": n, **r} for (e, a, n), r in table.items()], indent=2)
    )


if __name__ == "__main__":
    main()
