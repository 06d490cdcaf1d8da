"""CDM links as data: the Link object (reference §5), what its inputs must hold, which source →
destination pairs a link cannot serve, and a job's links. Pure: the sandbox (which keeps links),
the client's callers and cdmweb's own link checks share these rules.

``fromTo-unMapping`` is a string in CDM's answer whose layout the reference does not give. The
sandbox writes it as a JSON object, source connector → the destinations it cannot reach through this
link; ``unmapped_pairs`` reads that, and also the plainer ``source->destination`` list, so a real
cluster's answer in either form is understood and anything else is reported as unreadable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from cdmweb.catalog.input_types import input_type
from cdmweb.catalog.registry import Catalog, InputSpec, get_catalog
from cdmweb.translation import gettext as _

from .characters import invisible_list
from .findings import ERROR, WARNING, Finding, as_text, finding
from .masking import is_secret
from .validation import applies

LINK_SIDE = "link"  # the catalogue keeps a connector's link inputs under this side
LINK_GROUP = "linkConfig"
NAME_MAX = 240
# A source → destination pair in the plain layout: "a->b", "a → b" or "a:b".
_PAIR = re.compile(r"^\s*([\w.-]+)\s*(?:->|→|:)\s*([\w.-]+)\s*$")


def link_specs(connector: str | None, catalog: Catalog | None = None) -> tuple[InputSpec, ...]:
    """The documented inputs of a connector's link (``linkConfig.*``, and ``dialect.*`` for JDBC)."""
    found = (catalog or get_catalog()).connector(connector)
    return found.side_inputs(LINK_SIDE) if found is not None else ()


def link_values(link: Mapping[str, Any]) -> dict[str, str]:
    """Name → value (as text) of every input of a Link, whatever config group holds it."""
    values: dict[str, str] = {}
    for config in _configs(link):
        for item in config.get("inputs") or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                text = as_text(item.get("value"))
                if text is not None:
                    values[item["name"]] = text
    return values


def build_link(name: str, connector: str, values: Mapping[str, str], *, enabled: bool = True) -> dict[str, Any]:
    """A Link object: the inputs grouped by the prefix of their names, in the order given; blank
    values are left out (CDM reads an absent input as unset, a blank one as a value)."""
    groups: dict[str, list[dict[str, str]]] = {}
    for input_name, value in values.items():
        if value == "":
            continue
        groups.setdefault(input_name.split(".", 1)[0], []).append({"name": input_name, "value": value})
    return {
        "name": name,
        "connector-name": connector,
        "enabled": enabled,
        "link-config-values": {"configs": [{"name": group, "inputs": inputs} for group, inputs in groups.items()]},
    }


def links_body(link: Mapping[str, Any]) -> dict[str, Any]:
    """The create_link / update_link body for one link."""
    return {"links": [dict(link)]}


def body_problem(body: Any, catalog: Catalog | None = None) -> Finding | None:
    """Why a create/update body is not a list of links CDM can read, as CDM answers it (Cdm.0018
    for the shape, Cdm.0102 for an unknown connector); None when it is one."""
    catalog = catalog or get_catalog()
    links = body.get("links") if isinstance(body, dict) else None
    if not isinstance(links, list) or not links:
        return finding(ERROR, _('The content of jobs or links is invalid: expected {"links": [...]}.'), "Cdm.0018")
    for link in links:
        problem = _link_shape_problem(link, catalog)
        if problem is not None:
            return problem
    return None


