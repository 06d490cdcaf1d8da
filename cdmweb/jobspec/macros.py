"""CDM's date and time macros: find them in a value and resolve them for a run time.

CDM replaces ``${dateformat(format[, offset, unit])}`` and ``${timestamp([offset, unit])}`` /
``${timestamp(dateformat(…))}`` when a job runs ("Using Macro Variables of Date and Time", CDM
user guide cdm_01_0068 / DataArts Studio dataartsstudio_01_0114). Anything else written as
``${…}`` (``${tableName}`` in a file prefix, a DataArts Factory job parameter, …) is filled in by
someone else, so it is reported as not resolvable here rather than guessed.

Epoch timestamps depend on the cluster's time zone: the documented examples (2017-10-16 09:00:00
is 1508115600000) assume UTC+08:00, which is the default here; pass ``tz`` for another.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from cdmweb.translation import gettext as _

# The zone of the documented examples (China Standard Time, no daylight saving).
DOC_TZ = timezone(timedelta(hours=8))
UNITS = ("SECOND", "MINUTE", "HOUR", "DAY", "MONTH", "YEAR")

MACRO = re.compile(r"\$\{([^{}]*)\}")
_CALL = re.compile(r"^\s*(\w+)\s*\((.*)\)\s*$", re.S)

# The parameters the CDM macro page lists (source directory or file, source table name, the
# wildcard directory and file filters, the time filter's start and end, the where clause, the
# write directory, the destination table name), as catalogue input names.
DOCUMENTED_INPUTS = frozenset(
    {
        "fromJobConfig.inputDirectory",
        "fromJobConfig.tableName",
        "fromJobConfig.table",
        "fromJobConfig.pathFilter",
        "fromJobConfig.fileFilter",
        "fromJobConfig.startTime",
        "fromJobConfig.endTime",
        "fromJobConfig.whereClause",
        "toJobConfig.outputDirectory",
        "toJobConfig.tableName",
        "toJobConfig.table",
    }
)


# Names CDM fills in itself (a file prefix's table name and version, per the file prefix's help).
FILLED_BY_CDM = frozenset({"tableName", "version"})
# The time filter's start and end take no MONTH or YEAR offsets (the macro page's note).
TIME_FILTER_INPUTS = frozenset({"fromJobConfig.startTime", "fromJobConfig.endTime"})
_MONTH_YEAR_OFFSET = re.compile(r"[(,]\s*[+-]?\d+\s*,\s*(MONTH|YEAR)\s*\)")


def refused_offsets(name: str, value: str) -> str:
    """Why CDM would not take the value's MONTH or YEAR offsets in this input, or empty."""
    if name in TIME_FILTER_INPUTS and _MONTH_YEAR_OFFSET.search(value):
        return _("CDM's time filter takes no MONTH or YEAR offsets: use DAY, HOUR, MINUTE or SECOND.")
    return ""


def takes_macros(name: str, help_text: str = "") -> bool:
    """Whether CDM documents date macros for this input: one of the parameters its macro page
    lists, or one whose catalogue help says it takes them."""
    return name in DOCUMENTED_INPUTS or "macro" in help_text.lower()


