"""A difference a replay found between a recorded answer and Sessim's, and the rules that
narrow what it looks at (`sessim replay --ignore`, `--ignore-header`)."""

from __future__ import annotations

from dataclasses import dataclass

from .jsonpath import parse_path


@dataclass(frozen=True)
class Difference:
    # status, content-type, header, cookie, body, key, type, length, error-code, summary, value
    kind: str
    where: str  # "status", a header's or cookie's name, a JSONPath in the body ($.a[0].b)
    recorded: object
    actual: object
    why: str  # why it matters, for the user reading the report


@dataclass(frozen=True)
class Rules:
    ignore: tuple[str, ...] = ()  # JSONPaths (jsonpath.py's subset) left out of body checks
    ignore_headers: tuple[str, ...] = ()  # header names (any case); Set-Cookie: all cookies

    def __post_init__(self) -> None:
        for text in self.ignore:  # a JSONPath outside the subset: ValueError, before any call
            parse_path(text)
