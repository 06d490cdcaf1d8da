"""A job's CDM schedule (the driver group ``schedulerConfig``): read, checked and told in one sentence.

CDM's fields (job parameter description): ``isSchedulerJob``; ``cycleType`` minute, hour, day,
week or month; ``cycle``, how many of them between runs; ``runAt``, the points inside the period
(minutes of the hour, weekday names, days of the month: hour, week and month only);
``startDate`` and ``stopDate`` as ``yyyy-MM-dd HH:mm:ss``, no stop meaning forever. A run's time
of day comes from ``startDate`` (a daily job started at 02:30 runs at 02:30).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .validation import RUN_AT, WEEKDAYS

GROUP = "schedulerConfig"
ENABLED = f"{GROUP}.isSchedulerJob"
CYCLE_TYPE = f"{GROUP}.cycleType"
CYCLE = f"{GROUP}.cycle"
RUN_AT_NAME = f"{GROUP}.runAt"
START = f"{GROUP}.startDate"
STOP = f"{GROUP}.stopDate"
# The inputs the editor sets, in the order it adds them.
EDITED = (ENABLED, CYCLE_TYPE, CYCLE, RUN_AT_NAME, START, STOP)

CYCLE_TYPES = ("minute", "hour", "day", "week", "month")
TAKES_RUN_AT = frozenset(RUN_AT)  # hour, week, month
CDM_FORMAT = "%Y-%m-%d %H:%M:%S"
_UNIT = {"minute": ("minute", "minutes"), "hour": ("hour", "hours"), "day": ("day", "days")}
_UNIT.update({"week": ("week", "weeks"), "month": ("month", "months")})
_FULL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_NAMES = dict(zip(WEEKDAYS, _FULL_DAYS, strict=True))


def parse_cdm_time(text: str) -> datetime:
    """A CDM date-time (``yyyy-MM-dd HH:mm:ss``); ValueError otherwise."""
    return datetime.strptime(text.strip(), CDM_FORMAT)


def from_picker(text: str) -> str:
    """An ``<input type=datetime-local>`` value (``2026-12-01T02:30`` or with seconds) written the
    way CDM takes it; empty stays empty. ValueError for anything else."""
    text = text.strip()
    if not text:
        return ""
    for form in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", CDM_FORMAT, "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, form).strftime(CDM_FORMAT)
        except ValueError:
            continue
    raise ValueError(text)


def to_picker(text: str) -> str:
    """A CDM date-time as a datetime-local value; empty when it is not one (the raw row shows it)."""
    try:
        return parse_cdm_time(text).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return ""


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _every(cycle_type: str, cycle: int) -> str:
    one, many = _UNIT[cycle_type]
    return f"every {one}" if cycle == 1 else f"every {cycle} {many}"


def _points(cycle_type: str, run_at: str) -> str:
    parts = [p.strip() for p in run_at.split(",") if p.strip()]
    if cycle_type == "hour":
        return f"at minute{'s' if len(parts) > 1 else ''} {_joined(parts)} of the hour"
    if cycle_type == "week":
        return f"on {_joined([_DAY_NAMES.get(p.lower(), p) for p in parts])}"
    return f"on day{'s' if len(parts) > 1 else ''} {_joined(parts)} of the month"


@dataclass
class Description:
    """The sentence and what keeps the schedule from being described fully."""

    sentence: str
    notes: list[str] = field(default_factory=list)


def describe(values: Mapping[str, str]) -> Description:
    """One plain sentence for a schedule, e.g. "Runs every day at 02:30 from 1 Dec 2026 until
    1 Dec 2027." ``values``: the group's inputs by full name."""
    if values.get(ENABLED, "").strip().lower() != "true":
        return Description("Not scheduled: the job runs only when it is started.")
    notes: list[str] = []
    cycle_type = values.get(CYCLE_TYPE, "").strip()
    cycle_text = values.get(CYCLE, "").strip() or "1"
    run_at = values.get(RUN_AT_NAME, "").strip()
    start_text, stop_text = values.get(START, "").strip(), values.get(STOP, "").strip()
    if cycle_type not in CYCLE_TYPES:
        return Description(
            "Scheduled, but without a cycle type CDM knows: choose minute, hour, day, week or month.",
            [f"cycleType is {cycle_type!r}."] if cycle_type else [],
        )
    try:
        cycle = int(cycle_text)
    except ValueError:
        cycle = 0
    if cycle < 1:
        unit = _UNIT[cycle_type][1]
        return Description(f"Scheduled every {cycle_text!r} {unit}, which is not a whole number above 0.")
    start = stop = None
    try:
        start = parse_cdm_time(start_text) if start_text else None
    except ValueError:
        notes.append(f"The start date {start_text!r} is not written yyyy-MM-dd HH:mm:ss.")
    try:
        stop = parse_cdm_time(stop_text) if stop_text else None
    except ValueError:
        notes.append(f"The stop date {stop_text!r} is not written yyyy-MM-dd HH:mm:ss.")

    clauses = [f"Runs {_every(cycle_type, cycle)}"]
    if run_at and cycle_type in TAKES_RUN_AT:
        clauses.append(_points(cycle_type, run_at))
    elif run_at:
        notes.append(f"runAt is ignored: it applies to hour, week and month cycles, not {cycle_type}.")
    if start is not None and cycle_type in ("day", "week", "month"):
        clauses.append(f"at {_clock(start)}")
    if start is not None:
        clauses.append(f"from {_day(start)}" + ("" if cycle_type in ("day", "week", "month") else f" {_clock(start)}"))
    if stop is None:
        clauses.append("with no end date")
    else:
        clauses.append(f"until {_day(stop)}" + (f" {_clock(stop)}" if stop.time() != datetime.min.time() else ""))
    sentence = " ".join(clauses) + "."
    if start is not None and cycle_type in ("day", "week", "month"):
        sentence += f" The time of day, {_clock(start)}, comes from the start date."
    elif start is None and not start_text:
        sentence += " No start date is set: CDM needs one to know when to begin."
    if stop is not None and start is not None and stop <= start:
        notes.append("The stop date is not after the start date, so the job never runs.")
    return Description(sentence, notes)