@dataclass(frozen=True)
class Macro:
    """One ``${…}`` in a value: what it resolved to, or why it could not be."""

    text: str
    start: int
    end: int
    value: str | None = None
    problem: str = ""

    @property
    def resolved(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Resolution:
    """A value with its resolvable macros replaced; the others stay as written."""

    text: str
    macros: list[Macro] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(m.resolved for m in self.macros)

    @property
    def problems(self) -> list[str]:
        return [_("{macro}: {problem}").format(macro=m.text, problem=m.problem) for m in self.macros if not m.resolved]


class MacroError(ValueError):
    """A macro CDM would not resolve the way it is written, or one resolved elsewhere."""


def has_macro(value: str) -> bool:
    return "${" in value


def resolve(value: str, run_time: datetime, tz: tzinfo = DOC_TZ) -> Resolution:
    """``value`` as CDM would send it for a job run at ``run_time`` (a naive time is read in
    ``tz``, the cluster's zone)."""
    now = run_time.astimezone(tz) if run_time.tzinfo else run_time.replace(tzinfo=tz)
    macros: list[Macro] = []
    out: list[str] = []
    last = 0
    for match in MACRO.finditer(value):
        try:
            macro = Macro(match[0], match.start(), match.end(), value=_evaluate(match[1], now, tz))
        except MacroError as error:
            macro = Macro(match[0], match.start(), match.end(), problem=str(error))
        except (OverflowError, ValueError):
            problem = _("The date falls outside the years 1 to 9999.")
            macro = Macro(match[0], match.start(), match.end(), problem=problem)
        macros.append(macro)
        out.append(value[last : match.start()])
        out.append(macro.value if macro.value is not None else macro.text)
        last = match.end()
    out.append(value[last:])
    rest = MACRO.sub("", value)
    if "${" in rest:
        start = value.rfind("${")
        macros.append(Macro(value[start:], start, len(value), problem=_("The macro is not closed with }.")))
    return Resolution("".join(out), macros)


def _evaluate(body: str, now: datetime, tz: tzinfo) -> str:
    call = _CALL.match(body)
    if call is None:
        if body.strip() in FILLED_BY_CDM:
            raise MacroError(_("Not a date macro: CDM fills this in itself as it names the files it writes."))
        raise MacroError(
            _("Not a date macro: a job variable or a DataArts Studio parameter fills this in at run time.")
        )
    name, args = call[1], call[2]
    if name == "dateformat":
        pattern, moment = _dateformat_args(args, now)
        return format_java(pattern, moment)
    if name == "timestamp":
        return str(_timestamp(args, now, tz))
    raise MacroError(_("{name}() is not one of CDM's date macros (dateformat, timestamp).").format(name=name))


def _dateformat_args(args: str, now: datetime) -> tuple[str, datetime]:
    # A pattern may hold commas inside quotes; the offset and unit are always the last two.
    parts = args.rsplit(",", 2)
    if len(parts) == 3 and _is_offset(parts[1]):
        pattern, offset, unit = parts
        return pattern.strip(), shift(now, int(offset), unit.strip())
    if not args.strip():
        raise MacroError(_("dateformat needs a format, e.g. dateformat(yyyy-MM-dd)."))
    if len(parts) >= 2 and "'" not in args:
        raise MacroError(_("dateformat takes a format, or a format, an offset and a unit."))
    return args.strip(), now


def _is_offset(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[+-]?\d+\s*", text))


def _timestamp(args: str, now: datetime, tz: tzinfo) -> int:
    args = args.strip()
    if not args:
        return _epoch_ms(now)
    inner = _CALL.match(args)
    if inner and inner[1] == "dateformat":
        pattern, moment = _dateformat_args(inner[2], now)
        # CDM formats, then reads the text back with the same pattern: what the pattern leaves
        # out (the hour of yyyyMMdd) starts from 1970-01-01 00:00:00.000, as a Java parse does.
        return _epoch_ms(_truncate(pattern, moment, tz))
    parts = args.split(",")
    if len(parts) == 2 and _is_offset(parts[0]):
        return _epoch_ms(shift(now, int(parts[0]), parts[1].strip()))
    raise MacroError(_("timestamp takes nothing, an offset and a unit, or a dateformat(…)."))


def _epoch_ms(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def shift(moment: datetime, offset: int, unit: str) -> datetime:
    """``moment`` moved by ``offset`` units. A month or year that has no such day ends on the
    month's last day (as documented: 2023-03-31 minus one month is 2023-02-28)."""
    if unit in ("SECOND", "MINUTE", "HOUR"):
        # Elapsed time, as Java's Calendar adds it: across a daylight-saving change too.
        moved = moment.astimezone(UTC) + timedelta(**{f"{unit.lower()}s": offset})
        return moved.astimezone(moment.tzinfo)
    if unit == "DAY":
        return moment + timedelta(days=offset)
    if unit in ("MONTH", "YEAR"):
        months = offset * (12 if unit == "YEAR" else 1)
        index = moment.year * 12 + moment.month - 1 + months
        year, month = divmod(index, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)
    if unit.upper() in UNITS:
        raise MacroError(_("CDM documents the unit in capitals: {unit}.").format(unit=unit.upper()))
    if not unit:
        raise MacroError(_("(none) is not a unit CDM documents ({units}).").format(units=", ".join(UNITS)))
    raise MacroError(_("{unit} is not a unit CDM documents ({units}).").format(unit=unit, units=", ".join(UNITS)))


# --- java.text.SimpleDateFormat --------------------------------------------------------------

_LETTER_FIELDS = "GyYMLwWDdFEuaHkKhmsSzZX"
_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_DAYS = [calendar.day_name[i] for i in range(7)]  # Monday first, as Python counts


def _tokens(pattern: str) -> list[tuple[str, str]]:
    """(kind, text): kind "f" for a field (a run of one letter), "t" for literal text. Letters
    outside quotes that are not fields are refused, as Java refuses them."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            if i + 1 < n and pattern[i + 1] == "'":
                tokens.append(("t", "'"))
                i += 2
                continue
            end = i + 1
            text = []
            while True:
                if end >= n:
                    message = _("The quote in the format {pattern} is not closed.")
                    raise MacroError(message.format(pattern=repr(pattern)))
                if pattern[end] == "'":
                    if end + 1 < n and pattern[end + 1] == "'":
                        text.append("'")
                        end += 2
                        continue
                    break
                text.append(pattern[end])
                end += 1
            tokens.append(("t", "".join(text)))
            i = end + 1
        elif c.isascii() and c.isalpha():
            if c not in _LETTER_FIELDS:
                raise MacroError(
                    _("{letter} is not a letter of Java's date formats; quote text, e.g. 'T'.").format(letter=repr(c))
                )
            end = i
            while end < n and pattern[end] == c:
                end += 1
            tokens.append(("f", pattern[i:end]))
            i = end
        else:
            tokens.append(("t", c))
            i += 1
    return tokens


def _week_fields(moment: datetime) -> tuple[int, int]:
    """(week year, week of year) with weeks starting on Sunday and week 1 holding 1 January, as
    Java counts them in the US and Chinese locales."""
    sunday_based = (moment.weekday() + 1) % 7
    week_start = moment.date() - timedelta(days=sunday_based)
    week_end = week_start + timedelta(days=6)
    if week_end.year > moment.year:
        return moment.year + 1, 1
    jan1 = moment.date().replace(month=1, day=1)
    lead = (jan1.weekday() + 1) % 7
    return moment.year, (moment.timetuple().tm_yday - 1 + lead) // 7 + 1


def _zone(moment: datetime, count: int, letter: str) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    if letter == "Z":
        return f"{sign}{hours:02d}{mins:02d}"
    if letter == "X":
        if minutes == 0:
            return "Z"
        return {1: f"{sign}{hours:02d}", 2: f"{sign}{hours:02d}{mins:02d}"}.get(count, f"{sign}{hours:02d}:{mins:02d}")
    name = moment.tzname() or ""
    return name if name and not name.startswith("UTC") else f"GMT{sign}{hours:02d}:{mins:02d}"


def _field(letters: str, moment: datetime) -> str:
    letter, count = letters[0], len(letters)

    def number(value: int) -> str:
        return str(value).zfill(count)

    if letter == "G":
        return "AD"
    if letter in "yY":
        year = moment.year if letter == "y" else _week_fields(moment)[0]
        return str(year % 100).zfill(2) if count == 2 else number(year)
    if letter in "ML":
        if count >= 4:
            return _MONTHS[moment.month - 1]
        if count == 3:
            return _MONTHS[moment.month - 1][:3]
        return number(moment.month)
    if letter == "w":
        return number(_week_fields(moment)[1])
    if letter == "W":
        lead = (moment.replace(day=1).weekday() + 1) % 7
        return number((moment.day - 1 + lead) // 7 + 1)
    if letter == "D":
        return number(moment.timetuple().tm_yday)
    if letter == "d":
        return number(moment.day)
    if letter == "F":
        return number((moment.day - 1) // 7 + 1)
    if letter == "E":
        day = _DAYS[moment.weekday()]
        return day if count >= 4 else day[:3]
    if letter == "u":
        return number(moment.isoweekday())
    if letter == "a":
        return "AM" if moment.hour < 12 else "PM"
    if letter == "H":
        return number(moment.hour)
    if letter == "k":
        return number(moment.hour or 24)
    if letter == "K":
        return number(moment.hour % 12)
    if letter == "h":
        return number(moment.hour % 12 or 12)
    if letter == "m":
        return number(moment.minute)
    if letter == "s":
        return number(moment.second)
    if letter == "S":
        return number(moment.microsecond // 1000)
    return _zone(moment, count, letter)  # z, Z, X


def format_java(pattern: str, moment: datetime) -> str:
    """``moment`` formatted with a java.text.SimpleDateFormat pattern (English names)."""
    return "".join(_field(text, moment) if kind == "f" else text for kind, text in _tokens(pattern))


# Fields a Java parse can set back; with week or weekday fields Java's calendar resolution
# would have to be imitated, so those are not resolved here.
_PARSED = set("yMLdDHkKhmsSaGzZX")


def _truncate(pattern: str, moment: datetime, tz: tzinfo) -> datetime:
    letters = {text[0] for kind, text in _tokens(pattern) if kind == "f"}
    unsure = letters - _PARSED
    if unsure:
        raise MacroError(
            _("timestamp(dateformat(…)) with {letters} in the format is not resolved here.").format(
                letters=", ".join(sorted(unsure))
            )
        )
    year = moment.year if "y" in letters else 1970
    month = moment.month if letters & {"M", "L"} else 1
    day = moment.day if "d" in letters else 1
    hour = 0
    if letters & {"H", "k"}:
        hour = moment.hour
    elif letters & {"K", "h"}:
        hour = moment.hour if "a" in letters else moment.hour % 12
    result = datetime(
        year,
        month,
        day,
        hour,
        moment.minute if "m" in letters else 0,
        moment.second if "s" in letters else 0,
        (moment.microsecond // 1000) * 1000 if "S" in letters else 0,
        tzinfo=tz,
    )
    if "D" in letters and "d" not in letters:
        result = result.replace(month=1, day=1) + timedelta(days=moment.timetuple().tm_yday - 1)
    return result
