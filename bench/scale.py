"""Benchmark: how Sessim holds up as the store grows, with workers, at start-up, in memory.

1. getSession at SCALE_SESSIONS live sessions (default 1,000 and 1,000,000), for each store
   of STORES (default `sqlite,redis`: `sqlite` is a fresh file, `redis` a redis-server this
   bench starts, one per size, on a loopback port of REDIS_PORTS, persistence off; any
   store URL shared between processes, such as redis://host:port/db, can be added). The
   bench process fills the store through the store API in bulk (Sessions.create_many, one
   Store.put_many per FILL_CHUNK sessions: a SQLite transaction, a Redis pipeline), timed
   apart; then `sessim serve` on it, alone on one core (with the bench's redis-server: the
   store is in the server's budget, as SQLite's is), gets bench/get_session.py's
   measurements: wrk's peak (p50, p99 at saturation) and the open-loop p99 at one fixed
   rate, half of the smallest store's peak, the same for every size so that they compare.
2. Workers: `sessim serve --workers 1` and `--workers 2` on each store of STORES holding
   1,000 sessions, wrk's peak on each. Nothing is pinned: the workers, the redis-server and
   wrk share both cores as Linux schedules them; the CPU each used is reported.
3. Cold start: from `sessim serve` (every API mounted, a fresh SQLite file) being started
   to its first 200 on /_admin/health, COLD_RUNS times.
4. Memory: server RSS with 1,000 and with 101,000 live sessions, per store (memory and
   STORES), after a wrk run of getSession over them; the difference is the cost of 100,000
   sessions. SQLite and Redis: `sessim serve` on a store filled beforehand; for the bench's
   own redis-server, its used_memory (INFO) and RSS too. The memory store lives in
   the server, so that server is built by this script (`serve-filled` below: the app
   `sessim serve` builds, filled in process, then served by uvicorn as the CLI does; what
   the fill leaves behind in Python's heap counts too).

Writes bench/results_scale.json and its section of bench/results.md.
Usage: make bench BENCH=scale [SCALE_SESSIONS=1000,1000000] [STORES=sqlite,redis,redis://...]
       [BENCH_SECONDS=10] [COLD_RUNS=5] [SCALE_PARTS=cold_start,sizes,workers,memory]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import redis
import uvicorn
import uvloop
import yaml
from get_session import (
    BENCH,
    LOAD_CPU,
    OKTA,
    ROOT,
    SERVER_CPU,
    commit,
    ensure_wrk,
    free_port,
    half_rate,
    machine,
    peak,
    rss_mib,
    serving,
    sessim_command,
    sessim_fixture,
    write_section,
)
from sessim.admin import fixtures
from sessim.app import build_runtime, create_app
from sessim.core.kit.runtime import Runtime
from sessim.core.kit.tokens import opaque_id
from sessim.okta.state import okta
from sessim.settings import Settings

from tests.redis_servers import free_ports, start_redis, wait_for_redis

MARKER = "<!-- scale: written by bench/scale.py -->"
SIZES = [int(n) for n in os.environ.get("SCALE_SESSIONS", "1000,1000000").split(",")]
STORES = os.environ.get("STORES", "sqlite,redis").split(",")
COLD_RUNS = int(os.environ.get("COLD_RUNS", "5"))
REPEATS = int(os.environ.get("SCALE_REPEATS", "3"))
FILL_CHUNK = 10_000
MEMORY_SIZES = (1_000, 101_000)
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 8}
TARGETS = {"size_ratio": 1.25, "workers_ratio": 1.6, "cold_start_s": 1.5}
REDIS_PORTS = range(16600, 16700)  # the tests' redis-servers use 16400-16599


# --- the bench's own redis-servers -----------------------------------------------------


class OwnRedis:
    """redis-servers without persistence (tests/redis_servers.py's) on free ports of
    REDIS_PORTS, on the server's core: one per label (a size, the workers' store, a memory
    run), so that each holds a state of its own as each SQLite file does and the sizes can
    take turns. Started when first named, stopped by `stop` or at the end of the bench."""

    def __init__(self) -> None:
        self._servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}

    def url(self, label: str, tmp: Path) -> str:
        if label not in self._servers:
            (port,) = free_ports(1, REDIS_PORTS)
            server = start_redis(port, tmp / "redis" / label)
            self._servers[label] = (port, server)
            wait_for_redis(port)
            self.pin(label, {int(SERVER_CPU)})
        return f"redis://127.0.0.1:{self._servers[label][0]}/0"

    def pid(self, label: str) -> int:
        return self._servers[label][1].pid

    def pin(self, label: str, cpus: set[int]) -> None:
        if (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(self.pid(label), cpus)

    def memory(self, label: str) -> dict[str, float]:
        """What its data takes (used_memory) and its RSS."""
        port, server = self._servers[label]
        with redis.Redis(port=port) as client:
            used = client.info("memory")["used_memory"]
        return {"used_memory_mib": round(used / 2**20, 1), "rss_mib": rss_mib(server.pid)}

    def stop(self, label: str) -> None:
        _port, server = self._servers.pop(label)
        server.terminate()
        server.wait(timeout=10)

    def close(self) -> None:
        for label in list(self._servers):
            self.stop(label)


REDIS = OwnRedis()


def ensure_redis() -> None:
    """redis-server, installed as `make test` installs it."""
    subprocess.run(["make", "--no-print-directory", "redis-server"], cwd=ROOT, check=True)


# --- filling a store -------------------------------------------------------------------


async def fill(runtime: Runtime, count: int, fixture: Path) -> list[str]:
    """A wiped store holding the bench fixture and `count` live Okta sessions of its demo
    user, made as createSession makes them, written FILL_CHUNK at a time."""
    await runtime.store.reset()
    await fixtures.load(runtime, yaml.safe_load(fixture.read_text()))
    state = await okta(runtime)
    user = await state.identities.by_login("dana.demo@sessim.dev")
    assert user is not None, "the demo fixture's Okta user is missing"
    now = await runtime.store.now()
    name = f"{user.profile.get('firstName', '')} {user.profile.get('lastName', '')}".strip()
    ids: list[str] = []
    for start in range(0, count, FILL_CHUNK):
        chunk = [opaque_id(22, "102") for _ in range(min(FILL_CHUNK, count - start))]
        data = {"login": user.login, "name": name, "password_verified_at": now}
        await state.sessions.create_many(
            [(sid, user.id, {**data, "alias": opaque_id(22, "102")}) for sid in chunk]
        )
        ids += chunk
    return ids


def fill_store(store: str, count: int, tmp: Path, ids_file: Path) -> float:
    """Fill a shared store from this process; the seconds it took."""
    started = time.perf_counter()
    runtime = build_runtime(Settings(store=store, **CHEAP))

    async def run() -> list[str]:
        try:
            return await fill(runtime, count, sessim_fixture(tmp))
        finally:
            await runtime.store.close()

    ids = uvloop.run(run())
    ids_file.write_text("\n".join(ids) + "\n")
    return time.perf_counter() - started


def store_url(name: str, tmp: Path, label: str) -> str:
    """A STORES name as a URL: `sqlite` a file of its own, `redis` the bench's server."""
    if name == "sqlite":
        return f"sqlite:///{tmp}/{label}.db"
    return REDIS.url(label, tmp) if name == "redis" else name


