"""`make bench`: issue 21's figures side by side in one run, each beside its target.

Over HTTP, on the conventions of bench/get_session.py (wrk for the peak, its open-loop
generator for p99 at half of a server's own peak, a server alone on core 0 and the load on
core 1, rate limits lifted, cheap argon2id):
- Okta getSession on one worker: Sessim on the memory, SQLite and Redis stores, bare
  Starlette (bench/bare.py), Prism mocking openapi/okta.yaml; peak and p99 at half peak.
- Two workers on the SQLite file and the Redis server the one-worker runs filled, nothing
  pinned (the workers need both cores, so wrk shares them): the ratio to one worker, whose
  peak is measured again in turn with theirs (two_workers).
- Each vendor's getSession-equivalent read, on the memory store, one worker (VENDOR_READS),
  beside Okta's; a read its spec lacks is reported as not measured, not as a figure.
In the bench's own process, with `sessim.running()`'s defaults (memory store, its argon2id):
- log-in and log-out cycles per second from one client, as a test suite makes them, with two
  clients (CLIENTS): the standard library's http.client, whose own work is small, so that the
  figure judged is Sessim's, and httpx beside it, which spends more of a cycle than the server
  (client and server share the GIL, so a cycle costs both);
- `sessim.running()` from the call to the first answer, in a fresh interpreter (sessim
  imported before the clock starts) and again in that interpreter;
- POST /_admin/reset (AdminClient.reset) with RESET_SESSIONS Okta sessions stored, per store:
  the median of RESET_RUNS resets (5), the sessions opened anew before each.

Writes one JSON file (BENCH_JSON, default bench/results.json) and the generated section of
the benchmark page (BENCH_PAGE, default docs/benchmarks.md, between MARKERS), with the
machine, the versions, the date and the commit. Each p99 at half peak is the median of
HALF_RATE_RUNS open-loop runs (get_session.py), every run kept in both. About 10 minutes;
BENCH_QUICK=1 is a smoke test in about a minute (one-second runs, one each, few sessions)
whose figures measure nothing.
Usage: make bench [BENCH_SECONDS=10] [SESSIONS=1000] [RESET_SESSIONS=1000] [RESET_RUNS=5]
       [HALF_RATE_RUNS=5] [BENCH_QUICK=1]
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import redis
import uvloop
import yaml
from get_session import (
    HALF_RATE_RUNS,
    LOAD_CPU,
    OKTA,
    OKTA_AUTH,
    OKTA_LOGIN,
    PEAK_RUNS,
    QUICK,
    ROOT,
    SECONDS,
    SERVER_CPU,
    SESSIONS,
    Header,
    bench_bare,
    bench_prism,
    bench_sessim,
    commit,
    ensure_prism,
    ensure_wrk,
    free_port,
    machine,
    median_run,
    open_sessions,
    peak,
    serving,
    sessim_command,
    sessim_fixture,
    versions,
)
from login_logout import LOGIN
from sessim import running

from tests.redis_servers import free_ports, start_redis, wait_for_redis

JSON_PATH = Path(os.environ.get("BENCH_JSON", ROOT / "bench" / "results.json"))
PAGE = Path(os.environ.get("BENCH_PAGE", ROOT / "docs" / "benchmarks.md"))
MARKERS = ("<!-- bench/figures.py: begin -->", "<!-- bench/figures.py: end -->")
RESET_SESSIONS = int(os.environ.get("RESET_SESSIONS", "50" if QUICK else "1000"))
RUNNING_REPEATS = 1 if QUICK else 3
# Resets timed per store, each with RESET_SESSIONS sessions opened anew (reset_time).
RESET_RUNS = int(os.environ.get("RESET_RUNS", "1" if QUICK else "5"))
REDIS_PORTS = range(16600, 16700)  # the tests' redis-servers use 16400-16599
SEED_CLIENTS = 16
SFCC_SITE = "/sfcc/s/RefArch/dw/shop/v20_8"
SFCC_CLIENT = {"x-dw-client-id": "a" * 30}
OPTIMIZELY_LOGIN = {
    "grant_type": "password",
    "username": "buyer1",
    "password": "sessim-opti-demo1",
    "scope": "iscapi offline_access",
}
OPTIMIZELY_CLIENT = ("isc", "009AC476-B28E-4E33-8BAE-B5F103A142BC")


# --- targets -------------------------------------------------------------------------------


@dataclass
class Figure:
    """One figure beside its target: met is None where there is no target or no figure."""

    name: str
    value: float | None
    unit: str
    target: str
    met: bool | None
    note: str = ""


def at_least(name: str, value: float | None, floor: float, unit: str = "x") -> Figure:
    met = None if value is None else value >= floor
    return Figure(name, value, unit, f">= {floor:g}{unit}", met)


def at_most(name: str, value: float | None, ceiling: float, unit: str) -> Figure:
    met = None if value is None else value <= ceiling
    return Figure(name, value, unit, f"<= {ceiling:g} {unit}", met)


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


# --- Okta getSession, one and two workers ---------------------------------------------------


@contextmanager
def own_redis(tmp: Path) -> Iterator[str]:
    """A redis-server without persistence on the server's core; its store URL."""
    (port,) = free_ports(1, REDIS_PORTS)
    server = start_redis(port, tmp / "redis")
    try:
        wait_for_redis(port)
        if (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(server.pid, {int(SERVER_CPU)})
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def rps(run: dict) -> float:
    return run["peak"]["requests_per_s"]


def two_workers(tmp: Path, store: str, ids: Path) -> dict:
    """Peak of `sessim serve --workers 2` on a store filled by a one-worker run, against
    one worker's measured in turn with it: PEAK_RUNS rounds of a one-worker run (its own
    core, as above) then a two-worker run, each on a server started for it, the medians of
    each. Measured minutes apart, the ratio moved with whatever the machine did meanwhile:
    one worker's peak read 1,886 and 3,015 req/s on the same code and file within minutes."""
    ones, twos = [], []
    for _ in range(PEAK_RUNS):
        ones.append(_worker_peak(tmp, store, ids))
        twos.append(_worker_peak(tmp, store, ids, "--workers", "2"))
    one, two = median_run(ones), median_run(twos)
    print(f"  two workers / one, in turn: {two['requests_per_s'] / one['requests_per_s']:.2f}x")
    return {"peak": two, "one_worker_beside": one}


def _worker_peak(tmp: Path, store: str, ids: Path, *workers: str) -> dict:
    """One peak run of a server started for it on a filled store: one worker alone on its
    core, or the given workers on every core (which wrk then shares), with how wrk's
    connections fell between them."""
    port = free_port()
    command = sessim_command(tmp, port, store, *workers, seed=False)
    print(f"sessim ({store.split(':')[0]}, {' '.join(workers) or 'one worker'}):")
    with serving(command, port, tmp / "workers.log", pin=not workers) as server:
        split = partial(connections_by_worker, server.pid, port) if workers else None
        figures = peak(port, ids, f"{OKTA}/sessions/", pid=server.pid, midway=split, runs=1)
    if workers:
        print(f"  wrk's connections by worker, midway: {figures['midway']}")
    return figures


def connections_by_worker(server: int, port: int) -> list[int]:
    """How many of the load's connections each worker holds, most first. On Linux each
    worker listens on a socket of its own (impl/listening.py) and the kernel picks one for
    each connection by a hash of its addresses, so wrk's CONNECTIONS split as coin tosses
    fall (200 bursts of 16: 14/2 or worse twice, 16/0 never). On uvicorn's one shared socket
    the worker that woke first accepted every connection then queued (16/0 in 69 of 200
    bursts; in runs 16/0, 10/6, 16/0, 14/2), which decided what a second worker added."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()  # local address, remote, state ("01": established), inode
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                established.add(f"socket:[{fields[9]}]")
    counts = []
    for worker in Path(f"/proc/{server}/task/{server}/children").read_text().split():
        if b"spawn_main" not in Path(f"/proc/{worker}/cmdline").read_bytes():
            continue  # multiprocessing's resource tracker, not a worker
        counts.append(len(open_files(int(worker)) & established))
    return sorted(counts, reverse=True)


def open_files(pid: int) -> set[str]:
    """What a process's file descriptors point at (one closed meanwhile is left out)."""
    found = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):
            found.add(os.readlink(descriptor))
    return found


