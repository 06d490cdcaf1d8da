"""Input types, registered by name: each knows how to check a value and which widget edits it.

The catalogue names a type per input ("boolean", "integer", ...); the designer and the
validation rules look the class up here and never branch on the type themselves.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

from cdmweb import jsontext
from cdmweb.translation import gettext as _

from .registry import InputSpec

INPUT_TYPES: dict[str, type[InputType]] = {}
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def register(cls: type[InputType]) -> type[InputType]:
    INPUT_TYPES[cls.name] = cls
    return cls


class InputType:
    name: ClassVar[str] = "string"
    widget: ClassVar[str] = "text"  # which branch of the designer's value widget renders it

    @classmethod
    def check(cls, spec: InputSpec, value: str) -> tuple[str, str] | None:
        """Return (CDM error code, message) when the value is wrong for this type."""
        return None


@register
class StringInput(InputType):
    name = "string"


@register
class SecretInput(InputType):
    """Passwords and keys: masked in the designer and in the preview."""

    name = "secret"
    widget = "secret"


@register
class DateTimeInput(InputType):
    """A moment as CDM reads it: yyyy-MM-dd HH:mm:ss (a real date and time), or a date macro
    such as ${dateformat(yyyy-MM-dd HH:mm:ss, -1, DAY)} that DataArts expands before CDM sees it."""

    name = "datetime"

    @classmethod
    def check(cls, spec: InputSpec, value: str) -> tuple[str, str] | None:
        if "${" in value:
            return None
        try:
            datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return "Cdm.0004", _not_a_moment(spec, value)
        if not DATETIME.fullmatch(value):  # strptime also takes 2026-1-5 1:2:3
            return "Cdm.0004", _not_a_moment(spec, value)
        return None


@register
class BooleanInput(InputType):
    name = "boolean"
    widget = "boolean"

    @classmethod
    def check(cls, spec: InputSpec, value: str) -> tuple[str, str] | None:
        if value not in ("true", "false"):
            return "Cdm.0004", _("{key} must be true or false, not {value}.").format(key=spec.key, value=repr(value))
        return None


@register
class IntegerInput(InputType):
    name = "integer"
    widget = "integer"

    @classmethod
    def check(cls, spec: InputSpec, value: str) -> tuple[str, str] | None:
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if not WHOLE_NUMBER.fullmatch(value):
            return "Cdm.0009", _("{key} must be a whole number, not {value}.").format(
                key=spec.key, value=repr(value[:40])
            )
        number = int(value)
        if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
            return "Cdm.0024", _("{key} must be within [{min}, {max}]; {number} is outside.").format(
                key=spec.key, min=spec.min, max=spec.max, number=number
            )
        return None


@register
class EnumInput(InputType):
    name = "enum"
    widget = "select"

    @classmethod
    def check(cls, spec: InputSpec, value: str) -> tuple[str, str] | None:
        if spec.choices and value not in spec.choices:
            return "Cdm.0014", _("{key} must be one of {choices}; {value} is not.").format(
                key=spec.key, choices=", ".join(spec.choices), value=repr(value)
            )
        return None


@register
class ListInput(InputType):
    """A list CDM carries as one string (e.g. "a&b") or a JSON array."""

    name = "list"
    widget = "textarea"


@register
class MapInput(InputType):
    """Key/value properties; CDM takes them as a JSON object written into the string."""

    name = "map"
    widget = "textarea"

    @classmethod
    def check(cls, spec: InputSpec, value: str) -> tuple[str, str] | None:
        if not value.strip():
            return None
        try:
            parsed = jsontext.loads(value)
        except ValueError:
            return "Cdm.0004", _not_an_object(spec)
        if not isinstance(parsed, dict):
            return "Cdm.0004", _not_an_object(spec)
        return None


def _not_a_moment(spec: InputSpec, value: str) -> str:
    return _("{key} must be a date and time as yyyy-MM-dd HH:mm:ss, not {value}.").format(
        key=spec.key, value=repr(value)
    )


def _not_an_object(spec: InputSpec) -> str:
    return _("{key} should be a JSON object such as {example}.").format(key=spec.key, example='{"key": "value"}')


def input_type(spec: InputSpec | None) -> type[InputType]:
    if spec is None:
        return StringInput
    return INPUT_TYPES.get(spec.type, StringInput)