# --- 1. getSession by store size --------------------------------------------------------


def measure_size(tmp: Path, store: str, ids: Path, rate: float) -> dict:
    """One server on a filled store: wrk's peak, then the open loop at `rate` (0: half of
    this peak)."""
    port = free_port()
    command = sessim_command(tmp, port, store, seed=False)
    with serving(command, port, tmp / "size.log") as server:
        figures = peak(port, ids, f"{OKTA}/sessions/")
        at = rate or figures["requests_per_s"] / 2
        # One run: each size is measured three times in turns, and their median compared.
        slow = half_rate(port, ids, f"{OKTA}/sessions/", at, server.pid, runs=1)
        rss = rss_mib(server.pid)
    return {"peak": figures, "fixed_rate": slow, "rss_mib": rss}


def medians(runs: list[dict]) -> dict:
    """The median of each headline figure over the repeats, and the fixed-rate p99's spread."""
    fixed = [run["fixed_rate"]["latency_ms"]["p99"] for run in runs]
    return {
        "requests_per_s": statistics.median(run["peak"]["requests_per_s"] for run in runs),
        "p50_ms": statistics.median(run["peak"]["latency_us"]["p50"] / 1000 for run in runs),
        "p99_ms": statistics.median(run["peak"]["latency_us"]["p99"] / 1000 for run in runs),
        "fixed_p99_ms": statistics.median(fixed),
        "fixed_p99_range_ms": [min(fixed), max(fixed)],
        "rate": runs[0]["fixed_rate"]["target_rate"],
    }


