"""Exceptions raised by the CDM client, and the mapping from CDM/IAM/gateway error bodies to them.

Every exception's ``str()`` is one line meant for an end user. It is built only from the response (never from
the request), then scrubbed of any secret the client knows about and of anything that looks like a token,
because gateways sometimes echo request headers back in their error text.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from cdmweb import jsontext
from cdmweb.translation import gettext as _
from cdmweb.translation import gettext_noop, ngettext

# CDM says a job does not exist with these: "Job [%s] does not exist", "Job %s does not exist", and an
# update's "Failed to update the job that does not exist".
JOB_GONE_CODES = frozenset({"Cdm.0100", "Cdm.0054", "Cdm.0319"})
# CDM reports "does not exist" with these codes, usually as HTTP 400 and sometimes 500 (reference §10.1).
NOT_FOUND_CODES = JOB_GONE_CODES | {"Cdm.0101"}
# CDM's own "no permission, check IAM" comes back as HTTP 400 but is an authorisation problem for the user.
AUTH_CODES = frozenset({"Cdm.0032"})

CODE_KEYS = ("errCode", "code", "error_code", "errorCode")
MESSAGE_KEYS = ("message", "externalMessage", "ternalMessage", "error_msg", "errorMsg")

MAX_MESSAGE_CHARS = 300
REDACTED = "[redacted]"
# Keystone/IAM tokens, JWTs and long base64 blobs. Paths and hex ids are also long "words", so only runs that
# mix upper case, lower case and digits in a 32+ character piece count as token-like.
_TOKEN_CANDIDATE = re.compile(r"[A-Za-z0-9+/_\-.=]{40,}")
_PIECE = re.compile(r"[^/.]+")
# Header echoes ("X-Auth-Token: …") and key=value pairs ("password=…"); plain prose such as "a token: the …"
# is left alone.
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(x-auth-token|x-subject-token|x-security-token|authorization)(\s*[:=]\s*)(\S+(?: Access=\S+)?)"
    r"|\b(password|passwd|pwd|secret|secretkey|sk|token)(\s*=\s*)([^\s;,&\"']+)"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_PERCENT = re.compile(r"%[0-9A-F]{2}")


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Every form a secret can take when a server echoes the request back in an error: as it is or
    JSON-escaped (once, or twice when the echo is JSON inside a JSON string; ASCII-only or not),
    each of those also URL-encoded (either case of hex, + or %20 for a space) or in base64
    (standard or URL-safe, padded or not). Longest first, so a longer form is cut out before a
    shorter one inside it."""
    forms: set[str] = set()
    for secret in {s for s in secrets if s}:
        plain = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
        plain |= {json.dumps(p)[1:-1] for p in plain}
        for text in plain:
            encoded = {quote(text, safe=""), quote(text), quote_plus(text)}
            encoded |= {_PERCENT.sub(lambda m: m[0].lower(), e) for e in encoded}
            raw = text.encode()
            based = {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
            based |= {b.rstrip("=") for b in based}
            forms |= {text, *encoded, *based}
    return sorted(forms, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret cut out. A form of three characters is cut only
    where it stands alone (not inside a longer word); shorter ones cannot be told from ordinary
    text at all (a one-letter password would cut every "a" of the message)."""
    for form in secret_forms(secrets):
        if len(form) < 3:
            continue
        if len(form) >= 4:
            text = text.replace(form, REDACTED)
        else:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", REDACTED, text)
    return text


def clean_text(text: object, secrets: Iterable[str] = (), limit: int = MAX_MESSAGE_CHARS) -> str:
    """One trimmed line with known secrets (in any form) and token-like strings replaced."""
    line = redact(_CONTROL.sub(" ", str(text)), secrets)
    line = _SECRET_ASSIGNMENT.sub(_redact_assignment, line)
    line = _TOKEN_CANDIDATE.sub(_redact_token_like, line)
    line = " ".join(line.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


class CdmError(Exception):
    """Base class; ``status`` is the HTTP status (None when no response arrived)."""

    # Marked here, translated when an error is made (in the language of whoever it is made for).
    default_message = gettext_noop("The CDM request failed.")
    # True when a write may have been carried out although no answer arrived (timeout or broken connection).
    maybe_applied = False

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        codes: Mapping[str, str] | None = None,
        body: str | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        secrets = tuple(secrets)
        self.message = clean_text(message or _(self.default_message), secrets)
        self.status = status
        self.code = clean_text(code, secrets, 40) if code else None
        # All codes the body carried (errCode and code can disagree, e.g. Cdm.00095 vs Cdm.0095).
        self.codes: dict[str, str] = dict(codes or {})
        self.body = _scrub_body(body, secrets) if body is not None else None
        self.request_id = clean_text(request_id, (), 80) if request_id else None
        self.method = method
        self.path = path
        # The line is said once, in the language of whoever the error is made for: str() later (a
        # log, a stored submission) gives the same words.
        self._said = self._line()
        super().__init__(self._said)

    def _line(self) -> str:
        # IAM's nested {"error": {"code": 401}} repeats the status; saying it twice helps nobody.
        code = self.code if self.code != str(self.status) else None
        context = [f"HTTP {self.status}" if self.status is not None else "", code or ""]
        detail = ", ".join(c for c in context if c)
        # Translators: a CDM error's message, then its HTTP status and code, e.g. "… (HTTP 400, Cdm.0104)".
        line = _("{message} ({detail})").format(message=self.message, detail=detail) if detail else self.message
        if self.request_id:
            line = _("{line} [request {request_id}]").format(line=line, request_id=self.request_id)
        return line

    def __str__(self) -> str:
        return self._said

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r})"

    @property
    def err_code(self) -> str | None:
        return self.codes.get("errCode")


class CdmTimeout(CdmError):
    default_message = gettext_noop("CDM did not answer in time.")


class CdmConnectionError(CdmError):
    default_message = gettext_noop("Could not connect to CDM.")


class CdmAuthError(CdmError):
    default_message = gettext_noop("CDM refused the credentials.")


class CdmNotFound(CdmError):
    default_message = gettext_noop("The CDM resource does not exist.")


class CdmClientError(CdmError):
    default_message = gettext_noop("CDM rejected the request.")


class CdmServerError(CdmError):
    default_message = gettext_noop("CDM failed to process the request.")


class CdmBadResponse(CdmError):
    default_message = gettext_noop("CDM returned a response that could not be understood.")


class CdmValidationError(CdmError):
    """HTTP 200 whose ``validation-result`` holds at least one ERROR; ``findings`` keeps every entry."""

    default_message = gettext_noop("CDM refused the job.")

    def __init__(self, findings: list[dict[str, str]], *, response: Any = None, **kwargs: Any) -> None:
        self.findings = findings
        self.response = response
        errors = [f for f in findings if f.get("status") == "ERROR"]
        if "message" not in kwargs or not kwargs["message"]:
            # CDM's own message (``first``) is passed on as it came.
            first = errors[0].get("message") if errors else None
            more = len(errors) - 1
            if not first:
                text = _(self.default_message)
            elif more:
                text = ngettext(
                    "CDM refused the job: {first} (+{count} more)", "CDM refused the job: {first} (+{count} more)", more
                ).format(first=first, count=more)
            else:
                text = _("CDM refused the job: {first}").format(first=first)
            kwargs["message"] = text
        super().__init__(**kwargs)

    def _line(self) -> str:
        # The HTTP status is 200 here, which would only confuse a user reading why the job was refused.
        return self.message

    @property
    def errors(self) -> list[dict[str, str]]:
        return [f for f in self.findings if f.get("status") == "ERROR"]


# --- parsing ---------------------------------------------------------------------------------------------------


def parse_error_body(text: str | None) -> tuple[str | None, dict[str, str], str | None]:
    """``(code, codes, message)`` from any CDM / gateway / IAM error body; ``errCode`` wins over ``code``.

    Looks one level into nested objects too, because IAM wraps its errors as ``{"error": {"code": 401, …}}``.
    """
    try:
        data = jsontext.loads(text) if text else None
    except (ValueError, TypeError):
        data = None
    if not isinstance(data, dict):
        return None, {}, None
    codes: dict[str, str] = {}
    message: str | None = None
    for source in [data, *[v for v in data.values() if isinstance(v, dict)]]:
        for key in CODE_KEYS:
            value = source.get(key)
            if _scalar(value) and key not in codes:
                codes[key] = str(value)
        if message is None:
            for key in MESSAGE_KEYS:
                value = source.get(key)
                if isinstance(value, str) and value.strip():
                    message = value
                    break
    code = next((codes[k] for k in CODE_KEYS if k in codes), None)
    return code, codes, message


def validation_findings(data: Any) -> list[dict[str, str]]:
    """Flatten ``validation-result`` into ``[{"status", "message", "section"?}]``.

    Jobs give ``[{message, status}]`` (or bare ``{}`` on success), links nest them per config section.
    """
    results = data.get("validation-result") if isinstance(data, Mapping) else None
    findings: list[dict[str, str]] = []
    if not isinstance(results, list):
        return findings

    def visit(item: Any, section: str | None) -> None:
        if isinstance(item, list):
            for sub in item:
                visit(sub, section)
        elif isinstance(item, Mapping):
            if "status" in item or "message" in item:
                finding = {
                    "status": str(item.get("status") or "").upper(),
                    "message": str(item.get("message") or ""),
                }
                if section:
                    finding["section"] = section
                findings.append(finding)
            for key, value in item.items():
                if isinstance(value, list | Mapping):
                    visit(value, key)

    visit(results, None)
    return findings


def error_from_response(
    status: int,
    text: str | None,
    headers: Mapping[str, str] | None = None,
    *,
    method: str | None = None,
    path: str | None = None,
    secrets: Iterable[str] = (),
) -> CdmError:
    """The exception for a non-2xx response (or a 2xx one the caller found unusable)."""
    code, codes, message = parse_error_body(text)
    request_id = _request_id(headers)
    all_codes = set(codes.values())
    if status in (401, 403):
        cls: type[CdmError] = CdmAuthError
    elif all_codes & NOT_FOUND_CODES or status == 404:
        cls = CdmNotFound
    elif all_codes & AUTH_CODES:
        cls = CdmAuthError
    elif 400 <= status < 500:
        cls = CdmClientError
    elif status >= 500:
        cls = CdmServerError
    else:
        cls = CdmBadResponse
    if not message:
        message = _status_message(cls, status, text)
    return cls(
        message,
        status=status,
        code=code,
        codes=codes,
        body=text,
        request_id=request_id,
        method=method,
        path=path,
        secrets=secrets,
    )


def _status_message(cls: type[CdmError], status: int, text: str | None) -> str:
    # A bare non-JSON error body (an HTML gateway page) is not a message; keep it in .body only.
    if cls is CdmAuthError:
        return _("CDM refused the credentials or the permission is missing.")
    if cls is CdmNotFound:
        return _("The CDM resource does not exist.")
    if status in (502, 503, 504):
        return _("CDM is temporarily unavailable.")
    return _(cls.default_message)


def _request_id(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() in ("x-request-id", "x-iam-trace-id"):
            return str(value)
    return None


def _redact_assignment(match: re.Match[str]) -> str:
    name, separator = (match[1], match[2]) if match[1] else (match[4], match[5])
    return f"{name}{separator}{REDACTED}"


def _redact_token_like(match: re.Match[str]) -> str:
    run = match[0]
    longest = max((len(p) for p in _PIECE.findall(run)), default=0)
    mixed = any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)
    return REDACTED if mixed and longest >= 32 else run


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value) != ""


def _scrub_body(body: str, secrets: Iterable[str]) -> str:
    return redact(body, secrets)


def job_gone(error: CdmError) -> bool:
    """Whether CDM said the job itself does not exist (not one of its links, not the cluster)."""
    return error.code in JOB_GONE_CODES or (isinstance(error, CdmNotFound) and not error.code)
