"""The JSONPath subset that `sessim replay --ignore` takes, and the places of a JSON body
written the same way in its report, so that a difference's place can be pasted back:
`$.a.b`, `$.a[*].b`, `$.a[0]`, `$['odd key']` and `$..b` (b at any depth)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# A place in a JSON document: its keys and indexes from the root.
Place = tuple[str | int, ...]

_STEP = re.compile(r"\.\.(?P<deep>[A-Za-z_$][\w$-]*)|\.(?P<key>[A-Za-z_$][\w$-]*|\*)"
                   r"|\[(?:(?P<index>\d+)|(?P<any>\*)|'(?P<quoted>[^']*)')\]")  # fmt: skip
_NAME = re.compile(r"[A-Za-z_$][\w$-]*")
ANY = object()  # a step that matches any key or index


@dataclass(frozen=True)
class Step:
    key: object  # a key, an index or ANY
    deep: bool = False  # found at any depth below the place before it (`..`)


@dataclass(frozen=True)
class JsonPath:
    text: str
    steps: tuple[Step, ...]

    def covers(self, place: Place) -> bool:
        """Whether the place is the path's or lies under it (ignoring a key ignores its value)."""
        return _covers(self.steps, place)


@functools.cache  # a replay parses its --ignore paths for every interaction
def parse_path(text: str) -> JsonPath:
    """A JSONPath of the subset; ValueError naming the path when it is not one."""
    if not text.startswith("$"):
        raise ValueError(f"{text!r} is not a JSONPath: it starts with $")
    steps, position = [], 1
    while position < len(text):
        found = _STEP.match(text, position)
        if not found:
            raise ValueError(f"{text!r}: not a JSONPath this subset takes at {text[position:]!r}")
        steps.append(_step(found))
        position = found.end()
    return JsonPath(text, tuple(steps))


def _step(found: re.Match[str]) -> Step:
    if found["deep"]:
        return Step(found["deep"], deep=True)
    if found["index"]:
        return Step(int(found["index"]))
    if found["any"] or found["key"] == "*":
        return Step(ANY)
    return Step(found["key"] if found["key"] is not None else found["quoted"])


def _covers(steps: tuple[Step, ...], place: Place) -> bool:
    if not steps:
        return True
    step, rest = steps[0], steps[1:]
    starts = range(len(place)) if step.deep else range(min(1, len(place)))
    return any(
        _matches(step, place[start]) and _covers(rest, place[start + 1 :]) for start in starts
    )


def _matches(step: Step, key: str | int) -> bool:
    return step.key is ANY or step.key == key


def written(place: Place) -> str:
    """A place as a JSONPath: ("a", 0, "b c") -> $.a[0]['b c']."""
    parts = ["$"]
    for key in place:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _NAME.fullmatch(key):
            parts.append(f".{key}")
        else:
            parts.append(f"['{key}']")
    return "".join(parts)
