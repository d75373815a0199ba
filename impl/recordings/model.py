"""One recorded call and its answer, whatever recorded it (a browser's HAR, mitmproxy,
Charles, vcrpy, `sessim record`, Sessim's journal): what the readers make, the writers take
and the replay compares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

# RFC 9110 7.6.1 and its forerunners: the headers of one connection, not of the exchange.
HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    )
)


def http_date(text: str | None) -> datetime | None:
    """An HTTP date (Date, Expires; a cookie's Expires with dashes too: Thu, 01-Jan-1970
    00:00:10 GMT), aware; None for anything else."""
    if not text:
        return None
    try:
        instant = parsedate_to_datetime(text.replace("-", " "))
    except (TypeError, ValueError):
        return None
    return instant if instant.tzinfo else None


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

    def media_type(self) -> str | None:
        """The Content-Type without its parameters, in lower case."""
        value = self.header("Content-Type")
        return None if value is None else value.split(";")[0].strip().lower()

    def date(self) -> datetime | None:
        """The instant the Date header gives, if it gives a valid one."""
        return http_date(self.header("Date"))


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
