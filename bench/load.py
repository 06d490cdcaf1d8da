#!/usr/bin/env python
"""Load test: simulated users doing the real mix against running app servers, then a check
that no accepted edit was lost and no CDM job was created twice.

Start the production-like stack first (./run-production), then, with the same DATABASE_URL:

    DATABASE_URL=postgres://cdmweb:cdmweb@127.0.0.1:5432/cdmweb \\
        .venv/bin/python bench/load.py --base http://127.0.0.1:8001,http://127.0.0.1:8002

The script prepares its own users and drafts through the ORM (users ``load-NN``, removed and
made again on every run), drives the servers over HTTP only (python-requests, one session per
user, loopback), and reads the database again at the end for the checks. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = Path(__file__).resolve().parent / "load-results-latest.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile  # noqa: E402
from designer_bench import body_text  # noqa: E402  (after the path is set)

PASSWORD = "load-test-password-7Qm2"
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
VERSION = re.compile(r'id="designer" data-version="(\d+)" data-page="([0-9a-f]+)"')
SUBMISSION = re.compile(r"/submissions/(\d+)/$")
GOAL_P99_MS = 200.0

# Relative weights of the actions a simulated user picks from.
MIX = {
    "dashboard": 15,
    "designer page": 8,
    "edit own input": 30,
    "edit shared input": 10,
    "preview": 15,
    "import": 4,
    "submit": 4,
    "status poll": 14,
}


@dataclass
class Stats:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, ms: float) -> None:
        with self.lock:
            self.samples[action].append(ms)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


@dataclass
class Fixture:
    """What a user works on, made before the run."""

    username: str
    own_draft: int
    own_inputs: list[int]
    shared_draft: int
    shared_inputs: list[int]
    small_drafts: list[int]


class User(threading.Thread):
    def __init__(self, base: str, fixture: Fixture, stats: Stats, until: float, expected: dict, target: dict):
        super().__init__(daemon=True)
        self.base, self.fixture, self.stats, self.until = base, fixture, stats, until
        self.expected, self.target = expected, target
        self.http = requests.Session()
        self.versions: dict[int, tuple[str, str]] = {}
        self.submissions: list[int] = []
        self.rng = random.Random(fixture.username)
        self.token = ""
        self.counter = 0
        self.think = (1.0, 5.0)

    # --- HTTP helpers -----------------------------------------------------------------------

    def call(self, action: str, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        start = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, **kwargs)
        except requests.RequestException as exc:
            self.stats.error(f"{action}: {type(exc).__name__}: {exc}")
            return None
        self.stats.add(action, (time.perf_counter() - start) * 1000)
        if response.status_code not in ok:
            self.stats.error(f"{action}: HTTP {response.status_code} {method} {path}")
            return None
        return response

    def hx(self, **extra: str) -> dict[str, str]:
        return {"HX-Request": "true", "X-CSRFToken": self.token, **extra}

    def login(self) -> None:
        page = self.http.get(self.base + "/accounts/login/", timeout=30)
        token = self.http.cookies.get("csrftoken", "")
        response = self.http.post(
            self.base + "/accounts/login/",
            data={"username": self.fixture.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": page.url},
            timeout=30,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise SystemExit(f"{self.fixture.username} could not log in: HTTP {response.status_code}")

    def open_designer(self, draft: int, action: str = "designer page") -> None:
        response = self.call(action, "GET", f"/drafts/{draft}/")
        if response is not None:
            self.token = CSRF.search(response.text).group(1)
            version, page = VERSION.search(response.text).groups()
            self.versions[draft] = (version, page)

    # --- actions ----------------------------------------------------------------------------

    def edit(self, draft: int, input_id: int, action: str) -> None:
        if draft not in self.versions:
            self.open_designer(draft)
        version, page = self.versions[draft]
        self.counter += 1
        value = f"{self.fixture.username}-{self.counter}"
        response = self.call(
            action,
            "POST",
            f"/drafts/{draft}/inputs/{input_id}/",
            ok=(200, 409),
            data={"value": value},
            headers=self.hx(**{"X-Draft-Version": version, "X-Designer-Page": page}),
        )
        if response is None:
            return
        if response.status_code == 409:
            # Someone else changed the draft: as the banner says, reload; the change was not saved.
            with self.stats.lock:
                self.stats.conflicts += 1
            self.open_designer(draft)
            return
        self.versions[draft] = (response.headers["X-Draft-Version"], page)
        with self.stats.lock:
            self.expected[input_id] = value

    def submit(self) -> None:
        if not self.fixture.small_drafts:
            return
        draft = self.fixture.small_drafts.pop()
        key = uuid.uuid4().hex
        data = {**self.target, "mode": "pool", "idempotency_key": key, "submit": "1"}
        response = self.call("submit", "POST", f"/drafts/{draft}/submit/", ok=(302,), data=data, headers=self.hx())
        if response is not None:
            match = SUBMISSION.search(response.headers.get("Location", ""))
            if match:
                self.submissions.append(int(match.group(1)))
            if self.rng.random() < 0.3:  # a double click: the same key again must not send twice
                self.call("submit", "POST", f"/drafts/{draft}/submit/", ok=(302,), data=data, headers=self.hx())

    def warm_up(self) -> None:
        """Log in and open the designer once, untimed: the first request of each server process
        pays for loading templates and the catalogue, which a running service has done long ago."""
        self.login()
        self.open_designer(self.fixture.own_draft, action="warm-up")

    def run(self) -> None:
        actions, weights = zip(*MIX.items(), strict=True)
        while time.monotonic() < self.until:
            time.sleep(self.rng.uniform(*self.think))  # a person reads, types, thinks
            action = self.rng.choices(actions, weights)[0]
            if action == "dashboard":
                self.call(action, "GET", "/")
            elif action == "designer page":
                self.open_designer(self.fixture.own_draft)
            elif action == "edit own input":
                self.edit(self.fixture.own_draft, self.rng.choice(self.fixture.own_inputs), action)
            elif action == "edit shared input":
                self.edit(self.fixture.shared_draft, self.rng.choice(self.fixture.shared_inputs), action)
            elif action == "preview":
                self.call(action, "GET", f"/drafts/{self.fixture.own_draft}/preview/", headers=self.hx())
            elif action == "import":
                name = f"imported_{self.fixture.username}_{uuid.uuid4().hex[:8]}"
                self.call(
                    action, "POST", "/drafts/import/", ok=(302,), data={"text": body_text(20, name)}, headers=self.hx()
                )
            elif action == "submit":
                self.submit()
            elif action == "status poll" and self.submissions:
                submission = self.rng.choice(self.submissions)
                self.call(action, "GET", f"/submissions/{submission}/", headers=self.hx())


# --- preparing and checking, through the ORM ----------------------------------------------------


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the database the app servers use.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdmweb.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # this process only reads and writes rows
    import django

    django.setup()


def prepare(users: int, inputs: int, shared: int) -> tuple[list[Fixture], dict[str, Any]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from cdmweb.accounts.models import Membership, Team
    from cdmweb.jobs.importing import import_text
    from cdmweb.jobs.models import Comment, JobDraft, Review, Submission
    from cdmweb.jobs.submissions.targets import sandbox_target
    from cdmweb.sandbox.engine import cluster_id_for

    User = get_user_model()
    # The previous run's users, and what they made (submissions and reviews are kept from
    # deletion by design, so they go first).
    for model in (Submission, Review, Comment):
        model.objects.filter(draft__owner__username__startswith="load-").delete()
    User.objects.filter(username__startswith="load-").delete()
    Team.objects.filter(slug="load").delete()
    team = Team.objects.create(slug="load", name="Load test")
    demo = (ROOT / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json").read_text()
    owner = User.objects.create_user("load-owner", password=PASSWORD)
    shared_drafts = []
    for index in range(shared):
        (draft,), _ = import_text(body_text(inputs // 2, f"load_shared_{index}"), owner, team)
        shared_drafts.append(draft)
    fixtures = []
    for index in range(users):
        user = User.objects.create_user(f"load-{index:02d}", password=PASSWORD)
        Membership.objects.create(team=team, user=user, role="editor")
        (own,), _ = import_text(body_text(inputs, f"load_own_{index}"), user)
        small = []
        for k in range(12):
            body = json.loads(demo)
            body["jobs"][0]["name"] = f"load_{index:02d}_{k}_{uuid.uuid4().hex[:6]}"
            (draft,), _ = import_text(json.dumps(body), user)
            small.append(draft.pk)
        target = shared_drafts[index % shared]
        shared_inputs = list(target.inputs.order_by("id").values_list("id", flat=True))
        fixtures.append(
            Fixture(
                username=user.username,
                own_draft=own.pk,
                own_inputs=list(own.inputs.filter(name__contains="bench").values_list("id", flat=True)[:50]),
                shared_draft=target.pk,
                # Users of one shared draft each edit their own inputs of it: concurrent changes
                # to one draft, so the lock is exercised, without two people wanting one value.
                shared_inputs=shared_inputs[index // shared :: max(1, users // shared)][:5],
                small_drafts=small,
            )
        )
    JobDraft.objects.filter(owner__username__startswith="load-").update(review_state="")
    project = settings.CDM_SANDBOX_PROJECT_ID
    target = sandbox_target()
    target.clusters = [
        {"id": cluster_id_for(project, f"sandbox-cluster-{n}"), "name": f"sandbox-cluster-{n}", "status": "200"}
        for n in (1, 2, 3)
    ]
    target.save(update_fields=["clusters"])
    return fixtures, {"target": target.pk, "pool": [c["id"] for c in target.clusters]}


def check(expected: dict[int, str], submissions: list[int], wait: float) -> dict[str, Any]:
    from cdmweb.jobs.models import DraftInput, Submission
    from cdmweb.sandbox.models import SandboxJob

    stored = dict(DraftInput.objects.filter(pk__in=expected).values_list("id", "value"))
    lost = [pk for pk, value in expected.items() if stored.get(pk) != value]
    deadline = time.monotonic() + wait
    mine = Submission.objects.filter(pk__in=submissions)
    while time.monotonic() < deadline and any(not s.terminal for s in mine):
        time.sleep(1)
    accepted = [s for s in Submission.objects.filter(pk__in=submissions) if s.state == Submission.State.ACCEPTED]
    duplicated = [s.job_name for s in accepted if SandboxJob.objects.filter(name=s.job_name).count() != 1]
    states = defaultdict(int)
    for s in Submission.objects.filter(pk__in=submissions):
        states[s.cdm_status or s.state] += 1
    return {
        "edits_checked": len(expected),
        "lost_edits": len(lost),
        "submissions": len(submissions),
        "submission_states": dict(states),
        "duplicated_cdm_jobs": len(duplicated),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8001,http://127.0.0.1:8002")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--inputs", type=int, default=500, help="inputs in each user's own draft")
    parser.add_argument("--shared", type=int, default=5, help="team drafts the users edit together")
    parser.add_argument(
        "--think", default="1,5", help="seconds a user waits between actions, min,max (default 1,5: reading, typing)"
    )
    args = parser.parse_args()
    setup_django()
    bases = [b.strip().rstrip("/") for b in args.base.split(",") if b.strip()]
    print(f"preparing {args.users} users with {args.inputs}-input drafts...", flush=True)
    fixtures, target = prepare(args.users, args.inputs, args.shared)
    stats, expected = Stats(), {}
    users = [User(bases[i % len(bases)], f, stats, 0, expected, target) for i, f in enumerate(fixtures)]
    think = tuple(float(x) for x in args.think.split(","))
    for user in users:
        user.think = think
        user.warm_up()
    stats.samples.pop("warm-up", None)
    until = time.monotonic() + args.duration
    print(f"{len(users)} users for {args.duration:.0f} s against {', '.join(bases)}", flush=True)
    for user in users:
        user.until = until
        user.start()
    for user in users:
        user.join(args.duration + 60)
    submissions = [pk for user in users for pk in user.submissions]
    checks = check(expected, submissions, wait=60)
    rows = []
    every = []
    for action in MIX:
        values = stats.samples.get(action, [])
        every += values
        if values:
            rows.append((action, len(values), *(percentile(values, p) for p in (50, 95, 99)), max(values)))
    total = ("all", len(every), *(percentile(every, p) for p in (50, 95, 99)), max(every))
    print(f"\n{'action':<20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for row in [*rows, total]:
        print(f"{row[0]:<20} {row[1]:>6} {row[2]:>8.1f} {row[3]:>8.1f} {row[4]:>8.1f} {row[5]:>8.1f}")
    print(
        f"\nrequests: {len(every)} ({len(every) / args.duration:.1f}/s), errors: {len(stats.errors)}, "
        f"edit conflicts (409, reloaded): {stats.conflicts}"
    )
    print(f"checks: {checks}")
    for line in stats.errors[:10]:
        print("  error:", line)
    verdict = total[4] < GOAL_P99_MS and not stats.errors and not checks["lost_edits"]
    verdict = verdict and not checks["duplicated_cdm_jobs"]
    print(f"goal p99 < {GOAL_P99_MS:.0f} ms, 0 errors, 0 lost edits, 0 duplicates: {'PASS' if verdict else 'FAIL'}")
    RESULTS_FILE.write_text(
        json.dumps(
            {
                "args": vars(args),
                "actions": [dict(zip(("action", "n", "p50", "p95", "p99", "max"), row, strict=True)) for row in rows],
                "all": dict(zip(("action", "n", "p50", "p95", "p99", "max"), total, strict=True)),
                "errors": stats.errors[:100],
                "error_count": len(stats.errors),
                "conflicts": stats.conflicts,
                "checks": checks,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
