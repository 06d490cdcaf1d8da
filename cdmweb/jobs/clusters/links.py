"""The links on a target's clusters: what cdmweb knows of them, checking a job's links before it is
sent, the designer's findings about them, and creating one.

CDM has no call that lists links (the console and the public clients — the SDK, Terraform's
provider — only create, show, update and delete one by name), so the links a cluster has are
learned: named by the cluster's jobs (the pull's inventory writes those), read with show_link when a
job is checked, or created from here. ``known_links`` offers them all; ``ClusterLink.exists`` says
what show_link answered last (None: never asked).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cdmweb.accounts.access import EDIT, allows
from cdmweb.accounts.models import Membership
from cdmweb.cdm.errors import CdmError, CdmValidationError, redact
from cdmweb.crypto import encrypt
from cdmweb.jobs.models import AuditEvent, ClusterJob, ClusterLink, JobDraft, Target
from cdmweb.jobs.submissions.linkcheck import SIDE_WORDS
from cdmweb.jobs.submissions.targets import client_for
from cdmweb.jobspec import links as linkspec
from cdmweb.jobspec.findings import ERROR, WARNING, Finding, finding

log = logging.getLogger("cdmweb.links")
HEADER_KEYS = {"from": "from-link-name", "to": "to-link-name"}


# --- what cdmweb knows ----------------------------------------------------------------------------------


def known_links(target: Target, cluster_id: str) -> list[ClusterLink]:
    """The links cdmweb knows on a cluster, by name: its ClusterLink rows (checked, created, or
    written by the pull's inventory), plus the links the cluster's jobs name that have no row yet
    (unsaved rows, origin "job"). A link show_link said is missing is left out."""
    rows = {link.name: link for link in ClusterLink.objects.filter(target=target, cluster_id=cluster_id)}
    for from_link, from_connector, to_link, to_connector in ClusterJob.objects.filter(
        target=target, cluster_id=cluster_id
    ).values_list("from_link", "from_connector", "to_link", "to_connector"):
        for name, connector in ((from_link, from_connector), (to_link, to_connector)):
            if name and name not in rows:
                rows[name] = ClusterLink(
                    target=target, cluster_id=cluster_id, name=name, connector=connector, origin=ClusterLink.Origin.JOB
                )
    return sorted((link for link in rows.values() if link.exists is not False), key=lambda link: link.name)


# --- the designer's findings (local copy only) ----------------------------------------------------------


def link_findings(draft: JobDraft) -> list[Finding]:
    """Findings about the draft's links on its home cluster, from what cdmweb knows (no request to
    CDM): a link show_link said is missing, or that nothing tells of; a link of another connector;
    a pair the link's ``fromTo-unMapping`` excludes. Each names the header key it concerns
    (``from-link-name``/``to-link-name``). Nothing when the draft names no home cluster."""
    target = draft.home_target
    if target is None or not draft.home_cluster_id:
        return []
    cluster_id = draft.home_cluster_id
    where = target.cluster_name(cluster_id)
    names = [n for n in (draft.from_link, draft.to_link) if n]
    rows = {row.name: row for row in ClusterLink.objects.filter(target=target, cluster_id=cluster_id, name__in=names)}
    known = {link.name: link for link in known_links(target, cluster_id)} if len(rows) < len(set(names)) else rows
    findings: list[Finding] = []
    for side, name, connector in (
        ("from", draft.from_link, draft.from_connector),
        ("to", draft.to_link, draft.to_connector),
    ):
        if not name:
            continue
        key, role = HEADER_KEYS[side], SIDE_WORDS[side]
        row = rows.get(name) or known.get(name)
        if row is None or row.exists is False:
            if row is not None:
                text = _(
                    "Link %(name)s is not on cluster %(cluster)s (CDM said so when it was checked): create it "
                    "before submitting there."
                )
            else:
                text = _("Link %(name)s is not on cluster %(cluster)s: create it before submitting there.")
            message = text % {"name": name, "cluster": where}
            findings.append(finding(ERROR if row is not None else WARNING, message, "Cdm.0101", key))
            continue
        if connector and row.connector and row.connector != connector:
            message = _("Link %(name)s on cluster %(cluster)s is a %(actual)s link; the %(side)s is %(connector)s.") % {
                "name": name,
                "cluster": where,
                "actual": row.connector,
                "side": role,
                "connector": connector,
            }
            findings.append(finding(ERROR, message, "Cdm.0317", key))
            continue
        if (
            draft.job_type in ("", None, "NORMAL_JOB")
            and draft.from_connector
            and draft.to_connector
            and linkspec.pair_excluded(row.unmapping, draft.from_connector, draft.to_connector)
        ):
            message = _(
                "Link %(name)s on cluster %(cluster)s cannot serve %(source)s → %(destination)s: its "
                "fromTo-unMapping excludes the pair."
            ) % {"name": name, "cluster": where, "source": draft.from_connector, "destination": draft.to_connector}
            findings.append(finding(ERROR, message, "Cdm.0061", key))
    return findings


def link_choices(draft: JobDraft) -> list[tuple[str, str]]:
    """(name, connector) of the links known on the draft's home cluster, for the link fields."""
    if draft.home_target is None or not draft.home_cluster_id:
        return []
    return [(link.name, link.connector) for link in known_links(draft.home_target, draft.home_cluster_id)]


def home_choices(draft: JobDraft) -> list[tuple[str, str]]:
    """The clusters a draft may name as its home: every listed cluster of the targets it may go to."""
    return [
        (f"{target.pk}:{cluster['id']}", f"{target} / {cluster.get('name') or cluster['id']}")
        for target in Target.usable_for(draft).order_by("name")
        for cluster in target.clusters
        if cluster.get("id")
    ]


