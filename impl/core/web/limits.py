"""Request bodies bounded in size before they are read whole.

BodyLimit sits inside connexion's exception handling, so its PayloadTooLarge reaches the
app's one error handler and is rendered in the format of the API that owns the path.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers, MutableHeaders
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
        length = Headers(scope=scope).get("content-length")
        if length is None:
            # Chunked (or no body): read it here, counting, so the layers below see a length.
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


def _replay(first: Message, receive: Receive) -> Receive:
    """`receive`, answering `first` before the messages still to come."""
    pending = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
