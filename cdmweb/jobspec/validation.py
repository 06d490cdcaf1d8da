"""One set of rules for a CDM Job object, shaped like CDM's own ``validation-result``.

``validate_job(job)`` takes the JSON object (what ``build_job`` gives, or anything imported) and
returns findings ``{"status", "message", "code", "input"}``: status ERROR or WARNING, the CDM error
code CDM itself would answer with where the reference gives one, and the input (or Job key) the
finding concerns. A ``where`` entry locates an input exactly (side, group index, input index) so
the designer can show the finding beside the right row even when a name appears twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from cdmweb.catalog.input_types import input_type
from cdmweb.catalog.registry import Catalog, InputSpec, get_catalog
from cdmweb.translation import gettext as _
from cdmweb.translation import gettext_noop, joined, one_language

from .characters import invisible_list
from .constants import SIDE_GROUP, SIDE_KEYS
from .crossfield import check_between
from .findings import ERROR, WARNING, Finding, as_text, finding
from .masking import ANSWERED_MASKS, SECRET_MASK, is_secret
from .pairing import ENTIRE_DATABASE_JOB, check_pairing, taken_by_job_type

NAME_MAX = 240
# Macros DataArts Factory expands before CDM sees the name ("dws2obs-${currentTime}").
NAME_MACRO = re.compile(r"\$\{[^}]*\}")
NAME_PUNCTUATION = "_-."
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")

# Keys the seeds mark mandatory, and those OTC calls optional but the official SDK requires.
MANDATORY_KEYS = ("from-connector-name", "to-link-name")
SDK_REQUIRED_KEYS = ("job_type", "name", "from-link-name", "to-connector-name")


# A typed input sent empty: CDM parses the value as its type, and "" is no number (Cdm.0009:
# "not an integer") and no boolean (Cdm.0004: invalid parameter type). Unset means left out.
EMPTY_REFUSED = {
    "integer": (
        "Cdm.0009",
        gettext_noop("{name} is empty: CDM expects a whole number. Give it a value, or remove it to leave it unset."),
    ),
    "boolean": (
        "Cdm.0004",
        gettext_noop("{name} is empty: CDM expects true or false. Give it a value, or remove it to leave it unset."),
    ),
}


def validate_job(job: Any, catalog: Catalog | None = None) -> list[Finding]:
    with one_language():
        return _validate_job(job, catalog)


def _validate_job(job: Any, catalog: Catalog | None = None) -> list[Finding]:
    catalog = catalog or get_catalog()
    if not isinstance(job, dict):
        return [finding(ERROR, _("A job must be a JSON object."), "Cdm.0018")]
    header: list[Finding] = []
    _check_header(job, catalog, header)
    findings: list[Finding] = []
    for side, key in SIDE_KEYS.items():
        if key not in job:
            message = _("{key} is missing: every job needs this object.").format(key=key)
            findings.append(finding(ERROR, message, "Cdm.0238", key))
            continue
        groups = _config_groups(job[key])
        if groups is None:
            message = _('{key} must be an object holding a "configs" list.').format(key=key)
            findings.append(finding(ERROR, message, "Cdm.0018", key))
            continue
        connector = job.get(f"{side}-connector-name") if side != "driver" else None
        source = job.get("from-connector-name")
        _check_side(
            side,
            connector if isinstance(connector, str) else None,
            groups,
            catalog,
            findings,
            source if isinstance(source, str) else None,
            job["job_type"] if isinstance(job.get("job_type"), str) else "",
        )
    between = check_between(job, catalog)
    # CDM's own code for an input (Cdm.0913 for a schema with no SQL) says more than "cannot be blank".
    specific = {f["input"] for f in between if f["status"] == ERROR}
    findings = [f for f in findings if not (f["code"] == "Cdm.0238" and f["input"] in specific)]
    # The job as a whole first, then inputs against each other, then each input: the order in which
    # CDM answers when it refuses a body (the sandbox answers with the first error's code).
    return header + check_pairing(job, catalog) + between + findings


def _check_header(job: dict[str, Any], catalog: Catalog, findings: list[Finding]) -> None:
    for key in MANDATORY_KEYS:
        if key not in job:
            findings.append(finding(ERROR, _("{key} is missing.").format(key=key), "Cdm.0238", key))
    for key in SDK_REQUIRED_KEYS:
        if key not in job:
            message = _("{key} is missing; the official SDK always sends it.").format(key=key)
            findings.append(finding(WARNING, message, "", key))
    for key in (*MANDATORY_KEYS, *SDK_REQUIRED_KEYS):
        if key in job and not isinstance(job[key], str):
            findings.append(finding(ERROR, _("{key} must be a string.").format(key=key), "Cdm.0004", key))
    name = job.get("name")
    if isinstance(name, str):
        if not name.strip():
            findings.append(finding(ERROR, _("The job name cannot be empty."), "Cdm.0238", "name"))
        elif len(name) > NAME_MAX:
            findings.append(
                finding(
                    ERROR,
                    _("The job name has {count} characters; CDM allows 1 to {most}.").format(
                        count=len(name), most=NAME_MAX
                    ),
                    "Cdm.0109",
                    "name",
                )
            )
    for key in ("name", "from-link-name", "to-link-name"):
        if isinstance(job.get(key), str) and job[key].strip():
            # An invisible character is said once, as such, not again as a character names may not hold.
            codes = invisible_list(job[key])
            if codes:
                message = _(
                    "{key} holds invisible or direction-changing characters ({codes}): it would look like"
                    " another name. Type it again without them."
                ).format(key=key, codes=codes)
                findings.append(finding(ERROR, message, "Cdm.0018", key))
            else:
                findings += naming_rule(key, job[key])
    job_type = job.get("job_type")
    known_types = [value for value, _label in catalog.job_types]
    if isinstance(job_type, str) and job_type not in known_types:
        findings.append(
            finding(
                ERROR,
                _("Unsupported job type {job_type}; use one of {known}.").format(
                    job_type=repr(job_type), known=joined(known_types)
                ),
                "Cdm.0055",
                "job_type",
            )
        )
    for side in ("from", "to"):
        key = f"{side}-connector-name"
        name = job.get(key)
        if not isinstance(name, str):
            continue
        connector = catalog.connector(name)
        if connector is None:
            findings.append(finding(ERROR, _("Connector [{name}] does not exist.").format(name=name), "Cdm.0102", key))
        elif side == "to" and name in catalog.never_destination:
            message = _("{name} cannot be a destination: {reason}.").format(
                name=name, reason=catalog.never_destination_reason(name)
            )
            findings.append(finding(ERROR, message, "Cdm.0061", key))
        elif side not in connector.directions:
            if side == "from":
                message = _("{name} is not documented as a source; the cluster may refuse it.")
            else:
                message = _("{name} is not documented as a destination; the cluster may refuse it.")
            findings.append(finding(WARNING, message.format(name=name), "Cdm.0061", key))
    for side in ("from", "to"):
        key = f"{side}-link-name"
        if isinstance(job.get(key), str) and not job[key].strip():
            findings.append(finding(ERROR, _("{key} cannot be empty.").format(key=key), "Cdm.0238", key))


def naming_rule(key: str, name: str) -> list[Finding]:
    """CDM names jobs and links with letters, digits, _, - and ., starting with a letter or a digit
    (Cdm.0110, the Chinese user guide's migration error codes; the console says the same)."""
    bare = NAME_MACRO.sub("0", name)
    wrong = sorted({c for c in bare if not (c.isalnum() or c in NAME_PUNCTUATION)})
    job = key == "name"
    if wrong:
        shown = " ".join(repr(c) for c in wrong[:5])
        if job:
            message = _("The job name may hold only letters, digits, _, - and .; {shown} is not allowed.")
        else:
            message = _("The {key} may hold only letters, digits, _, - and .; {shown} is not allowed.")
        return [finding(ERROR, message.format(key=key, shown=shown), "Cdm.0110", key)]
    if bare and not bare[0].isalnum():
        if job:
            message = _("The job name must start with a letter or a digit.")
        else:
            message = _("The {key} must start with a letter or a digit.")
        return [finding(ERROR, message.format(key=key), "Cdm.0110", key)]
    if bare != name:
        if job:
            message = _(
                "The job name holds a macro: DataArts Factory expands it before CDM sees the name, but CDM itself"
                " refuses $, {{ and }} (Cdm.0110), so send it through DataArts."
            )
        else:
            message = _(
                "The {key} holds a macro: DataArts Factory expands it before CDM sees the name, but CDM itself"
                " refuses $, {{ and }} (Cdm.0110), so send it through DataArts."
            )
        return [finding(WARNING, message.format(key=key), "Cdm.0110", key)]
    return []


def _config_groups(value: Any) -> list[dict[str, Any]] | None:
    if not isinstance(value, dict):
        return None
    configs = value.get("configs", [])
    if not isinstance(configs, list) or not all(isinstance(c, dict) for c in configs):
        return None
    return configs


def _group_inputs(config: dict[str, Any]) -> list[Any] | None:
    inputs = config.get("inputs", [])
    if inputs == {}:
        return []
    return inputs if isinstance(inputs, list) else None


def _check_side(
    side: str,
    connector: str | None,
    groups: list[dict[str, Any]],
    catalog: Catalog,
    findings: list[Finding],
    source: str | None = None,
    job_type: str = "",
) -> None:
    known_connector = side == "driver" or catalog.connector(connector) is not None
    seen_groups: dict[str, dict[str, str]] = {}
    for g_index, config in enumerate(groups):
        group = config.get("name")
        inputs = _group_inputs(config)
        if not isinstance(group, str) or inputs is None:
            findings.append(
                finding(
                    ERROR,
                    _("A config in {key} needs a name and an inputs list.").format(key=SIDE_KEYS[side]),
                    "Cdm.0018",
                    SIDE_KEYS[side],
                )
            )
            continue
        group_codes = invisible_list(group)
        if group_codes:
            message = _(
                "The group name {group} holds invisible or direction-changing characters ({codes}): it would look"
                " like another name. Type it again without them."
            ).format(group=repr(group), codes=group_codes)
            findings.append(finding(ERROR, message, "Cdm.0018", group))
        specs = {s.name: s for s in catalog.specs_for_group(connector, side, group)}
        values = _string_values(inputs)
        entire_database = job_type == ENTIRE_DATABASE_JOB or values.get(f"{group}.isBatchMigration") == "true"
        seen: set[str] = set()
        for i_index, item in enumerate(inputs):
            where = {"side": side, "group": g_index, "index": i_index}
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                message = _("An input of {group} has no name.").format(group=group)
                findings.append(finding(ERROR, message, "Cdm.0018", group, where))
                continue
            name = item["name"]
            value = item.get("value", item.get("values"))
            name_codes = invisible_list(name)
            if name_codes:
                message = _(
                    "The input name {name} holds invisible or direction-changing characters ({codes}): it would look"
                    " like another name. Type it again without them."
                ).format(name=repr(name), codes=name_codes)
                findings.append(finding(ERROR, message, "Cdm.0018", name, where))
            if name in seen:
                message = _("{name} appears twice in {group}; CDM keeps one of them.").format(name=name, group=group)
                findings.append(finding(WARNING, message, "", name, where))
            seen.add(name)
            _check_input(
                side, group, name, item, value, specs, values, known_connector, where, findings, entire_database
            )
        seen_groups[group] = values
        _check_conditions(group, inputs, specs, values, g_index, side, findings)
        if group == "schedulerConfig":
            _check_run_at(values, findings)
    _check_required(side, connector, seen_groups, catalog, findings, source, job_type)
    expected = SIDE_GROUP.get(side)
    if side == "driver":
        for group in seen_groups:
            if group in catalog.driver:
                continue
            meant = near_miss(group, catalog.driver)
            if meant:
                message = _("{group} is not a driver group; did you mean {meant}?").format(group=group, meant=meant)
                findings.append(finding(ERROR, message, "Cdm.0089", group))
            else:
                message = _("{group} is not a documented driver group; CDM may ignore it.").format(group=group)
                findings.append(finding(WARNING, message, "Cdm.0089", group))
    elif expected:
        for group in seen_groups:
            if group != expected and near_miss(group, [expected]):
                message = _("{group} is not a group of {key}; did you mean {expected}?").format(
                    group=group, key=SIDE_KEYS[side], expected=expected
                )
                findings.append(finding(ERROR, message, "Cdm.0089", group))
            elif group != expected:
                message = _("{key} normally holds only {expected}, not {group}.").format(
                    key=SIDE_KEYS[side], expected=expected, group=group
                )
                findings.append(finding(WARNING, message, "", group))


def _string_values(inputs: list[Any]) -> dict[str, str]:
    """Name -> value of a group's string inputs: what the conditions between inputs look at."""
    values: dict[str, str] = {}
    for item in inputs:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            text = as_text(item.get("value", item.get("values")))
            if text is not None:
                values[item["name"]] = text
    return values


def _check_input(
    side: str,
    group: str,
    name: str,
    item: dict[str, Any],
    value: Any,
    specs: dict[str, InputSpec],
    values: dict[str, str],
    known_connector: bool,
    where: dict[str, Any],
    findings: list[Finding],
    entire_database: bool = False,
) -> None:
    if not name.startswith(f"{group}."):
        message = _("{name} does not belong to {group}: its name must start with {group}.").format(
            name=name, group=group
        )
        findings.append(finding(ERROR, message, "Cdm.0089", name, where))
        return
    if "value" not in item:
        if "values" in item:
            message = _('{name} uses "values"; CDM documents "value".').format(name=name)
            findings.append(finding(WARNING, message, "", name, where))
        else:
            findings.append(finding(ERROR, _("{name} has no value.").format(name=name), "Cdm.0238", name, where))
            return
    spec = specs.get(name)
    if spec is None:
        meant = near_miss(name, specs) if known_connector else None
        if meant:
            message = _(
                "{name} is not an input of {group}; did you mean {meant}? CDM refuses inputs it does not know."
            ).format(name=name, group=group, meant=meant)
            findings.append(finding(ERROR, message, "Cdm.0089", name, where))
        elif known_connector and (specs or side == "driver"):
            message = _("{name} is not in the catalogue: a custom input, sent as written.").format(name=name)
            findings.append(finding(WARNING, message, "Cdm.0089", name, where))
    if not isinstance(value, str):
        # Lists and objects are what CDM itself writes for some inputs in its exports; a number or
        # a boolean where the reference documents a string is worth a word.
        if value is not None and not isinstance(value, list | dict):
            message = _("{name} is not a string; CDM documents every value as a string.").format(name=name)
            findings.append(finding(WARNING, message, "Cdm.0004", name, where))
        return
    if spec is not None:
        if not value.strip():
            if spec.required and applies(spec, specs, values) and not (spec.single_table and entire_database):
                code = spec.blank_code or "Cdm.0238"
                findings.append(finding(ERROR, _("{name} cannot be left blank.").format(name=name), code, name, where))
            elif spec.type in EMPTY_REFUSED and applies(spec, specs, values):
                code, empty_message = EMPTY_REFUSED[spec.type]
                findings.append(finding(ERROR, _(empty_message).format(name=name), code, name, where))
            return
        problem = input_type(spec).check(spec, value)
        if problem is None and applies(spec, specs, values):
            problem = _hex_problem(spec, value)
        if problem:
            code, message = problem
            findings.append(finding(ERROR, message, code, name, where))
    if value in ANSWERED_MASKS and is_secret(spec, name) and not (spec is not None and spec.hex_length):
        message = _(
            "{name} holds a mask ({mask}), not the secret: CDM never gives secrets back, so a job pulled or"
            " exported carries the mask. Type the real value before sending the job."
        ).format(name=name, mask=value)
        findings.append(finding(ERROR, message, "Cdm.0014", name, where))
    if URL_ESCAPE.search(value) and unquote(value) != value and not is_secret(spec, name):
        message = _(
            "{name} looks URL-encoded, as a GET returns values; decoded it reads {decoded}. CDM takes it as written."
        ).format(name=name, decoded=repr(unquote(value)))
        findings.append(finding(WARNING, message, "", name, where))


def _hex_problem(spec: InputSpec, value: str) -> tuple[str, str] | None:
    """An AES key or vector of the wrong length or alphabet, or still masked as a viewer's export
    holds it. A macro is not the value CDM will get, so it is left alone."""
    if not spec.hex_length or "${" in value:
        return None
    if value == SECRET_MASK:
        message = _("{name} is masked ({mask}): put the key back before sending the job.")
        return "Cdm.0014", message.format(name=spec.name, mask=SECRET_MASK)
    if len(value) == spec.hex_length and all(c in HEX_DIGITS for c in value):
        return None
    message = _("{name} must be {length} hexadecimal characters (0-9, a-f); this is not.")
    return "Cdm.0014", message.format(name=spec.name, length=spec.hex_length)


def duplicate_names(jobs: list[Any]) -> list[Finding]:
    """A body holding two jobs of one name: CDM creates the first and refuses the second as a job
    that already exists (Cdm.0104), so the body is refused before anything is sent."""
    seen: set[str] = set()
    findings = []
    for job in jobs:
        name = job.get("name") if isinstance(job, dict) else None
        if isinstance(name, str) and name in seen:
            message = _("Two jobs in this body are named {name}.").format(name=repr(name))
            findings.append(finding(ERROR, message, "Cdm.0104", "name"))
        elif isinstance(name, str):
            seen.add(name)
    return findings


def near_miss(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` is a slip of: the same but for letter case, or one edit away (a
    letter dropped, doubled, changed, or two neighbours swapped, as in tabelName). Only for names
    of five or more characters, and only when exactly one known name is that close: an unknown name
    that is not a slip stays a custom one."""
    if len(name) < 5:
        return None
    # Every custom input of a draft asks this on every validation, with the same catalogue names
    # each time: 500 inputs cost several ms per request before the answers were remembered.
    return _near_miss(name, tuple(known))


@lru_cache(maxsize=8192)
def _near_miss(name: str, known: tuple[str, ...]) -> str | None:
    lower = name.lower()
    close = [k for k in known if k != name and (k.lower() == lower or _one_edit_apart(k, name))]
    return close[0] if len(close) == 1 else None


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    shorter = min(len(a), len(b))
    i = 0
    while i < shorter and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        # One letter changed, or two neighbours swapped (tabelName).
        swapped = a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return short[i:] == long[i + 1 :]


def effective_value(spec: InputSpec | None, values: dict[str, str], name: str) -> str | None:
    """What CDM acts on: the value sent (if not blank), else the documented default, else false
    for booleans."""
    if values.get(name):
        return values[name]
    if spec is None:
        return None
    if spec.default is not None:
        return spec.default
    return "false" if spec.type == "boolean" else None


def applies(spec: InputSpec, specs: dict[str, InputSpec], values: dict[str, str]) -> bool:
    return all(effective_value(specs.get(c.input), values, c.input) in c.values for c in spec.when)


def _check_conditions(
    group: str,
    inputs: list[Any],
    specs: dict[str, InputSpec],
    values: dict[str, str],
    g_index: int,
    side: str,
    findings: list[Finding],
) -> None:
    for i_index, item in enumerate(inputs):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        spec = specs.get(item["name"])
        if spec is not None and spec.when and not applies(spec, specs, values):
            message = _("{name} applies only when {condition}; CDM ignores it here.").format(
                name=spec.name, condition=spec.describe_when()
            )
            findings.append(
                finding(WARNING, message, "", spec.name, {"side": side, "group": g_index, "index": i_index})
            )


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# What runAt's comma-separated points are for each period (job parameter description): minutes of
# the hour, weekday names, days of the month.
def _digits(text: str) -> bool:
    """ASCII digits, a few of them: str.isdigit() takes "²" (which int() refuses) and any length."""
    return bool(re.fullmatch(r"[0-9]{1,9}", text))


# (what the points are, as the messages below say it; whether a point is one).
RUN_AT = {
    "hour": ("minutes of the hour, 0 to 59", lambda p: _digits(p) and 0 <= int(p) <= 59),
    "week": ("weekday names (mon, tue, wed, thu, fri, sat, sun)", lambda p: p.lower() in WEEKDAYS),
    "month": ("days of the month, 1 to 31", lambda p: _digits(p) and 1 <= int(p) <= 31),
}
# The finding for points that are not of their kind, one whole sentence per cycleType.
RUN_AT_REFUSED = {
    "hour": gettext_noop("runAt for cycleType hour takes minutes of the hour, 0 to 59; {wrong} is not one."),
    "week": gettext_noop(
        "runAt for cycleType week takes weekday names (mon, tue, wed, thu, fri, sat, sun); {wrong} is not one."
    ),
    "month": gettext_noop("runAt for cycleType month takes days of the month, 1 to 31; {wrong} is not one."),
}


def _check_run_at(values: dict[str, str], findings: list[Finding]) -> None:
    """runAt means something else for each cycleType; a point that is not one of its kind is refused."""
    run_at = values.get("schedulerConfig.runAt", "").strip()
    rule = RUN_AT.get(values.get("schedulerConfig.cycleType", ""))
    if not run_at or rule is None or "${" in run_at:
        return
    _kind, fits = rule
    wrong = [part.strip() for part in run_at.split(",") if not fits(part.strip())]
    if wrong:
        cycle = values["schedulerConfig.cycleType"]
        message = _(RUN_AT_REFUSED[cycle]).format(wrong=", ".join(repr(w) for w in wrong))
        findings.append(finding(ERROR, message, "Cdm.0004", "schedulerConfig.runAt"))


def _check_required(
    side: str,
    connector: str | None,
    seen_groups: dict[str, dict[str, str]],
    catalog: Catalog,
    findings: list[Finding],
    source: str | None = None,
    job_type: str = "",
) -> None:
    if side == "driver":
        candidates = [(group, catalog.driver.get(group, ())) for group in seen_groups]
    else:
        group = SIDE_GROUP[side]
        candidates = [(group, catalog.specs_for_group(connector, side, group))]
    for group, group_specs in candidates:
        specs = {s.name: s for s in group_specs}
        values = seen_groups.get(group, {})
        present = set(values)
        for spec in group_specs:
            if not spec.required or spec.name in present or not applies(spec, specs, values):
                continue
            if spec.when_source and source not in spec.when_source:
                continue  # required only for another kind of source than this job's
            if not taken_by_job_type(spec, job_type, catalog):
                continue  # the job type does not take it (an entire-database job names no single table)
            if spec.single_table and values.get(f"{group}.isBatchMigration") == "true":
                continue  # nor does a side that migrates a whole database
            if spec.type == "boolean":
                # Official samples CDM accepted leave required booleans out; CDM reads them as false.
                message = _("{name} is documented as required but not sent; CDM reads it as false.").format(
                    name=spec.name
                )
                findings.append(finding(WARNING, message, "Cdm.0238", spec.name))
            elif spec.left_out_by_samples:
                # A documented conflict: the table says required, accepted samples say otherwise.
                message = _("{name} is documented as required but not sent; {samples}.").format(
                    name=spec.name, samples=spec.left_out_text
                )
                findings.append(finding(WARNING, message, "Cdm.0238", spec.name))
            elif spec.context:
                # Required only in a case the catalogue states in words ("Oracle source"): we cannot
                # tell whether this job is that case, so it is a warning, not a refusal.
                message = _("{name} is required when {context}; it is not sent.").format(
                    name=spec.name, context=spec.context_text
                )
                findings.append(finding(WARNING, message, "Cdm.0238", spec.name))
            else:
                message = _("{name} cannot be left blank: the connector requires it.").format(name=spec.name)
                findings.append(finding(ERROR, message, spec.blank_code or "Cdm.0238", spec.name))


def check_for_cluster(job: Any, flavour: str, catalog: Catalog | None = None) -> list[Finding]:
    """What only the chosen cluster decides: a job may ask for up to 300 extractors, but a cluster
    runs as many at once as its flavour allows and queues the rest."""
    catalog = catalog or get_catalog()
    cap = catalog.flavour_extractors.get(flavour)
    driver = job.get("driver-config-values") if isinstance(job, dict) else None
    groups = _config_groups(driver) or []
    values = {k: v for g in groups for k, v in _string_values(_group_inputs(g) or []).items()}
    asked = values.get("throttlingConfig.numExtractors", "").strip()
    if cap is None or not _digits(asked) or int(asked) <= cap:
        return []
    message = _(
        "This job asks for {asked} extractors; a {flavour} cluster runs {cap} at once and queues the rest."
    ).format(asked=asked, flavour=flavour, cap=cap)
    return [finding(WARNING, message, "", "throttlingConfig.numExtractors")]
