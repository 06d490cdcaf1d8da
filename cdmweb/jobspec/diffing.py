"""A semantic diff between two Job objects: what a reviewer wants to know, not changed lines.

``diff_jobs(old, new)`` lists header changes, groups added or removed, and per group the inputs
added, removed, changed (old and new value) and moved. Inputs are matched by name within their
side and group; a name that appears twice is matched by its occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cdmweb.jobspec.payload import JOB_FIELDS

from .constants import SIDE_KEYS
from .masking import masked_value

HEADER_KEYS = [key for key, _ in JOB_FIELDS]


@dataclass(frozen=True)
class Change:
    kind: str  # header, group-added, group-removed, input-added, input-removed, input-changed, input-moved
    side: str = ""
    group: str = ""
    name: str = ""
    old: Any = None
    new: Any = None


def _groups(job: dict[str, Any], side: str) -> dict[str, list[tuple[str, Any]]]:
    value = job.get(SIDE_KEYS[side])
    configs = value.get("configs") if isinstance(value, dict) else None
    groups: dict[str, list[tuple[str, Any]]] = {}
    for config in configs if isinstance(configs, list) else []:
        if not isinstance(config, dict) or not isinstance(config.get("name"), str):
            continue
        inputs = config.get("inputs")
        items = groups.setdefault(config["name"], [])
        for item in inputs if isinstance(inputs, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                items.append((item["name"], item.get("value", item.get("values"))))
    return groups


def _keyed(items: list[tuple[str, Any]]) -> dict[tuple[str, int], tuple[int, Any]]:
    seen: dict[str, int] = {}
    keyed = {}
    for position, (name, value) in enumerate(items):
        occurrence = seen.get(name, 0)
        seen[name] = occurrence + 1
        keyed[(name, occurrence)] = (position, value)
    return keyed


def diff_jobs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for key in HEADER_KEYS:
        if old.get(key) != new.get(key):
            changes.append(Change("header", name=key, old=old.get(key), new=new.get(key)))
    for side in SIDE_KEYS:
        before, after = _groups(old, side), _groups(new, side)
        for group in before.keys() - after.keys():
            changes.append(Change("group-removed", side, group, old=len(before[group])))
        for group in after:
            if group not in before:
                changes.append(Change("group-added", side, group, new=len(after[group])))
                changes += [Change("input-added", side, group, name, new=value) for name, value in after[group]]
                continue
            changes += _diff_group(side, group, before[group], after[group])
    return changes


def _diff_group(side: str, group: str, before: list[tuple[str, Any]], after: list[tuple[str, Any]]) -> list[Change]:
    old, new = _keyed(before), _keyed(after)
    changes = []
    for key, (_, value) in old.items():
        if key not in new:
            changes.append(Change("input-removed", side, group, key[0], old=value))
    common_old = [key for key in old if key in new]
    common_new = sorted(common_old, key=lambda key: new[key][0])
    moved = {key for key, other in zip(common_old, common_new, strict=True) if key != other}
    for key, (position, value) in new.items():
        if key not in old:
            changes.append(Change("input-added", side, group, key[0], new=value))
            continue
        if old[key][1] != value:
            changes.append(Change("input-changed", side, group, key[0], old=old[key][1], new=value))
        if key in moved:
            changes.append(Change("input-moved", side, group, key[0], old=old[key][0] + 1, new=position + 1))
    return changes


def masked_changes(changes: list[Change]) -> list[Change]:
    """The changes with secret values hidden: a changed password shows as changed, never its text."""
    return [
        replace(c, old=masked_value(c.name, c.old), new=masked_value(c.name, c.new))
        if c.kind.startswith("input") and c.kind != "input-moved"
        else c
        for c in changes
    ]
