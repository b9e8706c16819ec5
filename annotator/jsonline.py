"""One JSON value from one line of an input file, or a ValueError that says why not.

json.loads fails on hostile input in ways beyond JSONDecodeError: deep nesting raises
RecursionError, and a number of more than 4,300 digits raises a plain ValueError. Deep
nesting that json.loads still accepts would fail later, where the value is written
back out (json.dumps recurses too), so nesting is bounded here, where the line is known.
"""

from __future__ import annotations

import json
import sys

# Deeper than any record or export line needs, far below the recursion limit.
MAX_DEPTH = 64


class JSONLineError(ValueError):
    """Why a line is not usable JSON (the message has no file or line: callers add them)."""


def parse_json_line(text: str) -> object:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JSONLineError(f"{exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise JSONLineError(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # the int-conversion limit
        raise JSONLineError(f"a number of more than {sys.get_int_max_str_digits()} digits") from None
    if _too_deep(value):
        raise JSONLineError(f"nested more than {MAX_DEPTH} levels deep")
    return value


def _too_deep(value: object) -> bool:
    """Iteratively, so that the check itself cannot recurse."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth >= MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return False
