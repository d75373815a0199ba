"""What a replay found, as text (for a terminal), JSON (--report) and JUnit XML (--junit).

The text names each interaction that differs (where it was recorded, its method and URL)
and each difference: where, the recorded value and Sessim's, and why it counts; its last
line is `N interactions, M differ`. The JSON holds every interaction, the same facts; the
JUnit XML one testcase per interaction (by vendor), a failure for each that differs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .difference import Difference
from .replay import Replayed


def differing(results: Sequence[Replayed]) -> int:
    """How many of the interactions differ."""
    return sum(1 for result in results if result.differences)


def summary(results: Sequence[Replayed]) -> str:
    return f"{len(results)} interactions, {differing(results)} differ"


def text(results: Sequence[Replayed]) -> str:
    lines: list[str] = []
    for result in results:
        if result.differences:
            lines.append(_title(result))
            lines += [f"  {_difference_line(difference)}" for difference in result.differences]
    return "\n".join([*lines, summary(results)]) + "\n"


def _title(result: Replayed) -> str:
    recorded = result.recorded
    return f"{recorded.source} {recorded.method} {recorded.url}"


def _difference_line(difference: Difference) -> str:
    return (
        f"{difference.kind} at {difference.where}: recorded {_shown(difference.recorded)}, "
        f"Sessim {_shown(difference.actual)} ({difference.why})"
    )


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def as_json(results: Sequence[Replayed]) -> dict[str, Any]:
    return {
        "interactions": len(results),
        "differ": differing(results),
        "results": [_result_json(result) for result in results],
    }


def _result_json(result: Replayed) -> dict[str, Any]:
    recorded, actual = result.recorded, result.actual
    return {
        "source": recorded.source,
        "vendor": result.api.name,
        "method": recorded.method,
        "url": recorded.url,
        "sessimUrl": actual.url,
        "status": recorded.status,
        "sessimStatus": actual.status,
        "differences": [
            {
                "kind": difference.kind,
                "where": difference.where,
                "recorded": difference.recorded,
                "actual": difference.actual,
                "why": difference.why,
            }
            for difference in result.differences
        ],
    }


def write_json(results: Sequence[Replayed], path: Path) -> None:
    report = json.dumps(as_json(results), indent=2, ensure_ascii=False, default=str)
    path.write_text(report + "\n")


def junit(results: Sequence[Replayed]) -> ET.ElementTree:
    differ = str(differing(results))
    suites = ET.Element("testsuites", tests=str(len(results)), failures=differ)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="sessim replay",
        tests=str(len(results)),
        failures=differ,
        errors="0",
        skipped="0",
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"sessim.replay.{result.api.name}",
            name=_title(result),
            time=f"{result.actual.elapsed or 0:.3f}",
        )
        if result.differences:
            count = len(result.differences)
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{count} difference{'s' if count > 1 else ''} from the recording",
                type="difference",
            )
            failure.text = "\n".join(map(_difference_line, result.differences))
    return ET.ElementTree(suites)


def write_junit(results: Sequence[Replayed], path: Path) -> None:
    tree = junit(results)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
