"""A job's CDM schedule (the driver group ``schedulerConfig``): read, checked and told in one sentence.

CDM's fields (job parameter description): ``isSchedulerJob``; ``cycleType`` minute, hour, day,
week or month; ``cycle``, how many of them between runs; ``runAt``, the points inside the period
(minutes of the hour, weekday names, days of the month: hour, week and month only);
``startDate`` and ``stopDate`` as ``yyyy-MM-dd HH:mm:ss``, no stop meaning forever. A run's time
of day comes from ``startDate`` (a daily job started at 02:30 runs at 02:30).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cdmweb.translation import gettext as _
from cdmweb.translation import gettext_noop, is_chinese, ngettext

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
# The units' plural names, for a cycle that is not a number ("every 'x' days").
_UNITS = {
    "minute": gettext_noop("minutes"),
    "hour": gettext_noop("hours"),
    "day": gettext_noop("days"),
    "week": gettext_noop("weeks"),
    "month": gettext_noop("months"),
}
_FULL_DAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
_DAY_NAMES = dict(zip(WEEKDAYS, _FULL_DAYS, strict=True))
# A date's month as a sentence shows it ("1 Dec 2026"; in Chinese 2026年12月1日).
_MONTHS = (
    gettext_noop("Jan"),
    gettext_noop("Feb"),
    gettext_noop("Mar"),
    gettext_noop("Apr"),
    gettext_noop("May"),
    gettext_noop("Jun"),
    gettext_noop("Jul"),
    gettext_noop("Aug"),
    gettext_noop("Sep"),
    gettext_noop("Oct"),
    gettext_noop("Nov"),
    gettext_noop("Dec"),
)
# What runAt takes for each cycle, as the editor says it.
_RUN_AT_TAKES = {
    "hour": gettext_noop("For a hour cycle, runAt takes minutes of the hour, 0 to 59, separated by commas."),
    "week": gettext_noop(
        "For a week cycle, runAt takes weekday names (mon, tue, wed, thu, fri, sat, sun), separated by commas."
    ),
    "month": gettext_noop("For a month cycle, runAt takes days of the month, 1 to 31, separated by commas."),
}
# What a run at the hour's minutes, on weekdays or on days of the month is told as (one point, several).
_POINTS = {
    "hour": (gettext_noop("at minute {points} of the hour"), gettext_noop("at minutes {points} of the hour")),
    "week": (gettext_noop("on {points}"), gettext_noop("on {points}")),
    "month": (gettext_noop("on day {points} of the month"), gettext_noop("on days {points} of the month")),
}

# The catalogue's upper bound for schedulerConfig.cycle (a Java int).
MAX_CYCLE = 2_147_483_647


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
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        if moment.year < 1000:  # strftime would not pad it to CDM's four digits
            raise ValueError(text)
        return moment.strftime(CDM_FORMAT)
    raise ValueError(text)


def to_picker(text: str) -> str:
    """A CDM date-time as a datetime-local value; empty when it is not one (the raw row shows it)."""
    try:
        return parse_cdm_time(text).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return ""


def _day(moment: datetime) -> str:
    # Translators: a date in a schedule's sentence, e.g. "1 Dec 2026"; {month} is the month's short name.
    return _("{day} {month} {year}").format(day=moment.day, month=_(_MONTHS[moment.month - 1]), year=moment.year)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"


def _joined(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    # Translators: the last two of a list, e.g. "Monday, Tuesday and Friday", "27 and 57".
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])


def _every(cycle_type: str, cycle: int) -> str:
    if cycle == 1:
        return {
            "minute": _("every minute"),
            "hour": _("every hour"),
            "day": _("every day"),
            "week": _("every week"),
            "month": _("every month"),
        }[cycle_type]
    many = {
        "minute": ngettext("every {count} minute", "every {count} minutes", cycle),
        "hour": ngettext("every {count} hour", "every {count} hours", cycle),
        "day": ngettext("every {count} day", "every {count} days", cycle),
        "week": ngettext("every {count} week", "every {count} weeks", cycle),
        "month": ngettext("every {count} month", "every {count} months", cycle),
    }
    return many[cycle_type].format(count=cycle)


def _points(cycle_type: str, run_at: str) -> str:
    parts = [p.strip() for p in run_at.split(",") if p.strip()]
    if cycle_type == "week":
        parts = [_(_DAY_NAMES[p.lower()]) if p.lower() in _DAY_NAMES else p for p in parts]
    one, several = _POINTS[cycle_type]
    return _(several if len(parts) > 1 else one).format(points=_joined(parts))


def _sentences(*parts: str) -> str:
    """Sentences one after the other: a space between them, none after a Chinese full stop."""
    return ("" if is_chinese() else " ").join(part for part in parts if part)


@dataclass
class Description:
    """The sentence and what keeps the schedule from being described fully."""

    sentence: str
    notes: list[str] = field(default_factory=list)


def describe(values: Mapping[str, str]) -> Description:
    """One plain sentence for a schedule, e.g. "Runs every day at 02:30 from 1 Dec 2026 until
    1 Dec 2027." ``values``: the group's inputs by full name."""
    if values.get(ENABLED, "").strip().lower() != "true":
        return Description(_("Not scheduled: the job runs only when it is started."))
    notes: list[str] = []
    cycle_type = values.get(CYCLE_TYPE, "").strip()
    cycle_text = values.get(CYCLE, "").strip() or "1"
    run_at = values.get(RUN_AT_NAME, "").strip()
    start_text, stop_text = values.get(START, "").strip(), values.get(STOP, "").strip()
    if cycle_type not in CYCLE_TYPES:
        return Description(
            _("Scheduled, but without a cycle type CDM knows: choose minute, hour, day, week or month."),
            [_("cycleType is {value}.").format(value=repr(cycle_type))] if cycle_type else [],
        )
    try:
        cycle = int(cycle_text)
    except ValueError:
        cycle = 0
    if cycle < 1:
        return Description(
            _("Scheduled every {cycle} {unit}, which is not a whole number above 0.").format(
                cycle=repr(cycle_text), unit=_(_UNITS[cycle_type])
            )
        )
    start = stop = None
    try:
        start = parse_cdm_time(start_text) if start_text else None
    except ValueError:
        notes.append(_("The start date {value} is not written yyyy-MM-dd HH:mm:ss.").format(value=repr(start_text)))
    try:
        stop = parse_cdm_time(stop_text) if stop_text else None
    except ValueError:
        notes.append(_("The stop date {value} is not written yyyy-MM-dd HH:mm:ss.").format(value=repr(stop_text)))

    every = _every(cycle_type, cycle)
    if run_at and cycle_type in TAKES_RUN_AT:
        # Translators: how often and at which points of the period, e.g. "every week" "on Monday and Friday".
        every = _("{every} {points}").format(every=every, points=_points(cycle_type, run_at))
    elif run_at:
        notes.append(
            _("runAt is ignored: it applies to hour, week and month cycles, not {cycle_type}.").format(
                cycle_type=cycle_type
            )
        )
    daily = cycle_type in ("day", "week", "month")
    if stop is None:
        end = _("with no end date")
    elif stop.time() != datetime.min.time():
        end = _("until {date} {time}").format(date=_day(stop), time=_clock(stop))
    else:
        end = _("until {date}").format(date=_day(stop))
    if start is None:
        sentence = _("Runs {every} {end}.").format(every=every, end=end)
    elif daily:
        sentence = _("Runs {every} at {time} from {date} {end}.").format(
            every=every, time=_clock(start), date=_day(start), end=end
        )
    else:
        sentence = _("Runs {every} from {date} {time} {end}.").format(
            every=every, date=_day(start), time=_clock(start), end=end
        )
    if start is not None and daily:
        sentence = _sentences(
            sentence, _("The time of day, {time}, comes from the start date.").format(time=_clock(start))
        )
    elif start is None and not start_text:
        sentence = _sentences(sentence, _("No start date is set: CDM needs one to know when to begin."))
    if stop is not None and start is not None and stop <= start:
        notes.append(_("The stop date is not after the start date, so the job never runs."))
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
        errors["cycle_type"] = _("Choose how often it runs: minute, hour, day, week or month.")
    cycle_text = (data.get("cycle") or "").strip()
    # ASCII digits only: str.isdigit() takes "²", which int() refuses.
    if re.fullmatch(r"[0-9]{1,10}", cycle_text) and 1 <= int(cycle_text) <= MAX_CYCLE:
        values[CYCLE] = str(int(cycle_text))
    elif not enabled and not cycle_text:
        values[CYCLE] = None
    else:
        errors["cycle"] = _("The interval is a whole number from 1 to {most}.").format(most=MAX_CYCLE)
    run_at = (data.get("run_at") or "").strip()
    if cycle_type in TAKES_RUN_AT and run_at:
        _kind, fits = RUN_AT[cycle_type]
        parts = [p.strip() for p in run_at.split(",")]
        if any(not fits(p) for p in parts):
            errors["run_at"] = _(_RUN_AT_TAKES[cycle_type])
        else:
            values[RUN_AT_NAME] = ",".join(p.lower() for p in parts)
    else:
        values[RUN_AT_NAME] = None  # none, or a cycle it does not apply to: not sent
    not_a_date = {
        "start": _("The start date is not a date and time (yyyy-MM-dd HH:mm:ss)."),
        "stop": _("The stop date is not a date and time (yyyy-MM-dd HH:mm:ss)."),
    }
    for key, name in (("start", START), ("stop", STOP)):
        try:
            values[name] = from_picker(data.get(key) or "") or None
        except ValueError:
            errors[key] = not_a_date[key]
        if values.get(name) is None and data.get(f"{key}_keep"):
            # A stored value the picker cannot show (a macro, another format) stays as it is.
            values.pop(name, None)
    if enabled and values.get(START, "") is None and "start" not in errors:
        errors["start"] = _("A scheduled job needs a start date and time.")
    start, stop = values.get(START), values.get(STOP)
    if start and stop and "start" not in errors and parse_cdm_time(stop) <= parse_cdm_time(start):
        errors["stop"] = _("The stop date must come after the start date.")
    return ScheduleForm(values, errors)