def get_session(tmp: Path, redis_url: str) -> dict:
    stores = {"memory": "memory://", "sqlite": f"sqlite:///{tmp}/bench.db", "redis": redis_url}
    ids = {name: tmp / f"{name}-ids.txt" for name in stores}
    one = {name: bench_sessim(tmp, ids[name], url) for name, url in stores.items()}
    for run in one.values():
        del run["command"], run["port"]
    one["bare"] = bench_bare(tmp, 0)
    one["prism"] = bench_prism(tmp, ids["memory"], 0)
    for name in ("bare", "prism"):
        del one[name]["command"], one[name]["port"]
    two = {name: two_workers(tmp, stores[name], ids[name]) for name in ("sqlite", "redis")}
    return {"one_worker": one, "two_workers": two}


# --- each vendor's read --------------------------------------------------------------------


@dataclass
class Read:
    """A vendor's getSession-equivalent: the operation in its spec, and how a session that
    can call it is opened (its lines for get_session.lua: path suffix, tab, header value)."""

    vendor: str
    method: str
    path: str  # as in the spec, below the vendor's base path
    prefix: str  # the path wrk requests, before each line's suffix
    header: str
    open_line: Callable[[httpx.AsyncClient], Awaitable[str]]


async def sfcc_line(http: httpx.AsyncClient) -> str:
    """A guest's basket (one per customer: a guest each) and the guest's JWT."""
    guest = await http.post(
        f"{SFCC_SITE}/customers/auth", json={"type": "guest"}, headers=SFCC_CLIENT
    )
    guest.raise_for_status()
    token = guest.headers["authorization"]
    basket = await http.post(f"{SFCC_SITE}/baskets", headers={"Authorization": token})
    basket.raise_for_status()
    return f"{basket.json()['basket_id']}\t{token}"


