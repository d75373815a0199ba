"""One recorded call and its answer, whatever recorded it (a browser's HAR, mitmproxy,
Charles, vcrpy, `sessim record`, Sessim's journal): what the readers make, the writers take
and the replay compares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Message:
    """A request's or an answer's headers, in their order and case as recorded, and body
    (empty for none; text bodies as their UTF-8 bytes)."""

    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of the header `name` (any case), if any."""
        return next(iter(self.headers_named(name)), None)

    def headers_named(self, name: str) -> list[str]:
        """Every value of the header `name` (any case), in order (Set-Cookie comes many)."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


@dataclass(frozen=True)
class Interaction:
    """A request as it was sent and the answer it got."""

    method: str  # upper case
    url: str  # absolute, as recorded: scheme, host, path and query
    request: Message
    status: int
    response: Message
    # When the request was sent (HAR's startedDateTime; else the answer's Date header),
    # aware; None where the recording does not say.
    started: datetime | None
    # Seconds from the request to the answer's end, where recorded (HAR's time).
    elapsed: float | None
    # Where it was read, for reports: "recording.har#3" (its place among the file's, from 1).
    source: str
