"""Authentication providers for :class:`cdmweb.cdm.client.CdmClient`.

All providers answer ``headers_for(method, url, headers, body)`` with the headers to add to one request, and
``invalidate(sent_headers)`` after a 401 with whether a retry with fresh credentials could succeed. None of
them ever puts a secret into ``repr()``, a log record or an exception message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

import requests

from cdmweb import jsontext
from cdmweb.translation import gettext as _

from . import signing
from .errors import CdmAuthError, CdmConnectionError, CdmTimeout, error_from_response

logger = logging.getLogger("cdmweb.cdm")

TOKEN_HEADER = "X-Auth-Token"
SUBJECT_TOKEN_HEADER = "X-Subject-Token"
# IAM tokens live 24 h; refreshing 5 minutes early keeps a request from starting with a token about to die.
REFRESH_MARGIN_SECONDS = 300
# Used only when IAM omits or garbles token.expires_at: short enough to be harmless, long enough to be useful.
FALLBACK_LIFETIME_SECONDS = 3600


class TokenCache(Protocol):
    """What PasswordAuth needs from a shared cache; Django's cache framework fits as is."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = None) -> Any: ...


class CdmAuth:
    """Base class; subclasses override :meth:`headers_for`."""

    def headers_for(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> dict[str, str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def invalidate(self, sent_headers: Mapping[str, str] | None = None) -> bool:
        """Forget credentials CDM refused; True if asking again for fresh ones can help."""
        return False

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in messages or logs (the client scrubs them)."""
        return ()


class TokenAuth(CdmAuth):
    """A ready IAM token, e.g. one the user pasted or a service account's."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError(_("an IAM token is required"))
        self._token = token

    def headers_for(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, str]:
        return {TOKEN_HEADER: self._token}

    def secrets(self) -> tuple[str, ...]:
        return (self._token,)

    def __repr__(self) -> str:
        return "TokenAuth(token=***)"


class AkSkAuth(CdmAuth):
    """Signs every request like ``BasicCredentials(ak, sk, project_id)`` in the official SDK."""

    def __init__(self, ak: str, sk: str, project_id: str | None = None, *, clock: Callable[[], datetime] | None = None):
        if not ak or not sk:
            raise ValueError(_("both an access key and a secret key are required"))
        self.ak = ak
        self._sk = sk
        self.project_id = project_id
        self._clock = clock or (lambda: datetime.now(UTC))

    def headers_for(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, str]:
        extra: dict[str, str] = {}
        if self.project_id:
            extra["X-Project-Id"] = self.project_id
        added = signing.sign_request(method, url, {**headers, **extra}, body, self.ak, self._sk, self._clock())
        return {**extra, **added}

    def secrets(self) -> tuple[str, ...]:
        return (self._sk,)

    def __repr__(self) -> str:
        return f"AkSkAuth(ak={_mask(self.ak)!r}, sk=***, project_id={self.project_id!r})"


class PasswordAuth(CdmAuth):
    """IAM user + password exchanged for a project-scoped token, cached until shortly before it expires.

    ``cache`` lets several processes share one token (Django's cache works); without it the token is kept in
    this object. A lock makes concurrent threads wait for one IAM call instead of each making their own.
    """

    def __init__(
        self,
        iam_endpoint: str,
        username: str,
        password: str,
        domain: str,
        project_id: str,
        session: requests.Session | None = None,
        timeouts: tuple[float, float] = (3.05, 10.0),
        *,
        cache: TokenCache | None = None,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not (iam_endpoint and username and password and domain and project_id):
            raise ValueError(_("IAM endpoint, user name, password, domain and project id are all required"))
        self.iam_endpoint = _normalise_endpoint(iam_endpoint)
        self.username = username
        self._password = password
        self.domain = domain
        self.project_id = project_id
        self._session = session or requests.Session()
        self._timeouts = timeouts
        self._cache = cache
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._usable_until = 0.0
        # The key names the IAM identity and is keyed by the password (an HMAC): only a caller who
        # knows the password finds the token, and the key itself reveals nothing.
        identity = "\0".join([self.iam_endpoint, domain, username, project_id])
        digest = hmac.new(password.encode("utf-8"), identity.encode("utf-8"), hashlib.sha256).hexdigest()
        self.cache_key = "cdmweb.cdm.iam-token." + digest[:48]
        self.token_requests = 0

    def headers_for(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, str]:
        return {TOKEN_HEADER: self.token()}

    def token(self) -> str:
        current = self._cached()
        if current:
            return current
        with self._lock:
            current = self._cached()
            if current:
                return current
            token, expires_at = self._fetch()
            usable_until = expires_at - self._refresh_margin
            self._token, self._usable_until = token, usable_until
            ttl = usable_until - self._clock()
            if self._cache is not None and ttl > 0:
                self._cache.set(self.cache_key, {"token": token, "usable_until": usable_until}, ttl)
            return token

    def invalidate(self, sent_headers: Mapping[str, str] | None = None) -> bool:
        rejected = signing.header_value(sent_headers or {}, TOKEN_HEADER)
        with self._lock:
            # Another thread may already have replaced the refused token; throwing its new one away would cost an
            # extra IAM call for nothing.
            if rejected is None or rejected == self._token:
                self._token, self._usable_until = None, 0.0
            if self._cache is not None:
                entry = self._cache.get(self.cache_key)
                if isinstance(entry, Mapping) and (rejected is None or entry.get("token") == rejected):
                    delete = getattr(self._cache, "delete", None)
                    if callable(delete):
                        delete(self.cache_key)
                    else:
                        self._cache.set(self.cache_key, None, 1)
        return True

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._password, self._token) if s)

    def __repr__(self) -> str:
        return (
            f"PasswordAuth(iam_endpoint={self.iam_endpoint!r}, username={self.username!r}, password=***, "
            f"domain={self.domain!r}, project_id={self.project_id!r})"
        )

    # --- internals ---------------------------------------------------------------------------------------------

    def _cached(self) -> str | None:
        now = self._clock()
        if self._token and now < self._usable_until:
            return self._token
        if self._cache is not None:
            entry = self._cache.get(self.cache_key)
            if isinstance(entry, Mapping):
                token, until = entry.get("token"), entry.get("usable_until")
                if isinstance(token, str) and token and isinstance(until, int | float) and now < until:
                    self._token, self._usable_until = token, float(until)
                    return token
        return None

    def _fetch(self) -> tuple[str, float]:
        url = f"{self.iam_endpoint}/v3/auth/tokens"
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {"name": self.username, "password": self._password, "domain": {"name": self.domain}}
                    },
                },
                "scope": {"project": {"id": self.project_id}},
            }
        }
        started = time.monotonic()
        self.token_requests += 1
        try:
            response = self._session.post(
                url,
                params={"nocatalog": "true"},
                data=json.dumps(body).encode("utf-8"),
                headers={"Content-Type": "application/json;charset=utf8"},
                timeout=self._timeouts,
                allow_redirects=False,
            )
        except requests.Timeout:
            logger.warning("IAM POST /v3/auth/tokens timed out after %.0f ms", _ms(started))
            message = _("IAM did not answer within {seconds} s.").format(seconds=f"{self._timeouts[1]:g}")
            raise CdmTimeout(message, method="POST") from None
        except requests.RequestException as exc:
            logger.warning("IAM POST /v3/auth/tokens failed: %s", type(exc).__name__)
            raise CdmConnectionError(_("Could not connect to IAM to obtain a token."), method="POST") from None
        logger.info("IAM POST /v3/auth/tokens -> %s in %.0f ms", response.status_code, _ms(started))

        secrets = (self._password,)
        if response.status_code != 201:
            error = error_from_response(
                response.status_code, response.text, response.headers, method="POST", secrets=secrets
            )
            raise CdmAuthError(
                # IAM's own message (error.message) is passed on as it came.
                _("IAM refused to issue a token: {message}").format(message=error.message),
                status=error.status,
                code=error.code,
                codes=error.codes,
                body=error.body,
                request_id=error.request_id,
                method="POST",
                secrets=secrets,
            )
        token = response.headers.get(SUBJECT_TOKEN_HEADER)
        if not token:
            message = _("IAM answered 201 without an X-Subject-Token header.")
            raise CdmAuthError(message, status=201, method="POST")
        return token, self._expiry(response)

    def _expiry(self, response: requests.Response) -> float:
        try:
            raw = jsontext.loads(response.content)["token"]["expires_at"]
            return _parse_iso(raw)
        except (ValueError, KeyError, TypeError):
            logger.warning("IAM token without a readable expires_at; caching it for %s s", FALLBACK_LIFETIME_SECONDS)
            return self._clock() + FALLBACK_LIFETIME_SECONDS


def _parse_iso(value: str) -> float:
    # IAM writes "2024-05-01T10:00:00.123000Z"; fromisoformat on 3.11 takes the Z and any fraction length.
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _normalise_endpoint(endpoint: str) -> str:
    endpoint = endpoint.strip().rstrip("/")
    return endpoint if "://" in endpoint else "https://" + endpoint


def _mask(value: str) -> str:
    return value[:4] + "…" if len(value) > 4 else "…"


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


__all__ = [
    "AkSkAuth",
    "CdmAuth",
    "PasswordAuth",
    "TokenAuth",
    "TokenCache",
]
