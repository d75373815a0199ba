"""`sessim serve`: every flag also read from the environment as SESSIM_<FLAG>; the admin
commands against a running Sessim (`sessim reset|seed|clock|journal|faults`, admin_cli);
`sessim record`, a recording proxy before a real service (recordings/record.py); and
`sessim replay`, recordings replayed against a running Sessim (recordings/replay_cli.py).

The server's modules are imported where `serve` needs them, not here: an admin command
loads none of them, and starts in a fifth of the time."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import logging
import logging.config
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

# httpx imports its own command line (click, rich, pygments) whenever they are installed, as
# they are beside many a test tool: a quarter of the CPU of an admin command, and more than
# the rest of httpx. Sessim's commands use none of it; this stub (an import of None fails)
# makes httpx skip it. Set before the first import of httpx, just below.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from . import admin_cli  # noqa: E402 - after the stub

if TYPE_CHECKING:
    from .settings import Settings

# Sessim's own lines at start-up (the store it uses, one that does not answer), written by
# uvicorn's handler in uvicorn's format, among its lines.
LOG = logging.getLogger("sessim")


def _env(flag: str, default: object = None) -> object:
    return os.environ.get("SESSIM_" + flag.upper().replace("-", "_"), default)


def _env_switch(flag: str, default: bool) -> bool:
    """An on/off flag's variable: off when 0, false, no or empty."""
    return _env(flag, "1" if default else "0") not in ("0", "false", "no", "")


