"""Request bodies bounded in size before they are read whole.

BodyLimit sits inside connexion's exception handling, so its PayloadTooLarge reaches the
app's one error handler and is rendered in the format of the API that owns the path.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kit.errors import InvalidInput, PayloadTooLarge

DIGITS = re.compile(r"[0-9]{1,20}")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, chunked = _framing(scope["headers"])
        if length is None and not chunked:
            # HTTP/1.1 gives a request without either header no body (RFC 9112, 6.3).
            await self.app(scope, receive, send)
            return
        if length is None:
            # Chunked: read it here, counting, so that the layers below see a length.
            scope, receive = await self._buffered(scope, receive)
        elif not DIGITS.fullmatch(length):
            raise InvalidInput("The Content-Length header is not a number.")
        elif int(length) > self.max_bytes:
            raise self._too_large()  # before a byte of the body is read
        await self.app(scope, self._counted(receive), send)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The request body is larger than {self.max_bytes} bytes.")

    def _counted(self, receive: Receive) -> Receive:
        """`receive`, refusing once the body it has passed on is over the limit."""
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise self._too_large()
            return message

        return counted

    async def _buffered(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
        counted = self._counted(receive)
        chunks = []
        while True:
            message = await counted()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks)
        if not body:
            return scope, _replay(message, receive)
        scope = {**scope, "headers": list(scope["headers"])}
        headers = MutableHeaders(scope=scope)
        del headers["transfer-encoding"]
        headers["content-length"] = str(len(body))
        return scope, _replay({"type": "http.request", "body": body}, receive)


def _framing(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """The request's Content-Length (its first, as starlette's Headers reads it) and whether
    it says Transfer-Encoding, in one pass over the headers."""
    length, chunked = None, False
    for name, value in headers:
        if name == b"content-length" and length is None:
            length = value.decode("latin-1")
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def _replay(first: Message, receive: Receive) -> Receive:
    """`receive`, answering `first` before the messages still to come."""
    pending = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
