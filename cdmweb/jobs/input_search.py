"""The designer's find box: any input a draft has or could have, by any part of its name or help.

One list for the whole draft: the catalogue inputs of its source and destination connectors and
of every driver group, and every input already on the draft (custom keys included). A match on
the draft jumps to its row; a catalogue input not yet there is added to its group, which is
created when missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from cdmweb.catalog.registry import Catalog, InputSpec, get_catalog
from cdmweb.jobspec.constants import SIDE_GROUP, SIDE_LABELS, SIDES
from cdmweb.jobspec.masking import is_secret, is_secret_name
from cdmweb.jobspec.pairing import taken_by_job_type
from cdmweb.jobspec.validation import applies

from .designer import ROW_WINDOW
from .forms import INPUT_NAME
from .models import JobDraft

MAX_MATCHES = 12


@dataclass
class InputMatch:
    name: str
    side: str
    help: str = ""
    required: bool = False
    # On the draft: the row to jump to, and whether the page draws it up front (without JavaScript
    # a row past the window is reached through ?all=1).
    input_id: int | None = None
    drawn_up_front: bool = True
    custom: bool = False
    # Not on the draft: why it cannot be added, or when it applies; empty when nothing to say.
    refused: str = ""
    when: str = ""
    group_missing: bool = False
    # A secret's value is typed in its own masked box: the find box never sets or echoes one.
    secret: bool = False
    rank: tuple[int, int] = (0, 0)

    @property
    def exact(self) -> bool:
        """The query is this input's key or full name: only then may ``name=value`` set it."""
        return self.rank[0] == 0

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[-1]

    @property
    def side_label(self) -> str:
        return gettext(SIDE_LABELS[self.side])


def _rank(query: str, name: str, text: str) -> int | None:
    """Lower is better; None when some word of the query is found nowhere."""
    key = name.split(".", 1)[-1].lower()
    name = name.lower()
    if not all(word in text for word in query.split()):
        return None
    if key == query or name == query:
        return 0
    if key.startswith(query):
        return 1
    if query in key:
        return 2
    if query in name:
        return 3
    return 4


def _searchable(name: str, spec: InputSpec | None, side: str) -> str:
    parts = [name, SIDE_LABELS[side], gettext(SIDE_LABELS[side])]
    if spec is not None:
        parts += [spec.help, spec.help_zh, spec.context, " ".join(spec.choices)]
    return " ".join(parts).lower()


def documented_groups(side: str, catalog: Catalog | None = None) -> tuple[str, ...]:
    """The config groups the catalogue documents for a side: every driver group, else the side's one."""
    return (catalog or get_catalog()).driver_order if side == "driver" else (SIDE_GROUP[side],)


def split_query(text: str) -> tuple[str, str | None]:
    """``name=value`` sets the value as it adds (or goes to) the input; input names hold no '='."""
    name, equals, value = text.partition("=")
    return name.strip(), (value if equals else None)


def search_inputs(draft: JobDraft, query: str, catalog: Catalog | None = None) -> list[InputMatch]:
    """The best matches for ``query`` (its name part, before any '='), those on the draft first
    among equals; a full key of a group the draft has, found nowhere, is offered as a custom key."""
    typed = split_query(query)[0]
    query = " ".join(typed.lower().split())[:200]
    if not query:
        return []
    catalog = catalog or get_catalog()
    connectors = {"from": draft.from_connector, "to": draft.to_connector, "driver": None}
    groups = {(g.side, g.name): g for g in draft.groups.all()}
    rows = draft.inputs.order_by("position", "id").values_list(
        "id", "name", "group__side", "group_id", "value", "value_is_json"
    )
    present: dict[tuple[str, str], int] = {}
    drawn: dict[int, bool] = {}
    values: dict[tuple[str, str], dict[str, str]] = {}
    seen_in_group: dict[int, int] = {}
    for input_id, name, side, group_id, value, value_is_json in rows:
        index = seen_in_group.get(group_id, 0)
        seen_in_group[group_id] = index + 1
        present.setdefault((side, name), input_id)
        drawn[input_id] = index < ROW_WINDOW
        if not value_is_json:  # what decides whether an input applies, as the designer reads it
            values.setdefault((side, name.split(".", 1)[0]), {})[name] = value

    matches: list[InputMatch] = []
    for (side, name), input_id in present.items():
        spec = catalog.spec(connectors[side], side, name)
        rank = _rank(query, name, _searchable(name, spec, side))
        if rank is not None:
            matches.append(
                InputMatch(
                    name=name,
                    side=side,
                    help=spec.help_text if spec else "",
                    required=bool(spec and spec.required),
                    input_id=input_id,
                    drawn_up_front=drawn[input_id],
                    custom=spec is None,
                    secret=is_secret(spec, name),
                    rank=(rank, 0),
                )
            )
    for side in SIDES:
        for group_name in documented_groups(side, catalog):
            specs = catalog.specs_for_group(connectors[side], side, group_name)
            by_name = {s.name: s for s in specs}
            group_values = values.get((side, group_name), {})
            for spec in specs:
                if (side, spec.name) in present:
                    continue
                rank = _rank(query, spec.name, _searchable(spec.name, spec, side))
                if rank is None:
                    continue
                taken = taken_by_job_type(spec, draft.job_type, catalog)
                matches.append(
                    InputMatch(
                        name=spec.name,
                        side=side,
                        help=spec.help_text,
                        required=spec.required,
                        refused=""
                        if taken
                        else gettext("A %(job_type)s job does not take it.") % {"job_type": draft.job_type},
                        when="" if applies(spec, by_name, group_values) else spec.describe_when(),
                        group_missing=(side, group_name) not in groups,
                        secret=spec.secret,
                        rank=(rank, 1 if taken else 2),
                    )
                )
    matches.sort(key=lambda m: (m.rank, m.name))
    custom = _custom_key(typed, groups, {name for _, name in present}, matches)
    return ([custom] if custom else []) + matches[: MAX_MATCHES - (1 if custom else 0)]


def _custom_key(
    typed: str, groups: dict[tuple[str, str], object], present: set[str], matches: list[InputMatch]
) -> InputMatch | None:
    """``group.key`` typed in full, in a group the draft has, and neither documented nor present."""
    group_name, dot, key = typed.partition(".")
    if not dot or not key or not INPUT_NAME.fullmatch(typed) or typed in present:
        return None
    if any(m.name == typed for m in matches):
        return None
    side = next((side for side, name in groups if name == group_name), None)
    if side is None:
        return None
    return InputMatch(name=typed, side=side, custom=True, secret=is_secret_name(typed), rank=(0, 0))
