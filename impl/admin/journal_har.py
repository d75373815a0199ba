"""The journal as HAR 1.2 (GET /_admin/journal?format=har): its entries made into
Interactions, then written by recordings.har. The journal has hidden their secrets behind
placeholders and cut their bodies already; an entry says in its comment where a body is
not all there, and marks that body `_truncated` (`sessim replay` compares no answer's body
so marked)."""

from __future__ import annotations

from datetime import datetime

from ..generated.dicts.admin import Har, HarEntry, JournalEntry, JournalMessage
from ..recordings import har
from ..recordings.model import Interaction, Message


def document(entries: list[JournalEntry], scheme: str, host: str, after: str | None) -> Har:
    """A page of the journal (newest first) as HAR, oldest first: each URL `scheme` (the
    journal does not keep one: Sessim serves one per process), the request's Host header
    (else `host`), path and query; `after`, the cursor of the older entries' page."""
    written = har.document(_entry(kept, scheme, host) for kept in reversed(entries))
    if after is not None:
        written["log"]["_next"] = after
    return written


def _entry(kept: JournalEntry, scheme: str, host: str) -> HarEntry:
    request, response = kept["request"], kept["response"]
    query = f"?{kept['query']}" if kept["query"] else ""
    where = request["headers"].get("host", host)
    interaction = Interaction(
        method=kept["method"],
        url=f"{scheme}://{where}{kept['path']}{query}",
        request=_message(request),
        status=kept["status"],
        response=_message(response),
        started=datetime.fromisoformat(kept["at"]),
        elapsed=kept["latencyMs"] / 1000,
        source=f"journal#{kept['id']}",
    )
    written = har.entry(interaction, _comment(request, response))
    # The sizes of the whole bodies, where the journal shows part of one.
    written["request"]["bodySize"] = request["size"]
    written["response"]["bodySize"] = written["response"]["content"]["size"] = response["size"]
    if _cut(response):
        written["response"]["content"]["_truncated"] = True
    if _cut(request) and "postData" in written["request"]:
        written["request"]["postData"]["_truncated"] = True
    return written


def _message(kept: JournalMessage) -> Message:
    """Headers as sent again (the journal joins a repeated Set-Cookie's values by newlines),
    and the body the journal shows."""
    headers = [
        (name, line)
        for name, value in kept["headers"].items()
        for line in (value.split("\n") if name == "set-cookie" else [value])
    ]
    return Message(tuple(headers), (kept["body"] or "").encode("utf-8"))


def _comment(request: JournalMessage, response: JournalMessage) -> str:
    cut = [
        f"the {side}'s body cut to what the journal keeps, of {kept['size']} bytes"
        for side, kept in (("request", request), ("response", response))
        if _cut(kept)
    ]
    return "; ".join(cut)


def _cut(kept: JournalMessage) -> bool:
    """Whether the journal shows part of the body, or none of one that was there."""
    return kept["truncated"] or (kept["body"] is None and kept["size"] > 0)
