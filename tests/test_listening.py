"""`sessim serve --workers N` on Linux: each worker listens on a socket of its own
(impl/listening.py), so that the kernel spreads new connections over the workers; the
address reserved by the parent, which never listens and keeps other servers off the port."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import IO

import pytest
import uvicorn
from sessim.listening import Reservation, reserve

from tests.conftest import ROOT, free_port, logged_sessim, sessim_command, worker_pids

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT spreads on Linux")

# Each connection a load generator's: all opened before the first asks anything.
CONNECTIONS = 40
# Fewer than this many of 40 connections on either of two workers, where the kernel hashes
# each to either alike: a chance of 1.4e-6.
FAIR_SHARE = 6
LISTEN, ESTABLISHED = "0A", "01"  # states in /proc/net/tcp


def tcp_sockets(port: int, state: str) -> set[int]:
    """The inodes of the TCP sockets (IPv4 and IPv6) on this local port in this state."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(int(fields[9]))
    return inodes


def socket_inodes(pid: int) -> set[int]:
    """The inodes of the sockets a process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed meanwhile
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def held(port: int, state: str, pids: list[int]) -> list[int]:
    """How many of the TCP sockets on the port in this state each process holds."""
    sockets = tcp_sockets(port, state)
    return [len(socket_inodes(pid) & sockets) for pid in pids]


@contextlib.contextmanager
def connections(port: int) -> Iterator[None]:
    """CONNECTIONS connections to the port, all opened at once, then each answered once and
    kept open (keep-alive) while the caller looks at which worker holds it."""
    request = f"GET /_admin/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    with contextlib.ExitStack() as stack:
        opened = [
            stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            for _ in range(CONNECTIONS)
        ]
        for connection in opened:
            connection.sendall(request)
        for connection in opened:
            assert connection.recv(65536).startswith(b"HTTP/1.1 200 ")
        yield


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def started_workers(log: IO[bytes]) -> int:
    """How many workers have finished starting, by the server's log (read without moving
    the offset the server writes at)."""
    return os.pread(log.fileno(), os.fstat(log.fileno()).st_size, 0).count(
        b"Application startup complete."
    )


def wait_for(condition: str, check: Callable[[], bool]) -> None:
    """Until check() is true, for up to 30 s."""
    for _ in range(600):
        if check():
            return
        time.sleep(0.05)  # waiting for the supervisor, not measuring
    pytest.fail(f"never: {condition}")


def start_on(port: int, store: str) -> subprocess.CompletedProcess[str]:
    """`sessim serve --workers 2` on a port in use, which stops at start; one that serves
    instead is stopped after 30 s (SIGTERM, which its workers follow; a SIGKILL would leave
    them serving)."""
    command = sessim_command(port, store, "--workers", "2")
    with subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) as server:
        try:
            _, stderr = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.terminate()
            _, stderr = server.communicate()
    return subprocess.CompletedProcess(command, server.returncode, None, stderr)


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """One `sessim serve --workers 2` for the module's tests that leave it as it was: its
    port and its parent's pid."""
    store = f"sqlite:///{tmp_path_factory.mktemp('listening')}/s.db"
    with logged_sessim(store, "--workers", "2") as (base, parent, log):
        wait_for("both workers started", lambda: started_workers(log) == 2)
        yield port_of(base), parent.pid


@pytest.mark.slow
def test_each_worker_listens_on_a_socket_of_its_own_and_the_parent_on_none(
    two_workers: tuple[int, int],
) -> None:
    port, parent = two_workers
    workers = worker_pids(parent)
    assert held(port, LISTEN, workers) == [1, 1]
    # Connections queued on a listening socket in the parent would wait for no one.
    assert held(port, LISTEN, [parent]) == [0]
    assert len(tcp_sockets(port, LISTEN)) == 2


