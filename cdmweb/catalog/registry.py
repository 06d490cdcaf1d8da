"""The connector and driver catalogue: data loaded once from the generated JSON, plus lookups.

The designer, the validation rules and the admin only ever iterate what is here; adding a
connector or an input is a data change in ``data/catalog.json`` (see scripts/build_catalog.py).

The texts also come in Chinese (``data/catalog.zh-hans.json``, each with the Chinese CDM page it
takes its wording from), loaded once with the English. The English attributes (``help``, ``notes``,
``context``, ``label``, ``job_types``) never change; what a screen shows goes through
``help_text``, ``notes_text``, ``context_text``, ``label_text``, ``job_types_text`` and
``error_message``, which pick the language when read: Chinese when the interface is Chinese
(cdmweb.translation), English otherwise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from cdmweb.translation import gettext, gettext_noop, is_chinese

DATA_FILE = Path(__file__).resolve().parent / "data" / "catalog.json"
CHINESE_FILE = Path(__file__).resolve().parent / "data" / "catalog.zh-hans.json"

SIDES = ("from", "to", "driver")
SIDE_GROUP = {"from": "fromJobConfig", "to": "toJobConfig"}
# English, marked for the catalogue: the web translates them where it shows them (gettext).
SIDE_LABELS = {"from": gettext_noop("Source"), "to": gettext_noop("Destination"), "driver": gettext_noop("Driver")}

# Custom inputs the catalogue does not know are still masked when their key names a secret.
SECRET_KEY = re.compile(r"(?i)(password|passwd|secret|securitykey|securitytoken|\.sk$|\.dek$|\.iv$|token$)")


@lru_cache(maxsize=8192)
def is_secret_name(name: str) -> bool:
    # Asked for every input of a draft on every preview and page (masking, the designer's rows):
    # the same few hundred names, so remembered rather than searched each time.
    return bool(SECRET_KEY.search(name))


@dataclass(frozen=True)
class Condition:
    """The input ``input`` must hold one of ``values`` for the owning input to apply."""

    input: str
    values: tuple[str, ...]

    def describe(self) -> str:
        # The values stay as they are sent ("useSql=true"); only the joining word is translated.
        values = gettext(" or ").join(self.values)
        return f"{self.input.split('.', 1)[-1]}={values}"


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    required: bool = False
    help: str = ""
    default: str | None = None
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    when: tuple[Condition, ...] = ()
    context: str = ""
    observed_only: bool = False
    notes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    source: str = ""
    # Marked required by a table, yet left out by official samples CDM accepted: why, when so.
    left_out_by_samples: str = ""
    # Applies only when the job's source is one of these connectors (from a prose condition).
    when_source: tuple[str, ...] = ()
    # Names the one table a job migrates: not required in an entire-database migration.
    single_table: bool = False
    # CDM's own code for this input left blank, where it has one more telling than Cdm.0238.
    blank_code: str = ""
    # Written as this many hexadecimal characters (AES keys and vectors).
    hex_length: int | None = None
    # The Chinese help and notes, and the Chinese page the help's wording comes from.
    help_zh: str = ""
    notes_zh: tuple[str, ...] = ()
    context_zh: str = ""
    source_zh: str = ""
    left_out_zh: str = ""

    @property
    def help_text(self) -> str:
        """The help in the interface's language (Chinese when it is Chinese and has one)."""
        return self.help_zh if self.help_zh and is_chinese() else self.help

    @property
    def notes_text(self) -> tuple[str, ...]:
        return self.notes_zh if self.notes_zh and is_chinese() else self.notes

    @property
    def context_text(self) -> str:
        return self.context_zh if self.context_zh and is_chinese() else self.context

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[-1]

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def secret(self) -> bool:
        return self.type == "secret"

    def describe_when(self) -> str:
        return gettext(" and ").join(c.describe() for c in self.when)

    @property
    def left_out_text(self) -> str:
        """Why samples leave this required input out, in the interface's language."""
        return self.left_out_zh if self.left_out_zh and is_chinese() else self.left_out_by_samples

    @classmethod
    def from_data(
        cls, data: dict[str, Any], chinese: dict[str, Any] | None = None, left_out_zh: dict[str, Any] | None = None
    ) -> InputSpec:
        chinese = chinese or {}
        return cls(
            name=data["name"],
            type=data["type"],
            required=data.get("required", False),
            help=data.get("help", ""),
            default=data.get("default"),
            choices=tuple(data.get("choices", ())),
            min=data.get("min"),
            max=data.get("max"),
            when=tuple(Condition(c["input"], tuple(c["in"])) for c in data.get("when", ())),
            context=data.get("context", ""),
            observed_only=data.get("observed_only", False),
            notes=tuple(data.get("notes", ())),
            examples=tuple(data.get("examples", ())),
            source=data.get("source", ""),
            left_out_by_samples=data.get("left_out_by_samples", ""),
            when_source=tuple(data.get("when_source", ())),
            single_table=data.get("single_table", False),
            blank_code=data.get("blank_code", ""),
            hex_length=data.get("hex_length"),
            help_zh=chinese.get("help", ""),
            notes_zh=tuple(chinese.get("notes", ())),
            context_zh=chinese.get("context", ""),
            source_zh=chinese.get("source", ""),
            left_out_zh=(left_out_zh or {}).get(data.get("left_out_by_samples", ""), {}).get("text", ""),
        )


@dataclass(frozen=True)
class Connector:
    name: str
    label: str
    directions: tuple[str, ...]
    notes: tuple[str, ...]
    inputs: dict[str, tuple[InputSpec, ...]] = field(hash=False)
    label_zh: str = ""
    notes_zh: tuple[str, ...] = ()

    @property
    def label_text(self) -> str:
        """The label in the interface's language."""
        return self.label_zh if self.label_zh and is_chinese() else self.label

    @property
    def notes_text(self) -> tuple[str, ...]:
        return self.notes_zh if self.notes_zh and is_chinese() else self.notes

    def side_inputs(self, side: str) -> tuple[InputSpec, ...]:
        return self.inputs.get(side, ())


@dataclass(frozen=True)
class Catalog:
    connectors: dict[str, Connector]
    driver: dict[str, tuple[InputSpec, ...]]
    driver_order: tuple[str, ...]
    job_types: tuple[tuple[str, str], ...]
    error_codes: dict[str, dict[str, Any]]
    by_name: dict[tuple[str, str], InputSpec]
    # Source connector -> the destinations the user guide documents for it (table/file migration).
    pairs: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # Connectors that are never a destination -> why, with the page that says so.
    never_destination: dict[str, str] = field(default_factory=dict, hash=False)
    # Cluster flavour -> the extractors it runs at once.
    flavour_extractors: dict[str, int] = field(default_factory=dict, hash=False)
    # Job type -> what it takes: "sources", "destinations", "not_taken", "documented", "source".
    job_type_rules: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    # The Chinese texts: job type -> label, error code -> message.
    job_types_zh: dict[str, str] = field(default_factory=dict, hash=False)
    error_messages_zh: dict[str, str] = field(default_factory=dict, hash=False)
    never_destination_zh: dict[str, str] = field(default_factory=dict, hash=False)

    def never_destination_reason(self, connector: str) -> str:
        """Why ``connector`` is never a destination, in the interface's language ("" when it can be)."""
        if is_chinese() and (reason := self.never_destination_zh.get(connector)):
            return reason
        return self.never_destination.get(connector, "")

    @property
    def job_types_text(self) -> tuple[tuple[str, str], ...]:
        """``job_types`` with each label in the interface's language."""
        if not is_chinese():
            return self.job_types
        return tuple((value, self.job_types_zh.get(value) or label) for value, label in self.job_types)

    def job_type_label(self, value: str) -> str:
        return dict(self.job_types_text).get(value, "")

    def connector(self, name: str | None) -> Connector | None:
        return self.connectors.get(name or "")

    def connectors_for(self, side: str) -> list[Connector]:
        return [c for c in self.connectors.values() if side in c.directions]

    def specs_for_group(self, connector_name: str | None, side: str, group: str) -> tuple[InputSpec, ...]:
        """Documented inputs for one config group of a side."""
        if side == "driver":
            return self.driver.get(group, ())
        connector = self.connector(connector_name)
        if connector is None or group != SIDE_GROUP.get(side):
            return ()
        return connector.side_inputs(side)

    def spec(self, connector_name: str | None, side: str, input_name: str) -> InputSpec | None:
        if side == "driver":
            return self.by_name.get(("driver", input_name))
        return self.by_name.get((f"{connector_name}:{side}", input_name))

    def error_message(self, code: str, chinese: bool | None = None) -> str:
        """The message CDM gives with ``code`` (its "%s" as they are): in Chinese when ``chinese``,
        or, when not told, when the interface is Chinese; English otherwise."""
        if chinese is None:
            chinese = is_chinese()
        if chinese and (translated := self.error_messages_zh.get(code)):
            return translated
        return self.error_codes.get(code, {}).get("message", "")


def _chinese_texts() -> dict[str, Any]:
    """catalog.zh-hans.json; without it (a catalogue being rebuilt) everything stays English."""
    try:
        return json.loads(CHINESE_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@cache
def get_catalog() -> Catalog:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    chinese = _chinese_texts()
    zh_inputs, zh_driver = chinese.get("inputs", {}), chinese.get("driver", {})
    zh_connectors, zh_left_out = chinese.get("connectors", {}), chinese.get("left_out_by_samples", {})
    by_name: dict[tuple[str, str], InputSpec] = {}
    connectors = {}
    for name, raw in data["connectors"].items():
        inputs = {
            side: tuple(InputSpec.from_data(i, zh_inputs.get(f"{name}:{side}:{i['name']}"), zh_left_out) for i in items)
            for side, items in raw["inputs"].items()
        }
        for side, specs in inputs.items():
            for spec in specs:
                by_name[(f"{name}:{side}", spec.name)] = spec
        connectors[name] = Connector(
            name=name,
            label=raw["label"],
            directions=tuple(raw["directions"]),
            notes=tuple(raw.get("notes", ())),
            inputs=inputs,
            label_zh=zh_connectors.get(name, {}).get("label", ""),
            notes_zh=tuple(zh_connectors.get(name, {}).get("notes", ())),
        )
    driver = {
        group: tuple(InputSpec.from_data(i, zh_driver.get(i["name"])) for i in items)
        for group, items in data["driver"].items()
    }
    for specs in driver.values():
        for spec in specs:
            by_name[("driver", spec.name)] = spec
    return Catalog(
        connectors=connectors,
        driver=driver,
        driver_order=tuple(data["driver_order"]),
        job_types=tuple((jt["value"], jt["label"]) for jt in data["job_types"]),
        error_codes=data["error_codes"],
        by_name=by_name,
        pairs={source: tuple(destinations) for source, destinations in data.get("pairs", {}).items()},
        never_destination=data.get("never_destination", {}),
        flavour_extractors=data.get("flavour_extractors", {}),
        job_type_rules={jt["value"]: jt for jt in data["job_types"]},
        job_types_zh={value: text["label"] for value, text in chinese.get("job_types", {}).items()},
        error_messages_zh={code: text["message"] for code, text in chinese.get("error_codes", {}).items()},
        never_destination_zh={name: text["reason"] for name, text in chinese.get("never_destination", {}).items()},
    )
