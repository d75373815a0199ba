"""The journal as HAR 1.2 (GET /_admin/journal?format=har, `sessim journal --har`): a flow
of each vendor exported and checked against har-schema, its calls in order with their
statuses, cookies and headers, no secret in it; filters, paging and cut bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sessim.admin.journal_har import document
from sessim.testing import running
from starlette.testclient import TestClient

from tests.conftest import ADMIN, AppFor, sessim_in_process
from tests.recordings.flows import FIXTURE, FLOWS, OKTA_USER
from tests.recordings.har_schema import assert_valid_har
from tests.recordings.test_record import PLACEHOLDER

JOURNAL = "/_admin/journal"


@pytest.fixture
def client(app_for: AppFor) -> TestClient:
    """The run's app that loads FIXTURE, with an empty journal and no cookies."""
    app = app_for(seed=FIXTURE)
    app.cookies.clear()
    assert app.delete(JOURNAL, headers=ADMIN).status_code == 204
    return app


def har(client: Any, **params: object) -> dict:
    response = client.get(JOURNAL, params={"format": "har", "limit": 500, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert_valid_har(document)
    return document


def headers(message: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for header in message["headers"]:
        found.setdefault(header["name"], []).append(header["value"])
    return found


@pytest.mark.parametrize("vendor", sorted(FLOWS))
def test_a_flow_of_each_vendor_exports_as_har(client: TestClient, vendor: str) -> None:
    flow = FLOWS[vendor](client)
    document = har(client, vendor=vendor)
    log = document["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "Sessim"
    assert "_next" not in log
    entries = log["entries"]
    seen = [(e["request"]["method"], urlsplit(e["request"]["url"]).path, e["response"]["status"])
            for e in entries]  # fmt: skip
    assert seen == flow.calls  # oldest first
    assert all(e["request"]["url"].startswith("http://testserver/") for e in entries)
    assert [e["startedDateTime"] for e in entries] == sorted(e["startedDateTime"] for e in entries)
    set_cookies = {cookie["name"] for e in entries for cookie in e["response"]["cookies"]}
    assert set_cookies == flow.cookies
    for entry in entries:
        response = entry["response"]
        assert response["statusText"]
        assert len(response["cookies"]) == len(headers(response).get("set-cookie", []))
        assert response["content"]["mimeType"] == headers(response).get("content-type", [""])[0]
        assert entry["time"] == entry["timings"]["wait"] > 0
    text = json.dumps(document)
    assert [secret for secret in flow.secrets if secret in text] == []
    assert PLACEHOLDER.search(text)


def test_cookies_sent_and_set_are_listed_with_their_attributes(client: TestClient) -> None:
    FLOWS["okta"](client)
    entries = har(client, vendor="okta")["log"]["entries"]
    redirect = next(e for e in entries if e["response"]["status"] == 302)
    (sid,) = [c for c in redirect["response"]["cookies"] if c["name"] == "sid"]
    assert PLACEHOLDER.fullmatch(sid["value"])
    assert sid["path"] == "/"
    assert "httpOnly" not in sid  # as Okta's guide shows it: `sid=...; Path=/`
    assert redirect["response"]["redirectURL"] == "https://app.example.com/"
    me = next(e for e in entries if e["request"]["url"].endswith("/sessions/me"))
    assert {"name": "sid", "value": sid["value"]} in me["request"]["cookies"]  # the same
    login = entries[0]
    assert login["request"]["postData"]["mimeType"] == "application/json"
    sent = json.loads(login["request"]["postData"]["text"])
    assert sent["username"] == OKTA_USER["login"]
    assert PLACEHOLDER.fullmatch(sent["password"])
    token = json.loads(login["response"]["content"]["text"])["sessionToken"]
    assert PLACEHOLDER.fullmatch(token)
    assert token != sent["password"]


def test_filters_apply_and_the_default_format_is_the_journals(client: TestClient) -> None:
    FLOWS["okta"](client)
    FLOWS["vestiaire"](client)
    failed = har(client, status=401)["log"]["entries"]
    assert [urlsplit(e["request"]["url"]).path for e in failed] == [
        "/okta/api/v1/authn",
        "/vestiaire/sessions",
    ]
    sessions = har(client, operationId="createSession", vendor="okta")["log"]["entries"]
    assert len(sessions) == 1
    assert client.get(JOURNAL, params={"format": "json"}).json().keys() == {"entries", "next"}
    assert client.get(JOURNAL).json().keys() == {"entries", "next"}
    refused = client.get(JOURNAL, params={"format": "xml"})
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"


def test_pages_link_older_entries_through_next(client: TestClient) -> None:
    for index in range(5):
        client.get(f"/vestiaire/page-{index}", params={"q": str(index)})
    newest = har(client, limit=3)["log"]
    assert [urlsplit(e["request"]["url"]).path for e in newest["entries"]] == [
        "/vestiaire/page-2",
        "/vestiaire/page-3",
        "/vestiaire/page-4",
    ]
    assert newest["entries"][0]["request"]["queryString"] == [{"name": "q", "value": "2"}]
    older = har(client, limit=3, cursor=newest["_next"])["log"]
    assert [urlsplit(e["request"]["url"]).path for e in older["entries"]] == [
        "/vestiaire/page-0",
        "/vestiaire/page-1",
    ]
    assert "_next" not in older


def test_a_cut_body_says_so_and_keeps_its_size(client: TestClient) -> None:
    login = {"username": OKTA_USER["login"], "password": "p" * 10_000, "note": "x" * 10_000}
    client.post("/okta/api/v1/authn", json=login)
    (entry,) = har(client)["log"]["entries"]
    request = entry["request"]
    assert request["bodySize"] > 20_000
    assert len(request["postData"]["text"]) == 4096
    assert "request's body cut" in entry["comment"]
    assert "ppp" not in request["postData"]["text"]
    assert request["postData"]["_truncated"] is True
    assert "_truncated" not in entry["response"]["content"]  # Okta's 401, whole


def test_an_answer_cut_or_not_kept_is_marked_truncated() -> None:
    kept = {"headers": {"content-type": "application/json"}, "size": 9000, "truncated": True}
    entry: Any = {
        "id": "1", "at": "2026-12-07T10:00:00.000Z", "wallTime": "2026-12-07T10:00:00.000Z",
        "vendor": "okta", "operationId": "getSession", "method": "GET", "path": "/okta/x",
        "query": "", "status": 200, "latencyMs": 1.0, "errorCode": None, "nearMisses": [],
        "request": {"headers": {}, "body": None, "size": 0, "truncated": False},
        "response": {**kept, "body": '{"id": "00'},
    }  # fmt: skip
    cut = document([entry], "http", "sessim.test", None)
    not_kept = document(
        [{**entry, "response": {**kept, "body": None, "truncated": False}}], "http", "x", None
    )
    for written in (cut, not_kept):
        assert_valid_har(written)
        (har_entry,) = written["log"]["entries"]
        assert har_entry["response"]["content"]["_truncated"] is True
        assert har_entry["response"]["bodySize"] == 9000
        assert "postData" not in har_entry["request"]
        assert (
            har_entry["comment"]
            == "the response's body cut to what the journal keeps, of 9000 bytes"
        )


def test_the_url_is_the_requests_host_as_sessim_saw_it(client: TestClient) -> None:
    client.get("/vestiaire/nothing?a=1", headers={"Host": "shop.example.test:8443"})
    (entry,) = har(client)["log"]["entries"]
    assert entry["request"]["url"] == "http://shop.example.test:8443/vestiaire/nothing?a=1"


def test_sessim_journal_har_writes_every_entry_oldest_first(tmp_path: Any) -> None:
    with running(seed=FIXTURE) as sessim, httpx.Client(base_url=sessim.url) as http:
        FLOWS["vestiaire"](http)
        sessim.journal.PAGE = 2  # paging, as a full journal would page
        out = tmp_path / "journal.har"
        done = sessim_in_process(
            "journal", "--url", sessim.url, "--har", str(out), "--vendor", "vestiaire"
        )
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
        printed = sessim_in_process("journal", "--url", sessim.url, "--har", "-", "--limit", "1")
        refused = sessim_in_process("journal", "count", "--url", sessim.url, "--har", "x.har")
    document = json.loads(out.read_text())
    assert_valid_har(document)
    statuses = [e["response"]["status"] for e in document["log"]["entries"]]
    assert statuses == [201, 204, 401]
    newest = json.loads(printed.stdout)["log"]["entries"]
    assert [e["response"]["status"] for e in newest] == [401]
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == "sessim journal: --har writes the entries listed, not with 'count'\n"