async def optimizely_line(http: httpx.AsyncClient) -> str:
    basic = base64.b64encode(":".join(OPTIMIZELY_CLIENT).encode()).decode()
    response = await http.post(
        "/optimizely/identity/connect/token",
        data=OPTIMIZELY_LOGIN,
        headers={"Authorization": f"Basic {basic}"},
    )
    response.raise_for_status()
    return f"\tBearer {response.json()['access_token']}"


async def vestiaire_line(http: httpx.AsyncClient) -> str:
    response = await http.post("/vestiaire/sessions", json=LOGIN)
    response.raise_for_status()
    session = response.json()["data"]["id"]
    return f"{session}\t{session}"


VENDOR_READS = (
    Read(
        "sfcc",
        "get",
        "/s/{site_id}/dw/shop/{version}/baskets/{basket_id}",
        f"{SFCC_SITE}/baskets/",
        "Authorization",
        sfcc_line,
    ),
    Read(
        "optimizely",
        "get",
        "/api/v1/sessions/current",
        "/optimizely/api/v1/sessions/current",
        "Authorization",
        optimizely_line,
    ),
    Read(
        "vestiaire",
        "get",
        "/sessions/{sessionId}",
        "/vestiaire/sessions/",
        "__session",
        vestiaire_line,
    ),
)


def in_spec(read: Read) -> bool:
    spec = yaml.safe_load((ROOT / "openapi" / f"{read.vendor}.yaml").read_text())
    return read.method in spec["paths"].get(read.path, {})


def vendor_reads(tmp: Path) -> dict:
    """Each read of VENDOR_READS its spec has, on one memory-store server."""
    found: dict[str, dict] = {}
    port = free_port()
    command = sessim_command(tmp, port, "memory://")
    with serving(command, port, tmp / "vendors.log"):
        for read in VENDOR_READS:
            operation = f"{read.method.upper()} {read.path}"
            if not in_spec(read):
                print(f"{read.vendor}: {operation} is not in openapi/{read.vendor}.yaml")
                found[read.vendor] = {"operation": operation, "peak": None}
                continue
            print(f"{read.vendor}: {operation}")
            lines = tmp / f"{read.vendor}-lines.txt"
            opened = uvloop.run(open_sessions(port, SESSIONS, read.open_line))
            lines.write_text("\n".join(opened) + "\n")
            header: Header = (read.header, "")
            found[read.vendor] = {
                "operation": operation,
                "peak": peak(port, lines, read.prefix, header),
            }
    return found


