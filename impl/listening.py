"""uvicorn's workers, each listening on a socket of its own (Linux's SO_REUSEPORT).

uvicorn's supervisor binds one socket and hands it to every worker: they accept from one
queue, and the worker awake first takes every connection then queued, so a few keep-alive
clients opened at once (a load generator's) may all land on one worker. Here each worker
binds a socket of its own to the same address, with SO_REUSEPORT, and the kernel hands each
new connection to one of them by a hash of its addresses.

The supervisor stays uvicorn's (health checks, a dead worker restarted, SIGHUP, SIGTTIN and
SIGTTOU, graceful shutdown); what changes is the socket its workers are given: the parent's
reservation of the address, which arrives in a worker as a new socket bound there.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess

logger = logging.getLogger("uvicorn.error")

# Elsewhere SO_REUSEPORT either does not exist or does not spread connections (BSD and macOS
# give them all to one socket).
SUPPORTED = sys.platform == "linux"


class Reservation(socket.socket):
    """A socket bound to the address and never listening: it keeps the address from anyone
    but this user's SO_REUSEPORT sockets (the workers'), and gets no connections, which
    only listening sockets do. Pickled for a worker, it arrives there as the worker's own
    socket bound to the same address, which the worker's server makes listen."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        # multiprocessing would send a duplicate of this socket (its reducer is registered
        # for socket.socket itself, not for subclasses): the workers would share it again.
        return (bind_beside, (self.family, self.getsockname()))


def run(config: Config) -> None:
    """uvicorn.run's path for `workers > 1`, each worker on its own listening socket: the
    address proved free and reserved first, by uvicorn's bind (its error and exit on a port
    in use, its "Uvicorn running on" line), then the supervisor's run."""
    with reserve(config) as reservation:
        Multiprocess(config, sockets=[reservation]).run()


def reserve(config: Config) -> Reservation:
    """The address bound as uvicorn binds it, which fails while anything listens there (or
    holds it without SO_REUSEADDR); then open to SO_REUSEPORT sockets of this user only.
    SO_REUSEADDR goes, as the workers do not need it on this socket: another server's bind
    with SO_REUSEADDR would otherwise succeed beside it before the workers listen."""
    sock = config.bind_socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
    return Reservation(sock.family, sock.type, sock.proto, fileno=sock.detach())


def bind_beside(family: socket.AddressFamily, address: tuple[Any, ...]) -> socket.socket:
    """In a worker: a socket of its own bound to the reserved address (the port chosen, where
    the config asked for 0), which uvicorn's Server makes listen."""
    sock = socket.socket(family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT connections
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError as error:
        # As uvicorn's bind fails; the supervisor stops on this status, not restarting.
        logger.error(error)
        sys.exit(STARTUP_FAILURE)
    return sock
