"""Import and export of request bodies, shared by the import screen and the commands."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cdmweb.jobspec.masking import masked_job
from cdmweb.jobspec.payload import ParsedBody, build_request_body, loads_body

from .models import JobDraft


def import_text(text: str, owner: Any, team: Any = None) -> tuple[list[JobDraft], ParsedBody]:
    """One draft per job in the body, all or none. Raises PayloadError with a reason."""
    parsed = loads_body(text)
    with transaction.atomic():
        drafts = [JobDraft.create_from_data(owner, job, team) for job in parsed.jobs]
    return drafts, parsed


def parse_clusters(text: str | None) -> list[str] | None:
    """ "a, b" -> ["a", "b"]; None or blank -> None (create-in-cluster body)."""
    if text is None or not text.strip():
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def export_body(draft: JobDraft, clusters: list[str] | None = None, *, reveal_secrets: bool) -> dict[str, Any]:
    """The request body to take away, its secrets (passwords, keys) masked unless revealed: the
    web export and export_job both reveal them only to whom ``access.sees_secrets`` allows."""
    job = draft.build()
    return build_request_body([job if reveal_secrets else masked_job(job)], clusters)