def _link_shape_problem(link: Any, catalog: Catalog) -> Finding | None:
    if not isinstance(link, dict):
        return finding(ERROR, _("The content of jobs or links is invalid: each link must be an object."), "Cdm.0018")
    name = link.get("name")
    if not isinstance(name, str) or not name.strip():
        message = _("The content of jobs or links is invalid: each link needs a name.")
        return finding(ERROR, message, "Cdm.0018", "name")
    codes = invisible_list(name)
    if codes:
        message = _(
            "The content of jobs or links is invalid: the link name holds invisible or direction-changing"
            " characters ({codes}): it would look like another name. Type it again without them."
        ).format(codes=codes)
        return finding(ERROR, message, "Cdm.0018", "name")
    if len(name) > NAME_MAX:
        message = _("The content of jobs or links is invalid: the link name is longer than {most} characters.")
        return finding(ERROR, message.format(most=NAME_MAX), "Cdm.0018", "name")
    connector = link.get("connector-name")
    if not isinstance(connector, str) or not connector:
        message = _("The content of jobs or links is invalid: each link needs a connector-name.")
        return finding(ERROR, message, "Cdm.0018", "connector-name")
    if catalog.connector(connector) is None:
        message = _("Connector [{name}] does not exist.").format(name=connector)
        return finding(ERROR, message, "Cdm.0102", "connector-name")
    if "enabled" in link and not isinstance(link["enabled"], bool):
        return finding(ERROR, _('The content of jobs or links is invalid: "enabled" is true or false.'), "Cdm.0018")
    values = link.get("link-config-values")
    configs = values.get("configs") if isinstance(values, dict) else None
    if not isinstance(configs, list):
        message = _('The content of jobs or links is invalid: link-config-values must hold a "configs" list.')
        return finding(ERROR, message, "Cdm.0018", "link-config-values")
    for config in configs:
        inputs = config.get("inputs", []) if isinstance(config, dict) else None
        if not isinstance(config, dict) or not isinstance(config.get("name"), str) or not isinstance(inputs, list):
            message = _("The content of jobs or links is invalid: a config needs a name and an inputs list.")
            return finding(ERROR, message, "Cdm.0018", "link-config-values")
        for item in inputs:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
                message = _("The content of jobs or links is invalid: an input of {group} has no name.").format(
                    group=config["name"]
                )
                return finding(ERROR, message, "Cdm.0018", config["name"])
    return None


def validate_link(link: Mapping[str, Any], catalog: Catalog | None = None) -> list[Finding]:
    """The inputs of a well-shaped Link judged against its connector's documented link inputs:
    a required input left out or blank, a value of the wrong type (ERROR); an input the catalogue
    does not know (WARNING: sent as written)."""
    catalog = catalog or get_catalog()
    connector = str(link.get("connector-name", ""))
    specs = {s.name: s for s in link_specs(connector, catalog)}
    values = link_values(link)
    findings: list[Finding] = []
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            if specs:
                message = _("{name} is not a documented input of a {connector} link; it is sent as written.").format(
                    name=name, connector=connector
                )
                findings.append(finding(WARNING, message, "Cdm.0089", name))
            continue
        if not value.strip():
            continue  # judged below with the inputs left out
        problem = input_type(spec).check(spec, value)
        if problem is not None and applies(spec, specs, values):
            findings.append(finding(ERROR, problem[1], problem[0], name))
    for spec in specs.values():
        if spec.required and spec.type != "boolean" and not values.get(spec.name, "").strip():
            if applies(spec, specs, values):
                message = _("{name} cannot be left blank.").format(name=spec.name)
                findings.append(finding(ERROR, message, "Cdm.0238", spec.name))
    return findings


def without_secrets(link: Mapping[str, Any], catalog: Catalog | None = None) -> dict[str, Any]:
    """The Link with its secret inputs left out, as show_link answers it: a secret is never sent
    back, not even masked, so a GET → PUT round trip cannot store a mask as the password."""
    specs = {s.name: s for s in link_specs(str(link.get("connector-name", "")), catalog)}
    result = dict(link)
    values = link.get("link-config-values")
    if isinstance(values, dict) and isinstance(values.get("configs"), list):
        configs = []
        for config in values["configs"]:
            if isinstance(config, dict) and isinstance(config.get("inputs"), list):
                kept = [i for i in config["inputs"] if not _secret_item(i, specs)]
                config = {**config, "inputs": kept}
            configs.append(config)
        result["link-config-values"] = {**values, "configs": configs}
    return result


def secret_values(link: Mapping[str, Any], catalog: Catalog | None = None) -> dict[str, str]:
    """Name → value of the link's secret inputs that hold something."""
    specs = {s.name: s for s in link_specs(str(link.get("connector-name", "")), catalog)}
    return {n: v for n, v in link_values(link).items() if v and is_secret(specs.get(n), n)}


