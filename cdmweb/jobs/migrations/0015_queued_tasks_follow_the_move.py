"""The task functions moved from cdmweb.jobs.tasks to cdmweb.jobs.submissions.tasks. The database
queue stores each task's import path and a worker imports it when the task runs, so tasks queued
before the upgrade (a running job's next poll is always one) would fail to import: point them at
the new module."""

from django.db import migrations

OLD, NEW = "cdmweb.jobs.tasks.", "cdmweb.jobs.submissions.tasks."
TASKS = ("send_submission", "poll_submission", "refresh_clusters")


def rename(apps, old: str, new: str) -> None:
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for name in TASKS:
        results.filter(task_path=old + name).update(task_path=new + name)


def forwards(apps, schema_editor):
    rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0014_audit_changes_requested_spelling"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