def bench_sizes(tmp: Path) -> dict:
    """Each size measured REPEATS times, and where each has a store of its own (a SQLite
    file, a redis-server of the bench's) the sizes take turns, so whatever else the machine
    is doing falls on every size alike. A store URL given in full holds one state: it is
    filled and measured one size after another."""
    results: dict = {}
    for name in STORES:
        rows: dict = {}
        turns = [(repeat, count) for repeat in range(REPEATS) for count in SIZES]
        if name not in ("sqlite", "redis"):
            turns.sort(key=lambda turn: SIZES.index(turn[1]))
        rate = 0.0
        for repeat, count in turns:
            store, ids = store_url(name, tmp, f"size-{count}"), tmp / f"ids-{count}.txt"
            if count not in rows:
                print(f"{name}, {count:,} sessions: filling through the store API")
                rows[count] = {"fill_s": round(fill_store(store, count, tmp, ids), 1), "runs": []}
                print(f"  filled in {rows[count]['fill_s']} s")
            print(f"{name}, {count:,} sessions, run {repeat + 1} of {REPEATS}:")
            run = measure_size(tmp, store, ids, rate)
            rate = rate or run["fixed_rate"]["target_rate"]
            rows[count]["runs"].append(run)
            if repeat == REPEATS - 1 and store.startswith("sqlite:///"):
                rows[count]["file_mib"] = round(Path(store[10:]).stat().st_size / 2**20, 1)
                Path(store[10:]).unlink()
            elif repeat == REPEATS - 1 and name == "redis":
                REDIS.stop(f"size-{count}")
        for row in rows.values():
            row["median"] = medians(row["runs"])
        results[name] = rows
    return results