def parser() -> argparse.ArgumentParser:
    from .core.kit.store import URL_FORMS
    from .recordings import record, replay_cli
    from .settings import (
        JOURNAL_SYNCS,
        JOURNAL_WRITES,
        LOG_FORMATS,
        RATE_COUNTS,
        VENDOR_APIS,
        Settings,
    )

    top = argparse.ArgumentParser(
        prog="sessim",
        description="Serve the emulated APIs (`sessim serve`), drive a running Sessim "
        "through its admin API (reset, seed, clock, journal, faults), record a real "
        "service's traffic (record), or replay recordings against Sessim (replay).",
    )
    commands = top.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="`sessim COMMAND --help` tells more"
    )
    serve = commands.add_parser(
        "serve",
        help="serve the emulated APIs over HTTP",
        description="Serve the emulated APIs. Each --flag-name is also read from SESSIM_FLAG_NAME.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    defaults = Settings()
    serve.add_argument(
        "--host", default=_env("host", defaults.host), help="the interface to listen on"
    )
    serve.add_argument(
        "--port", type=int, default=_env("port", defaults.port), help="the port to listen on"
    )
    serve.add_argument(
        "--store",
        metavar="URL",
        default=_env("store", defaults.store),
        help=f"where the state lives: {URL_FORMS}",
    )
    serve.add_argument(
        "--seed",
        metavar="FILE",
        default=_env("seed"),
        help="a fixture (YAML or JSON) to load at start-up",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        default=argparse.SUPPRESS,  # not shown in this help: it is a secret
        help="a bearer token that the admin API then requires (default: SESSIM_ADMIN_TOKEN; "
        "unset, the admin API is open). An option is seen by other users of this machine "
        "in the process list; the variable is not",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        default=_env_switch("demo", False),
        help="load the demo fixture shipped with Sessim (when --seed is not given)",
    )
    serve.add_argument(
        "--api",
        dest="apis",
        action="append",
        choices=VENDOR_APIS,
        help="serve only these vendor APIs (repeatable; SESSIM_API takes a comma list)",
    )
    serve.add_argument(
        "--root",
        choices=VENDOR_APIS,
        default=_env("root"),
        help="also serve this vendor API at /",
    )
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=_env_switch("access_log", True),
        help="log every request (uvicorn's access log; with --log-format json, as JSON)",
    )
    serve.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default=_env("log_format", defaults.log_format),
        help="requests logged as uvicorn's text lines, or as one JSON line each on stdout",
    )
    serve.add_argument(
        "--journal-size",
        type=int,
        default=_env("journal_size", defaults.journal_size),
        help="requests the journal (GET /_admin/journal) keeps, shared by workers (0: none)",
    )
    serve.add_argument(
        "--journal-sync",
        choices=JOURNAL_SYNCS,
        default=_env("journal_sync", defaults.journal_sync),
        help="answered: a journal read through any worker sees every request answered "
        "before it (it asks the other workers to write theirs first); after: reads do not "
        "ask, other workers' entries show a few milliseconds later",
    )
    serve.add_argument(
        "--journal-writes",
        choices=JOURNAL_WRITES,
        default=_env("journal_writes", defaults.journal_writes),
        help="with --journal-sync answered on a shared store, held: a worker writes its "
        "journal entries when a read asks for them (a SIGKILL loses those it holds); "
        "batched: every few milliseconds while requests come",
    )
    serve.add_argument(
        "--rate-counts",
        choices=RATE_COUNTS,
        default=_env("rate_counts", defaults.rate_counts),
        help="chunks: a worker far below a rate limit counts from ranks it reserved ahead "
        "(exact at the limit; Remaining far from it may count other workers' reserved ranks "
        "as spent); each: every request counted in the store as it comes",
    )
    serve.add_argument(
        "--allow-origin",
        dest="allow_origins",
        action="append",
        metavar="URL",
        help="answer this origin cross-origin on every vendor (repeatable; SESSIM_ALLOW_ORIGIN "
        "takes a comma list): a development convenience the real vendors do not have",
    )
    serve.add_argument(
        "--tls-cert",
        metavar="FILE",
        default=_env("tls_cert"),
        help="serve HTTPS with this certificate (PEM; with --tls-key), e.g. one of mkcert's",
    )
    serve.add_argument(
        "--tls-key",
        metavar="FILE",
        default=_env("tls_key"),
        help="the private key of --tls-cert (PEM)",
    )
    serve.add_argument(
        "--tls-self-signed",
        action="store_true",
        default=_env_switch("tls_self_signed", False),
        help="serve HTTPS with a certificate for localhost, 127.0.0.1, ::1 and --host, signed "
        "by a local authority made once in $XDG_DATA_HOME/sessim/tls (its path is logged at "
        "start: trust it to call Sessim without warnings)",
    )
    serve.add_argument(
        "--allowed-host",
        dest="allowed_hosts",
        action="append",
        metavar="NAME",
        help="also answer the admin API when the Host header names NAME, beside localhost, IP "
        "addresses and --host (repeatable; SESSIM_ALLOWED_HOST takes a comma list; .NAME: its "
        "subdomains too; '*': any name, the check off)",
    )
    serve.add_argument(
        "--no-admin-token",
        action="store_true",
        default=_env_switch("no_admin_token", False),
        help="bound beyond loopback without an admin token, serve the admin API without one "
        "(by default Sessim then generates a token, prints it and requires it)",
    )
    serve.add_argument(
        "--validate-responses",
        action=argparse.BooleanOptionalAction,
        default=_env_switch("validate_responses", False),
        help="check every answer against the spec too (development; slower)",
    )
    serve.add_argument(
        "--argon2-time-cost",
        type=int,
        default=_env("argon2_time_cost", defaults.argon2_time_cost),
        help="argon2id passes per password hash",
    )
    serve.add_argument(
        "--argon2-memory-kib",
        type=int,
        default=_env("argon2_memory_kib", defaults.argon2_memory_kib),
        help="argon2id memory per password hash, in KiB",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=int,
        default=_env("max_body_bytes", defaults.max_body_bytes),
        help="largest request body accepted; larger ones get a 413",
    )
    serve.add_argument(
        "--purge-interval",
        type=float,
        default=_env("purge_interval", defaults.purge_interval),
        help="real seconds between purges of expired records (0: never)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=_env("workers", defaults.workers),
        help="worker processes serving the port, sharing the store (not memory://)",
    )
    admin_cli.add_commands(commands)
    record.add_command(commands)
    replay_cli.add_command(commands)
    return top