@pytest.mark.slow
def test_connections_opened_at_once_reach_both_workers(two_workers: tuple[int, int]) -> None:
    """On one shared socket the worker awake first accepted every connection then queued:
    40 at once split 3/37, 4/36 and 5/35 in three tries of nine."""
    port, parent = two_workers
    workers = worker_pids(parent)
    with connections(port):
        split = held(port, ESTABLISHED, workers)
    assert sum(split) == CONNECTIONS
    assert min(split) >= FAIR_SHARE, f"connections by worker: {split}"


@pytest.mark.slow
def test_a_port_another_sessim_serves_stops_the_start(
    two_workers: tuple[int, int], tmp_path: Path
) -> None:
    """Its workers' sockets carry SO_REUSEPORT too, but the second server's first bind has
    none: it fails, as uvicorn's does, rather than sharing the port."""
    port, parent = two_workers
    refused = start_on(port, f"sqlite:///{tmp_path}/other.db")
    assert refused.returncode == uvicorn.config.STARTUP_FAILURE
    assert "[Errno 98] Address already in use" in refused.stderr
    assert held(port, LISTEN, worker_pids(parent)) == [1, 1]
    assert len(tcp_sockets(port, LISTEN)) == 2


@pytest.mark.slow
@pytest.mark.parametrize("holder", ["listener", "reservation"])
def test_a_port_in_use_stops_the_start(holder: str, tmp_path: Path) -> None:
    """A plain listener, or another server's reservation before its workers listen (which
    SO_REUSEADDR alone would let a second bind join)."""
    port = free_port()
    if holder == "listener":
        taken = socket.create_server(("127.0.0.1", port))
    else:
        taken = reserve(uvicorn.Config("sessim.app:app_from_environment", port=port))
    with taken:
        refused = start_on(port, f"sqlite:///{tmp_path}/s.db")
    assert refused.returncode == uvicorn.config.STARTUP_FAILURE
    assert "[Errno 98] Address already in use" in refused.stderr


@pytest.mark.slow
def test_a_killed_worker_is_replaced_by_one_on_its_own_socket(tmp_path: Path) -> None:
    """Meanwhile the other worker takes every new connection; then the new worker its share."""
    with logged_sessim(f"sqlite:///{tmp_path}/s.db", "--workers", "2") as (base, parent, log):
        wait_for("both workers started", lambda: started_workers(log) == 2)
        port = port_of(base)
        killed, kept = worker_pids(parent.pid)
        os.kill(killed, signal.SIGKILL)
        wait_for("one listening socket", lambda: len(tcp_sockets(port, LISTEN)) == 1)
        with connections(port):
            assert held(port, ESTABLISHED, [kept]) == [CONNECTIONS]
        wait_for("a new worker listening", lambda: len(tcp_sockets(port, LISTEN)) == 2)
        workers = worker_pids(parent.pid)
        assert killed not in workers and kept in workers
        assert held(port, LISTEN, workers) == [1, 1]
        with connections(port):
            split = held(port, ESTABLISHED, workers)
        assert min(split) >= FAIR_SHARE, f"connections by worker: {split}"


def test_a_reservation_gets_no_connections() -> None:
    """Bound but never listening, it refuses them, even as the only socket on the port."""
    with reserve(uvicorn.Config("sessim.app:app_from_environment", port=0)) as reservation:
        port = reservation.getsockname()[1]
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5)


def test_a_reservation_sent_to_a_worker_arrives_as_a_socket_of_its_own() -> None:
    """As multiprocessing pickles it for a worker; the new socket listens beside any other
    of this user's on the address, and gets the connections."""
    with reserve(uvicorn.Config("sessim.app:app_from_environment", port=0)) as reservation:
        assert isinstance(reservation, Reservation)
        with pickle.loads(ForkingPickler.dumps(reservation)) as worker:
            # Not a duplicate of the reservation (which would share its queue): another socket.
            assert os.fstat(worker.fileno()).st_ino != os.fstat(reservation.fileno()).st_ino
            assert worker.getsockname() == reservation.getsockname()
            assert not isinstance(worker, Reservation)
            worker.listen()
            with socket.create_connection(worker.getsockname(), timeout=5):
                accepted, _ = worker.accept()
                accepted.close()
