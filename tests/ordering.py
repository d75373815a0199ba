"""The heaviest test files first, so that the xdist workers finish together.

pytest-xdist's worksteal scheduler hands each worker a contiguous share of the collection and
lets an idle one take the back half of another's queue: a long test at the front starts at
once and the short ones at the back fill the end; a long one at the back makes everyone wait
for it. Files are ordered by the time their tests took in the last run (kept in
build/test-durations.json, written by the controller at the end of a run), else the files
with a test of the lanes (pyproject's markers) first. A file's tests stay together and in
their order, so that its module fixtures (a built wheel, a server) are made once a worker.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).resolve().parent.parent / "build" / "test-durations.json"
LANES = frozenset({"slow", "browser", "redis", "contract", "package"})


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def last_durations() -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    known = last_durations()
    in_lanes = {file_of(i.nodeid) for i in items if LANES & {m.name for m in i.iter_markers()}}

    def weight(item: pytest.Item) -> tuple[float, bool]:
        name = file_of(item.nodeid)
        return known.get(name, 0.0), name in in_lanes

    items.sort(key=weight, reverse=True)  # stable: each file's tests keep their order


class Timer:
    """In the controller (or a run without xdist): each file's total of its tests' phases."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.totals[file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self) -> None:
        if self.totals:
            DURATIONS.parent.mkdir(exist_ok=True)
            DURATIONS.write_text(json.dumps({**last_durations(), **self.totals}, indent=0))


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # not in an xdist worker
        config.pluginmanager.register(Timer(), "sessim-test-timer")
