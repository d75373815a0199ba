"""Durations as people write them ("90s", "15m", "2h", "1d", "1h30m", "250ms"): the one
reading, shared by `sessim clock advance`, `sessim faults add delay` and `clock.advance()`."""

from __future__ import annotations

import re

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
# One or more number-unit parts; a bare number is seconds.
PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
BARE = re.compile(r"\d+(?:\.\d+)?")


def seconds(duration: str | float) -> float:
    """The seconds a duration names; ValueError says what is accepted."""
    if isinstance(duration, int | float):
        if duration < 0:
            raise ValueError(f"{duration} is not a duration: it must not be negative")
        return float(duration)
    text = duration.strip().lower()
    if BARE.fullmatch(text):
        return float(text)
    parts = PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(
            f"{duration!r} is not a duration: write seconds (90) or a number with a unit "
            "(250ms, 90s, 15m, 2h, 1d, 1w), or several (1h30m)"
        )
    return sum(float(number) * UNITS[unit] for number, unit in parts)
