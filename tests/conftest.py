"""Shared fixtures: an app on a memory store with cheap password hashing, and its client."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.testclient import TestClient

from impl.app import create_app
from impl.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# argon2id at its cheapest: tests measure behaviour, not hashing cost.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 8}
DEMO_USER = {"email": "ana@example.com", "password": "correct horse", "id": "28731456"}


def make_settings(**overrides: object) -> Settings:
    return Settings(**{"store": "memory://", **CHEAP, **overrides})


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings())) as test_client:
        yield test_client


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    """A client whose Vestiaire has DEMO_USER."""
    response = client.post("/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
    assert response.status_code == 200, response.text
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def sessim_process(store: str, *args: str) -> Iterator[str]:
    """`sessim serve` on this store URL in a process of its own on a free port; yields its
    base URL. The store is required: the default would be var/sessim.db in the checkout."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "sessim"), "serve", "--port", str(port),
        "--store", store, "--argon2-time-cost", "1", "--argon2-memory-kib", "8", *args,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                httpx.get(f"{base}/_admin/health")
                break
            except httpx.TransportError:
                time.sleep(0.025)  # waiting for the process to listen
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """A real uvicorn on a free port with a SQLite store; yields its base URL."""
    app = create_app(make_settings(store=f"sqlite:///{tmp_path}/live.db"))
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", date_header=False
    )  # as `sessim serve` runs it: Date comes from Sessim's clock
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.025)  # waiting for the server to listen, not measuring behaviour
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
