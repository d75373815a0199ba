"""Shared fixtures: the apps on a memory store with cheap password hashing, kept for the run,
and the reset that makes one as new for a test; real `sessim serve` processes; threads
released at one moment to race."""

from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import pytest
import yaml
from sessim.app import create_app
from sessim.cli import main
from sessim.settings import Settings
from sessim.testing import running
from starlette.testclient import TestClient

from tests.redis_servers import redis_cluster, redis_server

# The heaviest files first (see there).
pytest_plugins = ["tests.ordering"]
ROOT = Path(__file__).resolve().parent.parent
# argon2id at its cheapest: tests measure behaviour, not hashing cost.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 8}
T = TypeVar("T")

DEMO_USER = {"email": "ana@example.com", "password": "correct horse", "id": "28731456"}


# What marks a state-changing admin call as no web page's, where it sends no JSON body (the
# admin API refuses it otherwise: impl/admin/guard.py).
ADMIN = {"X-Sessim-Admin": "tests"}


def make_settings(**overrides: object) -> Settings:
    """Every answer is also checked against its spec: a handler drifting from it fails. The
    admin API answers the host name of starlette's TestClient (`testserver`), as a user's
    --allowed-host lets it answer a docker-compose service name."""
    defaults = {"store": "memory://", "validate_responses": True, "allowed_hosts": ("testserver",)}
    return Settings(**{**defaults, **CHEAP, **overrides})


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One redis-server for the whole test run; each test that uses it resets it first."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def redis_cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One three-node Redis Cluster for the whole test run, reset by each test first."""
    with redis_cluster(tmp_path_factory.mktemp("redis-cluster")) as url:
        yield url


AppFor = Callable[..., TestClient]


@pytest.fixture(scope="session")
def app_for(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppFor]:
    """app_for(**overrides): a client of the app of make_settings(**overrides), made on the
    first call and kept for the whole run, so that no test pays for building one; a later
    test finds it as the last one left it (see `reset`). `base_url` and
    `raise_server_exceptions` go to the client; a `seed` given as a document is written to
    a file for the app to load at start-up."""
    made: dict[str, TestClient] = {}
    with contextlib.ExitStack() as stack:

        def app(
            base_url: str = "http://testserver",
            raise_server_exceptions: bool = True,
            **overrides: object,
        ) -> TestClient:
            key = repr((base_url, raise_server_exceptions, sorted(overrides.items())))
            if key not in made:
                if isinstance(overrides.get("seed"), dict):
                    seed = tmp_path_factory.mktemp("seed") / "fixture.yaml"
                    seed.write_text(yaml.safe_dump(overrides["seed"]))
                    overrides["seed"] = str(seed)
                made[key] = stack.enter_context(
                    TestClient(
                        create_app(make_settings(**overrides)),
                        base_url=base_url,
                        raise_server_exceptions=raise_server_exceptions,
                    )
                )
            return made[key]

        yield app


@pytest.fixture
def app(app_for: AppFor, request: pytest.FixtureRequest) -> TestClient:
    """The run's app of the default settings, as the last test left it; a test or module
    parametrizes it indirectly with overrides of app_for:
    `@pytest.mark.parametrize("app", [{"max_body_bytes": 64}], indirect=True)`."""
    return app_for(**getattr(request, "param", {}))


Reset = Callable[..., TestClient]


@pytest.fixture
def reset(app: TestClient) -> Reset:
    """reset(now=None, seed=None, client=app): the client's app as new (POST /_admin/reset
    wipes the store: users, sessions, tokens, counters, clock, faults, journal), without
    cookies; its clock then frozen at `now` (a datetime or ISO text), then `seed` loaded.
    The clock is frozen before seeding, so that what the seed dates (Okta's passwordChanged)
    is `now` too."""

    def reset_app(
        now: datetime | str | None = None, seed: dict | None = None, client: TestClient = app
    ) -> TestClient:
        client.cookies.clear()
        assert client.post("/_admin/reset", headers=ADMIN).status_code == 204
        if now is not None:
            when = now.isoformat() if isinstance(now, datetime) else now
            frozen = client.put("/_admin/clock", json={"now": when, "frozen": True})
            assert frozen.status_code == 200, frozen.text
        if seed is not None:
            seeded = client.post("/_admin/seed", json=seed)
            assert seeded.status_code == 200, seeded.text
        return client

    return reset_app


@pytest.fixture
def client(reset: Reset) -> TestClient:
    """The run's app as new: nothing seeded, its clock on real time."""
    return reset()


