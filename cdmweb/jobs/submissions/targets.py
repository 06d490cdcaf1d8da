"""CDM targets as the client sees them: credentials, the client itself, the cluster list."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from contextlib import closing
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cdmweb.cdm.auth import AkSkAuth, PasswordAuth, TokenAuth
from cdmweb.cdm.client import CdmClient
from cdmweb.cdm.errors import CdmConnectionError
from cdmweb.cdm.guard import guarded_session
from cdmweb.crypto import SecretUnreadable, decrypt
from cdmweb.jobs.models import Target

from .endpoints import connection_rule, endpoint_problem

log = logging.getLogger("cdmweb.submissions")


def team_variable_prefix(team_id: int) -> str:
    """The start of every variable a team's targets may name: CDM_TARGET_<TEAM ID>_. The id ends at
    the underscore, so no team's namespace is the start of another's (by slug, "sec" would own
    "sec-team"'s CDM_TARGET_SEC_TEAM_...), and it never changes when a team is renamed."""
    return f"{settings.CDMWEB_TEAM_SECRET_PREFIX}{team_id}_"


def foreign_variables(target: Target) -> list[str]:
    """The variables a team's target names outside its team's namespace (staff targets may name any)."""
    if target.team_id is None:
        return []
    prefix = team_variable_prefix(target.team_id)
    named = (target.access_key_source, target.secret_source)
    return [name for name in named if name and not name.startswith(prefix)]


def resolve_secret(source: str) -> str:
    """A secret named by a target: the environment variable, else the Django setting."""
    if not source:
        return ""
    return os.environ.get(source) or str(getattr(settings, source, "") or "")


def target_secret(target: Target) -> str:
    """The SK, password or token: decrypted from the target, else read from its variable."""
    if target.secret_source in foreign_variables(target):
        log.error("target %s names %s, outside its team's variables: not read", target.name, target.secret_source)
        return ""
    if target.secret_encrypted:
        try:
            return decrypt(target.secret_encrypted)
        except SecretUnreadable:
            log.error("target %s: the stored secret cannot be decrypted (was the key changed?)", target.name)
            return ""
    return resolve_secret(target.secret_source)


def target_access_key(target: Target) -> str:
    if target.access_key_source in foreign_variables(target):
        log.error("target %s names %s, outside its team's variables: not read", target.name, target.access_key_source)
        return target.access_key
    return target.access_key or resolve_secret(target.access_key_source)


def missing_credentials(target: Target) -> str:
    """What a target needs and cannot find, or ""."""
    foreign = foreign_variables(target)
    if foreign:
        prefix = team_variable_prefix(target.team_id)
        return _("%(names)s (not this team's: its variables start with %(prefix)s)") % {
            "names": ", ".join(foreign),
            "prefix": prefix,
        }
    missing = []
    if not target_secret(target):
        missing.append(target.secret_source or _("a secret (store one, or name its variable)"))
    if target.auth_mode == Target.AuthMode.AKSK and not target_access_key(target):
        missing.append(target.access_key_source or _("an AK"))
    return ", ".join(missing)


def endpoint_refusal(target: Target, *, resolve: bool = True) -> str:
    """Why this target's endpoints may not be called (see ``endpoints``), or ""."""
    built_in = not target.endpoint
    problem = endpoint_problem(target.base_url, sandbox=built_in, resolve=resolve)
    if problem:
        return _("Target %(target)s cannot be used: %(problem)s") % {"target": target, "problem": problem}
    if target.auth_mode == Target.AuthMode.PASSWORD and target.iam_endpoint:
        problem = endpoint_problem(target.iam_endpoint, sandbox=built_in, resolve=resolve)
        if problem:
            return _("Target %(target)s's IAM endpoint cannot be used: %(problem)s") % {
                "target": target,
                "problem": problem,
            }
    return ""


# CDM's documented X-Language values, per interface language.
CDM_ENGLISH, CDM_CHINESE = "en-us", "zh-cn"


def cdm_language(target: Target, language: str | None = None) -> str:
    """The X-Language sent to ``target``: the one it fixes, else the interface language of whom
    the call is for (``language``, else the active one: the user's in a request, English in a
    background worker)."""
    if target.x_language:
        return target.x_language
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    return CDM_CHINESE if code.lower().startswith("zh") else CDM_ENGLISH


def client_for(
    target: Target,
    *,
    read_timeout: float = 10.0,
    retries: int = 2,
    secrets: Iterable[str] = (),
    language: str | None = None,
) -> CdmClient:
    """A client for ``target``; ``secrets``: values besides the credentials (a job's passwords)
    that no error it raises may repeat; ``language``: the interface language CDM should answer in
    when the target fixes none (default: the active one). Nothing is sent to an endpoint the rule
    refuses."""
    # No name lookup here (this runs on every poll): the connection itself is checked when made,
    # and a name may resolve elsewhere by then anyway.
    refusal = endpoint_refusal(target, resolve=False)
    if refusal:
        raise CdmConnectionError(_("Not sent: %(reason)s") % {"reason": refusal})
    session = guarded_session(connection_rule(sandbox=not target.endpoint))
    if target.auth_mode == Target.AuthMode.AKSK:
        auth: Any = AkSkAuth(target_access_key(target), target_secret(target), target.project_id)
    elif target.auth_mode == Target.AuthMode.PASSWORD:
        auth = PasswordAuth(
            target.iam_endpoint or target.base_url,
            target.username,
            target_secret(target),
            target.domain,
            target.project_id,
            session=session,
            # Shared by every process (Redis or the database cache), so one token serves them all.
            cache=caches["default"],
        )
    else:
        auth = TokenAuth(target_secret(target))
    return CdmClient(
        target.base_url,
        target.project_id,
        auth,
        x_language=cdm_language(target, language),
        read_timeout=read_timeout,
        retries=retries,
        secrets=secrets,
        session=session,
    )


def sandbox_target() -> Target:
    """The default target, the embedded sandbox (created by a migration; recreated if deleted)."""
    target, _created = Target.objects.get_or_create(
        name="sandbox",
        defaults={
            "endpoint": "",
            "region": "sandbox",
            "project_id": settings.CDM_SANDBOX_PROJECT_ID,
            "auth_mode": Target.AuthMode.AKSK,
            "access_key_source": "CDM_SANDBOX_AK",
            "secret_source": "CDM_SANDBOX_SK",
            "x_language": "",  # CDM answers each user in their language
            "requires_review": False,
        },
    )
    return target


def refresh_clusters(target: Target) -> list[dict[str, Any]]:
    with closing(client_for(target)) as client:
        clusters = client.list_clusters().get("clusters") or []
    target.clusters = [
        {
            "id": str(c.get("id")),
            "name": str(c.get("name") or c.get("id")),
            "status": str(c.get("status")),
            "flavour": str(c.get("flavorName") or ""),
        }
        for c in clusters
        if isinstance(c, dict) and c.get("id")
    ]
    target.clusters_refreshed_at = timezone.now()
    target.save(update_fields=["clusters", "clusters_refreshed_at"])
    return target.clusters