# --- in process: logins, start-up, reset ----------------------------------------------------


# One request of a cycle: (method, path, JSON body or None, headers or None) -> (status, JSON).
Call = Callable[[str, str, dict | None, dict | None], tuple[int, Any]]


def okta_opened(call: Call) -> str:
    token = call("POST", f"{OKTA}/authn", OKTA_LOGIN, None)[1]["sessionToken"]
    status, created = call("POST", f"{OKTA}/sessions", {"sessionToken": token}, dict([OKTA_AUTH]))
    assert status == 200, created
    return created["id"]


def okta_cycle(call: Call) -> None:
    gone = call("DELETE", f"{OKTA}/sessions/{okta_opened(call)}", None, dict([OKTA_AUTH]))
    assert gone[0] == 204, gone


def vestiaire_cycle(call: Call) -> None:
    session_id = call("POST", "/vestiaire/sessions", LOGIN, None)[1]["data"]["id"]
    gone = call("DELETE", f"/vestiaire/sessions/{session_id}", None, {"__session": session_id})
    assert gone[0] == 204, gone


CYCLES = {"vestiaire": vestiaire_cycle, "okta": okta_cycle}


def httpx_calls(http: httpx.Client) -> Call:
    def call(method: str, path: str, body: dict | None, headers: dict | None) -> tuple[int, Any]:
        response = http.request(method, path, json=body, headers=headers)
        return response.status_code, response.json() if response.content else None

    return call


@contextmanager
def light_calls(url: str) -> Iterator[Call]:
    """The standard library's http.client on one kept-alive connection: a client whose own
    work is small beside the server's, so that the cycle's rate is Sessim's."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)

    def call(method: str, path: str, body: dict | None, headers: dict | None) -> tuple[int, Any]:
        sent = dict(headers or {})
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else None

    try:
        yield call
    finally:
        connection.close()


@contextmanager
def httpx_client_calls(url: str) -> Iterator[Call]:
    with httpx.Client(base_url=url) as http:
        yield httpx_calls(http)


# The clients a cycle is timed with: http.client's rate is the figure judged (the server's
# work dominates it); httpx's is reported beside it, what a suite on httpx sees (its own
# work is more than Sessim's: docs/benchmarks.md, the prepared round).
CLIENTS: dict[str, Callable[[str], AbstractContextManager[Call]]] = {
    "http.client": light_calls,
    "httpx": httpx_client_calls,
}


def cycles_per_second(calls: Call, cycle: Callable[[Call], None]) -> dict:
    """Cycles one after another for SECONDS, after a few unmeasured."""
    latencies: list[float] = []
    for _ in range(10):
        cycle(calls)
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        begun = time.perf_counter()
        cycle(calls)
        latencies.append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "cycles": len(ordered),
        "per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 2),
    }


def logins(seed: Path) -> dict:
    found: dict = {vendor: {} for vendor in CYCLES}
    with running(seed=seed) as sessim:
        for vendor, cycle in CYCLES.items():
            for client, opened in CLIENTS.items():
                with opened(sessim.url) as calls:
                    found[vendor][client] = cycles_per_second(calls, cycle)
                per_s = found[vendor][client]["per_s"]
                print(f"{vendor} log-in + log-out in process, {client}: {per_s:,.0f}/s")
    return found


# Run in a fresh interpreter: sessim imported first, then running() timed to the first answer.
STARTUP = """
import json, sys, time
started = time.perf_counter()
import httpx
from sessim import running
imported = time.perf_counter()
times = []
for _ in range(2):
    begun = time.perf_counter()
    with running() as sessim:
        httpx.get(f"{sessim.url}/_admin/health").raise_for_status()
        times.append(time.perf_counter() - begun)