@dataclass
class ScheduleForm:
    """What the editor posted, checked: the values to store (None removes the input, a name
    left out is left as it is) or the messages that say what to fix."""

    values: dict[str, str | None]
    errors: dict[str, str]

    @property
    def valid(self) -> bool:
        return not self.errors


def check_form(data: Mapping[str, str]) -> ScheduleForm:
    """The editor's fields (enabled, cycle_type, cycle, run_at, start, stop; dates as a
    datetime-local value or CDM's own form) as schedulerConfig inputs. A schedule turned off
    needs nothing else, but what it does give must still be right."""
    errors: dict[str, str] = {}
    enabled = data.get("enabled") in ("true", "on", "1")
    values: dict[str, str | None] = {ENABLED: "true" if enabled else "false"}
    cycle_type = (data.get("cycle_type") or "").strip()
    if cycle_type in CYCLE_TYPES or (not enabled and not cycle_type):
        values[CYCLE_TYPE] = cycle_type or None
    else:
        errors["cycle_type"] = "Choose how often it runs: minute, hour, day, week or month."
    cycle_text = (data.get("cycle") or "").strip()
    if cycle_text.isdigit() and 1 <= int(cycle_text) <= 10_000:
        values[CYCLE] = str(int(cycle_text))
    elif not enabled and not cycle_text:
        values[CYCLE] = None
    else:
        errors["cycle"] = "The interval is a whole number from 1 to 10000."
    run_at = (data.get("run_at") or "").strip()
    if cycle_type in TAKES_RUN_AT and run_at:
        kind, fits = RUN_AT[cycle_type]
        parts = [p.strip() for p in run_at.split(",")]
        if any(not fits(p) for p in parts):
            errors["run_at"] = f"For a {cycle_type} cycle, runAt takes {kind}, separated by commas."
        else:
            values[RUN_AT_NAME] = ",".join(p.lower() for p in parts)
    else:
        values[RUN_AT_NAME] = None  # none, or a cycle it does not apply to: not sent
    for key, name, label in (("start", START, "start"), ("stop", STOP, "stop")):
        try:
            values[name] = from_picker(data.get(key) or "") or None
        except ValueError:
            errors[key] = f"The {label} date is not a date and time (yyyy-MM-dd HH:mm:ss)."
        if values.get(name) is None and data.get(f"{key}_keep"):
            # A stored value the picker cannot show (a macro, another format) stays as it is.
            del values[name]
    if enabled and values.get(START, "") is None and "start" not in errors:
        errors["start"] = "A scheduled job needs a start date and time."
    start, stop = values.get(START), values.get(STOP)
    if start and stop and "start" not in errors and parse_cdm_time(stop) <= parse_cdm_time(start):
        errors["stop"] = "The stop date must come after the start date."
    return ScheduleForm(values, errors)
