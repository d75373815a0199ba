"""`sessim record`: a flow of each vendor through the proxy, a second Sessim as the
upstream; the HAR file whole at every moment and after Ctrl-C, every exchange in order with
its status, headers and Set-Cookie; --redact hiding every secret behind one placeholder
each; a port in use and an upstream that does not answer."""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from sessim.testing import Sessim, running

from tests.conftest import free_port, sessim_in_process
from tests.recordings.flows import FIXTURE, FLOWS, Flow
from tests.recordings.har_schema import assert_valid_har

pytestmark = pytest.mark.slow  # `sessim record` processes

SESSIM = str(Path(sys.executable).parent / "sessim")
PLACEHOLDER = re.compile(r"redacted-[0-9a-f]{20}")


@pytest.fixture(scope="module")
def upstream() -> Iterator[Sessim]:
    """The service recorded: a Sessim with the flows' accounts."""
    with running(seed=FIXTURE) as sessim:
        yield sessim


@contextlib.contextmanager
def recording(upstream: str, out: Path, *flags: str) -> Iterator[str]:
    """`sessim record` before `upstream` into `out`, on a free port: its URL; stopped by
    SIGINT (Ctrl-C) after, which must end it cleanly."""
    port = free_port()
    command = [SESSIM, "record", "--upstream", upstream, "--out", str(out), "--port", str(port)]
    proxy = subprocess.Popen([*command, *flags], stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(port, proxy)
        yield f"http://127.0.0.1:{port}"
    finally:
        proxy.send_signal(signal.SIGINT)
        _out, err = proxy.communicate(timeout=20)
    assert proxy.returncode == 0, err
    assert "Traceback" not in err, err


def _wait_for(port: int, proxy: subprocess.Popen[str]) -> None:
    for _ in range(400):
        assert proxy.poll() is None, proxy.communicate()[1]
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proxy.wait(0.025)  # waiting for the proxy to listen, not measuring behaviour
    pytest.fail("sessim record did not listen")


def run_flow(proxy: str, vendor: str) -> Flow:
    with httpx.Client(base_url=proxy) as client:
        return FLOWS[vendor](client)


def loaded(out: Path) -> dict:
    document = json.loads(out.read_text())
    assert_valid_har(document)
    return document


@pytest.mark.parametrize("vendor", sorted(FLOWS))
def test_a_flow_of_each_vendor_is_recorded_in_order(
    upstream: Sessim, tmp_path: Path, vendor: str
) -> None:
    out = tmp_path / "flow.har"
    with recording(upstream.url, out) as proxy:
        flow = run_flow(proxy, vendor)
        during = loaded(out)  # whole while recording
    assert len(during["log"]["entries"]) == len(flow.calls)
    entries = loaded(out)["log"]["entries"]
    seen = [(e["request"]["method"], urlsplit(e["request"]["url"]).path, e["response"]["status"])
            for e in entries]  # fmt: skip
    assert seen == flow.calls
    host = urlsplit(upstream.url).netloc
    for entry in entries:
        assert entry["request"]["url"].startswith(upstream.url + "/")  # the upstream's
        request_headers = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
        assert request_headers["host"] == host
        assert "connection" not in request_headers
        response_headers = [h["name"].lower() for h in entry["response"]["headers"]]
        assert response_headers.count("set-cookie") == len(entry["response"]["cookies"])
        assert "content-type" in response_headers or entry["response"]["status"] in (204, 302)
        assert response_headers.count("date") <= 1
    set_cookies = {c["name"] for e in entries for c in e["response"]["cookies"]}
    assert set_cookies == flow.cookies
    assert "redacted" not in out.read_text()  # as sent, without --redact


def test_redact_hides_every_secret_behind_one_placeholder_each(
    upstream: Sessim, tmp_path: Path
) -> None:
    out = tmp_path / "redacted.har"
    with recording(upstream.url, out, "--redact") as proxy:
        flows = [run_flow(proxy, vendor) for vendor in sorted(FLOWS)]
    document = loaded(out)
    text = out.read_text()
    hidden = [secret for flow in flows for secret in [*flow.secrets, *flow.ids]]
    assert [secret for secret in hidden if secret in text] == []
    assert [e["response"]["status"] for e in document["log"]["entries"]] == [
        status for flow in flows for _method, _path, status in flow.calls
    ]
    entries = {urlsplit(e["request"]["url"]).path: e for e in document["log"]["entries"]}
    # Vestiaire's session: its id in the path is the placeholder of its __session header.
    (logout,) = [e for path, e in entries.items() if path.startswith("/vestiaire/sessions/")]
    session = urlsplit(logout["request"]["url"]).path.rsplit("/", 1)[1]
    assert PLACEHOLDER.fullmatch(session)
    assert {"name": "__session", "value": session} in logout["request"]["headers"]
    # SFCC's JWT: the answer's Authorization is what the next requests send.
    sfcc = [e for e in document["log"]["entries"] if "/sfcc/" in e["request"]["url"]]
    handed = next(
        h["value"] for h in sfcc[0]["response"]["headers"] if h["name"] == "authorization"
    )
    sent = next(h["value"] for h in sfcc[1]["request"]["headers"] if h["name"] == "authorization")
    assert handed == sent and PLACEHOLDER.fullmatch(sent.removeprefix("Bearer "))
    # Okta's password: the same placeholder in both logins; the wrong one another.
    logins = [
        json.loads(e["request"]["postData"]["text"])["password"]
        for e in document["log"]["entries"]
        if e["request"]["url"].endswith("/okta/api/v1/authn")
    ]
    assert logins[0] == logins[1] != logins[2]
    assert all(PLACEHOLDER.fullmatch(password) for password in logins)


def test_a_port_in_use_is_refused_with_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        args = ["record", "--upstream", "http://127.0.0.1:9", "--out", str(tmp_path / "x.har")]
        done = sessim_in_process(*args, "--port", port)
    assert done.returncode == 1
    assert done.stderr == (
        f"sessim record: cannot use 127.0.0.1:{port}: Address already in use "
        "(is another server there? choose another --port)\n"
    )


def test_an_upstream_that_does_not_answer_is_a_502_and_not_recorded(tmp_path: Path) -> None:
    out = tmp_path / "down.har"
    nowhere = f"http://127.0.0.1:{free_port()}"
    with recording(nowhere, out) as proxy:
        answer = httpx.get(f"{proxy}/okta/api/v1/sessions/me")
    assert answer.status_code == 502
    assert answer.text.startswith(
        f"sessim record: {nowhere}/okta/api/v1/sessions/me did not answer"
    )
    assert loaded(out)["log"]["entries"] == []


def test_a_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "x.har"
    done = sessim_in_process("record", "--upstream", "http://127.0.0.1:9", "--out", str(out))
    assert done.returncode == 1
    assert done.stderr.startswith("sessim record: cannot use ")
    assert "No such file or directory" in done.stderr


async def compressing_upstream(scope: dict, receive: Any, send: Any) -> None:
    """Answers with the request headers it got, gzipped, two cookies and a hop-by-hop header."""
    if scope["type"] != "http":
        return
    got = {name.decode(): value.decode() for name, value in scope["headers"]}
    headers = [
        (b"content-type", b"application/json"),
        (b"content-encoding", b"gzip"),
        (b"keep-alive", b"timeout=5"),
        (b"set-cookie", b"a=1; Path=/"),
        (b"set-cookie", b"b=2; Path=/; HttpOnly"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": gzip.compress(json.dumps(got).encode())})


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` served by uvicorn in a thread on a free port: its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, args=([listener],), daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)  # waiting for it to start, not measuring behaviour
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


def test_bodies_pass_as_they_came_and_hop_by_hop_headers_stay(tmp_path: Path) -> None:
    out = tmp_path / "gzip.har"
    with serving(compressing_upstream) as upstream, recording(upstream, out) as proxy:
        sent = {"Connection": "keep-alive, x-hop", "X-Hop": "1", "X-Kept": "yes"}
        answer = httpx.get(f"{proxy}/a/b?c=d", headers=sent)
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"  # still compressed on the way
    got = answer.json()  # which httpx could decode
    assert got["x-kept"] == "yes"
    assert "x-hop" not in got  # named by Connection: this hop's only
    assert got.get("connection") != sent["Connection"]  # httpx's own, if any
    assert got["host"] == urlsplit(upstream).netloc
    assert "keep-alive" not in answer.headers
    assert answer.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/; HttpOnly"]
    (entry,) = loaded(out)["log"]["entries"]
    assert entry["request"]["url"] == f"{upstream}/a/b?c=d"
    assert json.loads(entry["response"]["content"]["text"]) == got  # decoded in the HAR
    assert [c["name"] for c in entry["response"]["cookies"]] == ["a", "b"]
