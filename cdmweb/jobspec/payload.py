"""The job payload, both ways: ``parse_job`` reads a CDM Job object, ``build_job`` writes it back.

Both are pure: they work on plain data (``JobData``), never on the database, so the preview,
export, admin, import and submission share them. The pair is lossless: for any Job object ``j``,
``build_job(parse_job(j)) == j`` as JSON, with key order inside objects the only thing not kept.
What the designer does not model (read-only GET fields, config ``id``/``type``/``validators``,
``extended-configs``, input ``type``, unknown keys, even shapes CDM would refuse) rides along in
``extra``/``meta`` so that nothing a user imported is silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from cdmweb.translation import gettext as _
from cdmweb.translation import gettext_noop

from .constants import SIDE_KEYS, SIDES

# The Job keys the designer edits, in the order the preview writes them.
JOB_FIELDS: tuple[tuple[str, str], ...] = (
    ("job_type", "job_type"),
    ("name", "name"),
    ("from-connector-name", "from_connector"),
    ("from-link-name", "from_link"),
    ("to-connector-name", "to_connector"),
    ("to-link-name", "to_link"),
)

# How a config group carried its inputs: a list (normal), ``{}`` (several official samples) or
# no "inputs" key at all; kept so the round trip gives back exactly what came in.
INPUTS_LIST, INPUTS_OBJECT, INPUTS_ABSENT = "list", "object", "absent"

MAX_NESTING = 64


class PayloadError(ValueError):
    """A body that is not a CDM job body at all; the message is shown to the user as is."""


@dataclass
class InputData:
    name: str
    value: Any = ""
    # Where the value sat: "value" (normal), "values" (Sqoop spelling) or "" (no value key).
    value_key: str = "value"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"name": self.name}
        if self.value_key:
            result[self.value_key] = self.value
        result.update(self.extra)
        return result


@dataclass
class GroupData:
    name: str
    inputs: list[InputData] = field(default_factory=list)
    inputs_form: str = INPUTS_LIST
    meta: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if self.inputs:
            result["inputs"] = [item.as_json() for item in self.inputs]
        elif self.inputs_form == INPUTS_OBJECT:
            result["inputs"] = {}
        elif self.inputs_form == INPUTS_LIST:
            result["inputs"] = []
        result["name"] = self.name
        result.update(self.meta)
        return result


@dataclass
class SideData:
    groups: list[GroupData] = field(default_factory=list)
    # Keys of the config-values object besides "configs", e.g. "extended-configs".
    meta: dict[str, Any] = field(default_factory=dict)
    has_configs: bool = True

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if self.has_configs or self.groups:
            result["configs"] = [group.as_json() for group in self.groups]
        result.update(self.meta)
        return result


@dataclass
class JobData:
    job_type: str | None = None
    name: str | None = None
    from_connector: str | None = None
    from_link: str | None = None
    to_connector: str | None = None
    to_link: str | None = None
    # None means the job had no such config-values key.
    sides: dict[str, SideData | None] = field(default_factory=lambda: {side: None for side in SIDES})
    # Top-level keys the designer does not edit, and known keys whose value was not a string.
    extra: dict[str, Any] = field(default_factory=dict)

    def input_count(self) -> int:
        return sum(len(g.inputs) for s in self.sides.values() if s for g in s.groups)


# The order the preview writes a Job in: header, then each side next to its connector and link.
BUILD_ORDER: tuple[str, ...] = (
    "job_type",
    "name",
    "from-connector-name",
    "from-link-name",
    "from-config-values",
    "to-connector-name",
    "to-link-name",
    "to-config-values",
    "driver-config-values",
)
JOB_ATTRS = dict(JOB_FIELDS)
SIDE_OF_KEY = {key: side for side, key in SIDE_KEYS.items()}


def build_job(job: JobData) -> dict[str, Any]:
    """The CDM Job object for ``job``, exactly as it goes on the wire."""
    result: dict[str, Any] = {}
    for key in BUILD_ORDER:
        if key in SIDE_OF_KEY:
            side = job.sides.get(SIDE_OF_KEY[key])
            if side is not None:
                result[key] = side.as_json()
        elif (value := getattr(job, JOB_ATTRS[key])) is not None:
            result[key] = value
    result.update(job.extra)
    return result


def build_request_body(jobs: list[dict[str, Any]], clusters: list[str] | None = None) -> dict[str, Any]:
    """The POST body: ``{"jobs": [...]}`` to create in a cluster, plus ``clusters`` for a random pool."""
    body: dict[str, Any] = {"jobs": jobs}
    if clusters is not None:
        body["clusters"] = list(clusters)
    return body


def parse_job(raw: Any) -> JobData:
    """Read one CDM Job object. Anything that is not an object is refused with PayloadError."""
    if not isinstance(raw, dict):
        raise PayloadError(_("a job must be a JSON object, not {kind}").format(kind=_json_kind(raw)))
    job = JobData()
    for key, value in raw.items():
        if key in JOB_ATTRS and isinstance(value, str):
            setattr(job, JOB_ATTRS[key], value)
        elif key in SIDE_OF_KEY:
            parsed = _parse_side(value)
            if parsed is None:
                job.extra[key] = value  # a shape we cannot edit: kept verbatim, flagged by validation
            else:
                job.sides[SIDE_OF_KEY[key]] = parsed
        else:
            job.extra[key] = value
    return job


def _parse_side(value: Any) -> SideData | None:
    if not isinstance(value, dict):
        return None
    configs = value.get("configs", None)
    side = SideData(meta={k: v for k, v in value.items() if k != "configs"}, has_configs="configs" in value)
    if not side.has_configs:
        return side
    if not isinstance(configs, list):
        return None
    for config in configs:
        group = _parse_group(config)
        if group is None:
            return None
        side.groups.append(group)
    return side


def _parse_group(config: Any) -> GroupData | None:
    if not isinstance(config, dict) or not isinstance(config.get("name"), str):
        return None
    group = GroupData(name=config["name"], meta={k: v for k, v in config.items() if k not in ("name", "inputs")})
    if "inputs" not in config:
        group.inputs_form = INPUTS_ABSENT
        return group
    inputs = config["inputs"]
    if inputs == {}:
        group.inputs_form = INPUTS_OBJECT
        return group
    if not isinstance(inputs, list):
        return None
    for item in inputs:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return None
        if "value" in item:
            value_key = "value"
        elif "values" in item:
            value_key = "values"
        else:
            value_key = ""
        group.inputs.append(
            InputData(
                name=item["name"],
                value=item[value_key] if value_key else "",
                value_key=value_key,
                extra={k: v for k, v in item.items() if k != "name" and (k != value_key or not value_key)},
            )
        )
    return group


@dataclass
class ParsedBody:
    """What an import found: the jobs, plus the pool of a random-cluster body if there was one."""

    jobs: list[JobData]
    clusters: list[Any] | None = None
    kind: str = "job"


def parse_body(raw: Any) -> ParsedBody:
    """Read any body a user may bring: a bare Job, ``{"jobs": [...]}``, a random-cluster body
    (``jobs`` + ``clusters``) or a ``show_jobs`` response (``total``, ``jobs``, ``page_no``...)."""
    if isinstance(raw, list):
        raise PayloadError(_('the top level is a JSON array; wrap the jobs as {"jobs": [...]}'))
    if not isinstance(raw, dict):
        raise PayloadError(_("expected a JSON object, got {kind}").format(kind=_json_kind(raw)))
    _check_values(raw)
    if "jobs" in raw:
        jobs = raw["jobs"]
        if not isinstance(jobs, list):
            raise PayloadError(_('"jobs" must be a list, not {kind}').format(kind=_json_kind(jobs)))
        if not jobs:
            raise PayloadError(_('"jobs" is empty: there is no job to import'))
        parsed = []
        for index, job in enumerate(jobs, start=1):
            if not isinstance(job, dict):
                raise PayloadError(
                    _("job {index} is {kind}, not a JSON object").format(index=index, kind=_json_kind(job))
                )
            parsed.append(parse_job(job))
        if "clusters" in raw:
            kind = "random-cluster"
        elif "total" in raw or "page_no" in raw:
            kind = "show-jobs"
        else:
            kind = "jobs"
        clusters = raw.get("clusters") if isinstance(raw.get("clusters"), list) else None
        return ParsedBody(jobs=parsed, clusters=clusters, kind=kind)
    if not raw:
        raise PayloadError(_("the object is empty: there is no job in it"))
    # "name" alone is not enough: CDM's own answers ({"name": ...}, a cluster) carry one too.
    if not any(key in raw for key in (*JOB_ATTRS, *SIDE_KEYS.values()) if key != "name"):
        raise PayloadError(_("this does not look like a CDM job: none of its keys is a Job key"))
    return ParsedBody(jobs=[parse_job(raw)], kind="job")


# What Python's json module says is wrong (JSONDecodeError.msg), to be said in the user's language.
JSON_REASONS = {
    "Expecting value": gettext_noop("a value was expected here"),
    "Expecting property name enclosed in double quotes": gettext_noop(
        "a key in double quotes was expected here (a trailing comma, or single quotes?)"
    ),
    "Expecting ',' delimiter": gettext_noop("a comma was expected here"),
    "Expecting ':' delimiter": gettext_noop("a colon was expected here"),
    "Extra data": gettext_noop("there is more after the end of the JSON"),
    "Unterminated string starting at": gettext_noop("a string starts here and never ends"),
    "Invalid control character at": gettext_noop(
        "a control character (such as a raw tab or line break) inside a string"
    ),
    "Invalid \\escape": gettext_noop("an invalid backslash escape"),
    "Illegal trailing comma before end of object": gettext_noop("a comma before the closing brace"),
    "Illegal trailing comma before end of array": gettext_noop("a comma before the closing bracket"),
}


def loads_body(text: str) -> ParsedBody:
    """Decode JSON text and read it as a body; every failure is a PayloadError with a reason."""
    if not text.strip():
        raise PayloadError(_("the input is empty"))
    try:
        raw = _loads_json_or_fragment(text)
    except RecursionError as exc:
        raise PayloadError(_too_deep()) from exc
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            message = _("the JSON ends too early (line {line}, column {column}): is it truncated?")
            raise PayloadError(message.format(line=exc.lineno, column=exc.colno)) from exc
        # json's own reason (exc.msg) is Python's English: the reasons it gives are translated here,
        # any other stays as it is.
        reason = _(JSON_REASONS[exc.msg]) if exc.msg in JSON_REASONS else exc.msg
        message = _("not valid JSON at line {line}, column {column}: {reason}")
        raise PayloadError(message.format(line=exc.lineno, column=exc.colno, reason=reason)) from exc
    except PayloadError:
        raise
    except ValueError as exc:  # e.g. an integer literal longer than Python converts
        raise PayloadError(_("a value cannot be read: {reason}").format(reason=exc)) from exc
    return parse_body(raw)


def _loads_json_or_fragment(text: str) -> Any:
    """JSON text, or a Job fragment as the CDM reference prints them: ``"from-config-values": {...}``
    without the braces around it."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError:
        if text.lstrip().startswith('"') and any(f'"{key}"' in text[:200] for key in (*JOB_ATTRS, *SIDE_KEYS.values())):
            try:
                return json.loads("{" + text + "}", parse_constant=_refuse_constant)
            except json.JSONDecodeError:
                pass
        raise


