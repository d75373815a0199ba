"""How Sessim is configured: command-line flags, each also read from SESSIM_<FLAG>."""

from __future__ import annotations

from dataclasses import dataclass, field

from impl.registry import VENDORS

VENDOR_APIS = tuple(VENDORS)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    store: str = "sqlite:///var/sessim.db"
    seed: str | None = None
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

    def __post_init__(self) -> None:
        unknown = [name for name in self.apis if name not in VENDOR_APIS]
        if unknown:
            raise ValueError(f"unknown API {unknown[0]!r}; choose from {', '.join(VENDOR_APIS)}")
        if self.root is not None and self.root not in self.apis:
            raise ValueError(f"--root {self.root!r} must be one of the served APIs")
