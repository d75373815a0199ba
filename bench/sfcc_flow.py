"""Benchmark: the SFCC session bridge flow, guest -> refresh -> /sessions, per second.

Beside Okta's getSession (bench/get_session.py), with its servers and conventions: `sessim
serve` on one core (`taskset -c 0`), seeded with the demo fixture, once on a SQLite store and
once on memory; the load on the other core. A flow is three requests, each on the last's
answer: POST /customers/auth {"type":"guest"} (a new customer and JWT), POST
/customers/auth {"type":"refresh"} with that JWT, POST /sessions with the refreshed JWT (a
new storefront session and its three cookies). CONNECTIONS asyncio tasks run flows back to
back (closed loop) for BENCH_SECONDS after a WARMUP_SECONDS run; flows/s is the peak, and
p50/p99 are per flow at that load. The generator is httpx on one core: it costs a good part of
that core, so the figures are a floor for Sessim.

Writes bench/results_sfcc.json and its section of bench/results.md (after the getSession
section, which bench/get_session.py keeps when it rewrites the file).
Usage: make bench BENCH=sfcc_flow [BENCH_SECONDS=10]
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvloop
from get_session import (
    BENCH,
    LOAD_CPU,
    SECONDS,
    WARMUP_SECONDS,
    commit,
    free_port,
    machine,
    percentile,
    rss_mib,
    serving,
    sessim_command,
    write_section,
)

SITE = "/sfcc/s/RefArch/dw/shop/v20_8"
CLIENT = {"x-dw-client-id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}  # the demo fixture's
CONNECTIONS = 16
MARKER = "<!-- sfcc flow: written by bench/sfcc_flow.py -->"


async def flow(http: httpx.AsyncClient) -> bool:
    """One guest -> refresh -> /sessions; True when all three answered as they should."""
    guest = await http.post(f"{SITE}/customers/auth", json={"type": "guest"}, headers=CLIENT)
    if guest.status_code != 200:
        return False
    bearer = {"Authorization": guest.headers["authorization"]}
    refresh = await http.post(
        f"{SITE}/customers/auth", json={"type": "refresh"}, headers={**CLIENT, **bearer}
    )
    if refresh.status_code != 200:
        return False
    bridged = await http.post(
        f"{SITE}/sessions", headers={"Authorization": refresh.headers["authorization"]}
    )
    return bridged.status_code == 204 and len(bridged.headers.get_list("set-cookie")) == 3


async def load(port: int, seconds: float) -> dict:
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as http:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal failures
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                if await flow(http):
                    latencies.append(time.perf_counter() - started)
                else:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "flows": len(ordered),
        "failed_flows": failures,
        "flows_per_s": round(len(ordered) / elapsed, 1),
        "requests_per_s": round(3 * len(ordered) / elapsed, 1),
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
    }


def bench(tmp: Path, store: str) -> dict:
    port = free_port()
    command = sessim_command(tmp, port, store)
    with serving(command, port, tmp / "sfcc-server.log") as server:
        uvloop.run(load(port, WARMUP_SECONDS))
        cpu_before, started = cpu_seconds(server.pid), time.perf_counter()
        result = uvloop.run(load(port, SECONDS))
        busy = (cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - started)
        result["server_cpu_percent"] = round(100 * busy)
        result["rss_mib"] = rss_mib(server.pid)
    return result


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc/<pid>/stat, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def section(results: dict) -> str:
    rows = [
        f"| Sessim ({store} store) | {r['flows_per_s']:,.0f} | {r['requests_per_s']:,.0f} "
        f"| {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['failed_flows']} "
        f"| {r['server_cpu_percent']}% | {r['rss_mib']} |"
        for store, r in results["stores"].items()
    ]
    return "\n".join(
        [
            MARKER,
            "# SFCC flow: guest -> refresh -> /sessions",
            "",
            f"Measured {results['date']} by `make bench BENCH=sfcc_flow` (bench/sfcc_flow.py) "
            f"at commit {results['commit']}. One flow is POST /customers/auth guest, POST "
            "/customers/auth refresh with its JWT, POST /sessions with the refreshed JWT "
            f"(three requests, each on the last's answer), {CONNECTIONS} flows at a time back "
            f"to back for {results['seconds']} s after a {WARMUP_SECONDS} s warm-up; the "
            "server alone on one core, the httpx load on the other (the generator's own cost "
            "is in the figures, so they are a floor).",
            "",
            "| server | flows/s | requests/s | flow p50 (ms) | flow p99 (ms) | failed flows "
            "| server CPU | RSS (MiB) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "Server CPU is the share of its core the server used during the measured run: "
            "near 100% means Sessim, not the generator, is the limit.",
            "",
            f"Machine: {results['machine']['nproc']} cores, {results['machine']['cpu']}; "
            f"load average {results['machine']['load']} when the run began. Raw figures: "
            "bench/results_sfcc.json.",
            "",
        ]
    )


def main() -> None:
    box = machine()
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {LOAD_CPU})
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        stores = {
            "SQLite": bench(tmp, f"sqlite:///{tmp}/bench.db"),
            "memory": bench(tmp, "memory://"),
        }
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "machine": box,
        "seconds": SECONDS,
        "stores": stores,
    }
    (BENCH / "results_sfcc.json").write_text(json.dumps(results, indent=2) + "\n")
    write_section(MARKER, section(results))
    print(section(results))


if __name__ == "__main__":
    main()
