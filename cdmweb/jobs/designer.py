"""What the designer shows: rows, panels and pickers computed from a draft in one pass.

Views call ``designer_state(draft)`` and render; templates only iterate what is here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy

from cdmweb.catalog.input_types import InputType, input_type
from cdmweb.catalog.registry import Catalog, InputSpec, get_catalog
from cdmweb.jobspec import schedule
from cdmweb.jobspec.characters import invisible_characters, visible
from cdmweb.jobspec.constants import SIDE_GROUP, SIDE_KEYS, SIDE_LABELS, SIDES
from cdmweb.jobspec.macros import DOC_TZ, Resolution, refused_offsets, resolve, takes_macros
from cdmweb.jobspec.masking import is_secret, masked_job
from cdmweb.jobspec.pairing import taken_by_job_type
from cdmweb.jobspec.payload import dumps
from cdmweb.jobspec.validation import ERROR, Finding, applies, validate_job

from .clusters import links
from .models import ConfigGroup, DraftInput, JobDraft, LoadedInput


@functools.lru_cache(maxsize=4096)
def _takes_macros(name: str, help_text: str) -> bool:
    return takes_macros(name, help_text)


@dataclass
class MacroView:
    """What a row says about date macros: the reference, for an input CDM documents them in,
    and, for a value holding one, what it resolves to now and at a run time the user picks."""

    value: str
    documented: bool
    refused: str = ""  # why CDM would refuse a macro in this very input
    now: Resolution | None = None
    now_at: datetime | None = None
    picked: Resolution | None = None
    picked_at: datetime | None = None
    chosen: bool = False  # the run time is the user's, not the default: its picker stays open

    def __post_init__(self) -> None:
        if "${" in self.value:
            self.now_at = timezone.now().astimezone(DOC_TZ).replace(microsecond=0)
            self.now = resolve(self.value, self.now_at)
            # By default the picked run is the next midnight, when a daily incremental job runs.
            self.pick(self.now_at.replace(hour=0, minute=0, second=0) + timedelta(days=1), chosen=False)

    def pick(self, at: datetime, chosen: bool = True) -> None:
        self.picked_at = at.astimezone(DOC_TZ) if at.tzinfo else at.replace(tzinfo=DOC_TZ)
        self.picked = resolve(self.value, self.picked_at)
        self.chosen = chosen

    @property
    def now_label(self) -> str:
        # Told in the cluster's zone, as resolved: the site's own time zone may be another.
        return _when(self.now_at)

    @property
    def picked_label(self) -> str:
        return _when(self.picked_at)

    @property
    def picked_value(self) -> str:
        return self.picked_at.strftime("%Y-%m-%dT%H:%M:%S") if self.picked_at else ""


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    seconds = f":{moment:%S}" if moment.second else ""
    if (get_language() or "").startswith("zh"):
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}{seconds}"
    return f"{moment.day} {moment:%b %Y %H:%M}{seconds}"


def parse_run_time(text: str) -> datetime | None:
    """A run time the user picked (a datetime-local value); None when it is not one. A time with
    its own offset is none either: the picker never sends one, and converting it can overflow."""
    try:
        moment = datetime.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None
    return None if moment is None or moment.tzinfo is not None else moment


def macro_view(name: str, help_text: str, value: str, widget: str) -> MacroView | None:
    """None for the many rows that neither take macros nor hold one, so drawing them costs nothing."""
    if widget == "secret":
        return None
    documented = _takes_macros(name, help_text)
    if not documented and "${" not in value:
        return None
    return MacroView(value=value, documented=documented, refused=refused_offsets(name, value))


class ActionLabels(NamedTuple):
    # Named, not indexed: the template reads labels.up directly (labels.0 costs a dir() per use).
    up: str
    down: str
    remove: str


@dataclass
class InputRow:
    """One input as the designer draws it. Everything the row template shows is computed here
    once, so drawing 500 rows stays a loop of plain attribute lookups."""

    item: DraftInput | LoadedInput
    spec: InputSpec | None
    kind: type[InputType]
    findings: list[Finding] = field(default_factory=list)
    applies: bool = True
    job_type_note: str = ""
    controls: bool = False
    first: bool = False
    last: bool = False
    id_str: str = ""
    url: str = ""  # this input's URL, without the trailing slash; actions append to it
    name: str = ""
    label: str = ""
    value: str = ""
    required: bool = False
    custom: bool = False

    @property
    def action_labels(self) -> ActionLabels:
        """What a screen reader says for ↑ ↓ ✕: one gettext each, cheaper than three
        {% blocktranslate %} per row on a page of hundreds of rows."""
        values = {"name": self.name}
        return ActionLabels(
            gettext("Move %(name)s up") % values,
            gettext("Move %(name)s down") % values,
            gettext("Remove %(name)s") % values,
        )

    def __post_init__(self) -> None:
        item, spec = self.item, self.spec
        self.id_str = str(item.id)
        self.url = f"{self.url}{self.id_str}"
        self.name = item.name
        prefix = f"{item.group.name}."
        # The key without its group prefix; the full name when it sits in another group.
        self.label = item.name[len(prefix) :] if item.name.startswith(prefix) and item.name != prefix else item.name
        self.value = item.value
        self.required = bool(spec and spec.required)
        self.custom = spec is None

    # What only a drawn row shows is worked out when it is drawn: a 500-input draft's page draws a
    # window of its rows, and the rest would pay for help texts and options nobody sees.
    @cached_property
    def title(self) -> str:
        spec = self.spec
        return f"{self.name} — {spec.help_text}" if spec and spec.help else self.name

    @cached_property
    def widget(self) -> str:
        return self._widget()

    @cached_property
    def options(self) -> list[tuple[str, str, bool]]:
        if self.widget == "boolean":
            return self._options(("true", "false"), gettext("(empty)"))
        if self.widget == "select":
            return self._options(self.spec.choices if self.spec else (), gettext("(choose)"))
        return []

    @cached_property
    def note(self) -> str:
        return self._note()

    @cached_property
    def macros(self) -> MacroView | None:
        # Cached: a view may pick a run time on it (MacroView.pick) before the row is drawn.
        return macro_view(self.name, self.spec.help if self.spec else "", self.value, self.widget)

    def _widget(self) -> str:
        if is_secret(self.spec, self.item.name):
            return "secret"  # before anything else: a secret is never drawn, whatever its type
        if self.item.value_is_json:
            return "json"
        widget = self.kind.widget
        if widget == "text" and (len(self.value) > 80 or "\n" in self.value or "\r" in self.value):
            return "textarea"  # a one-line box would drop the line breaks
        return widget

    def _options(self, choices: tuple[str, ...], empty_label: str) -> list[tuple[str, str, bool]]:
        options = [(choice, choice, choice == self.value) for choice in choices]
        if self.value not in choices:
            options.insert(0, (self.value, self.value or empty_label, True))
        return options

    def _note(self) -> str:
        spec = self.spec
        parts = []
        hidden = invisible_characters(self.value) if self.widget != "secret" else []
        if hidden:
            shown = visible(self.value)
            shown = shown if len(shown) <= 120 else shown[:119] + "…"
            parts.append(
                gettext("Holds invisible characters (%(characters)s), kept as they are: %(value)s")
                % {"characters": ", ".join(hidden), "value": shown}
            )
        if self.widget == "json":
            parts.append(gettext("Imported as JSON, not a string; saving an edit sends it as a string."))
        if self.job_type_note:
            parts.append(self.job_type_note)
        if spec is not None:
            if spec.help:
                parts.append(spec.help_text)
            if spec.default is not None:
                parts.append(gettext("Default: %(default)s.") % {"default": repr(spec.default)})
            if spec.when and self.applies:
                parts.append(gettext("Applies when %(condition)s.") % {"condition": spec.describe_when()})
            elif spec.when:
                # Said in words: the row's grey background alone would not tell everyone.
                message = gettext("Does not apply with the current values: it applies when %(condition)s.")
                parts.append(message % {"condition": spec.describe_when()})
            if spec.context:
                parts.append(f"({spec.context_text})")
        return " ".join(parts)

    @property
    def has_error(self) -> bool:
        return any(f["status"] == ERROR for f in self.findings)

    @property
    def css(self) -> str:
        return (" not-applicable" if not self.applies else "") + (" has-error" if self.has_error else "")


@dataclass
class GroupPanel:
    group: ConfigGroup
    rows: list[InputRow]
    findings: list[Finding] = field(default_factory=list)
    addable: list[InputSpec] = field(default_factory=list)
    not_applicable: list[InputSpec] = field(default_factory=list)
    documented: bool = True
    # Documented inputs the draft's job type does not take, left out of the picker, and that type.
    not_taken: list[str] = field(default_factory=list)
    job_type: str = ""
    # The first rows drawn with the page; a big group loads the rest as it scrolls into view.
    visible_rows: list[InputRow] = field(default_factory=list)
    next_offset: int = 0
    schedule: ScheduleView | None = None


@dataclass
class ScheduleView:
    """The schedule editor of the driver's schedulerConfig group: its fields as the pickers take
    them and the sentence that tells the stored schedule."""

    cycle_types: ClassVar[tuple[str, ...]] = schedule.CYCLE_TYPES
    # What the unit picker shows for each cycle type (the value sent is CDM's own word).
    CYCLE_LABELS: ClassVar[dict[str, Any]] = {
        "minute": gettext_lazy("minute"),
        "hour": gettext_lazy("hour"),
        "day": gettext_lazy("day"),
        "week": gettext_lazy("week"),
        "month": gettext_lazy("month"),
    }
    values: dict[str, str]
    description: schedule.Description = field(init=False)
    fields: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.description = schedule.describe(self.values)
        self.fields = {
            "enabled": self.values.get(schedule.ENABLED, "").strip().lower() == "true",
            "cycle_type": self.values.get(schedule.CYCLE_TYPE, ""),
            "cycle": self.values.get(schedule.CYCLE, ""),
            "run_at": self.values.get(schedule.RUN_AT_NAME, ""),
        }
        for key, name in (("start", schedule.START), ("stop", schedule.STOP)):
            stored = self.values.get(name, "")
            self.fields[key] = schedule.to_picker(stored)
            # What the picker cannot show is kept as stored unless a date is picked instead.
            self.fields[f"{key}_keep"] = stored if stored and not self.fields[key] else ""

    @property
    def cycle_choices(self) -> list[tuple[str, str]]:
        return [(value, str(self.CYCLE_LABELS.get(value, value))) for value in self.cycle_types]


def posted_schedule_fields(data: Any) -> dict[str, Any]:
    """The editor's fields as a refused post sent them, to draw them again as typed."""
    keys = ("cycle_type", "cycle", "run_at", "start", "stop", "start_keep", "stop_keep")
    fields: dict[str, Any] = {key: data.get(key, "") for key in keys}
    fields["enabled"] = data.get("enabled") in ("true", "on", "1")
    return fields


@dataclass
class SidePanel:
    side: str
    label: str
    groups: list[GroupPanel]
    connector: str | None
    raw: Any = None  # a config-values shape the designer cannot edit, shown read-only
    suggested_groups: list[str] = field(default_factory=list)


@dataclass
class DesignerState:
    draft: JobDraft
    job: dict[str, Any]
    findings: list[Finding]
    sides: dict[str, SidePanel]
    header_findings: dict[str, list[Finding]]
    rows_by_id: dict[int, InputRow]
    panels_by_id: dict[int, GroupPanel]
    # (name, connector) of the links known on the draft's home cluster, suggested by the link fields.
    link_choices: list[tuple[str, str]] = field(default_factory=list)
    # ("target pk:cluster id", "target / cluster name") a draft may name as its home cluster.
    home_choices: list[tuple[str, str]] = field(default_factory=list)
    # Each finding with where it points on the page: (finding, href, id of the control to focus).
    finding_links: list[tuple[Finding, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f["status"] == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f["status"] != ERROR]

    @property
    def side_list(self) -> list[SidePanel]:
        return [self.sides[s] for s in SIDES]


# A header finding's input (the job's JSON key) -> the id of the header field that sets it.
HEADER_FIELD_IDS = {
    "name": "header_name",
    "job_type": "header_job_type",
    "from-connector-name": "header_from_connector",
    "from-link-name": "header_from_link",
    "to-connector-name": "header_to_connector",
    "to-link-name": "header_to_link",
}

# Rows a group draws up front: a screen and a half of it (a row is 80 to 150 px tall), what a first
# look reaches. The rest loads as it scrolls into view, ROW_CHUNK rows a request (fewer round trips
# once someone scrolls). Rows are most of what a big draft's page adds: with 10, a 500-input draft's
# page costs under twice a 10-input one's (bench/designer_bench.py checks it); with 50 it cost three
# times. What is left of the difference is the draft's validation and its findings list.
ROW_WINDOW = 10
ROW_CHUNK = 50


def designer_state(draft: JobDraft, catalog: Catalog | None = None, window: int | None = ROW_WINDOW) -> DesignerState:
    catalog = catalog or get_catalog()
    groups = draft.load_groups()
    job = draft.build(groups)
    findings = validate_job(job, catalog)
    by_side: dict[str, list[ConfigGroup]] = {side: [] for side in SIDES}
    for group in groups:
        by_side[group.side].append(group)

    inputs_url = reverse("designer", args=[draft.pk]) + "inputs/"
    rows_by_id: dict[int, InputRow] = {}
    panels_by_id: dict[int, GroupPanel] = {}
    rows_at: dict[tuple[str, int, int], InputRow] = {}
    sides: dict[str, SidePanel] = {}
    for side in SIDES:
        connector = getattr(draft, f"{side}_connector", None) if side != "driver" else None
        panels = []
        for g_index, group in enumerate(by_side[side]):
            panel = _group_panel(group, side, connector, catalog, inputs_url, draft.job_type)
            panel.visible_rows = panel.rows[:window] if window else panel.rows
            panel.next_offset = window if window and len(panel.rows) > window else 0
            panels.append(panel)
            panels_by_id[group.id] = panel
            for i_index, row in enumerate(panel.rows):
                rows_by_id[row.item.id] = row
                rows_at[(side, g_index, i_index)] = row
        raw = draft.extra.get(SIDE_KEYS[side])
        raw = None if raw is None else dumps(masked_job(raw))
        sides[side] = SidePanel(
            side=side,
            label=gettext(SIDE_LABELS[side]),
            groups=panels,
            connector=connector,
            raw=raw,
            suggested_groups=_suggested_groups(side, [g.name for g in by_side[side]], catalog),
        )

    header_findings: dict[str, list[Finding]] = {}
    finding_links: list[tuple[Finding, str, str]] = []
    group_by_name = {(g.side, g.name): panels_by_id[g.id] for g in groups}
    for found in findings:
        where = found.get("where")
        if where:
            row = rows_at.get((where["side"], where["group"], where["index"]))
            if row is not None:
                row.findings.append(found)
                drawn = window is None or where["index"] < window
                finding_links.append((found, f"{'' if drawn else '?all=1'}#input-{row.id_str}", f"value-{row.id_str}"))
                continue
        spec_side = _side_of_input(found["input"])
        panel = group_by_name.get((spec_side, found["input"].split(".", 1)[0])) if spec_side else None
        if panel is None and spec_side is None:
            panel = next((p for (s, n), p in group_by_name.items() if n == found["input"]), None)
        if panel is not None:
            panel.findings.append(found)
            finding_links.append((found, f"#group-{panel.group.id}", ""))
        else:
            header_findings.setdefault(found["input"] or "job", []).append(found)
            field_id = HEADER_FIELD_IDS.get(found["input"], "")
            finding_links.append((found, f"#{field_id or 'header'}", field_id))
    # The draft's links on its home cluster, from the local copy (no request to CDM per view).
    for found in links.link_findings(draft):
        header_findings.setdefault(found["input"], []).append(found)
    return DesignerState(
        draft=draft,
        job=job,
        findings=findings,
        sides=sides,
        header_findings=header_findings,
        rows_by_id=rows_by_id,
        panels_by_id=panels_by_id,
        link_choices=links.link_choices(draft),
        home_choices=links.home_choices(draft),
        finding_links=finding_links,
    )


def _side_of_input(name: str) -> str | None:
    group = name.split(".", 1)[0] if "." in name else ""
    if group == "fromJobConfig":
        return "from"
    if group == "toJobConfig":
        return "to"
    if group and group in get_catalog().driver:
        return "driver"
    return None


def _group_panel(
    group: ConfigGroup, side: str, connector: str | None, catalog: Catalog, inputs_url: str, job_type: str = ""
) -> GroupPanel:
    specs = {s.name: s for s in catalog.specs_for_group(connector, side, group.name)}
    # The job type decides what is offered: an entire-database migration takes no single table.
    not_taken = {name for name, s in specs.items() if not taken_by_job_type(s, job_type, catalog)}
    items: list[LoadedInput] = group.input_list
    values = {i.name: i.value for i in items if not i.value_is_json}
    controllers = {c.input for s in specs.values() for c in s.when}
    rows = []
    for item in items:
        spec = specs.get(item.name)
        rows.append(
            InputRow(
                item=item,
                spec=spec,
                kind=input_type(spec),
                applies=spec is None or (applies(spec, specs, values) and spec.name not in not_taken),
                job_type_note=(
                    gettext("A %(job_type)s job does not take it.") % {"job_type": job_type}
                    if item.name in not_taken
                    else ""
                ),
                controls=item.name in controllers,
                url=inputs_url,
            )
        )
    if rows:
        rows[0].first = True
        rows[-1].last = True
    present = set(values) | {i.name for i in items}
    addable, not_applicable = [], []
    for spec in specs.values():
        if spec.name in present or spec.name in not_taken:
            continue
        (addable if applies(spec, specs, values) else not_applicable).append(spec)
    documented = bool(specs) or (side == "driver" and group.name in catalog.driver)
    scheduled = ScheduleView(values) if side == "driver" and group.name == schedule.GROUP else None
    return GroupPanel(
        group=group,
        rows=rows,
        addable=addable,
        not_applicable=not_applicable,
        documented=documented,
        not_taken=sorted(k.split(".", 1)[-1] for k in not_taken),
        job_type=job_type,
        schedule=scheduled,
    )


def _suggested_groups(side: str, present: list[str], catalog: Catalog) -> list[str]:
    if side == "driver":
        return [g for g in catalog.driver_order if g not in present]
    expected = SIDE_GROUP[side]
    return [] if expected in present else [expected]
