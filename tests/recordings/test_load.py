"""The readers (impl/recordings/load.py): HAR files and vcrpy cassettes as interactions, and
every recording they cannot read refused with a message that names the file and the fault."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr
import yaml
from sessim.recordings.load import RecordingError, load
from sessim.recordings.model import Interaction, Message
from sessim.testing import running

LOGIN = {"username": "dana.demo@sessim.dev", "password": "sessim-okta-demo"}


def har(*entries: dict) -> dict:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": list(entries),
        }
    }


def har_entry(**changes: Any) -> dict:
    entry: dict[str, Any] = {
        "startedDateTime": "2026-12-07T10:00:00.250Z",
        "time": 12.5,
        "request": {
            "method": "post",
            "url": "https://acme.okta.com/api/v1/authn",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": json.dumps(LOGIN)},
        },
        "response": {
            "status": 200,
            "headers": [
                {"name": "Set-Cookie", "value": "a=1; Path=/"},
                {"name": "set-cookie", "value": "b=2; Path=/"},
            ],
            "content": {"mimeType": "application/json", "text": '{"status": "SUCCESS"}'},
        },
    }
    entry.update(changes)
    return entry


def written(tmp_path: Path, document: Any, name: str = "recording.har") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_a_har_entry_becomes_an_interaction(tmp_path: Path) -> None:
    [found] = load(written(tmp_path, har(har_entry())))
    assert found == Interaction(
        method="POST",
        url="https://acme.okta.com/api/v1/authn",
        request=Message((("Content-Type", "application/json"),), json.dumps(LOGIN).encode()),
        status=200,
        response=Message(
            (("Set-Cookie", "a=1; Path=/"), ("set-cookie", "b=2; Path=/")), b'{"status": "SUCCESS"}'
        ),
        started=datetime(2026, 12, 7, 10, 0, 0, 250_000, tzinfo=UTC),
        elapsed=0.0125,
        source="recording.har#1",
    )
    assert found.response.headers_named("SET-COOKIE") == ["a=1; Path=/", "b=2; Path=/"]


def test_har_bodies_in_base64_and_form_params_are_read_as_bytes(tmp_path: Path) -> None:
    binary = bytes(range(256))
    entry = har_entry()
    entry["request"]["postData"] = {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [
            {"name": "grant_type", "value": "password"},
            {"name": "user name", "value": "a&b"},
        ],
    }
    entry["response"]["content"] = {
        "mimeType": "image/png",
        "text": base64.b64encode(binary).decode(),
        "encoding": "base64",
    }
    [found] = load(written(tmp_path, har(entry)))
    assert found.request.body == b"grant_type=password&user+name=a%26b"
    assert found.response.body == binary


def test_an_answer_a_journal_cut_is_read_without_its_body(tmp_path: Path) -> None:
    """Sessim's journal marks a body it cut `_truncated`: a replay compares no part of one."""
    cut = har_entry()
    cut["response"]["content"].update(text='{"status": "SUC', size=4000, _truncated=True)
    whole = har_entry()
    whole["response"]["content"]["_truncated"] = False
    found = load(written(tmp_path, har(cut, whole)))
    assert [interaction.response.body for interaction in found] == [
        b"",
        b'{"status": "SUCCESS"}',
    ]
    assert found[0].request.body == json.dumps(LOGIN).encode()  # the request's is whole


def test_a_har_without_a_start_is_dated_by_the_answers_date_header(tmp_path: Path) -> None:
    entry = har_entry()
    del entry["startedDateTime"]
    entry["response"]["headers"].append({"name": "Date", "value": "Mon, 07 Dec 2026 10:00:01 GMT"})
    [found] = load(written(tmp_path, har(entry)))
    assert found.started == datetime(2026, 12, 7, 10, 0, 1, tzinfo=UTC)


def test_a_cassette_vcrpy_recorded_reads_as_what_was_sent_and_answered(tmp_path: Path) -> None:
    """A cassette as vcrpy itself writes it, of real calls to Sessim: what a user's recorded
    test suite holds."""
    cassette = tmp_path / "okta.yaml"
    with running(demo=True) as sessim, vcr.use_cassette(str(cassette), record_mode="all"):
        answered = httpx.post(f"{sessim.url}/okta/api/v1/authn", json=LOGIN)
        missing = httpx.get(
            f"{sessim.url}/okta/api/v1/sessions/nope", headers={"Accept-Encoding": "gzip"}
        )
    login, lookup = load(cassette)
    assert (login.method, login.url, login.status) == (
        "POST",
        f"{sessim.url}/okta/api/v1/authn",
        200,
    )
    assert json.loads(login.request.body) == LOGIN
    assert json.loads(login.response.body) == answered.json()
    assert login.started is not None and login.started.tzinfo is not None  # from its Date
    assert (lookup.method, lookup.status) == ("GET", missing.status_code)
    assert json.loads(lookup.response.body) == missing.json()
    assert lookup.response.header("content-type") == missing.headers["content-type"]


def test_a_gzipped_answer_in_a_cassette_is_read_decompressed(tmp_path: Path) -> None:
    document = {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": "GET",
                    "uri": "https://x.okta.com/api/v1/users/me",
                    "body": None,
                    "headers": {},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]},
                    "body": {"string": gzip.compress(b'{"id": "00u1"}')},
                },
            }
        ],
    }
    [found] = load(written(tmp_path, yaml.safe_dump(document), "c.yaml"))
    assert found.response.body == b'{"id": "00u1"}'
    assert found.started is None and found.elapsed is None


def test_a_cassette_answer_its_client_decoded_is_read_as_recorded(tmp_path: Path) -> None:
    """vcrpy's aiohttp stub (okta-sdk-python's cassettes) records the text the client
    decoded, under the server's Content-Encoding: gzip."""
    document = {
        "version": 1,
        "interactions": [
            {
                "request": {"method": "GET", "uri": "https://test.okta.com/api/v1/sessions/x"},
                "response": {
                    "status": {"code": 404, "message": "Not Found"},
                    "headers": {"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]},
                    "body": {"string": '{"errorCode":"E0000007"}'},
                },
            }
        ],
    }
    [found] = load(written(tmp_path, yaml.safe_dump(document), "c.yaml"))
    assert found.response.body == b'{"errorCode":"E0000007"}'
    assert found.response.header("content-encoding") == "gzip"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not text (byte 0 is not UTF-8)"),
        (b'{"log": {"entries": [', "not valid JSON"),
        (b"key: [unclosed", "neither JSON nor valid YAML"),
        (b"just: a mapping\n", "neither a HAR file"),
        (b'{"log": {"entries": {}}}', "log.entries is missing or not a list"),
        (b'{"log": {"entries": [{"request": {}}]}}', "recording.har#1: entry.response is missing"),
        (
            json.dumps(har(har_entry(startedDateTime="yesterday"))).encode(),
            "#1: entry.startedDateTime 'yesterday' is not an ISO 8601",
        ),
        (b"interactions: 3\n", "interactions is not a list"),
    ],
)
def test_a_recording_that_cannot_be_read_is_refused_saying_why(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "recording.har"
    path.write_bytes(content)
    with pytest.raises(RecordingError) as refused:
        load(path)
    assert str(refused.value).startswith(str(path))
    assert message in str(refused.value)


def test_a_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.har"
    with path.open("wb") as sparse:
        sparse.truncate(50 * 1000 * 1000)
    with pytest.raises(RecordingError, match=r"huge\.har: 50\.0 MB, larger than the 32 MB"):
        load(path)


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match=r"gone\.har: No such file"):
        load(tmp_path / "gone.har")