def _check_values(raw: Any) -> None:
    """Refuse what no database column can hold as it came: absurd nesting, text that is not
    valid Unicode (lone surrogates), NUL characters, and numbers JSON cannot write back (NaN, infinities)."""
    stack: list[tuple[Any, int]] = [(raw, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise PayloadError(_too_deep())
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise PayloadError(_("a number is out of range (NaN or infinite); JSON cannot carry it"))


def _too_deep() -> str:
    return _("the JSON is nested too deeply (more than {levels} levels)").format(levels=MAX_NESTING)


def _check_text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        message = _("a string holds an invalid character ({character})")
        raise PayloadError(message.format(character=ascii(exc.object[exc.start : exc.end]))) from exc
    if "\x00" in value:
        # PostgreSQL cannot store it (neither in text nor in jsonb), and no CDM value needs it.
        raise PayloadError(_("a string holds a NUL character (\\u0000), which cannot be stored"))


def _refuse_constant(name: str) -> Any:
    raise PayloadError(_("{name} is not a JSON number").format(name=name))


# What a JSON value is, as the messages above name it (translated where they are made).
_KINDS = {
    bool: gettext_noop("a boolean"),
    int: gettext_noop("a number"),
    float: gettext_noop("a number"),
    str: gettext_noop("a string"),
    list: gettext_noop("a list"),
}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    kind = next((words for kind, words in _KINDS.items() if isinstance(value, kind)), gettext_noop("an object"))
    return _(kind)


def dumps(body: Any) -> str:
    """The JSON text shown in the preview and written by the export: exactly what
    ``json.dumps(body, indent=2, ensure_ascii=False)`` writes.

    With an indent, ``json`` leaves its C encoder for a pure-Python generator that costs about
    5 ms for a 500-input job, on every preview redraw. Bodies are plain dicts, lists and strings,
    so those are written here, each string by the same C function ``json`` uses; anything else
    (a number that is not an int, a non-string key, a cycle) goes back to ``json`` itself."""
    parts: list[str] = []
    try:
        _indented(body, "\n", parts.append)
    except _NotPlain:
        return json.dumps(body, indent=2, ensure_ascii=False)
    return "".join(parts)


class _NotPlain(Exception):
    """A value ``_indented`` leaves to ``json.dumps``."""


_PLAIN_SCALARS: dict[Any, str] = {None: "null", True: "true", False: "false"}
_MAX_PLAIN_DEPTH = 100  # deeper than any job; json's own recursion check handles the rest


def _indented(value: Any, newline: str, write: Any, depth: int = 0) -> None:
    kind = type(value)
    if kind is str:
        write(encode_basestring(value))
    elif kind is dict:
        if not value:
            write("{}")
            return
        if depth > _MAX_PLAIN_DEPTH:
            raise _NotPlain
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            write(separator)
            write(encode_basestring(key))
            write(": ")
            _indented(item, inner, write, depth + 1)
            separator = "," + inner
        write(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            write("[]")
            return
        if depth > _MAX_PLAIN_DEPTH:
            raise _NotPlain
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            write(separator)
            _indented(item, inner, write, depth + 1)
            separator = "," + inner
        write(newline + "]")
    elif kind is bool or value is None:
        write(_PLAIN_SCALARS[value])
    elif kind is int:
        write(int.__repr__(value))
    else:
        raise _NotPlain


def payload_hash(payload: dict[str, Any]) -> str:
    """A fingerprint of a built Job: equal exactly when the payloads are equal, order included
    (input order is part of what CDM receives). What an approval is recorded against."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()
