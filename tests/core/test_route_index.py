"""A router with RouteIndex picks what Starlette's own loop picks: the first full match, else
the first route taking another method (405), else a slash redirect, else the default."""

from __future__ import annotations

import asyncio

import pytest
from sessim.core.web.operations import RouteIndex
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, Router
from starlette.types import Message, Receive, Scope, Send


class Answer:
    """An ASGI app answering its text and the path parameters it was routed with."""

    def __init__(self, text: str) -> None:
        self.text = text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = f"{self.text} {scope.get('path_params')} {scope.get('root_path')}"
        await PlainTextResponse(answer)(scope, receive, send)


def _router(indexed: bool) -> Router:
    inner = Router(
        routes=[
            Route("/users/{id}", Answer("user"), methods=["POST"]),
            Route("/sessions/me", Answer("me"), methods=["GET"]),
            Route("/sessions/{id}", Answer("session"), methods=["GET"]),
            Route("/users/{id}", Answer("user"), methods=["GET"]),
        ],
        default=Answer("inner default"),
    )
    outer = Router(
        routes=[Mount("/api", app=inner), Mount("/api/v2", app=Answer("v2"))],
        default=Answer("outer default"),
    )
    if indexed:
        for router in (inner, outer):
            router.middleware_stack = RouteIndex(router)
    return outer


def _call(router: Router, method: str, path: str) -> tuple[int, dict, bytes]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"example.test")],
        "scheme": "http",
        "server": ("example.test", 80),
    }
    asyncio.run(router(scope, receive, send))
    return sent[0]["status"], dict(sent[0]["headers"]), sent[1]["body"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/sessions/me"),  # the literal route before the parameter one
        ("GET", "/api/sessions/abc"),
        ("GET", "/api/users/7"),  # after a route of the same path taking POST
        ("DELETE", "/api/users/7"),  # 405 from the first route of that path
        ("GET", "/api/sessions/abc/"),  # a slash to redirect
        ("GET", "/api/sessions/a\nb"),  # a parameter stops at a line feed: no route
        ("GET", "/api/v2/x"),  # the first mount matches it and has no route for it
        ("GET", "/apix/sessions/me"),
        ("GET", "/elsewhere"),
    ],
)
def test_an_indexed_router_answers_as_starlettes(method: str, path: str) -> None:
    assert _call(_router(True), method, path) == _call(_router(False), method, path)


def test_the_index_follows_routes_added_later() -> None:
    router = _router(True)
    router.routes.insert(0, Mount("/api/sessions", app=Answer("added")))
    assert _call(router, "GET", "/api/sessions/me")[2] == b"added {} /api/sessions"