def _secret_item(item: Any, specs: Mapping[str, InputSpec]) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and is_secret(specs.get(item["name"]), item["name"])
    )


def _configs(link: Mapping[str, Any]) -> list[dict[str, Any]]:
    values = link.get("link-config-values")
    configs = values.get("configs") if isinstance(values, dict) else None
    return [c for c in configs if isinstance(c, dict)] if isinstance(configs, list) else []


# --- which pairs a link serves --------------------------------------------------------------------------


def unmapping_for(connector: str, catalog: Catalog | None = None) -> dict[str, list[str]]:
    """Source → destinations a table/file job cannot migrate through a ``connector`` link: the
    pairs touching this connector that the user guide's matrices do not document."""
    catalog = catalog or get_catalog()
    sources = [c.name for c in catalog.connectors_for("from") if c.name in catalog.pairs]
    destinations = [c.name for c in catalog.connectors_for("to")]
    excluded: dict[str, list[str]] = {}
    for source in sources:
        for destination in destinations:
            if connector not in (source, destination) or destination in catalog.pairs[source]:
                continue
            excluded.setdefault(source, []).append(destination)
    return excluded


def unmapping_text(connector: str, catalog: Catalog | None = None) -> str:
    return json.dumps(unmapping_for(connector, catalog), sort_keys=True)


def batch_mapping_text(connector: str, catalog: Catalog | None = None) -> str:
    """``batchFromTo-mapping``: the pairs an entire-database job may take through this link."""
    catalog = catalog or get_catalog()
    rules = catalog.job_type_rules.get("BATCH_JOB", {})
    sources, destinations = rules.get("sources") or [], rules.get("destinations") or []
    mapping = {s: [d for d in destinations if connector in (s, d)] for s in sources}
    return json.dumps({s: d for s, d in mapping.items() if d}, sort_keys=True)


def unmapped_pairs(text: str) -> set[tuple[str, str]] | None:
    """The (source, destination) pairs a ``fromTo-unMapping`` string excludes; an empty set for
    "" (nothing excluded); None when the string is in no layout cdmweb reads."""
    text = (text or "").strip()
    if not text:
        return set()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        pairs: set[tuple[str, str]] = set()
        for source, destinations in data.items():
            if isinstance(destinations, str):
                destinations = [destinations]
            if not isinstance(destinations, list) or not all(isinstance(d, str) for d in destinations):
                return None
            pairs.update((source, d) for d in destinations)
        return pairs
    if data is not None:
        return None
    pairs = set()
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if match is None:
            return None
        pairs.add((match[1], match[2]))
    return pairs


def pair_excluded(unmapping: str, source: str, destination: str) -> bool:
    return (source, destination) in (unmapped_pairs(unmapping) or set())


# --- a job's links --------------------------------------------------------------------------------------


def job_links(job: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(side, link name, connector) for each side of a job that names a link."""
    found = []
    for side in ("from", "to"):
        name, connector = job.get(f"{side}-link-name"), job.get(f"{side}-connector-name")
        if isinstance(name, str) and name:
            found.append((side, name, connector if isinstance(connector, str) else ""))
    return found


def sample_values(
    connector: str, given: Mapping[str, str] | None = None, catalog: Catalog | None = None
) -> dict[str, str]:
    """Values for a link that pass ``validate_link``: ``given``, then each required input that
    applies filled with its default, first choice or first example (or a placeholder)."""
    specs = {s.name: s for s in link_specs(connector, catalog)}
    values = dict(given or {})
    for _round in range(3):  # a filled choice can make another input apply
        for spec in specs.values():
            if spec.required and spec.type != "boolean" and not values.get(spec.name) and applies(spec, specs, values):
                values[spec.name] = _sample(spec)
    return values


def _sample(spec: InputSpec) -> str:
    if spec.default:
        return spec.default
    if spec.choices:
        return spec.choices[0]
    if spec.type == "integer":
        return str(spec.min or 1)
    if spec.examples and not spec.secret:
        return spec.examples[0]
    return "sandbox" if not spec.secret else "sandbox-seeded-secret"
