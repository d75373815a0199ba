"""How Sessim is configured: command-line flags, each also read from SESSIM_<FLAG>."""

from __future__ import annotations

import ipaddress
import json
import secrets
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import urlsplit

from .registry import VENDORS

VENDOR_APIS = tuple(VENDORS)
# How `sessim serve --workers N` hands its settings to the worker processes it starts.
SETTINGS_ENV = "SESSIM_WORKER_SETTINGS"
LOG_FORMATS = ("text", "json")
# When an answer goes out relative to its journal entry's write (journal/ring.py).
JOURNAL_SYNCS = ("answered", "after")
# When a worker writes its journal entries to a shared store, with journal_sync "answered".
JOURNAL_WRITES = ("held", "batched")
RATE_COUNTS = ("chunks", "each")
# The settings that are tuples (JSON hands them over as lists).
TUPLES = ("apis", "allow_origins", "allowed_hosts")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    store: str = "sqlite:///var/sessim.db"
    seed: str | None = None
    demo: bool = False  # seed the demo fixture (when no seed file is given)
    apis: tuple[str, ...] = field(default=VENDOR_APIS)
    root: str | None = None
    admin_token: str | None = None
    access_log: bool = True
    # Check every answer against its spec too: for development and tests (it costs ~25%).
    validate_responses: bool = False
    # OWASP's argon2id minimum (19 MiB, 2 passes): real hashing at a test-friendly cost.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19_456
    # Larger request bodies get a 413 before they are read whole.
    max_body_bytes: int = 1_048_576
    # Real seconds between two purges of records expired by the shared clock (0: never).
    purge_interval: float = 5.0
    # Worker processes serving one port; more than one needs a store they can share.
    workers: int = 1
    # Entries the request journal keeps (a ring shared through the store; 0: none).
    journal_size: int = 1000
    # "answered": a journal read through any worker sees every request answered before it
    # (it asks the other workers to write their pending entries first: journal/presence.py);
    # "after": reads ask no one, and only the answering worker's own are sure to see it.
    journal_sync: str = "answered"
    # With "answered" on a shared store, "held": a worker holds its entries until a read asks
    # for them (or it idles a second), which a SIGKILL loses; "batched": it writes them
    # every few milliseconds while requests come (a store write each time).
    journal_writes: str = "held"
    # "chunks": a worker far below a rate limit counts from ranks it reserved ahead, exact at
    # the limit (X-Rate-Limit-Remaining far from it may count other workers' reserved ranks
    # as spent); "each": every request counted in the store as it comes.
    rate_counts: str = "chunks"
    # "text": uvicorn's access log; "json": one JSON line per request (journal fields).
    log_format: str = "text"
    # Origins every vendor answers cross-origin (--allow-origin): a development convenience
    # that no real vendor has.
    allow_origins: tuple[str, ...] = ()
    # HTTPS (tls.py): the user's certificate and key (PEM files), or a self-signed pair
    # made on request and kept in the user's data directory.
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_self_signed: bool = False
    # Host names the admin API answers besides loopback, IP addresses and `host`
    # (--allowed-host; ".example.test" takes its subdomains too; "*": any, the check off).
    allowed_hosts: tuple[str, ...] = ()
    # Bound beyond loopback without admin_token, the admin API stays open (--no-admin-token)
    # instead of requiring a token generated at start.
    no_admin_token: bool = False
    # The process is Sessim's own (`sessim serve`): after start-up its heap is left out of
    # garbage collection and full collections come rarer (app.py, settle_heap). A test
    # process's collector (sessim.running) is left as its owner set it.
    owns_process: bool = False

    def __post_init__(self) -> None:
        unknown = [name for name in self.apis if name not in VENDOR_APIS]
        if unknown:
            raise ValueError(f"unknown API {unknown[0]!r}; choose from {', '.join(VENDOR_APIS)}")
        if self.root is not None and self.root not in self.apis:
            raise ValueError(f"--root {self.root!r} must be one of the served APIs")
        if self.journal_size < 0:
            raise ValueError(f"--journal-size {self.journal_size}: 0 (no journal) or more")
        if self.journal_sync not in JOURNAL_SYNCS:
            raise ValueError(f"--journal-sync {self.journal_sync!r}: choose from answered, after")
        if self.journal_writes not in JOURNAL_WRITES:
            raise ValueError(f"--journal-writes {self.journal_writes!r}: choose from held, batched")
        if self.rate_counts not in RATE_COUNTS:
            raise ValueError(f"--rate-counts {self.rate_counts!r}: choose from chunks, each")
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"--log-format {self.log_format!r}: choose from text, json")
        for origin in self.allow_origins:
            _check_origin(origin)
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("--tls-cert and --tls-key go together: a certificate and its key")
        if self.tls_self_signed and self.tls_cert:
            raise ValueError("--tls-self-signed makes its own certificate: drop --tls-cert")
        for host in self.allowed_hosts:
            _check_host(host)
        if self.workers < 1:
            raise ValueError(f"--workers {self.workers}: at least one worker is needed")
        if self.workers > 1 and urlsplit(self.store).scheme == "memory":
            raise ValueError(
                f"--workers {self.workers} needs a store the workers share: memory:// lives "
                "inside one process, so each worker would have its own users, sessions and "
                "clock; use sqlite:///path/file.db or redis://host:port/db"
            )

    @property
    def beyond_loopback(self) -> bool:
        """Whether `host` lets other machines in: an address that is not loopback, a
        wildcard (0.0.0.0, ::) or a name other than localhost (it may resolve to any)."""
        if self.host.lower().rstrip(".") == "localhost":
            return False
        try:
            return not ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return True

    def with_admin_token(self) -> Settings:
        """These settings, with an admin token generated for them where they serve beyond
        loopback without one (unless no_admin_token says the admin API stays open)."""
        if self.admin_token or self.no_admin_token or not self.beyond_loopback:
            return self
        return replace(self, admin_token=secrets.token_urlsafe(32))

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Settings:
        values = json.loads(text)
        tuples = {name: tuple(values[name]) for name in TUPLES}
        return cls(**{**values, **tuples})


def _check_origin(origin: str) -> None:
    """An origin as a browser sends it: scheme://host[:port], no path."""
    parts = urlsplit(origin)
    if not (parts.scheme and parts.netloc) or parts.path or parts.query or parts.fragment:
        raise ValueError(f"--allow-origin {origin!r}: an origin is scheme://host[:port]")


def _check_host(host: str) -> None:
    """A host name as --allowed-host takes it: a name (".name" for its subdomains too), an
    address, or "*"; no scheme, port or path."""
    name = host.removeprefix(".")
    if host != "*" and (not name or any(mark in name for mark in ":/@ *")):
        raise ValueError(
            f"--allowed-host {host!r}: a host name (such as sessim or okta.example.test), "
            '".example.test" for its subdomains too, or "*" for any; no scheme or port'
        )
