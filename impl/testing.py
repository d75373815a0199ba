"""`with sessim.running() as s:`: a real Sessim server inside the test process, for unittest,
scripts and the pytest fixtures (sessim.pytest_plugin).

uvicorn serves the app of create_app in a thread of its own, on a loopback port the
operating system picks, with a fresh memory store; leaving the block stops it and frees
the port. The object it yields knows each API's URL and drives the admin API over HTTP
(AdminClient): seed, reset, clock, journal, faults.
"""

from __future__ import annotations

import contextlib
import gc
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from . import __all__ as PACKAGE_NAMES
from .admin_client import AdminClient
from .app import create_app
from .fixture_files import Fixture
from .registry import ADMIN, VENDORS
from .settings import TUPLES, Settings

if TYPE_CHECKING:
    from .tls import TlsFiles

# A server for tests: in memory, quiet, with argon2id at its cheapest (a test of a client
# measures its behaviour, not the cost of hashing passwords).
DEFAULTS: dict[str, Any] = {
    "store": "memory://",
    "port": 0,
    "access_log": False,
    "argon2_time_cost": 1,
    "argon2_memory_kib": 8,
}


class Sessim(AdminClient):
    """A running Sessim: `url` (its root), each served API's base URL by name (`s.okta`,
    `s.vestiaire`, `s.sfcc`, `s.optimizely`, `s.admin`), and the admin calls: `seed()`,
    `reset()`, `clock`, `journal`, `faults`. Served on HTTPS with its own authority,
    `authority` is that authority's certificate (PEM), to check Sessim's against."""

    def __init__(self, url: str, settings: Settings, authority: str | None = None) -> None:
        super().__init__(url, settings.admin_token, authority=authority)
        self.settings = settings
        self.authority = authority
        served = [ADMIN, *(VENDORS[name] for name in settings.apis)]
        self.urls = {api.name: f"{self.url}{api.base_path}" for api in served}

    def __getattr__(self, name: str) -> str:
        urls = self.__dict__.get("urls", {})
        if name in urls:
            return urls[name]
        if name in PACKAGE_NAMES:  # the `sessim` fixture taken for the module it hides
            raise AttributeError(
                f"{name!r} is the sessim module's, not the running Sessim's (in a test that "
                f"takes the `sessim` fixture, that name is the fixture): `from sessim import "
                f"{name}`, or `import sessim as sessim_pkg`"
            )
        raise AttributeError(f"Sessim serves no API {name!r}; it serves {', '.join(urls)}")


class _Server(uvicorn.Server):
    """uvicorn's server, telling the thread that started it when its start-up is over, or
    when it ended before (a failed start-up ends in SystemExit)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            super().run(sockets)
        finally:
            self.ready.set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


@contextlib.contextmanager
def running(seed: Fixture | None = None, tls: bool = False, **options: Any) -> Iterator[Sessim]:
    """A Sessim serving until the block ends. `seed`: a fixture to load (a document or the
    path of a YAML or JSON file). `tls=True`: served on HTTPS (`s.url` is https://...) with
    a certificate for localhost, 127.0.0.1 and ::1 from an authority made for this run,
    `s.authority` (give it to a client as the certificate to trust). Other options are
    `sessim serve`'s settings (Settings): `apis=["okta"]`, `admin_token=...`,
    `store="sqlite:///..."`, `root=...`, `port=...`, `allow_origins=["http://localhost:5173"]`
    (every vendor answers them cross-origin, a development convenience), `tls_cert=...` and
    `tls_key=...`; by default a memory store on a free loopback port."""
    for name in TUPLES:
        if name in options:
            options[name] = tuple(options[name])
    # Bound beyond loopback without a token, it gets one (which this object sends).
    settings = Settings(**{**DEFAULTS, **options}).with_admin_token()
    with contextlib.ExitStack() as stack:
        yield stack.enter_context(_serving(settings, seed, _https(settings, tls, stack)))


def _https(settings: Settings, tls: bool, stack: contextlib.ExitStack) -> TlsFiles | None:
    """The files to serve HTTPS with, or None. Plain HTTP loads no cryptography (its x509
    module is a tenth of the start-up's CPU)."""
    if not (tls or settings.tls_self_signed or (settings.tls_cert and settings.tls_key)):
        return None
    from .tls import names_for, self_signed, serving

    if not tls:
        return serving(settings)
    directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sessim-")))
    return self_signed(directory, names_for(settings.host))


@contextlib.contextmanager
def _serving(settings: Settings, seed: Fixture | None, https: TlsFiles | None) -> Iterator[Sessim]:
    with _collector_paused():
        server, thread, listener = _started(settings, https)
    try:
        if not server.started:
            raise RuntimeError("Sessim did not start: see the log of the logger 'uvicorn.error'")
        host, port = listener.getsockname()[:2]
        scheme = "https" if https else "http"
        sessim = Sessim(f"{scheme}://{host}:{port}", settings, https.authority if https else None)
        try:
            if seed is not None:
                sessim.seed(seed)
            yield sessim
        finally:
            sessim.close()
    finally:
        _stop(server, thread, listener)


def _started(
    settings: Settings, https: TlsFiles | None
) -> tuple[_Server, threading.Thread, socket.socket]:
    """The app served by uvicorn in a thread, once its start-up is over (or failed)."""
    app = create_app(settings)
    listener = socket.create_server((settings.host, settings.port))
    # Sessim dates responses by its own clock; the process's logging stays the test's.
    config = uvicorn.Config(
        app,
        lifespan="on",
        ws="none",  # Sessim serves no WebSocket: uvicorn's implementation is not imported
        log_config=None,
        access_log=settings.access_log,
        date_header=False,
        ssl_certfile=https.certificate if https else None,
        ssl_keyfile=https.key if https else None,
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, args=([listener],), daemon=True, name="sessim")
    thread.start()
    try:
        server.ready.wait()
    except BaseException:
        _stop(server, thread, listener)
        raise
    return server, thread, listener


def _stop(server: _Server, thread: threading.Thread, listener: socket.socket) -> None:
    server.should_exit = True
    thread.join()
    listener.close()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while the app is built and starts (as it was, on
    or off, after). Start-up makes some 120,000 objects that all live on (specs, models,
    connexion's operations), and the collections their allocations set off each went over
    the whole growing heap: about 60 ms of a 0.3 s start. What start-up leaves to collect
    is collected by the collector's next run, as it would have been."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