def settings_from(args: argparse.Namespace) -> Settings:
    from .settings import VENDOR_APIS, Settings

    listed = [name for name in str(_env("api", "")).split(",") if name]
    apis = args.apis or listed or VENDOR_APIS
    origins = [origin for origin in str(_env("allow_origin", "")).split(",") if origin]
    hosts = [host.strip() for host in str(_env("allowed_host", "")).split(",") if host.strip()]
    return Settings(
        host=args.host,
        port=args.port,
        store=args.store,
        seed=args.seed,
        demo=args.demo,
        apis=tuple(apis),
        root=args.root,
        admin_token=admin_cli.admin_token(args),
        access_log=args.access_log,
        validate_responses=args.validate_responses,
        argon2_time_cost=args.argon2_time_cost,
        argon2_memory_kib=args.argon2_memory_kib,
        max_body_bytes=args.max_body_bytes,
        purge_interval=args.purge_interval,
        workers=args.workers,
        journal_size=args.journal_size,
        journal_sync=args.journal_sync,
        journal_writes=args.journal_writes,
        rate_counts=args.rate_counts,
        log_format=args.log_format,
        allow_origins=tuple(args.allow_origins or origins),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        tls_self_signed=args.tls_self_signed,
        allowed_hosts=tuple(args.allowed_hosts or hosts),
        no_admin_token=args.no_admin_token,
        owns_process=True,
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in admin_cli.COMMANDS:
        admin_cli.run(admin_cli.parser().parse_args(argv))
        return
    if argv[:1] == ["record"]:
        from .recordings import record

        record.run(record.parser().parse_args(argv))
        return
    if argv[:1] == ["replay"]:
        from .recordings import replay_cli

        sys.exit(replay_cli.run(parser().parse_args(argv)))
    from . import tls

    try:
        # A mistake in the settings is found before anything is loaded or configured.
        given = settings_from(parser().parse_args(argv))
        https = tls.serving(given)
    except ValueError as error:
        sys.exit(f"sessim: {error}")
    settings = given.with_admin_token()
    import uvicorn

    from . import listening
    from .app import create_app
    from .settings import SETTINGS_ENV

    log_config = logging_config()
    logging.config.dictConfig(log_config)
    if https and https.authority:
        LOG.info(
            "HTTPS with %s, signed by the local authority %s: trust that file (once) to call "
            "Sessim without certificate warnings",
            https.certificate,
            https.authority,
        )
    try:
        app = create_app(settings) if settings.workers == 1 else None
        asyncio.run(prepare_store(settings, load_seed=app is None))
    except ValueError as error:
        sys.exit(f"sessim: {error}")
    scheme = "https" if https else "http"
    announce_admin_access(settings, settings.admin_token != given.admin_token, scheme)
    if app is None:
        # uvicorn's supervisor starts the workers, each building the app by this factory;
        # the seed is in the store already, so no worker (nor a restarted one) loads it again.
        os.environ[SETTINGS_ENV] = replace(settings, seed=None, demo=False).to_json()
        target: str | Callable[..., Any] = f"{__package__}.app:app_from_environment"
    else:
        target = app
    options: dict[str, Any] = {
        "factory": app is None,
        "workers": settings.workers if app is None else None,
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "log_config": log_config,
        # The JSON lines replace uvicorn's access log (create_app writes them).
        "access_log": settings.access_log and settings.log_format == "text",
        # Sessim dates responses by its own clock; uvicorn's Date would be a second, real one.
        "date_header": False,
        "ssl_certfile": https.certificate if https else None,
        "ssl_keyfile": https.key if https else None,
    }
    with metrics_directory(settings.workers):
        if app is None and listening.SUPPORTED:
            # Each worker on a listening socket of its own, so that the kernel spreads new
            # connections over them, rather than the worker awake first taking all.
            with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run
                listening.run(uvicorn.Config(target, **options))
        else:
            uvicorn.run(target, **options)


def announce_admin_access(settings: Settings, generated: bool, scheme: str) -> None:
    """Say at start who may call the admin API, where it is open beyond loopback or guarded
    by a token generated for this run. That token is written here once, on stderr (not
    through the log), and nowhere else."""
    if generated:
        sys.stderr.write(
            f"Sessim listens beyond loopback (--host {settings.host}), so its admin API requires "
            "this token, generated for this run (SESSIM_ADMIN_TOKEN chooses one; "
            "--no-admin-token goes without):\n\n"
            f"    Authorization: Bearer {settings.admin_token}\n\n"
            f"The inspector, which asks for it: {inspector_url(settings, scheme)}\n"
        )
        sys.stderr.flush()
    elif settings.beyond_loopback and not settings.admin_token:
        LOG.warning(
            "--no-admin-token: the admin API (reset, seed, the journal, every user's state) "
            "is open without a token to every client that reaches %s:%s",
            settings.host,
            settings.port,
        )


def inspector_url(settings: Settings, scheme: str) -> str:
    """The inspector's URL on this machine (a wildcard address named as loopback)."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{scheme}://{host}:{settings.port}/_admin/"


@contextlib.contextmanager
def metrics_directory(workers: int) -> Iterator[None]:
    """Where the workers' metrics meet (prometheus-client's multiprocess mode): the user's
    PROMETHEUS_MULTIPROC_DIR, emptied of an earlier run's files (they would count twice),
    else with several workers a private directory made for this run and removed after it.
    It is set here, before uvicorn spawns the workers, which import prometheus_client anew."""
    from .core.features.metrics import MULTIPROC_ENV

    given = os.environ.get(MULTIPROC_ENV)
    if given and not Path(given).is_dir():
        sys.exit(f"sessim: {MULTIPROC_ENV}={given!r} is not a directory")
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
    if given or workers == 1:
        yield  # one process without the variable keeps its metrics in memory
        return
    with tempfile.TemporaryDirectory(prefix="sessim-metrics-") as private:
        os.environ[MULTIPROC_ENV] = private
        try:
            yield
        finally:
            del os.environ[MULTIPROC_ENV]


def logging_config() -> dict[str, Any]:
    """uvicorn's logging, with the `sessim` logger on its handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["sessim"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