print(json.dumps({"import_s": imported - started, "first_s": times[0], "again_s": times[1]}))
"""


def startup() -> dict:
    """The median of RUNNING_REPEATS fresh interpreters, after one whose first answer is
    kept as `uncached_first_s`: that one starts with an empty cache of parsed specs (a
    folder of its own, SESSIM_CACHE_DIR) and fills it, as the first start-up on a machine
    does; the measured ones read it, as every later one does. Python may write bytecode
    (PYTHONDONTWRITEBYTECODE unset), as an installed package has it."""
    with tempfile.TemporaryDirectory(prefix="sessim-cache-") as cache:
        environment = {**os.environ, "SESSIM_CACHE_DIR": cache, "PYTHONDONTWRITEBYTECODE": ""}
        runs = [
            json.loads(
                subprocess.run([sys.executable, "-c", STARTUP], env=environment, **QUIET).stdout
            )
            for _ in range(1 + RUNNING_REPEATS)
        ]
    uncached, *measured = runs
    found = {key: round(statistics.median(run[key] for run in measured), 3) for key in uncached}
    found["uncached_first_s"] = round(uncached["first_s"], 3)
    print(
        f"running() to the first answer: {found['first_s']} s (again {found['again_s']} s, "
        f"with no spec cached {found['uncached_first_s']} s)"
    )
    return found


QUIET: dict = {"capture_output": True, "text": True, "check": True, "cwd": ROOT}


def reset_time(store: str, seed: Path) -> dict:
    """POST /_admin/reset with RESET_SESSIONS Okta sessions stored, opened over HTTP (by
    SEED_CLIENTS clients at once, get_session.open_sessions), RESET_RUNS times: the seed
    loaded again and the sessions opened again before each. The figure is the median
    (one reset read 5 to 25 ms on the loaded machine); every run is kept."""
    runs = []
    with running(seed=seed, store=store) as sessim:
        port = httpx.URL(sessim.url).port
        assert port is not None
        for run in range(RESET_RUNS):
            if run:
                sessim.seed(seed)
            uvloop.run(open_sessions(port, RESET_SESSIONS))
            started = time.perf_counter()
            sessim.reset()
            runs.append(round((time.perf_counter() - started) * 1000, 2))
    return {"sessions": RESET_SESSIONS, "ms": statistics.median(runs), "runs": runs}


def resets(tmp: Path, redis_url: str, seed: Path) -> dict:
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()  # what the getSession runs left there
    stores = {"memory": "memory://", "sqlite": f"sqlite:///{tmp}/reset.db", "redis": redis_url}
    found = {name: reset_time(url, seed) for name, url in stores.items()}
    print(
        "reset (median of each store's runs): "
        + ", ".join(f"{name} {run['ms']} ms {run['runs']}" for name, run in found.items())
    )
    return found


# --- verdicts ------------------------------------------------------------------------------


STORES = {"memory": "memory", "sqlite": "SQLite", "redis": "Redis"}


def verdicts(results: dict) -> list[Figure]:
    one, two = results["get_session"]["one_worker"], results["get_session"]["two_workers"]
    memory, prism, bare = rps(one["memory"]), rps(one["prism"]), rps(one["bare"])
    figures = [
        at_least("Okta getSession, memory store / Prism", ratio(memory, prism), 1.3),
        at_least("Okta getSession, memory store / bare Starlette", ratio(memory, bare), 0.4),
        at_least("Okta getSession, SQLite store / Prism", ratio(rps(one["sqlite"]), prism), 1.1),
        Figure("Okta getSession, Redis store / Prism", ratio(rps(one["redis"]), prism), "x",
               "reported", None),
    ]  # fmt: skip
    for store in ("memory", "sqlite", "redis"):
        p99 = one[store]["half_rate"]["latency_ms"]["p99"]
        figures.append(at_most(f"p99 at half of the {STORES[store]} store's peak", p99, 5, "ms"))
    for store, floor in (("sqlite", 1.6), ("redis", 1.8)):
        gain = ratio(rps(two[store]), two[store]["one_worker_beside"]["requests_per_s"])
        figures.append(at_least(f"{STORES[store]} store, two workers / one worker", gain, floor))
    for vendor, read in results["vendor_reads"].items():
        value = ratio(read["peak"]["requests_per_s"], memory) if read["peak"] else None
        figure = at_least(f"{vendor} {read['operation']} / Okta getSession", value, 0.8)
        if read["peak"] is None:
            figure.note = f"not measured: not in openapi/{vendor}.yaml"
        figures.append(figure)
    floors = {"vestiaire": 500, "okta": 300}
    for vendor, floor in floors.items():
        name, clients = f"{vendor} log-in + log-out, in process", results["logins"][vendor]
        figures.append(
            at_least(f"{name} (http.client)", clients["http.client"]["per_s"], floor, "/s")
        )
        figures.append(Figure(f"{name} (httpx)", clients["httpx"]["per_s"], "/s", "reported", None))
    first = results["running"]["first_s"]
    figures.append(at_most("sessim.running() to the first answer", first, 0.5, "s"))
    for store, run in results["reset"].items():
        name = f"reset with {run['sessions']:,} sessions, {STORES[store]} store"
        figures.append(at_most(name, run["ms"], 10, "ms"))
    return figures


# --- the page ------------------------------------------------------------------------------


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{number}{unit}" if unit in ("x", "/s") else f"{number} {unit}"


def verdict(figure: Figure) -> str:
    if figure.met is None:
        return figure.note or "-"
    return "met" if figure.met else "**missed**"


LABELS = {
    "memory": "Sessim, memory store",
    "sqlite": "Sessim, SQLite store",
    "redis": "Sessim, Redis store",
    "bare": "bare Starlette + SQLite (bench/bare.py)",
    "prism": "Prism (stateless mock of openapi/okta.yaml)",
}


def servers_table(results: dict) -> list[str]:
    one, two = results["get_session"]["one_worker"], results["get_session"]["two_workers"]
    rows = [
        "| Okta getSession | requests/s | p99 at peak (ms) | p99 at half peak (ms) "
        "| two workers (requests/s, wrk's connections by worker; one worker in turn) "
        "| answers not 2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        run = one[name]
        workers = beside(two[name]) if name in two else ""
        refused = run["peak"]["errors"]["status"] + run["half_rate"]["non_200"]
        refused += two[name]["peak"]["errors"]["status"] if name in two else 0
        rows.append(
            f"| {label} | {rps(run):,.0f} | {run['peak']['latency_us']['p99'] / 1000:.2f} "
            f"| {run['half_rate']['latency_ms']['p99']:.2f} | {workers} | {refused} |"
        )
    return rows


def runs_table(results: dict) -> list[str]:
    """Every open-loop run behind each p99 at half peak (the figure is their median), with
    how long the server's event loop and the generator waited for a CPU during each (what
    other work on the machine took from them) and the CPU time the host stole from the
    machine (what other virtual machines took: it slows every instruction)."""
    one = results["get_session"]["one_worker"]
    rows = [
        "| p99 at half peak, each run (ms) | runs | median | server's CPU per request (us) "
        "| server waiting for a CPU (ms) | generator waiting for a CPU (ms) "
        "| stolen by the host (ms) |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for name, label in LABELS.items():
        runs = one[name]["half_rate"]["runs"]
        cpu = statistics.median(run["server_cpu_us"] for run in runs)
        rows.append(
            f"| {label} | {listed(runs, 'latency_ms', 'p99')} "
            f"| {one[name]['half_rate']['latency_ms']['p99']:.2f} | {cpu:,.0f} "
            f"| {listed(runs, 'server_cpu_wait_ms')} | {listed(runs, 'generator_cpu_wait_ms')} "
            f"| {listed(runs, 'host_steal_ms')} |"
        )
    return rows


def beside(two: dict) -> str:
    """Two workers' peak, how wrk's connections fell, and one worker's peak in turn."""
    one = two["one_worker_beside"]["requests_per_s"]
    return f"{rps(two):,.0f} ({split(two)}; {one:,.0f})"


