"""What the journal's ASGI layer saw of one request and its answer, before the entry is
built: the capture makes it, the ring queues it, the entries builder reads it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...web.api import Api

# Bytes of each body kept for redaction; a larger body is redacted by pattern and cut.
KEEP = 65_536


@dataclass
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
