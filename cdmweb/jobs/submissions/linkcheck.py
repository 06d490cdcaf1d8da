"""The live check of a job's links before it is sent: does each cluster it may go to have them,
of the right connector, serving this pair? Asked of CDM (``show_link``) by every path that submits,
and recorded in the local copy (``ClusterLink``) for the designer and the Clusters screen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.cdm.client import CdmClient
from cdmweb.cdm.errors import CdmConnectionError, CdmError, CdmNotFound, CdmTimeout
from cdmweb.jobs.models import ClusterLink, Target
from cdmweb.jobspec import links as linkspec

from .targets import client_for

log = logging.getLogger("cdmweb.links")
SIDE_WORDS = {"from": gettext_lazy("source"), "to": gettext_lazy("destination")}
# The one CDM answer that means "no such link"; any other failure leaves the question open.
MISSING_LINK_CODE = "Cdm.0101"


# --- the live check before sending ----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkProblem:
    """One link of a job that will not do on one cluster (or could not be checked there)."""

    cluster_id: str
    cluster_name: str
    side: str  # "from" or "to"
    link: str
    connector: str  # the connector the job's side names
    kind: str  # "missing", "connector", "unmapped", "unchecked"
    message: str

    @property
    def blocking(self) -> bool:
        """Whether the job must not be sent: only what CDM said counts; an outage does not."""
        return self.kind != "unchecked"


def check_links(
    target: Target, cluster_ids: Iterable[str], job: Mapping[str, Any], *, read_timeout: float = 10.0
) -> list[LinkProblem]:
    """Ask each cluster (show_link) for each link the job names, record what it answered in
    ClusterLink, and say what will not do: a link missing, of another connector than the side, or
    whose ``fromTo-unMapping`` excludes the job's pair. A cluster that cannot be asked gives an
    "unchecked" problem, which does not block a submission (CDM itself still refuses a job whose
    link is missing, and the submission page then says so)."""
    named = linkspec.job_links(job)
    cluster_ids = list(dict.fromkeys(cluster_ids))
    if not named or not cluster_ids:
        return []
    problems: list[LinkProblem] = []
    try:
        client = client_for(target, read_timeout=read_timeout, retries=0)
    except CdmError as error:
        return [_unchecked(target, c, side, name, conn, error) for c in cluster_ids for side, name, conn in named]
    outage: CdmError | None = None
    with closing(client):
        for cluster_id in cluster_ids:
            answers: dict[str, dict[str, Any] | CdmError] = {}
            for side, name, connector in named:
                if name not in answers:
                    # CDM out of reach once is out of reach for the rest: not asked again and again.
                    answers[name] = outage or _show_link(client, target, cluster_id, name)
                    if isinstance(answers[name], CdmConnectionError | CdmTimeout):
                        outage = answers[name]  # type: ignore[assignment]
                problems.extend(_judge(target, cluster_id, side, name, connector, answers[name], job))
    return problems


def _show_link(client: CdmClient, target: Target, cluster_id: str, name: str) -> dict[str, Any] | CdmError:
    now = timezone.now()
    try:
        answer = client.show_link(cluster_id, name)
    except CdmError as error:
        if error.code == MISSING_LINK_CODE or error.err_code == MISSING_LINK_CODE:
            _remember(target, cluster_id, name, exists=False, checked_at=now)
        return error
    link = next((item for item in answer.get("links") or [] if isinstance(item, dict)), {})
    unmapping = answer.get("fromTo-unMapping")
    _remember(
        target,
        cluster_id,
        name,
        exists=True,
        checked_at=now,
        connector=str(link.get("connector-name") or ""),
        unmapping=unmapping if isinstance(unmapping, str) else "",
    )
    return answer


def _remember(target: Target, cluster_id: str, name: str, **fields: Any) -> None:
    """Record what show_link said; a row's origin stays what it was (created, job), else "checked"."""
    with transaction.atomic():
        row, created = ClusterLink.objects.select_for_update().get_or_create(
            target=target,
            cluster_id=cluster_id,
            name=name,
            defaults={**fields, "origin": ClusterLink.Origin.CHECKED, "seen_at": timezone.now()},
        )
        if not created:
            for key, value in fields.items():
                if key == "connector" and not value:
                    continue
                setattr(row, key, value)
            row.save()


def _judge(
    target: Target,
    cluster_id: str,
    side: str,
    name: str,
    connector: str,
    answer: dict[str, Any] | CdmError,
    job: Mapping[str, Any],
) -> list[LinkProblem]:
    where = target.cluster_name(cluster_id)
    role = SIDE_WORDS[side]

    def problem(kind: str, message: str) -> list[LinkProblem]:
        return [LinkProblem(cluster_id, where, side, name, connector, kind, message)]

    if isinstance(answer, CdmError):
        if isinstance(answer, CdmNotFound) and MISSING_LINK_CODE in (answer.code, answer.err_code):
            return problem(
                "missing",
                _("The %(side)s link %(name)s does not exist on cluster %(cluster)s.")
                % {"side": role, "name": name, "cluster": where},
            )
        return [_unchecked(target, cluster_id, side, name, connector, answer)]
    link = next((item for item in answer.get("links") or [] if isinstance(item, dict)), {})
    actual = str(link.get("connector-name") or "")
    if connector and actual and actual != connector:
        return problem(
            "connector",
            _(
                "The %(side)s link %(name)s on cluster %(cluster)s is a %(actual)s link; the job's %(side)s is "
                "%(connector)s."
            )
            % {"side": role, "name": name, "cluster": where, "actual": actual, "connector": connector},
        )
    source, destination = job.get("from-connector-name"), job.get("to-connector-name")
    unmapping = answer.get("fromTo-unMapping")
    if (
        isinstance(source, str)
        and isinstance(destination, str)
        and isinstance(unmapping, str)
        and (job.get("job_type") or "NORMAL_JOB") == "NORMAL_JOB"
        and linkspec.pair_excluded(unmapping, source, destination)
    ):
        return problem(
            "unmapped",
            _(
                "The link %(name)s on cluster %(cluster)s cannot serve %(source)s → %(destination)s (its "
                "fromTo-unMapping excludes the pair; CDM refuses the job with Cdm.0061)."
            )
            % {"name": name, "cluster": where, "source": source, "destination": destination},
        )
    return []


def _unchecked(target: Target, cluster_id: str, side: str, name: str, connector: str, error: CdmError) -> LinkProblem:
    where = target.cluster_name(cluster_id)
    message = _("Could not check the %(side)s link %(name)s on cluster %(cluster)s: %(error)s") % {
        "side": SIDE_WORDS[side],
        "name": name,
        "cluster": where,
        "error": error.message,
    }
    return LinkProblem(cluster_id, where, side, name, connector, "unchecked", message)


def refusal_text(problems: Iterable[LinkProblem]) -> str:
    """One sentence for a refused submission: every blocking problem, in order."""
    blocking = [p.message for p in problems if p.blocking]
    return " ".join(blocking)
