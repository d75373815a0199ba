"""Fault rules on real servers: a dropped connection as clients see it, and rules shared by
processes on one store (the run's shared ones), their `times` counted atomically across
them."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import ADMIN, DEMO_USER, plain_client, race_requests

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}
RACERS = 20


def add(base: str, **rule: object) -> dict:
    response = httpx.post(f"{base}/_admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def seed(base: str) -> None:
    response = httpx.post(f"{base}/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
    assert response.status_code == 200, response.text


def connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def received(sock: socket.socket) -> bytes:
    """Everything the server sends back, until it closes the connection."""
    found = b""
    while chunk := sock.recv(65536):
        found += chunk
    return found


def raw_request(base: str, request: bytes) -> bytes:
    """Everything the server sends back on a fresh connection, until it closes it."""
    with connect(base) as sock:
        sock.sendall(request)
        return received(sock)


def test_a_dropped_connection_gets_no_answer(
    live_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    seed(live_server)
    rule = add(live_server, vendor="vestiaire", action="drop", times=3)
    uvicorn_log = logging.getLogger("uvicorn.error")  # which does not reach caplog's root
    uvicorn_log.addHandler(caplog.handler)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        httpx.post(f"{live_server}/vestiaire/sessions", json=LOGIN)
    body = b'{"email": "x@example.com", "password": "y"}'
    request = (
        b"POST /vestiaire/sessions HTTP/1.1\r\nHost: sessim\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    assert raw_request(live_server, request) == b""  # not a byte, then the end of the stream
    # The body after the headers, as httpx sends it: the drop waits for it, since a socket
    # closed with bytes unread or on their way ends with a reset (ECONNRESET), not an end.
    with connect(live_server) as sock:
        sock.sendall(request.removesuffix(body))
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)  # neither an answer nor an end yet
        sock.settimeout(10)
        sock.sendall(body)
        assert received(sock) == b""
    served = httpx.post(f"{live_server}/vestiaire/sessions", json=LOGIN)
    assert served.status_code == 201, served.text
    (after,) = httpx.get(f"{live_server}/_admin/faults").json()["rules"]
    assert (after["id"], after["matched"], after["remaining"]) == (rule["id"], 4, 0)
    # The server logs no traceback for a drop: it is no failure.
    uvicorn_log.removeHandler(caplog.handler)
    assert not [record for record in caplog.records if record.exc_info]


@contextlib.contextmanager
def racers_on(bases: list[str]) -> Iterator[list[httpx.Client]]:
    """RACERS clients spread over two processes on one store, each already connected."""
    with contextlib.ExitStack() as stack:
        clients = [
            stack.enter_context(plain_client(base_url=bases[index % 2])) for index in range(RACERS)
        ]
        for client in clients:
            client.get("/_admin/health")
        yield clients


def race_a_rule_of_five(bases: list[str]) -> None:
    """A rule added through one process faults exactly five of twenty logins racing over
    both, and the other process reports its counters."""
    first, second = bases
    assert httpx.post(f"{first}/_admin/reset", headers=ADMIN).status_code == 204
    seed(first)
    add(
        first, vendor="vestiaire", operationId="createSession", action="status", status=503, times=5
    )
    with racers_on(bases) as clients:
        responses = race_requests(
            clients, lambda client: client.post("/vestiaire/sessions", json=LOGIN)
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 15 + [503] * 5
    (rule,) = httpx.get(f"{second}/_admin/faults").json()["rules"]
    assert (rule["matched"], rule["remaining"]) == (RACERS, 0)
    assert httpx.delete(f"{second}/_admin/faults/{rule['id']}", headers=ADMIN).status_code == 204
    assert httpx.post(f"{first}/vestiaire/sessions", json=LOGIN).status_code == 201


@pytest.mark.slow
def test_processes_on_one_sqlite_file_share_rules_and_their_count(
    shared_processes: list[str],
) -> None:
    race_a_rule_of_five(shared_processes[:2])


@pytest.mark.redis
def test_processes_on_one_redis_share_rules_and_their_count(redis_processes: list[str]) -> None:
    race_a_rule_of_five(redis_processes)


@pytest.mark.slow
def test_a_rule_reaches_a_process_that_cached_none(shared_processes: list[str]) -> None:
    """The other process served calls with no rule (and cached that), then sees the rule
    on its next call, and sees it go."""
    first, second = shared_processes[:2]
    seed(first)
    assert httpx.post(f"{second}/vestiaire/sessions", json=LOGIN).status_code == 201
    rule = add(first, vendor="vestiaire", action="status", status=500)
    assert httpx.post(f"{second}/vestiaire/sessions", json=LOGIN).status_code == 500
    assert httpx.delete(f"{first}/_admin/faults/{rule['id']}", headers=ADMIN).status_code == 204
    assert httpx.post(f"{second}/vestiaire/sessions", json=LOGIN).status_code == 201
