"""Benchmark: log-in + log-out cycles of each vendor against a real `sessim serve`.

Starts the server on a free loopback port with a SQLite store, runs a bounded number
of cycles of each flow from a few client threads, and prints throughput, latency
percentiles and the server's resident memory after each. Flows: Vestiaire (log in, log
out) and Okta (authn, create, get, refresh, revoke, with its rate limits lifted).
Usage: make bench [CYCLES=2000] [FLOWS=vestiaire,okta]
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LOGIN = {"email": "demo@sessim.dev", "password": "sessim-demo"}
OKTA_LOGIN = {"username": "dana.demo@sessim.dev", "password": "sessim-okta-demo"}
OKTA_API = "/okta/api/v1"
OKTA_TOKEN = {"Authorization": "SSWS 00sessim-demo-api-token"}
OKTA_UNLIMITED = {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000}
CYCLES = int(os.environ.get("CYCLES", "2000"))
THREADS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, store: str) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "sessim"), "serve", "--port", str(port),
        "--store", store, "--demo",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(400):
        try:
            httpx.get(f"http://127.0.0.1:{port}/_admin/health")
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start")


def vestiaire_cycle(http: httpx.Client) -> None:
    session_id = http.post("/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
    response = http.delete(f"/vestiaire/sessions/{session_id}", headers={"__session": session_id})
    assert response.status_code == 204, response.text


def okta_cycle(http: httpx.Client) -> None:
    token = http.post(f"{OKTA_API}/authn", json=OKTA_LOGIN).json()["sessionToken"]
    created = http.post(f"{OKTA_API}/sessions", json={"sessionToken": token}, headers=OKTA_TOKEN)
    session = f"{OKTA_API}/sessions/{created.json()['id']}"
    assert http.get(session, headers=OKTA_TOKEN).status_code == 200
    assert http.post(f"{session}/lifecycle/refresh", headers=OKTA_TOKEN).status_code == 200
    response = http.delete(session, headers=OKTA_TOKEN)
    assert response.status_code == 204, response.text


FLOWS: dict[str, tuple[str, Callable[[httpx.Client], None]]] = {
    "vestiaire": ("log-in + log-out", vestiaire_cycle),
    "okta": ("authn + create + get + refresh + revoke", okta_cycle),
}


def cycles(
    base: str, cycle: Callable[[httpx.Client], None], count: int, latencies: list[float]
) -> None:
    with httpx.Client(base_url=base) as http:
        for _ in range(count):
            started = time.perf_counter()
            cycle(http)
            latencies.append(time.perf_counter() - started)


def measure(base: str, cycle: Callable[[httpx.Client], None]) -> tuple[list[float], float]:
    """Latencies of CYCLES cycles from THREADS threads, and the seconds they took."""
    latencies: list[float] = []
    workers = [
        threading.Thread(target=cycles, args=(base, cycle, CYCLES // THREADS, latencies))
        for _ in range(THREADS)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, time.perf_counter() - started


def report(flow: str, latencies: list[float], elapsed: float, memory: float) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{flow}: {len(latencies)} cycles ({FLOWS[flow][0]}), argon2id default cost")
    print(f"  throughput: {len(latencies) / elapsed:.1f} cycles/s with {THREADS} client threads")
    print(f"  latency per cycle: p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")
    print(f"  server RSS after the run: {memory:.1f} MiB")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    flows = os.environ.get("FLOWS", ",".join(FLOWS)).split(",")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, f"sqlite:///{tmp}/bench.db")
        try:
            # Measured without Okta's rate limits, which would turn the run into 429s.
            settings = {"settings": {"rate_limits": OKTA_UNLIMITED}}
            httpx.post(f"{base}/_admin/seed", json={"okta": settings}).raise_for_status()
            for flow in flows:
                latencies, elapsed = measure(base, FLOWS[flow][1])
                report(flow, latencies, elapsed, rss_mib(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
