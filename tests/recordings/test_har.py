"""recordings.har: an Interaction as a HAR 1.2 entry, checked against har-schema, for what
the flows through Sessim do not show: binary bodies, cookie attributes, a missing start."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sessim.recordings import har
from sessim.recordings.model import Interaction, Message

from tests.recordings.har_schema import assert_valid_har

STARTED = datetime(2026, 3, 1, 10, 0, 0, 250_000, tzinfo=UTC)


def interaction(**changes: object) -> Interaction:
    fields: dict = {
        "method": "POST",
        "url": "https://dev-1.okta.com/api/v1/authn?a=1&b=x%20y&c=",
        "request": Message((("Content-Type", "application/json"), ("Cookie", "a=1; b=2")), b"{}"),
        "status": 200,
        "response": Message((("Content-Type", "application/json"),), b'{"ok": true}'),
        "started": STARTED,
        "elapsed": 0.0425,
        "source": "test#1",
        **changes,
    }
    return Interaction(**fields)


def test_an_entry_holds_the_request_and_the_answer() -> None:
    entry = har.entry(interaction())
    assert_valid_har(har.document([entry]))
    assert entry["startedDateTime"] == "2026-03-01T10:00:00.250Z"
    assert entry["time"] == 42.5 == entry["timings"]["wait"]
    request = entry["request"]
    assert request["queryString"] == [
        {"name": "a", "value": "1"},
        {"name": "b", "value": "x y"},
        {"name": "c", "value": ""},
    ]
    assert request["cookies"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]
    assert request["postData"] == {"mimeType": "application/json", "text": "{}"}
    assert request["bodySize"] == 2
    response = entry["response"]
    assert (response["status"], response["statusText"]) == (200, "OK")
    assert response["content"] == {
        "size": 12,
        "mimeType": "application/json",
        "text": '{"ok": true}',
    }
    assert response["redirectURL"] == ""


def test_a_body_that_is_not_utf8_is_base64() -> None:
    binary = bytes(range(250, 256))
    answer = Message((("Content-Type", "image/png"),), binary)
    content = har.entry(interaction(response=answer))["response"]["content"]
    assert content == {
        "size": 6,
        "mimeType": "image/png",
        "text": base64.b64encode(binary).decode(),
        "encoding": "base64",
    }


def test_set_cookie_attributes_and_location_are_kept() -> None:
    answer = Message(
        (
            ("Location", "https://app.example.com/"),
            ("Set-Cookie", "sid=abc; Path=/; Domain=okta.com; HttpOnly; Secure; SameSite=None"),
            ("Set-Cookie", 'gone=""; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/'),
        ),
    )
    response = har.entry(interaction(status=302, response=answer))["response"]
    assert_valid_har(har.document([har.entry(interaction(status=302, response=answer))]))
    assert response["statusText"] == "Found"
    assert response["redirectURL"] == "https://app.example.com/"
    assert response["cookies"] == [
        {"name": "sid", "value": "abc", "path": "/", "domain": "okta.com", "httpOnly": True,
         "secure": True, "sameSite": "None"},
        {"name": "gone", "value": '""', "expires": "1970-01-01T00:00:00.000Z", "path": "/"},
    ]  # fmt: skip
    assert response["content"] == {"size": 0, "mimeType": ""}


def test_without_a_start_the_date_header_dates_it_and_an_odd_status_has_no_phrase() -> None:
    answer = Message((("Date", "Sun, 01 Mar 2026 09:00:00 GMT"),))
    entry = har.entry(interaction(started=None, elapsed=None, status=299, response=answer))
    assert entry["startedDateTime"] == "2026-03-01T09:00:00.000Z"
    assert entry["time"] == 0
    assert entry["response"]["statusText"] == ""
    undated = har.entry(interaction(started=None, response=Message()))
    assert undated["startedDateTime"] == "1970-01-01T00:00:00.000Z"
