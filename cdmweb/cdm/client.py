"""A small, defensive client for the CDM job API (reference §3), built on ``requests``.

Policy in one place:
* every call has a connect and a read timeout;
* only GETs are retried (connection errors, timeouts, 502/503/504) — a POST/PUT that timed out may have been
  executed, and repeating it could create or start a job twice;
* a 401 under a refreshable auth (IAM password) gets exactly one retry with a fresh token, for any method,
  because a refused request did nothing;
* responses are parsed defensively (CDM's samples carry typos and type mix-ups).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from cdmweb import jsontext
from cdmweb.jobspec.constants import SUCCEEDED, TERMINAL_STATUSES
from cdmweb.translation import gettext as _

from .auth import CdmAuth
from .errors import (
    CdmBadResponse,
    CdmClientError,
    CdmConnectionError,
    CdmError,
    CdmServerError,
    CdmTimeout,
    CdmValidationError,
    error_from_response,
    validation_findings,
)
from .signing import canonical_query_string

logger = logging.getLogger("cdmweb.cdm")

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
USER_AGENT = "cdmweb-cdm-client/1.0"
RETRY_STATUSES = frozenset({502, 503, 504})
# The SDK marks X-Language as required for the random-cluster call; CDM answers in this language by default.
DEFAULT_LANGUAGE = "en-us"

# CDM lists jobs 10 to 100 at a time (show_jobs' page_size).
PAGE_SIZE_MIN, PAGE_SIZE_MAX = 10, 100
JOB_TYPES = ("NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB")

SQOOP_COUNTERS = "org.apache.sqoop.submission.counter.SqoopCounters"


class CdmClient:
    """One client per (endpoint, project, credentials); it owns one ``requests.Session`` for connection reuse."""

    def __init__(
        self,
        endpoint: str,
        project_id: str,
        auth: CdmAuth,
        *,
        x_language: str | None = None,
        connect_timeout: float = 3.05,
        read_timeout: float = 10,
        retries: int = 2,
        backoff: float = 0.3,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        secrets: Iterable[str] = (),
    ) -> None:
        if not project_id:
            raise ValueError(_("a project id is required"))
        # Besides the credentials: values this client sends that an error must never repeat (a job's
        # passwords, when CDM echoes the job back).
        self.extra_secrets = tuple(secrets)
        self.endpoint = _normalise_endpoint(endpoint)
        self.project_id = project_id
        self.auth = auth
        self.x_language = x_language
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.session = session or requests.Session()
        self._sleep = sleep
        self._host = urlsplit(self.endpoint).netloc.rpartition("@")[2]

    def secrets(self) -> tuple[str, ...]:
        """What no error this client raises may contain, in any encoding (``errors.secret_forms``)."""
        return (*self.auth.secrets(), *self.extra_secrets)

    def __repr__(self) -> str:
        return f"CdmClient(endpoint={self.endpoint!r}, project_id={self.project_id!r}, auth={self.auth!r})"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CdmClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- operations ----------------------------------------------------------------------------------------------

    def create_job(self, cluster_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create job(s) without starting them; a 200 whose validation-result has an ERROR raises."""
        path = self._path("clusters", cluster_id, "cdm", "job")
        data = self._request("POST", path, body=_mapping(body))
        _raise_on_validation_errors(data, "POST", path)
        return data

    def create_and_start_random(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a job on a random running cluster of ``body["clusters"]`` and start it.

        The answer carries ``submissions`` (always a list of objects here, possibly empty: the DGC sample answers
        with ``name`` and ``validation-result`` only).
        """
        path = self._path("clusters", "job")
        headers = {} if self.x_language else {"X-Language": DEFAULT_LANGUAGE}
        data = self._request("POST", path, body=_mapping(body), headers=headers)
        _raise_on_validation_errors(data, "POST", path)
        data["submissions"] = _submissions(data, "POST", path)
        return data

    def start_job(self, cluster_id: str, job_name: str, variables: Mapping[str, str] | None = None) -> dict[str, Any]:
        path = self._path("clusters", cluster_id, "cdm", "job", job_name, "start")
        body = {"variables": dict(variables)} if variables else {}
        data = self._request("PUT", path, body=body)
        _raise_on_validation_errors(data, "PUT", path)
        if "submissions" in data:
            data["submissions"] = _submissions(data, "PUT", path)
        return data

    def stop_job(self, cluster_id: str, job_name: str) -> dict[str, Any]:
        path = self._path("clusters", cluster_id, "cdm", "job", job_name, "stop")
        data = self._request("PUT", path)
        _raise_on_validation_errors(data, "PUT", path)
        return data

    def job_status(self, cluster_id: str, job_name: str) -> dict[str, Any]:
        path = self._path("clusters", cluster_id, "cdm", "job", job_name, "status")
        data = self._request("GET", path)
        if "submissions" in data:
            data["submissions"] = _submissions(data, "GET", path)
        return data

    def show_job(self, cluster_id: str, job_name: str) -> dict[str, Any]:
        return self._request("GET", self._path("clusters", cluster_id, "cdm", "job", job_name))

    def list_jobs(
        self,
        cluster_id: str,
        *,
        name_filter: str = "",
        page_no: int = 1,
        page_size: int = PAGE_SIZE_MAX,
        job_type: str | None = None,
    ) -> dict[str, Any]:
        """One page of a cluster's jobs (``GET …/cdm/job/all``). CDM takes ``page_size`` 10–100 and
        lists NORMAL_JOB unless ``jobType`` names another type. The answer's ``jobs`` is always a
        list of objects here and ``total`` an int (or None when CDM left it out)."""
        path = self._path("clusters", cluster_id, "cdm", "job", "all")
        query: list[tuple[str, object]] = [
            ("page_no", max(1, int(page_no))),
            ("page_size", min(max(int(page_size), PAGE_SIZE_MIN), PAGE_SIZE_MAX)),
        ]
        if name_filter:
            query.append(("filter", name_filter))
        if job_type:
            query.append(("jobType", job_type))
        data = self._request("GET", path, query=query)
        jobs = data.get("jobs", [])
        if not isinstance(jobs, list):
            message = _("CDM listed jobs in an unexpected shape.")
            raise CdmBadResponse(message, status=200, method="GET", path=path)
        data["jobs"] = jobs
        data["total"] = _int(data.get("total"))
        return data

    def update_job(self, cluster_id: str, job_name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Replace an existing job with ``body`` (the create body, ``{"jobs": [Job]}``)."""
        path = self._path("clusters", cluster_id, "cdm", "job", job_name)
        data = self._request("PUT", path, body=_mapping(body))
        _raise_on_validation_errors(data, "PUT", path)
        return data

    def delete_job(self, cluster_id: str, job_name: str) -> dict[str, Any]:
        return self._request("DELETE", self._path("clusters", cluster_id, "cdm", "job", job_name))

    def job_submissions(self, cluster_id: str, job_name: str) -> list[dict[str, Any]]:
        """A job's run history (``GET …/cdm/submissions?jname=``), newest first as CDM lists it."""
        path = self._path("clusters", cluster_id, "cdm", "submissions")
        data = self._request("GET", path, query=[("jname", job_name)])
        return _submissions(data, "GET", path)

    def create_link(self, cluster_id: str, body: Mapping[str, Any], *, validate: bool = False) -> dict[str, Any]:
        """Create a link (``{"links": [Link]}``); ``validate=True`` only tests it and creates nothing.

        A link CDM could not connect with comes back as an ERROR in ``validation-result`` (raised as
        CdmValidationError), sometimes with HTTP 500 (reference §3), which raises as a server error
        that still carries CDM's findings."""
        path = self._path("clusters", cluster_id, "cdm", "link")
        query: list[tuple[str, object]] = [("validate", "true" if validate else "false")]
        return self._link_call("POST", path, body, query)

    def show_link(self, cluster_id: str, link_name: str) -> dict[str, Any]:
        """A link as CDM keeps it (secrets left out) with ``fromTo-unMapping`` and ``batchFromTo-mapping``."""
        path = self._path("clusters", cluster_id, "cdm", "link", link_name)
        data = self._request("GET", path)
        if not isinstance(data.get("links", []), list):
            message = _("CDM answered a link in an unexpected shape.")
            raise CdmBadResponse(message, status=200, method="GET", path=path)
        return data

    def update_link(self, cluster_id: str, link_name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        path = self._path("clusters", cluster_id, "cdm", "link", link_name)
        return self._link_call("PUT", path, body)

    def _link_call(
        self, method: str, path: str, body: Mapping[str, Any], query: list[tuple[str, object]] | None = None
    ) -> dict[str, Any]:
        """Create or update a link. CDM answers a link it could not validate or connect with either
        with HTTP 200 or with HTTP 500 (reference §10.1), each carrying ``validation-result``: both
        raise CdmValidationError with the findings, so an unreachable database is not taken for an
        outage of CDM."""
        try:
            data = self._request(method, path, body=_mapping(body), query=query)
        except CdmServerError as error:
            try:
                answered = jsontext.loads(error.body or "")
            except ValueError:
                raise error from None
            findings = validation_findings(answered)
            if not any(f.get("status") == "ERROR" for f in findings):
                raise
            first = next(f["message"] for f in findings if f.get("status") == "ERROR")
            raise CdmValidationError(
                findings,
                message=_("CDM refused the link: {first}").format(first=first),
                status=error.status,
                method=method,
                path=path,
                secrets=self.secrets(),
            ) from None
        findings = validation_findings(data)
        if any(f.get("status") == "ERROR" for f in findings):
            first = next(f["message"] for f in findings if f.get("status") == "ERROR")
            message = _("CDM refused the link: {first}").format(first=first)
            raise CdmValidationError(findings, response=data, message=message, status=200, method=method, path=path)
        return data

    def delete_link(self, cluster_id: str, link_name: str) -> dict[str, Any]:
        return self._request("DELETE", self._path("clusters", cluster_id, "cdm", "link", link_name))

    def list_clusters(self) -> dict[str, Any]:
        path = self._path("clusters")
        data = self._request("GET", path)
        if not isinstance(data.get("clusters", []), list):
            message = _("CDM listed clusters in an unexpected shape.")
            raise CdmBadResponse(message, status=200, method="GET", path=path)
        return data

    def show_cluster(self, cluster_id: str) -> dict[str, Any]:
        return self._request("GET", self._path("clusters", cluster_id))

    # --- transport -----------------------------------------------------------------------------------------------

    def _path(self, *segments: str) -> str:
        # An empty part, "." or ".." would address another resource (clusters//cdm/job/x, or
        # cdm/job/../status once the URL is normalised): never sent.
        if any(str(segment) in ("", ".", "..") for segment in segments):
            message = _("Not sent: a cluster id or job name is empty, '.' or '..'.")
            raise CdmClientError(message, method=None, path=None)
        # safe="" so that "/" or "?" in a job name stays inside its path segment.
        return "/v1.1/" + "/".join(quote(str(s), safe="") for s in (self.project_id, *segments))

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: list[tuple[str, object]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        url = self.endpoint + path
        if query:
            url += "?" + canonical_query_string(query)
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        base_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if payload is not None:
            base_headers["Content-Type"] = JSON_CONTENT_TYPE
        if self.x_language:
            base_headers["X-Language"] = self.x_language
        base_headers.update(headers or {})

        idempotent = method == "GET"
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            retry_left = idempotent and attempt <= self.retries
            sent = {**base_headers, **self._auth_headers(method, url, base_headers, payload, path)}
            started = time.monotonic()
            try:
                response = self._send(method, url, sent, payload)
            except requests.Timeout as exc:
                connect = isinstance(exc, requests.ConnectTimeout)
                self._log_failure(method, path, started, exc, attempt, retry_left)
                if retry_left:
                    self._pause(attempt)
                    continue
                if connect:
                    # Nothing was sent, so nothing may have been carried out.
                    message = _("Could not connect to CDM at {host} within {seconds} s.")
                    messages = (message, message)
                else:
                    messages = (
                        _("CDM did not answer within {seconds} s ({method} {path})."),
                        _(
                            "CDM did not answer within {seconds} s ({method} {path})."
                            " It may still have been carried out."
                        ),
                    )
                seconds = f"{self.connect_timeout if connect else self.read_timeout:g}"
                messages = tuple(m.format(host=self._host, seconds=seconds, method=method, path=path) for m in messages)
                raise self._transport_error(CdmTimeout, messages, method, path, sent=not connect) from None
            except requests.RequestException as exc:
                self._log_failure(method, path, started, exc, attempt, retry_left)
                if retry_left:
                    self._pause(attempt)
                    continue
                sent = not _never_connected(exc)
                if sent:
                    messages = (
                        _("The connection to CDM at {host} broke."),
                        _("The connection to CDM at {host} broke. It may still have been carried out."),
                    )
                else:
                    message = _("Could not connect to CDM at {host}.")
                    messages = (message, message)
                messages = tuple(m.format(host=self._host) for m in messages)
                raise self._transport_error(CdmConnectionError, messages, method, path, sent=sent) from None

            status = response.status_code
            logger.info(
                "CDM %s %s -> %s in %.0f ms",
                method,
                path,
                status,
                (time.monotonic() - started) * 1000,
                extra={"cdm_method": method, "cdm_path": path, "cdm_status": status},
            )
            if status == 401 and not refreshed and self.auth.invalidate(sent):
                refreshed = True
                attempt -= 1  # the refused try does not use up the GET retry budget
                logger.info("CDM %s %s: credentials refused, retrying once with fresh ones", method, path)
                response.close()
                continue
            if status in RETRY_STATUSES and retry_left:
                logger.warning("CDM %s %s -> %s, retry %d of %d", method, path, status, attempt, self.retries)
                response.close()
                self._pause(attempt)
                continue
            return self._parse(response, method, path)

    def _auth_headers(
        self, method: str, url: str, headers: Mapping[str, str], payload: bytes | None, path: str
    ) -> dict[str, str]:
        try:
            return self.auth.headers_for(method, url, headers, payload)
        except CdmError:
            raise
        except ValueError as exc:
            # e.g. an empty AK: a configuration problem, reported without echoing any value.
            message = _("The CDM credentials are incomplete: {reason}").format(reason=exc)
            raise CdmError(message, method=method, path=path) from None

    def _send(self, method: str, url: str, headers: Mapping[str, str], payload: bytes | None) -> requests.Response:
        # Prepared by hand so that only the headers above are signed; the session's defaults are added unsigned,
        # as the official SDK does.
        prepared = self.session.prepare_request(requests.Request(method, url, headers=dict(headers), data=payload))
        settings = self.session.merge_environment_settings(prepared.url, {}, None, None, None)
        return self.session.send(
            prepared,
            timeout=(self.connect_timeout, self.read_timeout),
            allow_redirects=False,
            **settings,
        )

    @staticmethod
    def _transport_error(
        cls: type[CdmError], messages: tuple[str, ...], method: str, path: str, *, sent: bool
    ) -> CdmError:
        """``messages``: what to say when the request surely was not carried out, and when it may have been."""
        # After a write went out, silence does not mean failure: the caller must check before repeating it.
        maybe_applied = sent and method != "GET"
        error = cls(messages[1] if maybe_applied else messages[0], method=method, path=path)
        error.maybe_applied = maybe_applied
        return error

    def _pause(self, attempt: int) -> None:
        self._sleep(self.backoff * (2 ** (attempt - 1)))

    def _log_failure(
        self, method: str, path: str, started: float, exc: Exception, attempt: int, retry_left: bool
    ) -> None:
        # Only the exception type: requests' messages embed the full URL and socket details.
        logger.warning(
            "CDM %s %s failed after %.0f ms: %s (attempt %d%s)",
            method,
            path,
            (time.monotonic() - started) * 1000,
            type(exc).__name__,
            attempt,
            ", will retry" if retry_left else "",
        )

    def _parse(self, response: requests.Response, method: str, path: str) -> dict[str, Any]:
        raw = response.content or b""
        text = raw.decode("utf-8", errors="replace")
        status = response.status_code
        if not 200 <= status < 300:
            raise error_from_response(status, text, response.headers, method=method, path=path, secrets=self.secrets())
        request_id = response.headers.get("X-Request-Id")
        if not text.strip():
            return {}
        try:
            data = jsontext.loads(raw.decode("utf-8"))
        except ValueError:
            raise CdmBadResponse(
                _("CDM answered with something that is not JSON."),
                status=status,
                body=text,
                request_id=request_id,
                method=method,
                path=path,
                secrets=self.secrets(),
            ) from None
        if not isinstance(data, dict):
            raise CdmBadResponse(
                _("CDM answered with a JSON {kind} instead of an object.").format(kind=type(data).__name__),
                status=status,
                body=text,
                request_id=request_id,
                method=method,
                path=path,
                secrets=self.secrets(),
            )
        return data


# --- submissions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionSummary:
    """What a progress page needs from one CDM submission, whatever spelling CDM used."""

    job_name: str | None
    submission_id: int | None
    status: str
    progress: float | None
    rows_read: int | None = None
    rows_written: int | None = None
    bytes_read: int | None = None
    bytes_written: int | None = None
    error_summary: str | None = None
    error_details: str | None = None
    creation_date: int | None = None
    execute_date: int | None = None
    last_update_date: int | None = None
    external_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def started_at(self) -> datetime | None:
        """When the run began, from the first of its dates CDM gave."""
        millis = self.creation_date or self.execute_date
        return datetime.fromtimestamp(millis / 1000, UTC) if millis else None

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED


def submission_summary(data: Mapping[str, Any]) -> SubmissionSummary:
    """Normalise one entry of ``submissions`` (start_job, job_status, random-cluster create).

    Accepts the documented typos (``submisson-id``), ``creation-date`` as text, counters either nested under the
    Sqoop counter group or flat; CDM's ``-1`` ("not measured") counters become ``None``.
    """
    if not isinstance(data, Mapping):
        data = {}
    counters = _flat_counters(data.get("counters"))

    def count(*keys: str) -> int | None:
        for source in (counters, data):
            for key in keys:
                if key in source:
                    value = _count(source[key])
                    if value is not None:
                        return value
        return None

    status = data.get("status")
    return SubmissionSummary(
        job_name=_text(_first(data, "job-name", "job_name", "jobName", "name")),
        submission_id=_int(_first(data, "submission-id", "submisson-id", "submission_id", "submissionId")),
        status=str(status).strip().upper() if isinstance(status, str) and status.strip() else "UNKNOWN",
        progress=_float(data.get("progress")),
        rows_read=count("ROWS_READ", "rows_read", "rows-read", "read_rows"),
        rows_written=count("ROWS_WRITTEN", "rows_written", "rows-written", "write_rows"),
        bytes_read=count("BYTES_READ", "bytes_read", "bytes-read"),
        bytes_written=count("BYTES_WRITTEN", "bytes_written", "bytes-written"),
        error_summary=_text(_first(data, "error-summary", "error_summary", "errorSummary")),
        error_details=_text(_first(data, "error-details", "error_details", "errorDetails")),
        creation_date=_millis(_first(data, "creation-date", "creation_date", "creationDate")),
        execute_date=_millis(_first(data, "execute-date", "execute_date", "executeDate")),
        last_update_date=_millis(_first(data, "last-update-date", "last-udpate-date", "last_update_date")),
        external_id=_text(_first(data, "external-id", "external_id", "externalId")),
        raw=dict(data),
    )


def submission_summaries(data: Mapping[str, Any]) -> list[SubmissionSummary]:
    items = data.get("submissions") if isinstance(data, Mapping) else None
    return [submission_summary(item) for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []


# --- helpers ---------------------------------------------------------------------------------------------------


def _normalise_endpoint(endpoint: str) -> str:
    endpoint = (endpoint or "").strip().rstrip("/")
    if not endpoint:
        raise ValueError(_("a CDM endpoint is required"))
    endpoint = endpoint if "://" in endpoint else "https://" + endpoint
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(_("the CDM endpoint must be an http(s) URL"))
    return endpoint


def _mapping(body: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise TypeError("the request body must be a mapping")
    return body


def _raise_on_validation_errors(data: Mapping[str, Any], method: str, path: str) -> None:
    findings = validation_findings(data)
    if any(f.get("status") == "ERROR" for f in findings):
        raise CdmValidationError(findings, response=data, status=200, method=method, path=path)


def _submissions(data: Mapping[str, Any], method: str, path: str) -> list[dict[str, Any]]:
    items = data.get("submissions", [])
    if not isinstance(items, list):
        message = _("CDM returned submissions in an unexpected shape.")
        raise CdmBadResponse(message, status=200, method=method, path=path)
    return [item for item in items if isinstance(item, dict)]


def _never_connected(exc: BaseException) -> bool:
    """True when the request provably never reached the server (refused, unresolvable, unreachable)."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen or item is None:
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError):
            return True
        if isinstance(item, BaseException):
            stack.extend([*item.args, item.__cause__, item.__context__, getattr(item, "reason", None)])
    return False


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if data.get(key) not in (None, ""):
            return data[key]
    return None


def _flat_counters(counters: Any) -> dict[str, Any]:
    if not isinstance(counters, Mapping):
        return {}
    flat: dict[str, Any] = {}
    # The Sqoop group first; other groups (if a newer CDM adds any) only fill gaps.
    groups = [counters.get(SQOOP_COUNTERS)] + [v for k, v in counters.items() if k != SQOOP_COUNTERS]
    for group in groups:
        if isinstance(group, Mapping):
            for key, value in group.items():
                flat.setdefault(key, value)
    for key, value in counters.items():
        if not isinstance(value, Mapping):
            flat.setdefault(key, value)
    return flat


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    number = _float(value)
    return int(number) if number is not None else None


def _count(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and number >= 0 else None


def _millis(value: Any) -> int | None:
    number = _int(value)
    if number is not None:
        return number
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None
