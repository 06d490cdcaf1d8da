"""A job as a cluster holds it, against the job cdmweb deployed: what to keep, what to compare.

CDM answers a job with keys it writes itself (``status``, ``creation-date``, counters...; reference
§4 lists them): they are not part of what anyone designs or deploys, so a pulled draft leaves them
out and a drift check never counts them. A GET may also answer values typed (``22`` for ``"22"``)
or URL-encoded, and never answers a secret (the mask, or nothing): none of that is a change anyone
made on the cluster, so drift reads both sides the same way first.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from cdmweb.catalog.registry import is_secret_name
from cdmweb.translation import gettext as _

from .constants import SIDE_KEYS
from .diffing import Change, diff_jobs, masked_changes
from .findings import as_text
from .masking import ANSWERED_MASKS

# Keys a GET answers that CDM writes itself (SDK ``Job``; reference §4).
READ_ONLY_JOB_KEYS = frozenset(
    {
        "creation-user",
        "creation-date",
        "update-user",
        "update-date",
        "is_incre_job",
        "flag",
        "files_read",
        "files_written",
        "external_id",
        "type",
        "execute_start_date",
        "execute_update_date",
        "execute_create_date",
        "delete_rows",
        "update_rows",
        "write_rows",
        "rows_read",
        "rows_written",
        "bytes_read",
        "bytes_written",
        "enabled",
        "id",
        "is_use_sql",
        "group_name",
        "is_incrementing",
        "status",
        "last-update-date",
        "last-update-user",
    }
)
# What a GET answers in place of a secret: a mask, or nothing.
MASKS = frozenset({"", *ANSWERED_MASKS})
URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# ${name}: a variable a run may be given; ${name(…)} is a macro CDM resolves itself.
VARIABLE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}")


def deployable(job: dict[str, Any]) -> dict[str, Any]:
    """``job`` without the keys CDM writes itself: the body to keep in a draft and to send back."""
    return {key: value for key, value in job.items() if key not in READ_ONLY_JOB_KEYS}


def run_status(job: dict[str, Any]) -> str:
    """The job's own status as a listing answers it (NEW, BOOTING, RUNNING, SUCCEEDED, FAILED), or ""."""
    return as_text(job.get("status")) or ""


def comparable(job: dict[str, Any], *, secrets_from: dict[str, Any] | None = None) -> dict[str, Any]:
    """``job`` as drift compares it: deployable keys only, scalar values as text, URL escapes
    decoded. With ``secrets_from`` (the job we deployed), a secret the cluster answered masked or
    empty counts as the one we sent, since CDM never gives it back."""
    ours = _secret_inputs(secrets_from) if secrets_from is not None else {}
    result = deployable(job)
    for key in SIDE_KEYS.values():
        values = result.get(key)
        if isinstance(values, dict) and isinstance(values.get("configs"), list):
            result[key] = {**values, "configs": [_comparable_group(group, ours) for group in values["configs"]]}
    return result


def drift_changes(deployed: dict[str, Any], on_cluster: dict[str, Any]) -> list[Change]:
    """What differs between the job cdmweb deployed and the job the cluster has, every key, secrets
    masked. Empty: in sync."""
    return masked_changes(diff_jobs(comparable(deployed), comparable(on_cluster, secrets_from=deployed)))


def change_lines(changes: list[Change]) -> list[str]:
    """One line per change, as the drift command prints it: where, then old → new."""
    lines = []
    for change in changes:
        where = ".".join(part for part in (change.side, change.group, change.name or change.key) if part)
        lines.append(f"{change.kind} {where or _('(job)')}: {change.old_text} → {change.new_text}")
    return lines


def variables(job: Any) -> list[str]:
    """The ``${name}`` variables a job's values use, in order of first use: what a run may set."""
    found: dict[str, None] = {}
    stack = [job]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.update((name, None) for name in VARIABLE.findall(item))
    return list(found)


def _secret_inputs(job: dict[str, Any]) -> dict[tuple[str, str], Any]:
    found = {}
    for group in _groups(job):
        for item in group.get("inputs") if isinstance(group.get("inputs"), list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and is_secret_name(item["name"]):
                found[(str(group.get("name")), item["name"])] = item.get("value")
    return found


def _groups(job: dict[str, Any]) -> list[dict[str, Any]]:
    groups = []
    for key in SIDE_KEYS.values():
        values = job.get(key)
        if isinstance(values, dict) and isinstance(values.get("configs"), list):
            groups += [group for group in values["configs"] if isinstance(group, dict)]
    return groups


def _comparable_group(group: Any, ours: dict[tuple[str, str], Any]) -> Any:
    if not isinstance(group, dict) or not isinstance(group.get("inputs"), list):
        return group
    return {**group, "inputs": [_comparable_input(str(group.get("name")), item, ours) for item in group["inputs"]]}


def _comparable_input(group: str, item: Any, ours: dict[tuple[str, str], Any]) -> Any:
    if not isinstance(item, dict) or "value" not in item:
        return item
    name, value = item.get("name"), item["value"]
    if (group, name) in ours and (value is None or (isinstance(value, str) and value in MASKS)):
        value = ours[(group, name)]
    text = as_text(value)
    if text is not None:
        value = unquote(text) if URL_ESCAPE.search(text) else text
    return {**item, "value": value}
