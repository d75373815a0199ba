"""The replay's report: text, JSON (--report) and JUnit XML (--junit)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from sessim.core.web.api import Api
from sessim.recordings import report
from sessim.recordings.difference import Difference
from sessim.recordings.model import Interaction, Message
from sessim.recordings.replay import Replayed
from sessim.registry import VENDORS

STATUS = Difference("status", "status", 200, 401, "clients branch on the status")
KEY = Difference("key", "$.data.userId", "present", None, "a key the client reads is missing")


def result(source: str, api: Api, *differences: Difference) -> Replayed:
    recorded = Interaction(
        "POST",
        "https://apiv2.vestiairecollective.com/sessions/",
        Message(),
        201,
        Message(),
        None,
        0.25,
        source,
    )
    actual = replace(recorded, url="http://127.0.0.1:19600/vestiaire/sessions/", elapsed=0.0123)
    return Replayed(recorded, api, actual, differences)


RESULTS = [
    result("a.har#1", VENDORS["vestiaire"]),
    result("a.har#2", VENDORS["vestiaire"], STATUS, KEY),
    result("b.yaml#1", VENDORS["okta"], KEY),
]


def test_the_text_names_each_call_that_differs_and_ends_with_the_count() -> None:
    assert report.text(RESULTS) == (
        "a.har#2 POST https://apiv2.vestiairecollective.com/sessions/\n"
        "  status at status: recorded 200, Sessim 401 (clients branch on the status)\n"
        '  key at $.data.userId: recorded "present", Sessim null '
        "(a key the client reads is missing)\n"
        "b.yaml#1 POST https://apiv2.vestiairecollective.com/sessions/\n"
        '  key at $.data.userId: recorded "present", Sessim null '
        "(a key the client reads is missing)\n"
        "3 interactions, 2 differ\n"
    )


def test_nothing_differing_is_the_count_alone() -> None:
    assert report.text(RESULTS[:1]) == "1 interactions, 0 differ\n"
    assert report.text([]) == "0 interactions, 0 differ\n"


def test_the_json_report_holds_every_call(tmp_path: Path) -> None:
    path = tmp_path / "report.json"

    report.write_json(RESULTS, path)

    written = json.loads(path.read_text())
    assert (written["interactions"], written["differ"]) == (3, 2)
    assert written["results"][0] == {
        "source": "a.har#1",
        "vendor": "vestiaire",
        "method": "POST",
        "url": "https://apiv2.vestiairecollective.com/sessions/",
        "sessimUrl": "http://127.0.0.1:19600/vestiaire/sessions/",
        "status": 201,
        "sessimStatus": 201,
        "differences": [],
    }
    assert written["results"][1]["differences"] == [
        {
            "kind": "status",
            "where": "status",
            "recorded": 200,
            "actual": 401,
            "why": "clients branch on the status",
        },
        {
            "kind": "key",
            "where": "$.data.userId",
            "recorded": "present",
            "actual": None,
            "why": "a key the client reads is missing",
        },
    ]


def test_the_junit_report_has_a_testcase_per_call_and_a_failure_per_differing_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "junit.xml"

    report.write_junit(RESULTS, path)

    root = ET.parse(path).getroot()
    assert path.read_text().startswith("<?xml version='1.0' encoding='utf-8'?>")
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "3", "2")
    (suite,) = root
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "2", "0")
    cases = suite.findall("testcase")
    assert [(case.get("classname"), case.get("time")) for case in cases] == [
        ("sessim.replay.vestiaire", "0.012"),
        ("sessim.replay.vestiaire", "0.012"),
        ("sessim.replay.okta", "0.012"),
    ]
    assert cases[1].get("name") == ("a.har#2 POST https://apiv2.vestiairecollective.com/sessions/")
    assert [len(case.findall("failure")) for case in cases] == [0, 1, 1]
    failures = list(suite.iter("failure"))
    assert [failure.get("message") for failure in failures] == [
        "2 differences from the recording",
        "1 difference from the recording",
    ]
    assert failures[0].text == (
        "status at status: recorded 200, Sessim 401 (clients branch on the status)\n"
        'key at $.data.userId: recorded "present", Sessim null (a key the client reads is missing)'
    )