@pytest.fixture
def seeded(reset: Reset) -> TestClient:
    """The run's app as new, its Vestiaire with DEMO_USER."""
    return reset(seed={"vestiaire": {"users": [DEMO_USER]}})


def preflight(
    client: TestClient, path: str, origin: str, method: str, requested: str
) -> httpx.Response:
    """A browser's preflight of a `method` request from `origin` with the `requested`
    headers."""
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": requested,
    }
    return client.options(path, headers=headers)


def assert_no_cors(response: httpx.Response) -> None:
    assert not [name for name in response.headers if name.startswith("access-control-")]


def plain_client(**options: Any) -> httpx.Client:
    """An HTTP client for Sessims on plain http://, without the certificate bundle: loading
    it costs 30 ms of CPU, which `httpx.get` pays on every call."""
    return httpx.Client(verify=False, **options)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain_client for the test's calls to real servers (by full URL)."""
    with plain_client() as client:
        yield client


def sessim_in_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """`sessim ARGV` run by its main() in this process, as the command would end: what it
    printed, and its exit status (a SystemExit's message on stderr and status 1, as Python
    does). For a test of what a command says, not of its process: a real one costs a
    process start."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(argv))
            status = 0
        except SystemExit as exit:
            status = exit_status(exit.code)
    return subprocess.CompletedProcess(["sessim", *argv], status, out.getvalue(), err.getvalue())


def exit_status(code: object) -> int:
    """The status a process ends with on SystemExit(code), writing a message code to stderr."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sessim_command(port: int, store: str, *args: str) -> list[str]:
    """`sessim serve` on this port and store URL, with cheap argon2id. The store is required:
    the default would be var/sessim.db in the checkout."""
    return [
        str(Path(sys.executable).parent / "sessim"), "serve", "--port", str(port),
        "--store", store, "--argon2-time-cost", "1", "--argon2-memory-kib", "8", *args,
    ]  # fmt: skip


def start_sessim(store: str, *args: str, **popen: Any) -> tuple[subprocess.Popen[bytes], str]:
    """`sessim serve` on this store URL and a free port, not waited for: the process (for a
    test that kills it itself) and its base URL. Its stderr is dropped unless popen says."""
    port = free_port()
    command = sessim_command(port, store, *args)
    server = subprocess.Popen(command, cwd=ROOT, **{"stderr": subprocess.DEVNULL, **popen})
    return server, f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def logged_servers(
    store: str, count: int, *args: str, **popen: Any
) -> Iterator[tuple[list[tuple[str, subprocess.Popen[bytes]]], IO[bytes]]]:
    """`count` processes of `sessim serve` on this store URL, each on a free port, their
    stderr in one temporary file: their base URLs and processes, and the log. All are
    started before any is waited for, so that start-ups overlap; one that never answers
    fails the test with its log's end. Stopped (SIGTERM) after."""
    servers: list[tuple[str, subprocess.Popen[bytes]]] = []
    with tempfile.TemporaryFile() as log:
        try:
            for _ in range(count):
                server, base = start_sessim(store, *args, stderr=log, **popen)
                servers.append((base, server))
            for base, server in servers:
                wait_until_listening(base, server, log)
            yield servers, log
        finally:
            for _base, server in servers:
                server.terminate()
            for _base, server in servers:
                server.wait(timeout=10)


@contextlib.contextmanager
def sessim_servers(
    store: str, count: int, *args: str
) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """logged_servers' base URLs and processes."""
    with logged_servers(store, count, *args) as (servers, _log):
        yield servers


@contextlib.contextmanager
def logged_sessim(
    store: str, *args: str, **popen: Any
) -> Iterator[tuple[str, subprocess.Popen[bytes], IO[bytes]]]:
    """One of logged_servers: its base URL, process and log."""
    with logged_servers(store, 1, *args, **popen) as ([(base, server)], log):
        yield base, server, log


@contextlib.contextmanager
def sessim_processes(store: str, count: int, *args: str) -> Iterator[list[str]]:
    """sessim_servers' base URLs."""
    with sessim_servers(store, count, *args) as servers:
        yield [base for base, _server in servers]


@contextlib.contextmanager
def sessim_process(store: str, *args: str) -> Iterator[str]:
    """One `sessim serve` process (see sessim_processes); yields its base URL."""
    with sessim_processes(store, 1, *args) as (base,):
        yield base


