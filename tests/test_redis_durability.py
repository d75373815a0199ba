"""Nothing acknowledged is lost on a crash (issue 10): Okta sessions made by several
clients at once through a real `sessim serve` on a Redis with AOF and `appendfsync always`
survive a SIGKILL of the Sessim process and, separately, of the redis-server; while Redis
is down, Sessim answers 503 in Okta's format, never a 500.

The helpers at the top (a stream of concurrent creations, the ids it saw acknowledged,
which of them a server no longer has) know nothing of Redis: they are meant to be shared
with the SQLite kill test."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import httpx
import pytest
import redis
from sessim.app import create_app
from sessim.core.web.api import Api
from sessim.registry import ADMIN, VENDORS
from starlette.testclient import TestClient

from tests.conftest import (
    make_settings,
    race_threads,
    sessim_process,
    start_sessim,
    wait_until_listening,
)
from tests.redis_servers import DURABLE_PORTS, free_ports, start_redis, wait_for_redis

pytestmark = pytest.mark.redis

WRITERS = 6  # clients creating sessions at once
# Acknowledged creations before a kill: enough that the kill lands mid-stream.
BEFORE_KILL = 40


# --- a stream of concurrent creations (store-neutral) ---------------------------------


@dataclass
class Stream:
    """What the writers of a stream saw: the ids acknowledged (a 2xx received), every
    other answer, and how many requests failed to connect."""

    acknowledged: list[str] = field(default_factory=list)
    refused: list[httpx.Response] = field(default_factory=list)
    unreachable: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def wait_for(self, acknowledged: int = 0, refused: int = 0) -> None:
        """Until the writers have seen at least this many acknowledgements and refusals."""
        for _ in range(2000):
            with self.lock:
                if len(self.acknowledged) >= acknowledged and len(self.refused) >= refused:
                    return
            self.stop.wait(0.005)
        raise AssertionError(
            f"waited for {acknowledged} acknowledged and {refused} refused, saw "
            f"{len(self.acknowledged)} and {len(self.refused)}"
        )


def _write(base: str, create: Callable[[httpx.Client], httpx.Response], stream: Stream) -> None:
    """One writer: create until told to stop, noting each answer."""
    with httpx.Client(base_url=base, timeout=5) as client:
        while not stream.stop.is_set():
            try:
                answer = create(client)
            except httpx.TransportError:
                with stream.lock:
                    stream.unreachable += 1
                stream.stop.wait(0.01)  # the server is down: do not spin
                continue
            with stream.lock:
                if answer.is_success:
                    stream.acknowledged.append(answer.json()["id"])
                else:
                    stream.refused.append(answer)


@contextlib.contextmanager
def creating(
    base: str, create: Callable[[httpx.Client], httpx.Response], writers: int = WRITERS
) -> Iterator[Stream]:
    """`writers` clients calling create(client) against base at once, released together,
    until the block ends; yields what they saw so far."""
    stream = Stream()

    def writer(_index: int, start: threading.Barrier) -> None:
        start.wait()
        _write(base, create, stream)

    race = threading.Thread(target=race_threads, args=(writers, writer))
    race.start()
    try:
        yield stream
    finally:
        stream.stop.set()
        race.join(timeout=30)


def lost(base: str, ids: list[str], read: Callable[[httpx.Client, str], httpx.Response]) -> list:
    """The ids that do not read back whole (a 200 naming that id) from the server at base."""
    with httpx.Client(base_url=base, timeout=5) as client:
        answers = {id_: read(client, id_) for id_ in ids}
    return [
        (id_, answer.status_code, answer.text)
        for id_, answer in answers.items()
        if answer.status_code != 200 or answer.json().get("id") != id_
    ]


# --- Okta on a durable Redis ------------------------------------------------------------

OKTA = {
    "api_tokens": ["t0ken"],
    "users": [{"login": "ana", "password": "pw", "firstName": "A", "lastName": "B"}],
    # The stream makes hundreds of sessions a second; the default limits would refuse it.
    "settings": {"rate_limits": {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000}},
}
SSWS = {"Authorization": "SSWS t0ken"}
SESSIONS = "/okta/api/v1/sessions"


def create_okta_session(client: httpx.Client) -> httpx.Response:
    """A sessionToken, then a session for it: the session's answer, or authn's refusal."""
    authn = client.post("/okta/api/v1/authn", json={"username": "ana", "password": "pw"})
    if authn.status_code != 200:
        return authn
    return client.post(SESSIONS, json={"sessionToken": authn.json()["sessionToken"]}, headers=SSWS)


def read_okta_session(client: httpx.Client, session_id: str) -> httpx.Response:
    return client.get(f"{SESSIONS}/{session_id}", headers=SSWS)


class DurableRedis:
    """A redis-server with AOF and `appendfsync <fsync>` on a port and folder of its own,
    which a test kills with SIGKILL and restarts on the same files."""

    def __init__(self, folder: Path, fsync: str = "always") -> None:
        (self.port,) = free_ports(1, DURABLE_PORTS)
        self.folder = folder
        self.options = ["--appendonly", "yes", "--appendfsync", fsync]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = start_redis(self.port, self.folder, *self.options)
        wait_for_redis(self.port)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def stored_sessions(self) -> list[str]:
        """The ids of every Okta session record in Redis, live or not."""
        prefix = "sessim:r:{okta:session:"
        with redis.Redis(port=self.port, decode_responses=True) as client:
            keys = client.scan_iter(match=prefix + "*", count=1000)
            return [key.removeprefix(prefix).removesuffix("}") for key in keys]


@pytest.fixture
def durable(tmp_path: Path) -> Iterator[DurableRedis]:
    server = DurableRedis(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def seed(base: str) -> None:
    assert httpx.post(f"{base}/_admin/seed", json={"okta": OKTA}).status_code == 200


def assert_all_there(base: str, durable: DurableRedis, acknowledged: list[str]) -> None:
    """Every acknowledged session reads back whole, and so does every one Redis holds:
    none is lost, none half-written."""
    assert acknowledged
    assert lost(base, acknowledged, read_okta_session) == []
    stored = durable.stored_sessions()
    assert set(acknowledged) <= set(stored)
    assert lost(base, stored, read_okta_session) == []


def test_sessions_acknowledged_survive_a_sigkill_of_sessim(durable: DurableRedis) -> None:
    """The process that takes over is started beside the one killed (each takes seconds to
    start): it has served nothing before the kill, so what it reads is what Redis kept."""
    first, base = start_sessim(durable.url)
    second, again = start_sessim(durable.url)
    try:
        wait_until_listening(base)
        wait_until_listening(again)
        seed(base)
        with creating(base, create_okta_session) as stream:
            stream.wait_for(acknowledged=BEFORE_KILL)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert not stream.refused, [(r.status_code, r.text) for r in stream.refused]
        assert stream.unreachable > 0  # the kill did land mid-stream
        assert_all_there(again, durable, stream.acknowledged)
    finally:
        for server in (first, second):
            server.kill()
            server.wait(timeout=10)


def test_sessions_acknowledged_survive_a_sigkill_of_redis(durable: DurableRedis) -> None:
    """Killed mid-stream, redis-server restarts on its AOF with every session it had
    acknowledged. Meanwhile Sessim refuses with Okta's 503 and a Retry-After, never a 500,
    and takes writes again once Redis is back."""
    with sessim_process(durable.url) as base:
        seed(base)
        with creating(base, create_okta_session) as stream:
            stream.wait_for(acknowledged=BEFORE_KILL)
            durable.kill()
            before_kill = list(stream.acknowledged)  # none can come after: Redis is gone
            stream.wait_for(refused=WRITERS)
            durable.start()
            assert lost(base, before_kill, read_okta_session) == []
            stream.wait_for(acknowledged=len(before_kill) + BEFORE_KILL)
        assert stream.acknowledged[: len(before_kill)] == before_kill
        assert stream.refused
        for refusal in stream.refused:
            assert refusal.status_code == 503, refusal.text
            assert refusal.headers["Retry-After"] == "1"
            assert refusal.json()["errorCode"] == "E0000010"
        assert_all_there(base, durable, stream.acknowledged)


# Each API's 503 body, as its client would tell it from any other failure.
# What each built-in API's outage answer says; any vendor's answer is in its format
# (tests/<vendor>/error_format.py, which every vendor has).
OUTAGE = {
    "admin": lambda body: body["status"] == 503 and body["title"] == "Service Unavailable",
    "vestiaire": lambda body: body["errors"][0]["code"] == "service_unavailable",
    "okta": lambda body: body["errorCode"] == "E0000010",
    "sfcc": lambda body: body["fault"]["type"] == "ServiceUnavailableException",
    "optimizely": lambda body: body["message"] == "The store cannot be reached; retry shortly.",
}


@pytest.mark.registry
@pytest.mark.parametrize("api", [ADMIN, *VENDORS.values()], ids=lambda api: api.name)
def test_a_redis_nobody_listens_on_is_a_503_in_each_apis_format(api: Api) -> None:
    """No Redis at all: every API refuses in its own format and asks for a retry."""
    (port,) = free_ports(1, DURABLE_PORTS)
    with TestClient(create_app(make_settings(store=f"redis://127.0.0.1:{port}/0"))) as client:
        answer = client.get(f"{api.base_path}/sessions")
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    if api is not ADMIN:
        import_module(f"tests.{api.name}.error_format").check(answer)
    assert OUTAGE.get(api.name, lambda body: True)(answer.json()), answer.text
