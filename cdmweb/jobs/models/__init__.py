"""The jobs app's tables, one module per area, all importable from ``cdmweb.jobs.models``."""

from .audit import AuditEvent
from .clusters import ClusterInventory, ClusterJob, ClusterLink
from .drafts import ConfigGroup, DraftInput, JobDraft, LoadedInput, Revision
from .reviews import Comment, Review
from .submissions import Submission, Target

__all__ = [
    "AuditEvent",
    "ClusterInventory",
    "ClusterJob",
    "ClusterLink",
    "Comment",
    "ConfigGroup",
    "DraftInput",
    "JobDraft",
    "LoadedInput",
    "Review",
    "Revision",
    "Submission",
    "Target",
]
