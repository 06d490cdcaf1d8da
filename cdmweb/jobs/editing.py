"""Changes the designer makes to a draft, one input or group at a time.

Each function does its writes in one transaction and a fixed number of queries, whatever the
size of the draft; the caller re-validates (``designer_state``) and records the findings.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext

from cdmweb.catalog.registry import SIDE_GROUP, get_catalog
from cdmweb.crypto import SecretUnreadable, decrypt, encrypt
from cdmweb.jobspec.pairing import taken_by_job_type
from cdmweb.jobspec.payload import JOB_FIELDS
from cdmweb.jobspec.validation import applies

from .models import AuditEvent, ConfigGroup, DraftInput, JobDraft

# What a new draft starts with: the groups and values every official sample sends.
DEFAULT_DRIVER: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "throttlingConfig",
        [
            ("throttlingConfig.numExtractors", "1"),
            ("throttlingConfig.submitToCluster", "false"),
            ("throttlingConfig.numLoaders", "1"),
            ("throttlingConfig.recordDirtyData", "false"),
        ],
    ),
    ("jarConfig", []),
    ("schedulerConfig", [("schedulerConfig.isSchedulerJob", "false"), ("schedulerConfig.disposableType", "NONE")]),
    ("transformConfig", []),
    ("retryJobConfig", [("retryJobConfig.retryJobType", "NONE")]),
]


@transaction.atomic
def create_draft(
    owner: Any,
    *,
    team: Any = None,
    name: str,
    job_type: str,
    from_connector: str,
    from_link: str,
    to_connector: str,
    to_link: str,
) -> JobDraft:
    """A new draft with the source and destination groups, the driver defaults and the
    connector's required inputs (with their defaults) ready to fill in, and its first revision."""
    draft = JobDraft.objects.create(
        owner=owner,
        team=team,
        name=name,
        job_type=job_type,
        from_connector=from_connector,
        from_link=from_link,
        to_connector=to_connector,
        to_link=to_link,
        side_meta={"from": {}, "to": {}, "driver": {}},
    )
    catalog = get_catalog()
    position = 0
    inputs: list[DraftInput] = []
    for side, connector in (("from", from_connector), ("to", to_connector)):
        group = ConfigGroup.objects.create(draft=draft, side=side, name=SIDE_GROUP[side], position=0)
        specs = catalog.specs_for_group(connector, side, group.name)
        by_name = {spec.name: spec for spec in specs}
        values: dict[str, str] = {}
        for spec in specs:
            taken = taken_by_job_type(spec, job_type, catalog)
            if spec.required and applies(spec, by_name, values) and taken:
                value = spec.default or ("false" if spec.type == "boolean" else "")
                values[spec.name] = value
                inputs.append(DraftInput(draft=draft, group=group, name=spec.name, value=value, position=position))
                position += 1
    for index, (group_name, defaults) in enumerate(DEFAULT_DRIVER):
        group = ConfigGroup.objects.create(draft=draft, side="driver", name=group_name, position=index)
        for name, value in defaults:
            inputs.append(DraftInput(draft=draft, group=group, name=name, value=value, position=position))
            position += 1
    DraftInput.objects.bulk_create(inputs)
    first = draft.snapshot(owner, "created")
    draft.record_change(owner, AuditEvent.Action.CREATED, f"in {team}" if team else "private", job=first.payload)
    return draft


def default_value(draft: JobDraft, group: ConfigGroup, name: str) -> str:
    """The catalogue's documented default for a new input, or empty."""
    connector = getattr(draft, f"{group.side}_connector", None) if group.side != "driver" else None
    spec = get_catalog().spec(connector, group.side, name)
    return (spec.default if spec else None) or ""


def _next_position(draft: JobDraft) -> int:
    top = draft.inputs.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def add_input(draft: JobDraft, group: ConfigGroup, name: str, value: str) -> DraftInput:
    item = DraftInput.objects.create(draft=draft, group=group, name=name, value=value, position=_next_position(draft))
    if group.inputs_form != "list":
        ConfigGroup.objects.filter(pk=group.pk).update(inputs_form="list")
    return item


def update_input(item: DraftInput, value: str) -> None:
    item.value = value
    item.value_is_json = False
    fields = ["value", "value_is_json"]
    if item.value_key != "value" and "value" not in item.extra:
        # Editing a legacy "values" or value-less input writes the documented spelling.
        item.value_key = "value"
        fields.append("value_key")
    item.save(update_fields=fields)


def remove_input(item: DraftInput) -> None:
    item.delete()


# The page offers Undo for UNDO_SECONDS; the server keeps the removed input a little longer, so a
# click in the last second (or a slow request) still lands.
UNDO_SECONDS = 10
_UNDO_GRACE_SECONDS = 5
_UNDO_KEPT_SECONDS = 60


def _undo_key(draft_id: int, token: str) -> str:
    return f"cdmweb:undo-remove:{draft_id}:{token}"


