"""import_job, export_job and validate_job as automation calls them: real processes, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdmweb.jobs.models import JobDraft

from ..conftest import corpus_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def manage(tmp_path, django_db_blocker):
    """Run manage.py in a subprocess against a throwaway SQLite database with one user."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cmd.sqlite3'}"}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("migrate", "-v0").returncode == 0
    assert (
        run("shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('ann')").returncode
        == 0
    )
    return run


def test_import_prints_ids_last_and_export_gives_the_body_back(manage):
    path = corpus_files("jobs", "04-*")[0]
    result = manage("import_job", str(path), "--owner", "ann")
    assert result.returncode == 0, result.stderr
    ids = result.stdout.strip().splitlines()[-1].split()
    assert len(ids) == 1 and ids[0].isdigit()
    exported = manage("export_job", ids[0])
    assert exported.returncode == 0
    assert json.loads(exported.stdout) == json.loads(path.read_text())


def test_import_from_stdin_one_draft_per_job_and_random_body_export(manage):
    body = json.loads(corpus_files("jobs", "01-*")[0].read_text())
    two = {"jobs": [body["jobs"][0], {**body["jobs"][0], "name": "second"}]}
    result = manage("import_job", "-", "--owner", "ann", stdin=json.dumps(two))
    assert result.returncode == 0
    ids = result.stdout.strip().splitlines()[-1].split()
    assert len(ids) == 2
    exported = json.loads(manage("export_job", ids[1], "--clusters", "c1,c2").stdout)
    assert exported["clusters"] == ["c1", "c2"] and exported["jobs"][0]["name"] == "second"


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        ("not json", "not valid JSON"),
        ("", "empty"),
        ("[{}]", "array"),
        ('{"jobs": {"a": 1}}', "must be a list"),
        ('{"jobs": [{"name": "ok", "to-link-name": "x"}, 3]}', "job 2"),
        ("[" * 100_000, "nested too deeply"),
        ('{"jobs": [' + '{"a":' * 200 + "1" + "}" * 200 + "]}", "nested too deeply"),
    ],
)
def test_malformed_import_exits_2_with_one_line_and_saves_nothing(manage, stdin, reason):
    result = manage("import_job", "-", "--owner", "ann", stdin=stdin)
    assert result.returncode == 2
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    count = manage("shell", "-c", "from cdmweb.jobs.models import JobDraft; print(JobDraft.objects.count())")
    assert count.stdout.strip().splitlines()[-1] == "0"


def test_import_refusals_for_bad_arguments(manage, tmp_path):
    assert manage("import_job", str(tmp_path / "missing.json"), "--owner", "ann").returncode == 2
    assert manage("import_job", "-", "--owner", "nobody", stdin="{}").returncode == 2
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = manage("import_job", str(binary), "--owner", "ann")
    assert result.returncode == 2 and "UTF-8" in result.stderr


def test_export_refusals(manage):
    for args in (["999"], ["abc"]):
        result = manage("export_job", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr


def test_validate_exit_codes(manage, tmp_path):
    ok = manage("validate_job", str(corpus_files("jobs", "01-*")[0]))
    assert ok.returncode == 0 and "es_css: OK" in ok.stdout
    warned = manage("validate_job", str(corpus_files("jobs", "06-*")[0]))
    assert warned.returncode == 0 and "WARNING Cdm.0110" in warned.stdout  # warnings allowed
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"jobs": [{"name": "", "job_type": "X", "from-connector-name": "nope"}]}))
    result = manage("validate_job", str(bad))
    assert result.returncode == 1
    assert "ERROR Cdm.0055" in result.stdout and "ERROR Cdm.0102" in result.stdout
    malformed = manage("validate_job", "-", stdin="{oops")
    assert malformed.returncode == 2 and "Traceback" not in malformed.stderr
    one = json.loads(corpus_files("jobs", "01-*")[0].read_text())
    twice = {"jobs": [one["jobs"][0], one["jobs"][0]]}  # one body, two jobs of one name
    doubled = manage("validate_job", "-", stdin=json.dumps(twice))
    assert doubled.returncode == 1 and "ERROR Cdm.0104 Two jobs in this body are named" in doubled.stdout


@pytest.mark.django_db
def test_createsuperuser_noinput_from_environment(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'su.sqlite3'}",
        "DJANGO_SUPERUSER_USERNAME": "root2",
        "DJANGO_SUPERUSER_PASSWORD": "a-long-pass-phrase-9",
        "DJANGO_SUPERUSER_EMAIL": "root2@example.com",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and "Superuser created" in result.stdout
    assert not JobDraft.objects.exists()
