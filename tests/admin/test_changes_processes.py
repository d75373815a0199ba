"""GET /_admin/changes across processes: a poll held by one `sessim serve` answers when a
request to another changes the state, on SQLite and on Redis; and a held poll does not keep
a stopping server waiting."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN, DEMO_USER, logged_sessim, plain_client

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


def held_poll_answers_a_change_made_elsewhere(poller: str, changer: str) -> None:
    with plain_client(timeout=20) as http:
        http.post(f"{poller}/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
        version = http.get(f"{poller}/_admin/changes").json()["version"]
        query = {"since": version, "wait": 10}
        with ThreadPoolExecutor(1) as pool:
            began = time.monotonic()
            poll = pool.submit(http.get, f"{poller}/_admin/changes", params=query)
            time.sleep(0.3)  # the poll is held: nothing changed yet
            assert not poll.done()
            assert http.post(f"{changer}/vestiaire/sessions", json=LOGIN).status_code == 201
            answer = poll.result()
        assert answer.status_code == 200
        assert answer.json()["version"] != version
        assert time.monotonic() - began < 8  # the change, not the wait, ended it


@pytest.mark.slow
def test_a_poll_on_one_sqlite_process_sees_a_login_on_another(
    shared_processes: list[str],
) -> None:
    held_poll_answers_a_change_made_elsewhere(*shared_processes[:2])


@pytest.mark.redis
def test_a_poll_on_one_redis_process_sees_a_login_on_another(
    redis_processes: list[str],
) -> None:
    with plain_client() as http:
        assert http.post(f"{redis_processes[0]}/_admin/reset", headers=ADMIN).status_code == 204
    held_poll_answers_a_change_made_elsewhere(*redis_processes)


@pytest.mark.slow
def test_a_held_poll_does_not_keep_a_stopping_server_waiting() -> None:
    with logged_sessim("memory://") as (base, server, _log):
        version = httpx.get(f"{base}/_admin/changes").json()["version"]
        url = httpx.URL(base)
        with socket.create_connection((url.host, url.port), timeout=20) as poll:
            poll.sendall(
                f"GET /_admin/changes?since={version}&wait=10 HTTP/1.1\r\n"
                f"Host: {url.host}:{url.port}\r\n\r\n".encode()
            )
            wait_until_read(url.port, poll.getsockname()[1])
            began = time.monotonic()
            server.terminate()
            server.wait(timeout=10)
            stopped = time.monotonic() - began
            answer = poll.makefile("rb").read().decode()
        assert answer.startswith("HTTP/1.1 200"), answer  # answered, not cut off
        assert f'"version":"{version}"' in answer.replace(" ", ""), answer
        assert stopped < 3, stopped  # not the poll's 10 s


def wait_until_read(server_port: int, client_port: int) -> None:
    """Until the server has read everything the client sent on that loopback connection
    (its socket's receive queue in /proc/net/tcp is empty). uvicorn parses what it reads in
    the same callback, so from then on the request is one it answers before it stops,
    however slowly a loaded machine got it there (a fixed sleep did not always)."""
    ends = (f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}")
    for _ in range(2000):
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if (fields[1], fields[2]) == ends and fields[4].endswith(":00000000"):
                return
        time.sleep(0.005)
    raise AssertionError("the server never read the request")
