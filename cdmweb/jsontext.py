"""JSON from outside (request bodies, remote answers, typed values), read with a bound on nesting.

``json.loads`` recurses once per level: a body nested a hundred thousand deep raises RecursionError
(a crash, not a refusal), and a body nested a few hundred deep parses but then overflows the next
recursive walk over it. Everything cdmweb reads from outside goes through ``loads`` instead.
"""

from __future__ import annotations

import json
from typing import Any

# Real job bodies nest about eight levels deep; nothing legitimate comes near this.
MAX_DEPTH = 64


class JsonTooDeep(ValueError):
    """The text is JSON nested deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nested more than {limit} levels deep")


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` with JsonTooDeep (a ValueError,
    like every other reason the text is not acceptable JSON)."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise JsonTooDeep(max_depth) from None
    if depth(value) > max_depth:
        raise JsonTooDeep(max_depth)
    return value


def depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
