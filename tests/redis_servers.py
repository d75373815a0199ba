"""redis-server processes for the tests: one server, or a three-node Redis Cluster, on
loopback ports 16400-16499, started once per test session and stopped after it; and
durable servers (AOF) on ports 16500-16599 that a test kills and restarts itself. Under
pytest-xdist each worker takes its own share of both ranges, so that two workers never
pick the same port between one's probe and its server's bind.

`make test` installs redis-server where it is missing; where it is still missing, every
test that needs it fails saying so (never skipped).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def worker_share(ports: range) -> range:
    """This pytest-xdist worker's ports of the range (every n-th, from its index); all of
    them outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")  # set by xdist in its workers
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return ports[int(worker.removeprefix("gw")) :: count]


PORTS = worker_share(range(16400, 16500))
# For the servers a test owns, kills and restarts (tests/test_redis_durability.py).
DURABLE_PORTS = worker_share(range(16500, 16600))
MISSING = (
    "redis-server is not installed, so the Redis store cannot be tested: `make test` installs "
    "it with `apt-get install -y redis-server`; run that (as root) and test again"
)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(MISSING.replace("redis-server is", f"{name} is"), pytrace=False)
    return found


def free_ports(count: int, ports: range = PORTS) -> list[int]:
    """count ports of `ports` that nothing listens on now."""
    found: list[int] = []
    for port in random.sample(ports, len(ports)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} free ports in {ports}")


def _command(port: int, *args: str) -> str:
    """One Redis command over a socket; the first line of its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        request = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
        connection.sendall(request.encode())
        return connection.recv(65536).decode()


def _wait_for(check: Callable[[], bool], what: str) -> None:
    for _ in range(400):
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.025)  # waiting for a server to come up, not measuring behaviour
    raise RuntimeError(f"timed out waiting for {what}")


@contextlib.contextmanager
def redis_servers(
    ports: list[int], workdir: Path, options: Callable[[int], list[str]] = lambda port: []
) -> Iterator[None]:
    """redis-server on each port with options(port), without persistence, each in a folder
    of its own; all start before any is waited for."""
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            servers.append(start_redis(port, workdir / str(port), *options(port)))
        for port in ports:
            wait_for_redis(port)
        yield
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


def start_redis(port: int, folder: Path, *options: str) -> subprocess.Popen[bytes]:
    """redis-server on port with its files in folder, without persistence unless options
    ask for it; not waited for (see wait_for_redis)."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        _binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
        "--dir", str(folder), "--save", "", "--appendonly", "no", *options,
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def wait_for_redis(port: int) -> None:
    """Until the server on port answers PING (a restarted one answers LOADING until it has
    read its AOF back)."""
    _wait_for(lambda: _command(port, "PING").startswith("+PONG"), f"redis-server on {port}")


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """One redis-server; yields its store URL."""
    (port,) = free_ports(1)
    with redis_servers([port], workdir):
        yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def redis_cluster(workdir: Path, nodes: int = 3) -> Iterator[str]:
    """A Redis Cluster of `nodes` primaries and no replicas; yields its store URL. Each
    node's cluster bus port is chosen too (by default it is the port + 10000), so that all
    stay within PORTS."""
    ports = free_ports(2 * nodes)
    bus = dict(zip(ports[:nodes], ports[nodes:], strict=True))

    def options(port: int) -> list[str]:
        return ["--cluster-enabled", "yes", "--cluster-port", str(bus[port])]

    with redis_servers(list(bus), workdir, options):
        create = [_binary("redis-cli"), "--cluster", "create"]
        create += [f"127.0.0.1:{port}" for port in bus]
        create += ["--cluster-replicas", "0", "--cluster-yes"]
        subprocess.run(create, check=True, capture_output=True, timeout=60)
        for port in bus:
            _wait_for(
                lambda port=port: "cluster_state:ok" in _command(port, "CLUSTER", "INFO"),
                f"cluster node {port}",
            )
        yield f"redis+cluster://127.0.0.1:{next(iter(bus))}"
