"""The round trip of issue 22: a flow of each vendor recorded through `sessim record` with a
Sessim as the upstream, replayed by `sessim replay` against a fresh Sessim that knows nothing
but what the replay infers from the recording: zero differences. Copies of those recordings
changed on purpose each give exactly the difference made, and a non-zero exit."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sessim.testing import Sessim, running

from tests.recordings.flows import FIXTURE, FLOWS
from tests.recordings.test_record import SESSIM, recording, run_flow

pytestmark = pytest.mark.slow  # `sessim record` and `sessim replay` processes


@pytest.fixture(scope="module")
def upstream() -> Iterator[Sessim]:
    with running(seed=FIXTURE) as sessim:
        yield sessim


@pytest.fixture(scope="module")
def recorded(upstream: Sessim, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each vendor's flow, recorded once through the proxy."""
    folder = tmp_path_factory.mktemp("recorded")
    files = {}
    for vendor in FLOWS:
        files[vendor] = folder / f"{vendor}.har"
        with recording(upstream.url, files[vendor]) as proxy:
            run_flow(proxy, vendor)
    return files


def replayed(recording: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`sessim replay` of `recording` against a fresh Sessim: the process and its JSON report."""
    report = tmp_path / "report.json"
    with running() as fresh:
        command = [SESSIM, "replay", str(recording), "--url", fresh.url, "--report", str(report)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done, json.loads(report.read_text()) if report.exists() else {}


@pytest.mark.parametrize("vendor", FLOWS)
def test_a_recorded_flow_replays_without_a_difference(
    recorded: dict[str, Path], tmp_path: Path, vendor: str
) -> None:
    done, report = replayed(recorded[vendor], tmp_path)
    entries = len(json.loads(recorded[vendor].read_text())["log"]["entries"])
    assert done.stdout.splitlines()[-1] == f"{entries} interactions, 0 differ", done.stdout
    assert done.returncode == 0
    assert report["differ"] == 0


def _entries(document: dict) -> list[dict]:
    return document["log"]["entries"]


def _body(entry: dict) -> Any:
    return json.loads(entry["response"]["content"]["text"])


def _set_body(entry: dict, body: Any) -> None:
    entry["response"]["content"]["text"] = json.dumps(body)


def _first(document: dict, status: int) -> dict:
    return next(entry for entry in _entries(document) if entry["response"]["status"] == status)


def _status(document: dict) -> None:
    _entries(document)[0]["response"]["status"] = 201


def _key_removed(document: dict) -> None:
    entry = _first(document, 200)
    body = _body(entry)
    _set_body(entry, {key: value for key, value in body.items() if key != "status"})


def _type_changed(document: dict) -> None:
    entry = _first(document, 200)
    _set_body(entry, {**_body(entry), "status": 7})


def _error_code(document: dict) -> None:
    entry = _first(document, 401)
    _set_body(entry, {**_body(entry), "errorCode": "E0000011"})


def _header(document: dict) -> None:
    headers = _first(document, 200)["response"]["headers"]
    headers[:] = [h for h in headers if h["name"].lower() != "x-rate-limit-remaining"]


def _cookie_attribute(document: dict) -> None:
    for entry in _entries(document):
        for header in entry["response"]["headers"]:
            if header["name"].lower() == "set-cookie" and "HttpOnly" in header["value"]:
                header["value"] = header["value"].replace("; HttpOnly", "")
                return
    raise AssertionError("no cookie set HttpOnly in the recording")


# Okta's flow: each change and the kind of difference it must give, and nothing else.
CHANGES: dict[str, tuple[Callable[[dict], None], str]] = {
    "status": (_status, "status"),
    "key removed": (_key_removed, "key"),
    "type changed": (_type_changed, "type"),
    "error code": (_error_code, "error-code"),
    "header": (_header, "header"),
    "cookie attribute": (_cookie_attribute, "cookie"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_recording_changed_on_purpose_gives_exactly_that_difference(
    recorded: dict[str, Path], tmp_path: Path, change: str
) -> None:
    document = json.loads(recorded["okta"].read_text())
    alter, kind = CHANGES[change]
    alter(document)
    changed = tmp_path / "changed.har"
    changed.write_text(json.dumps(document))
    done, report = replayed(changed, tmp_path)
    assert done.returncode == 1, done.stdout
    assert done.stdout.splitlines()[-1].endswith("interactions, 1 differ"), done.stdout
    [differing] = [result for result in report["results"] if result["differences"]]
    kinds = [difference["kind"] for difference in differing["differences"]]
    assert kinds == [kind], differing