def remove_input_for_undo(item: DraftInput) -> str:
    """Remove an input, keeping what Undo needs to put it back where it was; returns the token
    that names it. The copy is encrypted (a removed password must not sit in the cache in plain)
    and lives in the shared cache, so any app server can undo it."""
    kept = {
        "group": item.group_id,
        "name": item.name,
        "value": item.value,
        "value_is_json": item.value_is_json,
        "value_key": item.value_key,
        "extra": item.extra,
        "position": item.position,
        "removed_at": time.time(),
    }
    token = secrets.token_urlsafe(12)
    cache.set(_undo_key(item.draft_id, token), encrypt(json.dumps(kept)), _UNDO_KEPT_SECONDS)
    remove_input(item)
    return token


def removed_input_name(draft: JobDraft, token: str) -> str | None:
    """The name of the input ``token`` can still put back, or None once it cannot."""
    kept = _kept(draft, token[:40])
    return kept["name"] if kept else None


def _kept(draft: JobDraft, token: str) -> dict[str, Any] | None:
    stored = cache.get(_undo_key(draft.pk, token)) if token else None
    if not stored:
        return None
    try:
        kept = json.loads(decrypt(stored))
    except (SecretUnreadable, ValueError):
        return None
    # The page offers Undo for UNDO_SECONDS: a page without JavaScript (or a stale one) gets the
    # same bound, with a few seconds' grace for the request on its way.
    return kept if time.time() - kept.get("removed_at", 0) <= UNDO_SECONDS + _UNDO_GRACE_SECONDS else None


class CannotRestore(Exception):
    """Undo came too late, or what the input went back to is gone or taken."""


@transaction.atomic
def restore_input(draft: JobDraft, token: str) -> DraftInput:
    """Put a removed input back in its group, at the place it had. Once only."""
    token = token[:40]
    kept = _kept(draft, token)
    if kept is None:
        raise CannotRestore(gettext("Too late to undo: a removed input can be put back for a few seconds only."))
    group = ConfigGroup.objects.filter(pk=kept["group"], draft=draft).first()
    if group is None:
        raise CannotRestore(
            gettext("%(name)s cannot be put back: its group has been removed.") % {"name": kept["name"]}
        )
    if group.inputs.filter(name=kept["name"]).exists():
        message = gettext("%(name)s is already back in %(group)s.")
        raise CannotRestore(message % {"name": kept["name"], "group": group.name})
    cache.delete(_undo_key(draft.pk, token))
    # Its old place may have been taken since (the newest input removed, another added): make room
    # there, so that it sorts between the same neighbours and no two inputs share a position.
    draft.inputs.filter(position__gte=kept["position"]).update(position=F("position") + 1)
    item = DraftInput.objects.create(
        draft=draft,
        group=group,
        name=kept["name"],
        value=kept["value"],
        value_is_json=kept["value_is_json"],
        value_key=kept["value_key"],
        extra=kept["extra"],
        position=kept["position"],
    )
    if group.inputs_form != "list":
        ConfigGroup.objects.filter(pk=group.pk).update(inputs_form="list")
    return item


@transaction.atomic
def move_input(item: DraftInput, direction: str) -> DraftInput | None:
    """Swap with the neighbour above or below in the same group; the neighbour, or None at an end."""
    siblings = DraftInput.objects.filter(group_id=item.group_id)
    if direction == "up":
        neighbour = siblings.filter(position__lt=item.position).order_by("-position", "-id").first()
    else:
        neighbour = siblings.filter(position__gt=item.position).order_by("position", "id").first()
    if neighbour is None:
        return None
    item.position, neighbour.position = neighbour.position, item.position
    DraftInput.objects.bulk_update([item, neighbour], ["position"])
    return neighbour


@transaction.atomic
def add_group(draft: JobDraft, side: str, name: str) -> ConfigGroup:
    top = draft.groups.filter(side=side).aggregate(top=Max("position"))["top"]
    meta = dict(draft.side_meta)
    if meta.get(side) is None:
        # The job had no such config-values at all: a group brings the object back.
        meta[side] = {}
        JobDraft.objects.filter(pk=draft.pk).update(side_meta=meta)
        draft.side_meta = meta
    return ConfigGroup.objects.create(draft=draft, side=side, name=name, position=0 if top is None else top + 1)


def remove_group(group: ConfigGroup) -> None:
    group.delete()


def update_header(draft: JobDraft, changes: dict[str, str | None]) -> list[str]:
    """Write the changed header fields; returns which changed."""
    changed = [field for field, value in changes.items() if getattr(draft, field) != value]
    for field in changed:
        setattr(draft, field, changes[field])
    # An imported header value that was not a string waited in ``extra``; the edit replaces it.
    wire_keys = {attribute: key for key, attribute in JOB_FIELDS}
    stale = [wire_keys[field] for field in changes if wire_keys.get(field) in draft.extra]
    if stale:
        draft.extra = {key: value for key, value in draft.extra.items() if key not in stale}
        changed.append("extra")
    if changed:
        draft.save(update_fields=changed)
    return changed
