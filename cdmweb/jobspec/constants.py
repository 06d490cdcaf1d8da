"""Words of CDM's API that several parts of cdmweb need: the sides of a job, the running status
of a cluster, the statuses a job run ends in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdmweb.catalog.registry import SIDE_GROUP, SIDE_LABELS, SIDES

# Where each side's config groups sit in a Job object.
SIDE_KEYS: dict[str, str] = {
    "from": "from-config-values",
    "to": "to-config-values",
    "driver": "driver-config-values",
}

# A cluster's "status" in CDM's cluster list: "200" running, "900" stopped (strings on the wire).
CLUSTER_RUNNING, CLUSTER_STOPPED = "200", "900"

# A job run's status once it has ended; every other status means it may still change.
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
NEVER_EXECUTED = "NEVER_EXECUTED"
TERMINAL_STATUSES = frozenset({SUCCEEDED, FAILED, "FAILURE_ON_SUBMIT", NEVER_EXECUTED})


def is_running(cluster: Mapping[str, Any]) -> bool:
    """Whether a cluster, as CDM lists it, is running (its status may come as a number)."""
    return str(cluster.get("status")) == CLUSTER_RUNNING


__all__ = [
    "CLUSTER_RUNNING",
    "CLUSTER_STOPPED",
    "FAILED",
    "NEVER_EXECUTED",
    "SIDES",
    "SIDE_GROUP",
    "SIDE_KEYS",
    "SIDE_LABELS",
    "SUCCEEDED",
    "TERMINAL_STATUSES",
    "is_running",
]
