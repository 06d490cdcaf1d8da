"""A semantic diff between two Job objects: what a reviewer wants to know, not changed lines, and
nothing that is sent left out of it.

``diff_jobs(old, new)`` lists, in the order of the job: the header keys; any other key of the Job
(unknown keys included); per side, keys besides ``configs`` (``extended-configs``...) and the
groups added, removed or moved; per group, keys besides ``name`` and ``inputs`` (``type``,
``id``...); per input, its value added, removed, changed or moved, and every other key it carries
(``values`` beside ``value``, ``type``...). Groups and inputs are matched by name; a name that
appears twice is matched by its occurrence. Parts of other shapes (a side that is not an object,
entries without a name) are compared whole and shown as they will be sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from cdmweb.translation import gettext as _

from .characters import visible
from .constants import SIDE_KEYS
from .masking import masked_job, masked_value
from .payload import JOB_FIELDS

HEADER_KEYS = [key for key, _attr in JOB_FIELDS]
SIDE_OF_KEY = {key: side for side, key in SIDE_KEYS.items()}


class _Absent:
    """A key that is not there at all (unlike a key whose value is null)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Change:
    # header, key, side-added, side-removed, side-key, group-added, group-removed, group-moved,
    # group-key, input-added, input-removed, input-changed, input-moved, input-key
    kind: str
    side: str = ""
    group: str = ""
    name: str = ""
    old: Any = None
    new: Any = None
    key: str = ""  # for side-key, group-key and input-key: which key of it

    @property
    def old_text(self) -> str:
        return visible(shown(self.old))

    @property
    def new_text(self) -> str:
        return visible(shown(self.new))


def shown(value: Any) -> str:
    """A value as a reviewer reads it: text as it is, anything else as the JSON that is sent."""
    if value is ABSENT:
        # Translators: where a diff shows a key or an input that is not there at all.
        return _("(absent)")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _same(old: Any, new: Any) -> bool:
    """Equal as JSON: what is sent is the same text. (Python's == says 1 == 1.0 == True and 0 ==
    False, which would hide a number turned into a boolean from the reviewer.)"""
    if old is ABSENT or new is ABSENT:
        return old is new
    return _canonical(old) == _canonical(new)


def _canonical(value: Any) -> str:
    # Key order inside an object is not part of its meaning (PostgreSQL's jsonb does not keep it).
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def diff_jobs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for key in _keys(old, new):
        before, after = old.get(key, ABSENT), new.get(key, ABSENT)
        if key in SIDE_OF_KEY:
            changes += _diff_side(SIDE_OF_KEY[key], before, after)
        elif not _same(before, after):
            changes.append(Change("header" if key in HEADER_KEYS else "key", name=key, old=before, new=after))
    return changes


