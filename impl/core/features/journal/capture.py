"""The ASGI layer that watches each request and its answer, outside everything else, and
hands the journal what it saw: a few references and counters on the request's path; the
entry (redaction, error code, near misses) is built later, off it.

The exchange is recorded when the answer's last body message is about to be sent, so that a
client that has its answer and then reads the journal of this process finds it there; with
journal_sync "answered", the first such message of a worker that was idle waits for its
marker's write, so that a read through any worker finds it (ring.py, presence.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...kit.context import pinned
from ...kit.instants import real_time
from ...web.api import Api
from .exchange import Captured, Exchange
from .ring import Journal

# What owns a request, as the app knows once it has answered: its API (None when none owns
# the path) and operationId (None when no operation was meant); given the scope and the path
# as it arrived (the layers inside may rewrite the scope's).
Describe = Callable[[Scope, str], tuple[Api | None, str | None]]


class Recorder:
    def __init__(self, app: ASGIApp, journal: Journal, describe: Describe) -> None:
        self.app = app
        self.journal = journal
        self.describe = describe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, wall = time.perf_counter(), real_time()
        path = scope["path"]
        request, response = Captured(scope.get("headers", [])), Captured()
        status = 500  # what uvicorn answers for an app that fails before answering
        at: float | None = None
        recorded = False

        def record() -> asyncio.Future[None] | None:
            nonlocal recorded
            recorded = True
            api, operation_id = self.describe(scope, path)
            if api is not None and operation_id in api.unjournaled:
                return None
            latency = time.perf_counter() - started
            method, query = scope["method"], scope.get("query_string", b"")
            return self.journal.record(
                Exchange(
                    api,
                    operation_id,
                    method,
                    path,
                    query,
                    wall,
                    at,
                    status,
                    latency,
                    request,
                    response,
                )
            )

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request.add(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            nonlocal status, at
            if message["type"] == "http.response.start":
                status, response.headers = message["status"], message.get("headers", [])
                view = pinned()
                at = None if view is None else view.instant
            elif message["type"] == "http.response.body":
                response.add(message.get("body", b""))
                if not message.get("more_body", False):
                    written = record()
                    if written is not None:
                        # shielded: a request cancelled meanwhile must not cancel the
                        # batch's other answers
                        await asyncio.shield(written)
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            if not recorded:
                record()
