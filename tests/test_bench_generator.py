"""bench/get_session.py's open-loop generator on its own, against a server of this test."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("get_session", ROOT / "bench" / "get_session.py")
assert SPEC is not None and SPEC.loader is not None
get_session = sys.modules["get_session"] = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(get_session)

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
REQUEST = b"GET / HTTP/1.1\r\nHost: sessim\r\n\r\n"


def test_a_connection_the_server_closes_is_counted_failed_and_opened_again() -> None:
    """A server that answers one request a connection, then closes it: the run still ends
    (it waited forever for the lost request before), each lost request counted as status 0."""

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(ANSWER)
        await writer.drain()
        writer.close()

    async def scenario() -> list[int]:
        server = await asyncio.start_server(answer_once, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            run = await asyncio.wait_for(get_session.fixed_rate(port, [REQUEST], 100, 1), 20)
        return [status for *_, status in run.seen]

    statuses = asyncio.run(scenario())
    assert len(statuses) == 100 and set(statuses) == {0, 200}
    assert statuses.count(200) >= statuses.count(0)  # one answer for each connection opened