def set_home(draft: JobDraft, choice: str, user: Any) -> str:
    """Name (or with "" clear) the draft's home target and cluster; answers what is wrong, or "".
    A tracked draft keeps the cluster its job is on."""
    if draft.tracked:
        return _("A tracked draft stays with the cluster its job is on.")
    if choice and choice not in dict(home_choices(draft)):
        return _("Choose one of the listed clusters.")
    target_pk, _colon, cluster_id = choice.partition(":")
    draft.home_target = Target.objects.get(pk=int(target_pk)) if choice else None
    draft.home_cluster_id = cluster_id
    draft.save(update_fields=["home_target", "home_cluster_id"])
    where = dict(home_choices(draft)).get(choice, "none")
    AuditEvent.record(user, AuditEvent.Action.EDITED, draft, detail=f"home cluster: {where}")
    return ""


# --- creating a link ------------------------------------------------------------------------------------


@dataclass
class LinkOutcome:
    """What testing or creating a link came to: per cluster, created/tested or the reason why not."""

    done: dict[str, str]  # cluster id -> "tested" or "created"
    failed: dict[str, str]  # cluster id -> the reason, in words (never a secret)

    @property
    def ok(self) -> bool:
        return not self.failed


def link_body(name: str, connector: str, values: Mapping[str, str]) -> dict[str, Any]:
    """The Link for ``values`` (input name -> value) of the connector's documented link inputs;
    inputs the catalogue does not list for it are not sent."""
    specs = {spec.name for spec in linkspec.link_specs(connector)}
    return linkspec.build_link(name, connector, {k: v for k, v in values.items() if k in specs})


def try_link(target: Target, cluster_ids: Iterable[str], link: dict[str, Any]) -> LinkOutcome:
    """ "Test connection": create_link with validate=true on each cluster; nothing is created."""
    return _send(target, list(cluster_ids), link, validate=True)


def create_link(
    target: Target, cluster_ids: Iterable[str], link: dict[str, Any], user: Any, draft: JobDraft | None = None
) -> LinkOutcome:
    """Test, then create the link on each cluster (validate=true first, as the console does, so a
    link that cannot connect is created nowhere). Each cluster it was created on gets a ClusterLink
    (origin created; inputs without secrets; secrets encrypted) and an audit event. The caller has
    checked that ``user`` may (``may_create_links``)."""
    cluster_ids = list(dict.fromkeys(cluster_ids))
    tested = _send(target, cluster_ids, link, validate=True)
    if not tested.ok:
        return tested
    outcome = _send(target, cluster_ids, link, validate=False)
    secrets = linkspec.secret_values(link)
    config = {k: v for k, v in linkspec.link_values(link).items() if k not in secrets}
    for cluster_id in outcome.done:
        where = target.cluster_name(cluster_id)
        ClusterLink.objects.update_or_create(
            target=target,
            cluster_id=cluster_id,
            name=link["name"],
            defaults={
                "connector": link["connector-name"],
                "origin": ClusterLink.Origin.CREATED,
                "exists": True,
                "checked_at": timezone.now(),
                "unmapping": "",
                "config": config,
                "secrets_encrypted": encrypt(json.dumps(secrets)) if secrets else "",
                "created_by": user if getattr(user, "is_authenticated", False) else None,
                "seen_at": timezone.now(),
            },
        )
        AuditEvent.record(
            user,
            AuditEvent.Action.LINK_CREATED,
            draft,
            team=target.team if draft is None else None,
            detail=f"link {link['name']} ({link['connector-name']}) on {target}, cluster {where}",
        )
    return outcome


def _send(target: Target, cluster_ids: list[str], link: dict[str, Any], *, validate: bool) -> LinkOutcome:
    secrets = list(linkspec.secret_values(link).values())
    outcome = LinkOutcome({}, {})
    try:
        client = client_for(target, read_timeout=30.0, retries=0, secrets=secrets)
    except CdmError as error:
        reason = _words(error, secrets)
        return LinkOutcome({}, {c: reason for c in cluster_ids})
    with closing(client):
        for cluster_id in cluster_ids:
            try:
                client.create_link(cluster_id, linkspec.links_body(link), validate=validate)
            except CdmError as error:
                outcome.failed[cluster_id] = _words(error, secrets)
                log.info("link %s on %s/%s: %s", link.get("name"), target, cluster_id, type(error).__name__)
                if not validate:
                    continue
            else:
                outcome.done[cluster_id] = "tested" if validate else "created"
    return outcome


def _words(error: CdmError, secrets: list[str]) -> str:
    """What went wrong, for the page: CDM's findings or message, with every form of a secret of the
    link taken out (a careless server may repeat the request)."""
    if isinstance(error, CdmValidationError) and error.errors:
        text = " ".join(f["message"] for f in error.errors)
    else:
        text = str(error)
    return redact(text, secrets)


def may_create_links(user: Any, target: Target) -> bool:
    """Whoever may submit to the target as an editor: for a team's target, its editors and above;
    for a target every team uses, staff, and whoever edits drafts that may go there: on one that
    takes private drafts (the sandbox) any signed-in user, on one that requires review an editor
    of some team (only approved team drafts go there)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if target.team_id is None:
        if user.is_staff or not target.requires_review:
            return True
        roles = Membership.objects.filter(user=user).values_list("role", flat=True)
        return any(allows(role, EDIT) for role in roles)
    role = Membership.objects.filter(team_id=target.team_id, user=user).values_list("role", flat=True).first()
    return allows(role, EDIT)