async def prepare_store(settings: Settings, load_seed: bool) -> None:
    """Before the server starts: open the store (a bad URL stops here, with its message,
    not in every worker), say which it is, and check that it answers; and load --seed into
    it when the workers will not (one worker's app loads it as it starts).

    A store that does not answer stops the start only when a fixture is to be loaded into
    it; else the server starts, answers 503 while the store stays away, and serves again
    when it is back (a Redis starting beside Sessim, or restarting)."""
    from .admin import fixtures
    from .app import build_runtime
    from .core.kit.errors import Unavailable
    from .core.kit.store import describe

    document = fixtures.seed_of(settings) if load_seed else None
    runtime = build_runtime(settings)
    store = describe(settings.store)
    LOG.info("Sessim's store: %s", store)
    try:
        await runtime.store.snapshot()  # what every request reads first
        if document is not None:
            await fixtures.load(runtime, document)
    except Unavailable as error:
        reason = error.__cause__ or error
        if settings.seed or settings.demo:  # to be loaded here or by the app as it starts
            what = f"the fixture {settings.seed}" if settings.seed else "the demo fixture"
            raise ValueError(
                f"cannot load {what}: the store {store} cannot be reached: {reason}"
            ) from None
        LOG.warning(
            "the store %s cannot be reached, so every API answers 503 until it can: %s",
            store,
            reason,
        )
    finally:
        await runtime.store.close()
