"""The proxy of `sessim record`: an ASGI app that forwards each request to the upstream with
httpx, whole, and answers with the upstream's answer as it came (redirects not followed,
Set-Cookie and every header kept but the hop-by-hop ones, bodies untouched, compressed ones
too), handing each exchange to `keep` as an Interaction: its URL the upstream's, the
headers as forwarded, the answer's body decoded.

An upstream that does not answer gets the client a 502 with the reason, and is not
recorded: a recording holds the service's answers, and a replay would count the proxy's
own 502 as the service's."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
from starlette.types import Receive, Scope, Send

from .model import HOP_BY_HOP, Interaction, Message

LOG = logging.getLogger("sessim")
TIMEOUT = httpx.Timeout(60.0)

Keep = Callable[[Interaction], Awaitable[None]]


class Proxy:
    """Forwards to `upstream` (scheme, host and any base path), hands exchanges to `keep`."""

    def __init__(self, upstream: str, keep: Keep) -> None:
        self.upstream = httpx.URL(upstream)
        self.keep = keep
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=TIMEOUT, trust_env=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _body(receive)
        url = self._target(scope)
        headers = _forwarded(scope["headers"], url.netloc.decode("ascii"))
        # The real time: a recording dates the service's answers, not an emulated clock's.
        started, clock = datetime.now(UTC), time.perf_counter()
        try:
            answer, raw = await self._forward(scope["method"], url, headers, body)
        except httpx.HTTPError as error:
            LOG.warning("%s %s: the upstream did not answer: %s", scope["method"], url, error)
            await _answer(send, 502, [(b"content-type", b"text/plain; charset=utf-8")],
                          f"sessim record: {url} did not answer: {error}\n".encode())  # fmt: skip
            return
        kept = [
            (n, v) for n, v in answer.headers.raw if n.decode("latin-1").lower() not in HOP_BY_HOP
        ]
        await self.keep(
            Interaction(
                method=scope["method"],
                url=str(url),
                request=Message(tuple(headers), body),
                status=answer.status_code,
                response=Message(_text_pairs(kept), _decoded(answer.headers, raw)),
                started=started,
                elapsed=time.perf_counter() - clock,
                source="sessim record",
            )
        )
        # Recorded before answered: a client that has its answer finds it in the file.
        await _answer(send, answer.status_code, kept, raw)

    def _target(self, scope: Scope) -> httpx.URL:
        """The upstream's URL for the request: its base path, then the request's raw path."""
        path = scope.get("raw_path") or scope["path"].encode()
        base = self.upstream.raw_path.rstrip(b"/")
        query = scope.get("query_string", b"")
        return self.upstream.copy_with(raw_path=base + path + (b"?" + query if query else b""))

    async def _forward(
        self, method: str, url: httpx.URL, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[httpx.Response, bytes]:
        """The upstream's answer, and its body as it came (not decoded)."""
        request = self.client.build_request(method, url, headers=headers, content=body)
        response = await self.client.send(request, stream=True)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return response, raw

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _forwarded(raw: list[tuple[bytes, bytes]], host: str) -> list[tuple[str, str]]:
    """The request's headers as the upstream gets them: Host its own, the hop-by-hop ones
    (and those the Connection header names) left out, the rest as they came."""
    pairs = _text_pairs(raw)
    named = {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }
    dropped = HOP_BY_HOP | named | {"host", "content-length"}
    kept = [(name, value) for name, value in pairs if name.lower() not in dropped]
    return [("host", host), *kept]


def _text_pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in raw)


def _decoded(headers: httpx.Headers, raw: bytes) -> bytes:
    """The body with its Content-Encoding undone (as HAR keeps it); as it came where it
    does not decode."""
    try:
        return httpx.Response(200, headers=headers, content=raw).content
    except httpx.DecodingError:
        return raw


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