def split(run: dict) -> str:
    """wrk's connections by worker midway through a two-worker run, "10/6"."""
    return "/".join(str(count) for count in run["peak"]["midway"] or ["?"])


def cpu_table(results: dict) -> list[str]:
    """Where the machine's CPU went during each peak run, per request: the server (all its
    processes), wrk, and the rest (the Redis server, the bench, anything else); and how many
    of the machine's cores were busy, which bounds what a second worker can add."""
    one, two = results["get_session"]["one_worker"], results["get_session"]["two_workers"]
    runs = [(LABELS[name], one[name]["peak"]) for name in LABELS]
    for name in two:
        runs.append((f"{LABELS[name]}, one worker in turn", two[name]["one_worker_beside"]))
        runs.append((f"{LABELS[name]}, two workers", two[name]["peak"]))
    rows = [
        "| at peak, CPU per request (us) | server | wrk | rest | stolen by the host | cores busy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, run in runs:
        spent = run["cpu_us"]
        cores = spent["machine"] * run["requests_per_s"] / 1e6
        rows.append(
            f"| {label} | {spent['server']:,.0f} | {spent['wrk']:,.0f} | {spent['rest']:,.0f} "
            f"| {spent['steal']:,.0f} | {cores:.2f} |"
        )
    return rows


def listed(runs: list[dict], key: str, cut: str | None = None) -> str:
    values = [run[key][cut] if cut else run[key] for run in runs]
    return ", ".join(f"{value:.3g}" if value < 100 else f"{value:,.0f}" for value in values)


def figures_table(figures: list[Figure]) -> list[str]:
    rows = ["| figure | measured | target | verdict |", "|---|---:|---|---|"]
    for figure in figures:
        rows.append(
            f"| {figure.name} | {shown(figure.value, figure.unit)} | {figure.target} "
            f"| {verdict(figure)} |"
        )
    return rows


def section(results: dict, figures: list[Figure]) -> str:
    box, settings = results["machine"], results["settings"]
    quick = (
        "**Quick mode (BENCH_QUICK=1): a smoke test of the harness, not a measurement.**\n\n"
        if results["quick"]
        else ""
    )
    return "\n".join(
        [
            MARKERS[0],
            "",
            f"{quick}Measured {results['date']} by `make bench` (bench/figures.py) at commit"
            f" {results['commit']}, {settings['seconds']} s per run, {settings['sessions']:,}"
            f" sessions per server; each p99 at half peak is the median of"
            f" {settings['half_rate_runs']} runs. Raw figures: `bench/results.json`.",
            "",
            *figures_table(figures),
            "",
            *servers_table(results),
            "",
            *runs_table(results),
            "",
            *cpu_table(results),
            "",
            f"Machine: {box['nproc']} cores, {box['cpu']}, Linux {box['kernel']}; load average"
            f" {box['load']} (1, 5, 15 min) when the run began.",
            "",
            "Versions: "
            + ", ".join(f"{name} {version}" for name, version in results["versions"].items())
            + ".",
            "",
            MARKERS[1],
        ]
    )


def write_page(text: str) -> None:
    """Replace the text between the markers, or add it at the end of the page."""
    current = PAGE.read_text() if PAGE.exists() else ""
    before, found, rest = current.partition(MARKERS[0])
    after = rest.partition(MARKERS[1])[2] if found else ""
    head, tail = before.rstrip("\n"), after.lstrip("\n")
    PAGE.write_text((f"{head}\n\n" if head else "") + text + "\n" + (f"\n{tail}" if tail else ""))


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    box = machine()
    ensure_wrk()
    ensure_prism()
    subprocess.run(["make", "--no-print-directory", "redis-server"], cwd=ROOT, check=True)
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {LOAD_CPU})  # wrk, the generator and in-process runs
    results: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "quick": QUICK,
        "machine": box,
        "versions": {**versions(), "redis": redis_version()},
        "settings": {
            "seconds": SECONDS,
            "sessions": SESSIONS,
            "reset_sessions": RESET_SESSIONS,
            "half_rate_runs": HALF_RATE_RUNS,
        },
    }
    with tempfile.TemporaryDirectory() as name, own_redis(Path(name)) as redis_url:
        tmp = Path(name)
        results["get_session"] = get_session(tmp, redis_url)
        results["vendor_reads"] = vendor_reads(tmp)
        seed = sessim_fixture(tmp)  # Okta's rate limits lifted, no lockout
        results["logins"] = logins(seed)
        results["running"] = startup()
        results["reset"] = resets(tmp, redis_url, seed)
    figures = verdicts(results)
    results["targets"] = [figure.__dict__ for figure in figures]
    JSON_PATH.write_text(json.dumps(results, indent=2) + "\n")
    write_page(section(results, figures))
    print("\n".join(["", *figures_table(figures)]))


def redis_version() -> str:
    return subprocess.run(["redis-server", "--version"], **QUIET).stdout.split()[2][2:]


if __name__ == "__main__":
    main()
