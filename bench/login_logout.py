"""Benchmark: Vestiaire log-in + log-out cycles against a real `sessim serve`.

Starts the server on a free loopback port with a SQLite store, runs a bounded number
of cycles from a few client threads, and prints throughput, latency percentiles and
the server's resident memory. Usage: make bench [CYCLES=2000]
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
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LOGIN = {"email": "demo@sessim.dev", "password": "sessim-demo"}
CYCLES = int(os.environ.get("CYCLES", "2000"))
THREADS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, store: str) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "sessim"), "serve", "--port", str(port),
        "--store", store, "--seed", "impl/fixtures/demo.yaml",
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


def cycles(base: str, count: int, latencies: list[float]) -> None:
    with httpx.Client(base_url=base) as http:
        for _ in range(count):
            started = time.perf_counter()
            session_id = http.post("/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
            response = http.delete(
                f"/vestiaire/sessions/{session_id}", headers={"__session": session_id}
            )
            assert response.status_code == 204, response.text
            latencies.append(time.perf_counter() - started)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, f"sqlite:///{tmp}/bench.db")
        try:
            latencies: list[float] = []
            workers = [
                threading.Thread(
                    target=cycles, args=(f"http://127.0.0.1:{port}", CYCLES // THREADS, latencies)
                )
                for _ in range(THREADS)
            ]
            started = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            elapsed = time.perf_counter() - started
            memory = rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"cycles (log-in + log-out, argon2id default cost): {len(latencies)}")
    print(f"throughput: {len(latencies) / elapsed:.1f} cycles/s with {THREADS} client threads")
    print(f"latency per cycle: p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")
    print(f"server RSS after the run: {memory:.1f} MiB")


if __name__ == "__main__":
    main()
