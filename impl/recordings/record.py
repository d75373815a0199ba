"""`sessim record --upstream URL --out FILE.har [--redact]`: a local proxy (proxy.py) before
a real service (a sandbox org, a staging instance) that writes every exchange into a HAR 1.2
file as it goes. The file is written anew after each one (a temporary file renamed over
it), so that it is a whole HAR at every moment and Ctrl-C leaves a complete recording.

It listens on 127.0.0.1 unless --host says otherwise: a proxy that holds the user's
credentials is open to no one else unless the user says so."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

from ..generated.dicts.admin import HarEntry
from . import har
from .model import Interaction
from .placeholders import Placeholders

PORT = 8081  # beside `sessim serve`'s 8080


def add_command(commands: argparse._SubParsersAction) -> None:
    """`sessim record`, on the CLI's subcommand list."""
    record = commands.add_parser(
        "record",
        help="record a real service's traffic through a local proxy, as HAR 1.2",
        description="Forward every request to --upstream and write each exchange into --out "
        "(HAR 1.2) as it goes; Ctrl-C stops, leaving a complete file.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    record.add_argument(
        "--upstream", required=True, metavar="URL", help="the service: https://dev-123.okta.com"
    )
    record.add_argument("--out", required=True, metavar="FILE", help="the HAR file to write")
    record.add_argument(
        "--redact",
        action="store_true",
        help="replace passwords, tokens, client secrets, Authorization credentials and cookie "
        "values with placeholders, the same secret by the same one throughout the file",
    )
    record.add_argument("--port", type=int, default=PORT, help="the port to listen on")
    record.add_argument(
        "--host", default="127.0.0.1", help="the interface to listen on (0.0.0.0: every one)"
    )


def parser() -> argparse.ArgumentParser:
    """`sessim record` alone: the server's modules not loaded."""
    top = argparse.ArgumentParser(prog="sessim")
    add_command(top.add_subparsers(dest="command", required=True))
    return top


class Recording:
    """The HAR file of a run: every exchange so far, written whole after each."""

    def __init__(self, path: Path, placeholders: Placeholders | None) -> None:
        self.path = path
        self.placeholders = placeholders
        self.kept: list[Interaction] = []  # as recorded, to redact again (with --redact)
        self.entries: list[HarEntry] = []
        self.lock = asyncio.Lock()

    async def keep(self, interaction: Interaction) -> None:
        async with self.lock:
            self._add(interaction)
            await asyncio.to_thread(self.write)

    def _add(self, interaction: Interaction) -> None:
        hidden = self.placeholders
        if hidden is None:
            self.entries.append(har.entry(interaction))
            return
        self.kept.append(interaction)
        if hidden.learn(interaction):  # secrets that earlier entries may show elsewhere
            self.entries = [har.entry(hidden.redact(kept)) for kept in self.kept]
        else:
            self.entries.append(har.entry(hidden.redact(interaction)))

    def write(self) -> None:
        """The file replaced at once, never seen half-written."""
        partial = self.path.with_name(f".{self.path.name}.partial")
        partial.write_text(json.dumps(har.document(self.entries), indent=2) + "\n")
        os.replace(partial, self.path)


def run(args: argparse.Namespace) -> None:
    """Record until interrupted; a port in use or a file that cannot be written ends the
    command with one line."""
    import uvicorn

    from .proxy import Proxy

    upstream = args.upstream.rstrip("/")
    if not upstream.startswith(("http://", "https://")):
        sys.exit(f"sessim record: --upstream {upstream!r} is not an http:// or https:// URL")
    recording = Recording(Path(args.out), Placeholders() if args.redact else None)
    try:
        listener = socket.create_server((args.host, args.port))
        with contextlib.ExitStack() as closing:
            closing.callback(listener.close)
            recording.write()  # a valid, empty HAR once it listens (not before)
            closing.pop_all()
    except OSError as error:
        where = args.out if error.filename else f"{args.host}:{args.port}"
        hint = "" if error.filename else " (is another server there? choose another --port)"
        reason = os.strerror(error.errno) if error.errno else str(error)
        sys.exit(f"sessim record: cannot use {where}: {reason}{hint}")
    host, port = listener.getsockname()[:2]
    sys.stderr.write(
        f"sessim record: http://{host}:{port} forwards to {upstream}, recording into "
        f"{args.out}{' (redacted)' if args.redact else ''}; Ctrl-C stops\n"
    )
    sys.stderr.flush()
    # The upstream's Date and Server go through; uvicorn adds none of its own.
    config = uvicorn.Config(
        Proxy(upstream, recording.keep),
        lifespan="on",
        ws="none",
        log_level="warning",
        date_header=False,
        server_header=False,
    )
    # uvicorn stops on SIGINT and SIGTERM, then raises the signal again: either ends here.
    signal.signal(signal.SIGTERM, _interrupt)
    with listener, contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])
    count = len(recording.entries)
    sys.stderr.write(
        f"sessim record: stopped, {count} exchange{'' if count == 1 else 's'} in {args.out}\n"
    )


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt
