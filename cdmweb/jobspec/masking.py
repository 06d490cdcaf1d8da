"""What is secret in a job, and the one mask that hides it on every page, preview and diff.

The rule: an input the catalogue types as a secret, or any input whose name looks like one
(``is_secret_name``: passwords, keys, tokens...), so custom inputs are covered too. The catalogue's
secret inputs all match the name rule as well (a test holds them together).
"""

from __future__ import annotations

import json
from typing import Any

from cdmweb.catalog.registry import InputSpec, is_secret_name

SECRET_MASK = "********"
# What CDM (and other tools) answer in place of a secret they keep, and never a secret anyone types.
ANSWERED_MASKS = frozenset({SECRET_MASK, "******", "***", "*****"})


def is_secret(spec: InputSpec | None, name: str) -> bool:
    """Secret by the catalogue, or, for a custom input, by its name."""
    return spec.secret if spec is not None else is_secret_name(name)


def masked_value(name: str, value: Any) -> Any:
    """``value`` as a page may show it: the mask for a non-empty secret."""
    return SECRET_MASK if is_secret_name(name) and value not in (None, "") else value


def masked_job(job: Any) -> Any:
    """``job`` with every secret value replaced, for anything shown on a page.

    Any object with a secret-looking "name" has its "value"/"values" masked, wherever it sits, so
    shapes the designer cannot edit are covered too. The job itself is returned when it holds no
    secret, which spares copying a large job on every preview.
    """
    if not _has_secret(job):
        return job
    return _mask(job)


def secret_values(job: Any) -> list[str]:
    """The secret values a job carries (what ``masked_job`` hides): a server that echoes the job in
    an error must not have them repeated to whoever reads the error."""
    found: list[str] = []
    stack = [job]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found += [v for key in _secret_keys(item) for v in _texts(item[key])]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _texts(value: Any) -> list[str]:
    """Every form a secret value can be repeated in: a text as it is; a number as written; an
    object or list as its JSON text and each text inside it."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, dict | list):
        inner = value.values() if isinstance(value, dict) else value
        whole = [json.dumps(value), json.dumps(value, ensure_ascii=False)]
        return [*whole, *(text for item in inner for text in _texts(item))]
    return []


def _secret_keys(value: dict[str, Any]) -> list[str]:
    name = value.get("name")
    if not isinstance(name, str) or not is_secret_name(name):
        return []
    return [key for key in ("value", "values") if value.get(key) not in (None, "")]


def _has_secret(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if _secret_keys(item):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        masked = {key: _mask(item) for key, item in value.items()}
        for key in _secret_keys(value):
            masked[key] = SECRET_MASK
        return masked
    if isinstance(value, list):
        return [_mask(item) for item in value]
    return value


__all__ = ["SECRET_MASK", "is_secret", "is_secret_name", "masked_job", "masked_value", "secret_values"]
