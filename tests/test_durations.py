"""Durations as the CLI and clock.advance() read them."""

from __future__ import annotations

import pytest
from sessim.durations import seconds


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("90", 90.0),
        ("2.5", 2.5),
        ("250ms", 0.25),
        ("90s", 90.0),
        ("15m", 900.0),
        ("2h", 7200.0),
        ("1d", 86_400.0),
        ("1w", 604_800.0),
        ("1h30m", 5400.0),
        ("1d2h3m4s", 93_784.0),
        (" 2H ", 7200.0),
        ("0.5h", 1800.0),
        (90, 90.0),
        (1.5, 1.5),
    ],
)
def test_durations(duration: str | float, expected: float) -> None:
    assert seconds(duration) == expected


@pytest.mark.parametrize(
    "duration", ["", "h", "2x", "-5m", "2 h", "1h 30m", "2hh", "1.h", "ms", -1]
)
def test_what_is_no_duration(duration: str | float) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        seconds(duration)