# --- 2. one worker, two workers ---------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process and its live children (the workers) have used so far."""
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    ticks = 0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def bench_workers(tmp: Path) -> dict:
    """Each store of STORES with 1,000 sessions, served by one worker then by two."""
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))  # wrk on either core
    try:
        return {name: workers_on(tmp, name) for name in STORES}
    finally:
        if (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(0, {LOAD_CPU})


def workers_on(tmp: Path, name: str) -> dict:
    store, ids = store_url(name, tmp, "workers"), tmp / "workers-ids.txt"
    fill_store(store, 1_000, tmp, ids)
    own = name == "redis"  # the bench's redis-server, on either core like the workers
    if own:
        REDIS.pin("workers", set(range(os.cpu_count() or 1)))
    results = {}
    for workers in (1, 2):
        port = free_port()
        command = sessim_command(tmp, port, store, "--workers", str(workers), seed=False)
        print(f"{name}, {workers} worker(s), nothing pinned:")
        with serving(command, port, tmp / "workers.log", pin=False) as server:
            time.sleep(1)  # every worker up, not only the first to answer
            pids = [server.pid, *([REDIS.pid("workers")] if own else [])]
            before, started = [cpu_seconds(pid) for pid in pids], time.perf_counter()
            figures = peak(port, ids, f"{OKTA}/sessions/")
            seconds = time.perf_counter() - started
            used = [(cpu_seconds(pid) - b) / seconds for pid, b in zip(pids, before, strict=True)]
        results[workers] = {"peak": figures, "server_cores_used": round(used[0], 2)}
        if own:
            results[workers]["redis_cores_used"] = round(used[1], 2)
    if own:
        REDIS.stop("workers")
    return results


# --- 3. cold start ----------------------------------------------------------------------


def cold_start(tmp: Path, run: int) -> tuple[float, float]:
    """Seconds from start to the first 200, and the CPU seconds the server used by then
    (what a busy machine cannot inflate)."""
    port = free_port()
    command = sessim_command(tmp, port, f"sqlite:///{tmp}/cold-{run}.db", seed=False)
    started = time.perf_counter()
    quiet = subprocess.DEVNULL
    server = subprocess.Popen(command, cwd=ROOT, stdout=quiet, stderr=quiet)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_admin/health").status_code == 200:
                    return time.perf_counter() - started, cpu_seconds(server.pid)
            except httpx.TransportError:
                time.sleep(0.002)
    finally:
        server.terminate()
        server.wait()


def bench_cold_start(tmp: Path) -> dict:
    runs = [cold_start(tmp, run) for run in range(COLD_RUNS)]
    wall = [round(seconds, 3) for seconds, _cpu in runs]
    cpu = [round(cpu, 2) for _wall, cpu in runs]
    print(f"cold start: {wall} s, server CPU {cpu} s")
    return {
        "runs_s": wall,
        "median_s": statistics.median(wall),
        "max_s": max(wall),
        "cpu_s": cpu,
        "median_cpu_s": statistics.median(cpu),
    }


# --- 4. memory --------------------------------------------------------------------------


def serve_filled(store: str, count: int, port: int, ids_file: Path, fixture: Path) -> None:
    """The app `sessim serve` runs, filled with `count` sessions, then served as the CLI
    serves it (uvicorn, uvloop, no access log, Sessim's own Date)."""
    settings = Settings(store=store, port=port, access_log=False, **CHEAP)
    app = create_app(settings)

    async def run() -> None:
        ids = await fill(app.runtime, count, fixture)
        ids_file.write_text("\n".join(ids) + "\n")
        del ids
        config = uvicorn.Config(
            app, port=port, log_level="warning", access_log=False, date_header=False
        )
        await uvicorn.Server(config).serve()

    uvloop.run(run())


def memory_server(name: str, count: int, port: int, tmp: Path, ids: Path) -> list[str]:
    """The server holding `count` sessions: `sessim serve` on a SQLite file filled here; the
    memory store, which only its own process can fill, by `serve-filled`."""
    if name != "memory":
        store = store_url(name, tmp, f"rss-{count}")
        fill_store(store, count, tmp, ids)
        return sessim_command(tmp, port, store, seed=False)
    return [
        sys.executable, str(BENCH / "scale.py"), "serve-filled", "memory://", str(count),
        str(port), str(ids), str(sessim_fixture(tmp)),
    ]  # fmt: skip


def bench_memory(tmp: Path) -> dict:
    results: dict = {}
    small, large = MEMORY_SIZES
    for name in ("memory", *STORES):
        rss, redis_side = {}, {}
        for count in MEMORY_SIZES:
            port, ids = free_port(), tmp / f"rss-{count}.txt"
            command = memory_server(name, count, port, tmp, ids)
            print(f"{name}, {count:,} sessions:")
            with serving(command, port, tmp / "rss.log") as server:
                peak(port, ids, f"{OKTA}/sessions/")  # every session read at least once
                rss[count] = rss_mib(server.pid)
            if name == "redis":
                redis_side[count] = REDIS.memory(f"rss-{count}")
                REDIS.stop(f"rss-{count}")
        results[name] = {"rss_mib": rss, "per_100k_mib": per_100k(rss[large], rss[small])}
        if redis_side:
            used = {n: side["used_memory_mib"] for n, side in redis_side.items()}
            results[name]["redis_server"] = {
                "used_memory_mib": used,
                "rss_mib": {n: side["rss_mib"] for n, side in redis_side.items()},
                "used_memory_per_100k_mib": per_100k(used[large], used[small]),
            }
        print(f"  {results[name]}")
    return results


def per_100k(large: float, small: float) -> float:
    small_count, large_count = MEMORY_SIZES
    return round((large - small) * 100_000 / (large_count - small_count), 1)


# --- report -----------------------------------------------------------------------------


def ratio(large: float, small: float) -> float:
    return round(large / small, 2)


def size_lines(results: dict) -> list[str]:
    lines = [
        "| store | live sessions | fill (s) | requests/s | p50 (ms) | p99 (ms) "
        "| p99 at fixed rate (ms) | its range (ms) | RSS (MiB) | file (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for name, rows in results["sizes"].items():
        for count, row in rows.items():
            m = row["median"]
            low, high = m["fixed_p99_range_ms"]
            lines.append(
                f"| {name} | {int(count):,} | {row['fill_s']} | {m['requests_per_s']:,.0f} | "
                f"{m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {m['fixed_p99_ms']:.2f} "
                f"({m['rate']:,.0f} req/s) | {low:.2f} to {high:.2f} | "
                f"{row['runs'][-1]['rss_mib']} | {row.get('file_mib', '')} |"
            )
        small, large = min(rows, key=int), max(rows, key=int)
        for label, key in (
            ("p50 at peak", "p50_ms"),
            ("p99 at peak", "p99_ms"),
            ("p99 at fixed rate", "fixed_p99_ms"),
        ):
            value = ratio(rows[large]["median"][key], rows[small]["median"][key])
            met = "met" if value <= TARGETS["size_ratio"] else "**missed**"
            verdicts.append(
                f"- {name}: {label}, {int(large):,} vs {int(small):,} sessions = {value}x "
                f"(target <= {TARGETS['size_ratio']}x): {met}"
            )
    return [*lines, "", *verdicts]


def worker_lines(results: dict) -> list[str]:
    lines = []
    for name, runs in results["workers"].items():
        for n, run in runs.items():
            redis_used = run.get("redis_cores_used")
            lines.append(
                f"- {name}, {n} worker(s): {run['peak']['requests_per_s']:,.0f} requests/s, "
                f"p99 {run['peak']['latency_us']['p99'] / 1000:.2f} ms; the workers used "
                f"{run['server_cores_used']} cores"
                + ("" if redis_used is None else f", redis-server {redis_used}")
            )
        value = ratio(runs["2"]["peak"]["requests_per_s"], runs["1"]["peak"]["requests_per_s"])
        met = "met" if value >= TARGETS["workers_ratio"] else "**missed**"
        lines.append(
            f"- {name}: 2 workers / 1 worker = {value}x (target >= "
            f"{TARGETS['workers_ratio']}x, set for Redis): {met}"
        )
    return lines


def memory_lines(results: dict) -> list[str]:
    lines = []
    for name, row in results["memory"].items():
        line = (
            f"- {name}: Sessim's RSS "
            + ", ".join(f"{mib} MiB at {int(n):,}" for n, mib in row["rss_mib"].items())
            + f" sessions: {row['per_100k_mib']} MiB per 100,000 sessions"
        )
        server = row.get("redis_server")
        if server:
            used = ", ".join(
                f"{mib} MiB at {int(n):,}" for n, mib in server["used_memory_mib"].items()
            )
            rss = ", ".join(f"{mib} MiB at {int(n):,}" for n, mib in server["rss_mib"].items())
            line += (
                f"; the redis-server's used_memory {used}: {server['used_memory_per_100k_mib']}"
                f" MiB per 100,000 sessions (its RSS {rss})"
            )
        lines.append(line)
    return lines


def busy(box: dict) -> str:
    """A warning when other work had the machine: the figures then measure the sharing."""
    if float(box["load"].split()[0]) < float(box["nproc"]) / 2:
        return ""
    return (
        " **The machine was busy with other work** (load at or above half its cores): "
        "latencies, the workers' ratio and the cold start are inflated by it."
    )


def markdown(results: dict) -> str:
    box, cold = results["machine"], results["cold_start"]
    return "\n".join(
        [
            MARKER,
            "# Scale: store size, workers, cold start, memory",
            "",
            f"Measured {results['date']} by `make bench BENCH=scale` (bench/scale.py) at commit "
            f"{results['commit']}. Machine: {box['nproc']} cores, {box['cpu']}; load average "
            f"{box['load']} when the run began.{busy(box)}",
            "",
            "**getSession by store size.** The store is filled through the store API in bulk "
            "(timed apart, not HTTP); then `sessim serve` alone on one core (with the bench's "
            "redis-server, so the store is in the server's budget as SQLite's is), wrk on the "
            "other (closed loop, 16 connections: peak, p50, p99), and the open-loop p99 at one "
            "fixed rate for every size of a store (bench/get_session.py's generator). Each size "
            f"is measured {REPEATS} times, the sizes in turns (each has a SQLite file, a "
            "redis-server of its own); the table gives the medians.",
            "",
            *size_lines(results),
            "",
            "**One worker, two workers** (1,000 sessions, wrk's peak; nothing pinned: the "
            "workers, the redis-server and wrk's one thread share the 2 cores as Linux "
            "schedules them, so the load generator is inside the budget):",
            "",
            *worker_lines(results),
            "",
            f"**Cold start** (`sessim serve`, every API, fresh SQLite file, to the first 200 on "
            f"/_admin/health): median {cold['median_s']} s, max {cold['max_s']} s over "
            f"{len(cold['runs_s'])} runs (target < {TARGETS['cold_start_s']} s): "
            f"{'met' if cold['median_s'] < TARGETS['cold_start_s'] else '**missed**'}. "
            f"The server's own CPU time until then: median {cold['median_cpu_s']} s.",
            "",
            "**Memory** (after a getSession run over every session):",
            "",
            *memory_lines(results),
            "",
            "When each part was measured (`SCALE_PARTS=sizes` re-measures one, keeping the "
            "others; with `STORES=redis`, only Redis's rows of it): "
            + "; ".join(
                f"{part} {run['date']} at {run['commit']}, load {run['load']}"
                for part, run in results["runs"].items()
            )
            + ".",
            "",
            "Raw figures: bench/results_scale.json.",
            "",
        ]
    )


BENCHES = {
    "cold_start": bench_cold_start,
    "sizes": bench_sizes,
    "workers": bench_workers,
    "memory": bench_memory,
}
PARTS = os.environ.get("SCALE_PARTS", ",".join(BENCHES)).split(",")
BY_STORE = ("sizes", "workers", "memory")  # rows per store: a run on some keeps the others'


def main() -> None:
    box = machine()
    ensure_wrk()
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {LOAD_CPU})
    path = BENCH / "results_scale.json"
    kept = json.loads(path.read_text()) if list(BENCHES) != PARTS and path.exists() else {}
    measured = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit()}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if "redis" in STORES:
            ensure_redis()
        try:
            fresh = {part: BENCHES[part](tmp) for part in PARTS}
        finally:
            REDIS.close()
    if kept:
        fresh = {
            part: {**kept.get(part, {}), **rows} if part in BY_STORE else rows
            for part, rows in fresh.items()
        }
    done = [f"{part} ({','.join(STORES)})" if part in BY_STORE else part for part in PARTS]
    runs = {**kept.get("runs", {}), **{part: {**measured, "load": box["load"]} for part in done}}
    results = {**kept, **measured, "machine": box, **fresh, "runs": runs}
    path.write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(json.loads(json.dumps(results)))  # keys as the JSON has them
    write_section(MARKER, text)
    print(text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve-filled"]:
        store, count, port, ids, fixture = sys.argv[2:]
        serve_filled(store, int(count), int(port), Path(ids), Path(fixture))
    else:
        main()