def worker_pids(parent: int) -> list[int]:
    """The uvicorn workers a `sessim serve --workers N` started (not multiprocessing's
    resource tracker, its other child)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [
        int(pid)
        for pid in children
        if b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def wait_until_listening(
    base: str, server: subprocess.Popen[bytes] | None = None, log: IO[bytes] | None = None
) -> None:
    """Until the `sessim serve` at base answers; a test fails with the log's end (when one
    is given) if the process exits or never answers."""
    with plain_client() as http:
        for _ in range(1200):
            if server is not None and server.poll() is not None:
                break
            try:
                http.get(f"{base}/_admin/health")
                return
            except httpx.TransportError:
                time.sleep(0.025)  # waiting for the process to listen, not measuring behaviour
    tail = ""
    if log is not None:
        log.seek(0)
        tail = log.read()[-3000:].decode(errors="replace")
    status = server.poll() if server is not None else None
    pytest.fail(f"sessim at {base} did not start (exit {status}):\n{tail}")


def race_threads(count: int, racer: Callable[[int, threading.Barrier], T]) -> list[T]:
    """racer(index, start) in `count` threads of its own; each gets ready, then calls
    start.wait(), which releases them all at one moment. Their results, in index order;
    any racer's error fails the race once all have finished."""
    start = threading.Barrier(count, timeout=30)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            results[index] = racer(index, start)
        except BaseException as error:
            start.abort()  # the others must not wait for a racer that will never come
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def race_requests(
    clients: Sequence[httpx.Client], send: Callable[[httpx.Client], httpx.Response]
) -> list[httpx.Response]:
    """send(client) for every client, each in a thread of its own, all at one moment."""

    def racer(index: int, start: threading.Barrier) -> httpx.Response:
        start.wait()
        return send(clients[index])

    return race_threads(len(clients), racer)


# Rounds of a race between processes: a round interleaves the racers only now and then.
RACE_ROUNDS = 20


@pytest.fixture(scope="session")
def sqlite_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Four `sessim serve` processes on one SQLite file, started once for the run (for each
    xdist worker): their base URLs. Through `shared_processes`, each test gets them wiped.
    Two count rate limits in chunks and two each request (--rate-counts), in turn: the
    races at a quota's end hold for both ways and for the two side by side."""
    store = f"sqlite:///{tmp_path_factory.mktemp('shared')}/shared.db"
    with (
        sessim_processes(store, 2, "--rate-counts", "chunks") as chunks,
        sessim_processes(store, 2, "--rate-counts", "each") as each,
    ):
        yield [chunks[0], each[0], chunks[1], each[1]]


@pytest.fixture
def shared_processes(sqlite_processes: list[str]) -> list[str]:
    """The run's four processes on one SQLite file, as new: the store wiped (users,
    sessions, counters, clock, faults, journal), which each of them sees on its next
    request (the store's generation). For tests of processes sharing a store, not of a
    process's start."""
    with plain_client() as http:
        assert http.post(f"{sqlite_processes[0]}/_admin/reset", headers=ADMIN).status_code == 204
    return sqlite_processes


@pytest.fixture(scope="session")
def redis_processes(redis_url: str) -> Iterator[list[str]]:
    """Two `sessim serve` processes on the run's Redis, started once for the run (for each
    xdist worker): their base URLs. Each test that takes them resets the store first."""
    with sessim_processes(redis_url, 2) as bases:
        yield bases


@pytest.fixture
def racers(shared_processes: list[str]) -> Iterator[list[httpx.Client]]:
    """Twenty HTTP clients spread over the four processes of shared_processes, each already
    connected: the racers of race_requests. Their requests run truly in parallel, unlike
    one event loop's, which takes them one after another."""
    with contextlib.ExitStack() as stack:
        clients = [
            stack.enter_context(plain_client(base_url=shared_processes[index % 4]))
            for index in range(20)
        ]
        for client in clients:
            client.get("/_admin/health")  # the connection is open before any race
        yield clients


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """A real Sessim in this process (sessim.running(), uvicorn as `sessim serve` runs it)
    on a SQLite store, its answers checked against the specs; yields its base URL."""
    store = f"sqlite:///{tmp_path}/live.db"
    with running(store=store, validate_responses=True) as server:
        yield server.url


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium (tests/browser.py), quit after the test."""
    from tests.browser import chromium  # selenium loads only where a test drives a browser

    session = chromium()
    try:
        yield session
    finally:
        session.quit()
