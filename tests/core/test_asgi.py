"""Headers and cookies recorded for every answer to a request, written on the answer."""

from __future__ import annotations

import asyncio

from sessim.core.web.asgi import set_response_cookies, set_response_headers, with_response_headers
from starlette.types import Message


def _start(scope: dict, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    start = {"type": "http.response.start", "status": 200, "headers": headers}
    asyncio.run(with_response_headers(scope, send)(start))
    return sent[0]["headers"]


def test_each_recorded_cookie_is_one_set_cookie_header_replacing_its_name() -> None:
    scope: dict = {}
    set_response_cookies(scope, {})  # as Front does, so that copies of the scope share it
    inner = dict(scope)  # a copy, as connexion makes
    set_response_cookies(inner, {"a": "a=1", "b": "b=2"})
    set_response_cookies(inner, {"b": "b=3; Secure"})  # replaces b and goes first
    set_response_headers(scope, {"X-Id": "7"})
    handler = [(b"set-cookie", b"a=old"), (b"set-cookie", b"c=kept"), (b"x-id", b"old")]
    assert _start(scope, handler) == [
        (b"set-cookie", b"c=kept"),
        (b"x-id", b"7"),
        (b"set-cookie", b"b=3; Secure"),
        (b"set-cookie", b"a=1"),
    ]


def test_writing_twice_keeps_one_header_per_cookie() -> None:
    scope: dict = {}
    set_response_cookies(scope, {"sid": 'sid="";Max-Age=0'})
    once = _start(scope, [])
    assert _start(scope, once) == [(b"set-cookie", b'sid="";Max-Age=0')]