def _keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The keys of both, in the order of the newer, then those only the older has."""
    return [*new, *(key for key in old if key not in new)]


def _diff_side(side: str, before: Any, after: Any) -> list[Change]:
    if _same(before, after):
        return []
    if not isinstance(before, dict | _Absent) or not isinstance(after, dict | _Absent):
        return [Change("side-key", side, old=before, new=after)]  # a shape of its own, compared whole
    changes = []
    if after is ABSENT:
        return [Change("side-removed", side, old=len(_named(before.get("configs"))[0]))]
    added = before is ABSENT
    if added:
        changes.append(Change("side-added", side))
        before = {}
    for key in _keys(before, after):
        if key != "configs" and not _same(before.get(key, ABSENT), after.get(key, ABSENT)):
            changes.append(Change("side-key", side, key=key, old=before.get(key, ABSENT), new=after.get(key, ABSENT)))
    old_groups, old_odd = _named(_before_list(before, after, "configs", added))
    new_groups, new_odd = _named(after.get("configs", ABSENT))
    if not _same(old_odd, new_odd):
        changes.append(Change("side-key", side, key="configs", old=old_odd, new=new_odd))
    for key, (_position, config) in old_groups.items():
        if key not in new_groups:
            inputs, _ = _named(config.get("inputs"))
            changes.append(Change("group-removed", side, key[0], old=len(inputs)))
    for key, moved_from, moved_to in _moves(old_groups, new_groups):
        changes.append(Change("group-moved", side, key[0], old=moved_from, new=moved_to))
    for key, (_position, config) in new_groups.items():
        if key in old_groups:
            changes += _diff_group(side, key[0], old_groups[key][1], config)
        else:
            inputs, _ = _named(config.get("inputs"))
            changes.append(Change("group-added", side, key[0], new=len(inputs)))
            changes += _diff_group(side, key[0], {}, config, added=True)
    return changes


def _named(entries: Any) -> tuple[dict[tuple[str, int], tuple[int, dict[str, Any]]], Any]:
    """Entries of a list keyed by (name, occurrence) with their position, and what is not such an
    entry (the whole value when it is not a list), to be compared whole."""
    if not isinstance(entries, list):
        return {}, entries
    named: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}
    odd = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            occurrence = seen.get(entry["name"], 0)
            seen[entry["name"]] = occurrence + 1
            named[(entry["name"], occurrence)] = (position, entry)
        else:
            odd.append(entry)
    return named, odd


def _moves(old: dict[Any, tuple[int, Any]], new: dict[Any, tuple[int, Any]]) -> list[tuple[Any, int, int]]:
    """Entries both have whose order among the common ones changed: (key, old place, new place)."""
    common_old = [key for key in old if key in new]
    common_new = sorted(common_old, key=lambda key: new[key][0])
    moved = {key for key, other in zip(common_old, common_new, strict=True) if key != other}
    return [(key, old[key][0] + 1, new[key][0] + 1) for key in common_new if key in moved]


def _diff_group(side: str, group: str, before: dict[str, Any], after: dict[str, Any], *, added: bool = False) -> list:
    changes = []
    for key in _keys(before, after):
        if key in ("name", "inputs"):
            continue
        old, new = before.get(key, ABSENT), after.get(key, ABSENT)
        if not _same(old, new):
            changes.append(Change("group-key", side, group, key=key, old=old, new=new))
    old_inputs, old_odd = _named(_before_list(before, after, "inputs", added))
    new_inputs, new_odd = _named(after.get("inputs", ABSENT))
    if not _same(old_odd, new_odd):
        changes.append(Change("group-key", side, group, key="inputs", old=old_odd, new=new_odd))
    for key, (_position, item) in old_inputs.items():
        if key not in new_inputs:
            changes.append(Change("input-removed", side, group, key[0], old=_value(item)))
    moves = {key: (a, b) for key, a, b in _moves(old_inputs, new_inputs)}
    for key, (_position, item) in new_inputs.items():
        if key not in old_inputs:
            changes.append(Change("input-added", side, group, key[0], new=_value(item)))
            changes += _diff_input_keys(side, group, key[0], {}, item)
            continue
        previous = old_inputs[key][1]
        if not _same(_value(previous), _value(item)):
            changes.append(Change("input-changed", side, group, key[0], old=_value(previous), new=_value(item)))
        if key in moves:
            changes.append(Change("input-moved", side, group, key[0], old=moves[key][0], new=moves[key][1]))
        changes += _diff_input_keys(side, group, key[0], previous, item)
    return changes


def _before_list(before: dict[str, Any], after: dict[str, Any], key: str, added: bool) -> Any:
    """What ``before`` holds under ``key``; for a part just added, an empty list when the new one is
    a list, so that an ordinary list is not reported as a change of shape."""
    if added:
        return [] if isinstance(after.get(key), list) else ABSENT
    return before.get(key, ABSENT)


def _value_key(item: dict[str, Any]) -> str:
    """The key that carries an input's value: "value", else the legacy "values"."""
    return "value" if "value" in item or "values" not in item else "values"


def _value(item: dict[str, Any]) -> Any:
    return item.get(_value_key(item), ABSENT)


def _diff_input_keys(side: str, group: str, name: str, before: dict[str, Any], after: dict[str, Any]) -> list:
    """Every key of an input besides its name and its value: what else CDM receives with it."""
    same_value_key = not before or _value_key(before) == _value_key(after)
    value_keys = {_value_key(after)} if same_value_key else set()
    changes = []
    for key in _keys(before, after):
        if key == "name" or key in value_keys:
            continue
        old, new = before.get(key, ABSENT), after.get(key, ABSENT)
        if not _same(old, new):
            changes.append(Change("input-key", side, group, name, key=key, old=old, new=new))
    return changes


def masked_changes(changes: list[Change]) -> list[Change]:
    """The changes as a page shows them: a secret input's value (and its "values") masked, named
    but never its text; and any secret inside a raw part (an unknown key, extended-configs) masked
    the way the preview masks it."""
    shown_changes = []
    for change in changes:
        if change.kind.startswith("input") and change.kind != "input-moved":
            if change.kind != "input-key" or change.key in ("value", "values"):
                change = replace(
                    change, old=_masked_input(change.name, change.old), new=_masked_input(change.name, change.new)
                )
        if change.kind in ("key", "side-key", "group-key", "input-key"):
            change = replace(change, old=_masked_raw(change.old), new=_masked_raw(change.new))
        shown_changes.append(change)
    return shown_changes


def _masked_input(name: str, value: Any) -> Any:
    return value if value is ABSENT else masked_value(name, value)


def _masked_raw(value: Any) -> Any:
    return masked_job(value) if isinstance(value, dict | list) else value
