"""Rules on the job as a whole: which source may go to which destination, what a binary copy needs
on both sides, and what each job type takes. The facts (the user guide's matrices, the job types'
sources and destinations) are catalogue data with their pages; here are only the rules."""

from __future__ import annotations

from typing import Any

from cdmweb.catalog.registry import Catalog, InputSpec
from cdmweb.translation import gettext as _

from .crossfield import SideInput, side_inputs
from .findings import ERROR, WARNING, finding

# The job type that migrates an entire database, table by table.
ENTIRE_DATABASE_JOB = "BATCH_JOB"
BINARY = "BINARY_FILE"
FORMAT_INPUT = {"from": "fromJobConfig.inputFormat", "to": "toJobConfig.outputFormat"}


def check_pairing(job: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    source, destination = job.get("from-connector-name"), job.get("to-connector-name")
    if not isinstance(source, str) or not isinstance(destination, str):
        return []
    if catalog.connector(source) is None or catalog.connector(destination) is None:
        return []  # an unknown connector is refused on its own (Cdm.0102)
    findings: list[dict[str, Any]] = []
    job_type = job.get("job_type") if isinstance(job.get("job_type"), str) else "NORMAL_JOB"
    rules = catalog.job_type_rules.get(job_type, {})
    inputs = {side: side_inputs(job, side) for side in ("from", "to")}
    if job_type == "NORMAL_JOB":
        _documented_pair(source, destination, catalog, findings)
    elif rules:
        _job_type(job_type, rules, source, destination, inputs, catalog, findings)
    _binary_copy(source, destination, inputs, catalog, findings)
    return findings


def _documented_pair(source: str, destination: str, catalog: Catalog, findings: list[dict[str, Any]]) -> None:
    """The matrices of different CDM versions and languages disagree, so a pair none of them lists
    is a warning; a destination every page calls a source only is refused on its own."""
    documented = catalog.pairs.get(source)
    if documented is None or destination in documented or destination in catalog.never_destination:
        return
    connector = catalog.connector(source)
    if connector is None or "from" not in connector.directions:
        return
    message = _(
        "The user guide documents no migration from {source} to {destination}; the cluster may refuse"
        " the pair (Cdm.0061)."
    ).format(source=source, destination=destination)
    findings.append(finding(WARNING, message, "Cdm.0061", "to-connector-name"))


def _job_type(
    job_type: str,
    rules: dict[str, Any],
    source: str,
    destination: str,
    inputs: dict[str, dict[str, SideInput]],
    catalog: Catalog,
    findings: list[dict[str, Any]],
) -> None:
    source_inputs = inputs["from"]
    if not rules.get("documented"):
        message = _(
            "{job_type} is documented only by name; cdmweb checks it as a table/file migration and"
            " cannot say what CDM will make of it."
        ).format(job_type=job_type)
        findings.append(finding(WARNING, message, "", "job_type"))
        return
    sources, destinations = rules.get("sources"), rules.get("destinations")
    if sources and source not in sources:
        message = _("{job_type} migrates whole databases: it reads {sources}, not {source}.").format(
            job_type=job_type, sources=", ".join(sources), source=source
        )
        findings.append(finding(ERROR, message, "Cdm.0055", "from-connector-name"))
    if destinations and destination not in destinations:
        message = _("{job_type} is documented as writing to {destinations}, not {destination}.").format(
            job_type=job_type, destinations=", ".join(destinations), destination=destination
        )
        findings.append(finding(WARNING, message, "Cdm.0055", "to-connector-name"))
    for name in rules.get("not_taken", ()):
        given = source_inputs.get(name)
        if given is not None and given.value.strip() and given.value != "false":
            message = _("{job_type} picks whole tables in a step of its own; CDM does not take {name} here.").format(
                job_type=job_type, name=name
            )
            findings.append(finding(WARNING, message, "", name, given.where))
    if job_type == ENTIRE_DATABASE_JOB:
        for side, connector in (("from", source), ("to", destination)):
            for name, given in inputs[side].items():
                spec = catalog.spec(connector, side, name)
                if spec is not None and spec.single_table and given.value.strip():
                    message = _("An entire-database migration picks its tables itself; {name} names one table.").format(
                        name=name
                    )
                    findings.append(finding(WARNING, message, "", name, given.where))


def binary_sides(catalog: Catalog, side: str) -> set[str]:
    """Connectors that copy files as they are on a side: those whose file format offers BINARY_FILE."""
    return {
        c.name
        for c in catalog.connectors.values()
        if any(s.name == FORMAT_INPUT[side] and BINARY in s.choices for s in c.side_inputs(side))
    }


def _binary_copy(
    source: str,
    destination: str,
    inputs: dict[str, dict[str, SideInput]],
    catalog: Catalog,
    findings: list[dict[str, Any]],
) -> None:
    """A binary copy moves files as they are, so both ends must be file systems (Cdm.0062; the source
    pages: "If you select BINARY_FILE, the migration destination must also be a file system")."""
    ends = {"from": source, "to": destination}
    for side, other in (("from", "to"), ("to", "from")):
        chosen = inputs[side].get(FORMAT_INPUT[side])
        if chosen is None or chosen.value != BINARY:
            continue
        if ends[other] not in binary_sides(catalog, other):
            if other == "to":
                message = _(
                    "{name} is BINARY_FILE, which copies files as they are: the destination must be a"
                    " file system too, and {connector} is not."
                )
            else:
                message = _(
                    "{name} is BINARY_FILE, which copies files as they are: the source must be a"
                    " file system too, and {connector} is not."
                )
            message = message.format(name=FORMAT_INPUT[side], connector=ends[other])
            findings.append(finding(ERROR, message, "Cdm.0062", FORMAT_INPUT[side], chosen.where))
            continue
        counterpart = inputs[other].get(FORMAT_INPUT[other])
        if counterpart is not None and counterpart.value not in (BINARY, ""):
            message = _(
                "{name} is BINARY_FILE but {other} is {value}: a binary"
                " copy moves the files as they are (the user guide sets both sides to binary)."
            ).format(name=FORMAT_INPUT[side], other=FORMAT_INPUT[other], value=counterpart.value)
            findings.append(finding(WARNING, message, "Cdm.0062", FORMAT_INPUT[other], counterpart.where))


def taken_by_job_type(spec: InputSpec, job_type: str, catalog: Catalog) -> bool:
    """Whether a job of this type takes the input: an entire-database migration picks its tables in
    a step of its own, so it takes no single table and no custom SQL."""
    rules = catalog.job_type_rules.get(job_type, {})
    if spec.name in rules.get("not_taken", ()):
        return False
    return not (spec.single_table and job_type == ENTIRE_DATABASE_JOB)
