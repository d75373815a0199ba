"""What the journal's ASGI layer saw of one request and its answer, before the entry is
built: the capture makes it, the ring queues it, the entries builder reads it."""

from __future__ import annotations

import marshal
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ...web.api import Api

# Bytes of each body kept for redaction; a larger body is redacted by pattern and cut.
KEEP = 65_536


@dataclass(slots=True)
class Captured:
    """One side of an exchange: its headers and the start of its body."""

    headers: Sequence[tuple[bytes, bytes]] = ()
    kept: bytearray = field(default_factory=bytearray)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = KEEP - len(self.kept)
        if room > 0 and chunk:
            self.kept += chunk[:room]


@dataclass
class Exchange:
    api: Api | None
    operation_id: str | None
    method: str
    path: str
    query: bytes
    wall: float  # real epoch seconds when the request arrived
    at: float | None  # the request's pinned instant on the shared clock (None: none pinned)
    status: int
    latency: float  # seconds from the request's arrival to its answer's last byte
    request: Captured
    response: Captured


# Exchange's fields between its API and its two sides, in the dataclass's order.
PLAIN = ("operation_id", "method", "path", "query", "wall", "at", "status", "latency")
_plain = operator.attrgetter(*PLAIN)  # their values as a tuple, read at C speed


def pack(exchange: Exchange) -> bytes:
    """The exchange as bytes (its API by name), as the memory store's journal holds it until
    a read: held as objects, a ring's worth of exchanges and their headers were survivors
    that the garbage collector's young collections walked, 2 to 7 ms at a time at half the
    peak; bytes are nothing to it (nor to free)."""
    api, request, response = exchange.api, exchange.request, exchange.response
    return marshal.dumps(
        (
            None if api is None else api.name,
            _plain(exchange),
            (
                (tuple(request.headers), bytes(request.kept), request.size),
                (tuple(response.headers), bytes(response.kept), response.size),
            ),
        )
    )


def unpack(packed: bytes, apis: Mapping[str, Api]) -> Exchange:
    """The exchange `pack` made, its API found by name in `apis`."""
    api, plain, sides = marshal.loads(packed)
    request, response = (Captured(headers, bytearray(kept), size) for headers, kept, size in sides)
    found = None if api is None else apis[api]
    return Exchange(
        api=found, request=request, response=response, **dict(zip(PLAIN, plain, strict=True))
    )
