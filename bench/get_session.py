"""Benchmark: Okta getSession on Sessim, on the bare limit and on Prism, side by side.

Servers, each measured alone, on one core (`taskset -c 0`) while the load runs on the other:
- Sessim: `sessim serve` (one uvicorn worker, cheap argon2id, no access log), seeded with the
  demo fixture with Okta's rate limits lifted, holding SESSIONS live sessions made over HTTP
  (authn, then create with the sessionToken); once on a SQLite store, once on the memory
  store (the issue's own baseline of 1,600 req/s was measured on memory).
- bare: bench/bare.py, a minimal Starlette app in the same uvicorn doing the same work
  (SSWS token digest check, one SQLite read, Okta's Session body), holding SESSIONS sessions.
- Prism: `prism mock openapi/okta.yaml`, stateless, answering the spec's example.

Two measurements per server, on GET /okta/api/v1/sessions/<id> (Prism: /api/v1/sessions/<id>)
with `Authorization: SSWS <token>`, rotating through every session id (bench/get_session.lua):
1. Peak: `wrk -t1 -c16 -d<BENCH_SECONDS>s --latency` after a WARMUP_SECONDS run. wrk is closed
   loop: requests/s is the peak; its p50 and p99 are latencies at saturation.
2. p99 at half of Sessim's peak rate: Debian ships no wrk2 and it cannot be built offline, so
   `fixed_rate` below is an open-loop generator (asyncio + uvloop, raw keep-alive sockets,
   CONNECTIONS of them, pre-built requests). Request i is due at start + i/rate whether or not
   earlier ones are done, and its latency runs from when it was due, so queueing behind a slow
   answer counts (no coordinated omission). It includes the generator's own cost (tens of us).
   HALF_RATE_RUNS runs back to back (5; 1 in BENCH_QUICK): each cut is the median of the
   runs' (never the best), every run is kept, with how long the server's and the
   generator's threads waited for a CPU during it (/proc/<pid>/schedstat): a single run's
   p99 moved by 2x on this shared machine.

Writes bench/results_get_session.json (raw figures) and bench/results.md (table, targets,
machine, commands).
Installs what it needs when missing: wrk (apt) and Prism (npm ci in bench/node, pinned).
Usage: make bench BENCH=get_session [BENCH_SECONDS=10] [SESSIONS=1000] [BENCH_QUICK=1]
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import uvloop
import yaml
from sessim.admin.fixtures import demo

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NODE = BENCH / "node"
PRISM = NODE / "node_modules" / ".bin" / "prism"
WRK_PACKAGE = "wrk=4.1.0-3+b2"  # Debian 12's wrk; pinned like everything else
PRISM_VERSION = "5.16.0"  # also pinned exactly in bench/node/package.json
API_TOKEN = "00sessim-demo-api-token"
OKTA = "/okta/api/v1"
OKTA_LOGIN = {"username": "dana.demo@sessim.dev", "password": "sessim-okta-demo"}
OKTA_UNLIMITED = {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000}
# BENCH_QUICK=1: a smoke test of the harness (one-second runs, no warm-up, few sessions),
# whose figures measure nothing.
QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = int(os.environ.get("BENCH_SECONDS", "1" if QUICK else "10"))
SESSIONS = int(os.environ.get("SESSIONS", "50" if QUICK else "1000"))
WARMUP_SECONDS = int(os.environ.get("WARMUP_SECONDS", "0" if QUICK else "3"))
HALF_RATE_RUNS = int(os.environ.get("HALF_RATE_RUNS", "1" if QUICK else "5"))
PEAK_RUNS = int(os.environ.get("PEAK_RUNS", "1" if QUICK else "3"))
CONNECTIONS = 16
EARLY = 0.0005  # seconds a request may go out before it is due (see fixed_rate)
SEED_CLIENTS = 16
SERVER_CPU, LOAD_CPU = "0", 1
TARGETS = {"vs_bare": 0.4, "vs_prism": 1.5, "p99_half_ms": 10.0}
# The header each request carries: Okta's API token unless a bench names another.
Header = tuple[str, str]
OKTA_AUTH: Header = ("Authorization", f"SSWS {API_TOKEN}")


# --- tools ---------------------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    install = ["apt-get", "install", "-y", "--no-install-recommends", WRK_PACKAGE]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)  # a stale index lacks the pin
        subprocess.run(install, check=True)


def ensure_prism() -> None:
    if PRISM.exists():
        return
    # --ignore-scripts: the only install script is a telemetry ping (@scarf/scarf).
    npm = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    subprocess.run(npm, cwd=NODE, check=True)


def output(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "sqlite": __import__("sqlite3").sqlite_version}
    for package in ("connexion", "starlette", "uvicorn", "httptools", "uvloop"):
        found[package] = metadata.version(package)
    found["node"] = output(["node", "--version"])
    found["prism"] = output([str(PRISM), "--version"])
    found["wrk"] = output(["dpkg-query", "--show", "--showformat=${Version}", "wrk"])
    return found


def machine() -> dict[str, str | int]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    # Load before the run: other work on the box makes the figures noisy.
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {
        "nproc": os.cpu_count() or 0,
        "cpu": model,
        "kernel": platform.release(),
        "load": " ".join(load),
    }


def pinned(command: list[str]) -> list[str]:
    """The server on its own core, when there is one to spare."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", SERVER_CPU, *command]
    return command


def on_every_core(command: list[str]) -> list[str]:
    """The server free to run on every core: the bench's own process is pinned to the load's
    core, and a child started without taskset would inherit that one core."""
    cores = os.cpu_count() or 1
    if shutil.which("taskset") and cores > 1:
        return ["taskset", "-c", f"0-{cores - 1}", *command]
    return command


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(
    command: list[str], port: int, log: Path, pin: bool = True
) -> Iterator[subprocess.Popen]:
    """The server (on its own core unless pin is False), up and answering HTTP; stopped on
    the way out whatever happens."""
    with log.open("w") as errors:
        server = subprocess.Popen(
            pinned(command) if pin else on_every_core(command),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        wait_until_up(server, port, log)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            httpx.get(f"http://127.0.0.1:{port}/")  # any answer will do
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit(f"{command_name(server)} did not start:\n{log.read_text()[-2000:]}")


def command_name(server: subprocess.Popen) -> str:
    return " ".join(map(str, server.args))  # type: ignore[arg-type]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def sessim_fixture(tmp: Path) -> Path:
    """The demo fixture with Okta's rate limits lifted, which would otherwise answer 429s, and
    no lockout: it counts attempts before the password check, so SEED_CLIENTS parallel correct
    log-ins of one user would lock them."""
    fixture = demo()
    fixture["okta"]["settings"] = {"rate_limits": OKTA_UNLIMITED, "lockout_attempts": 0}
    path = tmp / "fixture.json"
    path.write_text(json.dumps(fixture))
    return path


def sessim_command(tmp: Path, port: int, store: str, *args: str, seed: bool = True) -> list[str]:
    """`sessim serve` as benchmarked; seed=False for a store filled beforehand."""
    seeding = ["--seed", str(sessim_fixture(tmp))] if seed else []
    return [
        str(Path(sys.executable).parent / "sessim"), "serve", "--port", str(port),
        "--store", store, *seeding,
        "--argon2-time-cost", "1", "--argon2-memory-kib", "8", "--no-access-log", *args,
    ]  # fmt: skip


def bare_command(tmp: Path, port: int) -> list[str]:
    return [sys.executable, str(BENCH / "bare.py"), "serve", str(tmp / "bare.db"), str(port)]


def prism_spec(tmp: Path) -> Path:
    """openapi/okta.yaml as JSON, its YAML merge keys (`<<: *common`) resolved: Prism's YAML
    reader takes `<<` for a header name and answers every request with a 500."""
    path = tmp / "okta.json"
    path.write_text(json.dumps(yaml.safe_load((ROOT / "openapi" / "okta.yaml").read_text())))
    return path


def prism_command(port: int, spec: Path) -> list[str]:
    return [
        str(PRISM), "mock", str(spec), "--port", str(port),
        "--errors", "false", "--verboseLevel", "silent",
    ]  # fmt: skip


# --- sessions ------------------------------------------------------------------------------


async def open_session(http: httpx.AsyncClient) -> str:
    authn = await http.post(f"{OKTA}/authn", json=OKTA_LOGIN)
    authn.raise_for_status()
    body = {"sessionToken": authn.json()["sessionToken"]}
    headers = {"Authorization": f"SSWS {API_TOKEN}"}
    created = await http.post(f"{OKTA}/sessions", json=body, headers=headers)
    created.raise_for_status()
    return created.json()["id"]


async def open_sessions(
    port: int, count: int, opener: Callable[[httpx.AsyncClient], Awaitable[str]] = open_session
) -> list[str]:
    """count sessions from SEED_CLIENTS concurrent clients, over the vendor's own API (Okta's
    unless opener opens another's): what each opener call answers."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:

        async def client(share: int) -> list[str]:
            return [await opener(http) for _ in range(share)]

        shares = [len(range(i, count, SEED_CLIENTS)) for i in range(SEED_CLIENTS)]
        batches = await asyncio.gather(*(client(share) for share in shares))
    return [session_id for batch in batches for session_id in batch]


def seed_sessim(port: int, ids_file: Path) -> float:
    started = time.perf_counter()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        ids = runner.run(open_sessions(port, SESSIONS))
    ids_file.write_text("\n".join(ids) + "\n")
    return time.perf_counter() - started


def seed_bare(tmp: Path, ids_file: Path) -> None:
    command = [sys.executable, str(BENCH / "bare.py"), "seed", str(tmp / "bare.db"), str(SESSIONS)]
    ids_file.write_text(output(command) + "\n")


# --- load ----------------------------------------------------------------------------------


def wrk_command(
    port: int, seconds: int, ids_file: Path, prefix: str, header: Header = OKTA_AUTH
) -> list[str]:
    return [
        "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
        "-s", str(BENCH / "get_session.lua"), f"http://127.0.0.1:{port}",
        "--", str(ids_file), prefix, header[1], header[0],
    ]  # fmt: skip


def run_wrk(port: int, seconds: int, ids_file: Path, prefix: str, header: Header) -> dict:
    text = output(wrk_command(port, seconds, ids_file, prefix, header))
    line = next(line for line in text.splitlines() if line.startswith("WRK-JSON "))
    figures = json.loads(line.removeprefix("WRK-JSON "))
    figures["requests_per_s"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    return figures


def http_requests(port: int, ids_file: Path, prefix: str, header: Header) -> list[bytes]:
    """The requests of the lines file as get_session.lua makes them (a line: a path suffix,
    then optionally a tab and its own header value)."""
    requests = []
    for line in ids_file.read_text().splitlines():
        suffix, tab, value = line.partition("\t")
        head = f"Host: 127.0.0.1:{port}\r\n{header[0]}: {value if tab else header[1]}\r\n\r\n"
        requests.append(f"GET {prefix}{suffix} HTTP/1.1\r\n{head}".encode())
    return requests


async def read_status(reader: asyncio.StreamReader) -> int:
    """One response off a keep-alive connection (both servers send Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return int(head[9:12])


async def connection(port: int, queue: asyncio.Queue, requests: list[bytes], seen: list) -> None:
    """Sends each request it takes from the queue and records (lag, latency, status). A
    connection the server closes (Prism's idle timeout, on a starved machine) is opened
    again, and the request it was carrying counts as failed (status 0): a run that waited
    for it would never end."""
    while True:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                due, queued, index = await queue.get()
                writer.write(requests[index % len(requests)])
                sent = time.perf_counter()
                try:
                    status = await read_status(reader)
                except (ConnectionError, asyncio.IncompleteReadError):
                    status = 0
                # Timed from when it was due, so waiting for a free connection counts; but
                # not from before it went out (sent early), nor before it was queued (late).
                origin = min(max(due, queued), sent)
                seen.append((max(queued - due, 0.0), time.perf_counter() - origin, status))
                queue.task_done()
                if not status:
                    break
        finally:
            writer.close()


async def fixed_rate(port: int, requests: list[bytes], rate: float, seconds: int) -> Run:
    """Request i due at start + i / rate, sent on the first free connection. Timers fire on
    whole milliseconds, so each wake-up sends what is due within the next EARLY seconds; and
    uvloop's clock ticks in milliseconds, so times come from perf_counter."""
    queue: asyncio.Queue = asyncio.Queue()
    seen: list[tuple[float, float, int]] = []
    senders = [
        asyncio.create_task(connection(port, queue, requests, seen)) for _ in range(CONNECTIONS)
    ]
    start, total, index = time.perf_counter() + 0.1, int(rate * seconds), 0
    while index < total:
        while index < total and start + index / rate <= time.perf_counter() + EARLY:
            queue.put_nowait((start + index / rate, time.perf_counter(), index))
            index += 1
        await asyncio.sleep(max(start + index / rate - EARLY - time.perf_counter(), 0))
    await queue.join()
    elapsed = time.perf_counter() - start
    for sender in senders:
        sender.cancel()
    await asyncio.gather(*senders, return_exceptions=True)
    return Run(seen, elapsed)


@dataclass
class Run:
    seen: list[tuple[float, float, int]]  # (generator lag, latency) in seconds, status
    elapsed: float


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def stolen() -> float:
    """Seconds the hypervisor ran something else while this virtual machine's CPUs were due
    to run (steal, summed over the CPUs, from /proc/stat): unseen by the processes' own
    schedstat, it slows the server's every instruction (the same requests took 490 and
    630 us of CPU in two runs of a quiet guest, 0.45 and 1.8 s stolen)."""
    return busy()[1]


def busy() -> tuple[float, float]:
    """Seconds the machine's CPUs ran anything (user, system, interrupts: summed over the
    CPUs), and seconds stolen by the host, from /proc/stat."""
    path = Path("/proc/stat")
    if not path.exists():
        return math.nan, math.nan
    ticks = [int(field) for field in path.read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks
    hertz = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / hertz, steal / hertz


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its descendants alive now (a server's workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # gone, or no /proc
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(tree_cpu(int(child)) for child in children)


def spending(pid: int | None) -> dict[str, float]:
    """What has run so far: the machine, the server's process tree, the bench's waited-for
    children (wrk), and the host's steal, in CPU seconds."""
    machine, steal = busy()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "machine": machine,
        "server": tree_cpu(pid) if pid is not None else math.nan,
        "wrk": children.ru_utime + children.ru_stime,
        "steal": steal,
    }


def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict:
    """Each part's CPU per request (us) over a run; `rest`: the machine's besides the server
    and wrk (a Redis server, the bench itself, anything else running)."""
    spent = {part: after[part] - before[part] for part in before}
    spent["rest"] = spent["machine"] - spent["server"] - spent["wrk"]
    return {part: round(seconds / max(requests, 1) * 1e6, 1) for part, seconds in spent.items()}


def scheduled(pid: int) -> tuple[float, float]:
    """Seconds a process's main thread has run on a CPU, and waited for one while runnable
    (the kernel's schedstat): the wait is other work's share of the core, not its own."""
    path = Path(f"/proc/{pid}/schedstat")
    if not path.exists():
        return math.nan, math.nan
    ran, waited, _slices = path.read_text().split()
    return int(ran) / 1e9, int(waited) / 1e9


def run_fixed_rate(
    port: int, ids_file: Path, prefix: str, rate: float, header: Header, pid: int, runs: int
) -> dict:
    """`runs` runs at `rate` against the server of process `pid`: every run, and the median
    of each figure over them."""
    requests = http_requests(port, ids_file, prefix, header)
    done = [one_fixed_rate(port, requests, rate, pid) for _ in range(runs)]
    return {
        "target_rate": round(rate, 1),
        "achieved_rate": statistics.median(run["achieved_rate"] for run in done),
        "requests": sum(run["requests"] for run in done),
        "non_200": sum(run["non_200"] for run in done),
        "latency_ms": medians([run["latency_ms"] for run in done]),
        "generator_lag_ms": medians([run["generator_lag_ms"] for run in done]),
        "runs": done,
    }


def medians(figures: list[dict[str, float]]) -> dict[str, float]:
    return {cut: round(statistics.median(each[cut] for each in figures), 3) for cut in figures[0]}


def one_fixed_rate(port: int, requests: list[bytes], rate: float, pid: int) -> dict:
    # The generator must not pause: a full collection walks every request of a million-id
    # list, milliseconds that would count as the server's latency. No collection runs
    # while it measures; what it keeps from before is out of the collector's sight.
    gc.freeze()
    gc.disable()
    try:
        server, own, cpu = scheduled(pid), scheduled(os.getpid()), time.process_time()
        steal = stolen()
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            run = runner.run(fixed_rate(port, requests, rate, SECONDS))
        cpu = time.process_time() - cpu
        server_after, own_after = scheduled(pid), scheduled(os.getpid())
        steal = stolen() - steal
    finally:
        gc.enable()
        gc.unfreeze()
    return {
        "achieved_rate": round(len(run.seen) / run.elapsed, 1),
        "requests": len(run.seen),
        "non_200": sum(status != 200 for *_, status in run.seen),
        "latency_ms": cuts([latency for _, latency, _ in run.seen]),
        "generator_lag_ms": cuts([lag for lag, _, _ in run.seen]),
        "seconds": round(run.elapsed, 3),
        # The server's main thread (its event loop): CPU per request, and how long it
        # waited for a CPU, which other work on the machine took.
        "server_cpu_us": round((server_after[0] - server[0]) / len(run.seen) * 1e6, 1),
        "server_cpu_wait_ms": round((server_after[1] - server[1]) * 1000, 1),
        "generator_cpu_us": round(cpu / len(run.seen) * 1e6, 1),
        "generator_cpu_wait_ms": round((own_after[1] - own[1]) * 1000, 1),
        "host_steal_ms": round(steal * 1000, 1),
    }


def cuts(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    named = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999), ("max", 1.0))
    return {name: round(percentile(ordered, cut) * 1000, 3) for name, cut in named}


# --- one server ----------------------------------------------------------------------------


def peak(
    port: int,
    ids_file: Path,
    prefix: str,
    header: Header = OKTA_AUTH,
    pid: int | None = None,
    midway: Callable[[], Any] | None = None,
    runs: int = PEAK_RUNS,
) -> dict:
    """wrk's figures at full load, of the run with the median rate of `runs` (one run's
    rate moved by a fifth between runs of the same code, and the ratios between peaks with
    it); each run's rate as "runs_per_s". Given the server's pid, where the machine's CPU
    went; given `midway`, what it returns halfway through each run (as "midway")."""
    if WARMUP_SECONDS:
        run_wrk(port, WARMUP_SECONDS, ids_file, prefix, header)
    each_run = [_one_peak(port, ids_file, prefix, header, pid, midway) for _ in range(runs)]
    figures = median_run(each_run)
    if figures["errors"]["status"]:  # a non-2xx answer is not a getSession served
        print(f"  warning: {figures['errors']['status']} answers were not 2xx")
    each = ", ".join(f"{rate:,.0f}" for rate in figures["runs_per_s"])
    print(
        f"  peak {figures['requests_per_s']:,.0f} req/s (the median of {each}),"
        f" p99 {figures['latency_us']['p99']} us"
    )
    return figures


def median_run(runs: list[dict]) -> dict:
    """The run with the median rate, each run's rate as "runs_per_s" (a run that holds the
    rates of runs before it gives those)."""
    rates = [rate for run in runs for rate in run.get("runs_per_s", [run["requests_per_s"]])]
    figures = dict(sorted(runs, key=lambda run: run["requests_per_s"])[len(runs) // 2])
    figures["runs_per_s"] = rates
    return figures


def _one_peak(
    port: int,
    ids_file: Path,
    prefix: str,
    header: Header,
    pid: int | None,
    midway: Callable[[], Any] | None,
) -> dict:
    before = spending(pid)
    seen: list[Any] = []
    timer = threading.Timer(SECONDS / 2, lambda: seen.append(midway and midway()))
    timer.start()
    figures = run_wrk(port, SECONDS, ids_file, prefix, header)
    timer.join()
    if midway is not None:
        figures["midway"] = seen[0] if seen else None
    if pid is not None:
        figures["cpu_us"] = per_request(before, spending(pid), figures["requests"])
    return figures


def half_rate(
    port: int, ids_file: Path, prefix: str, rate: float, pid: int, runs: int = HALF_RATE_RUNS
) -> dict:
    """The open loop at `rate`, `runs` times (the median of each figure, and every run)."""
    figures = run_fixed_rate(port, ids_file, prefix, rate, OKTA_AUTH, pid, runs)
    lag = figures["generator_lag_ms"]["p99"]
    each = ", ".join(f"{run['latency_ms']['p99']}" for run in figures["runs"])
    waits = ", ".join(f"{run['server_cpu_wait_ms']:.0f}" for run in figures["runs"])
    print(
        f"  at {rate:,.0f} req/s: p99 {figures['latency_ms']['p99']} ms, the median of"
        f" {each} (generator lag {lag}; the server waited {waits} ms for a CPU)"
    )
    return figures


def measure(server: subprocess.Popen, port: int, ids_file: Path, prefix: str, rate: float) -> dict:
    """Peak, then p99 at `rate` (0: half of this server's own peak)."""
    figures = peak(port, ids_file, prefix, pid=server.pid)
    rate = rate or figures["requests_per_s"] / 2
    slow = half_rate(port, ids_file, prefix, rate, server.pid)
    return {"peak": figures, "half_rate": slow, "rss_mib": rss_mib(server.pid)}


def bench_sessim(tmp: Path, ids_file: Path, store: str) -> dict:
    port = free_port()
    command = sessim_command(tmp, port, store)
    print(f"sessim ({store}): opening {SESSIONS:,} sessions over HTTP")
    with serving(command, port, tmp / "sessim.log") as server:
        seconds = seed_sessim(port, ids_file)
        print(f"  opened in {seconds:.1f} s")
        figures = measure(server, port, ids_file, f"{OKTA}/sessions/", 0)
    return {**figures, "seed_s": round(seconds, 1), "command": command, "port": port}


def bench_bare(tmp: Path, rate: float) -> dict:
    port, ids_file = free_port(), tmp / "bare-ids.txt"
    seed_bare(tmp, ids_file)
    command = bare_command(tmp, port)
    print("bare:")
    with serving(command, port, tmp / "bare.log") as server:
        figures = measure(server, port, ids_file, f"{OKTA}/sessions/", rate)
    return {**figures, "command": command, "port": port}


def bench_prism(tmp: Path, ids_file: Path, rate: float) -> dict:
    """Prism serves the spec's paths without its server's /okta base path."""
    port = free_port()
    command = prism_command(port, prism_spec(tmp))
    print("prism:")
    with serving(command, port, tmp / "prism.log") as server:
        figures = measure(server, port, ids_file, "/api/v1/sessions/", rate)
    return {**figures, "command": command, "port": port}


# --- report --------------------------------------------------------------------------------


def verdicts(servers: dict, sessim_name: str) -> dict:
    sessim, bare, prism = (
        servers[name]["peak"]["requests_per_s"] for name in (sessim_name, "bare", "prism")
    )
    p99 = servers[sessim_name]["half_rate"]["latency_ms"]["p99"]
    return {
        "vs_bare": verdict(sessim / bare, sessim / bare >= TARGETS["vs_bare"]),
        "vs_prism": verdict(sessim / prism, sessim / prism >= TARGETS["vs_prism"]),
        "p99_half_ms": verdict(p99, p99 < TARGETS["p99_half_ms"]),
    }


def verdict(value: float, met: bool) -> dict:
    return {"value": round(value, 2), "met": met}


def shown(command: list[str], tmp: Path, port: int) -> str:
    """A command as run, with the temporary folder, port and absolute paths made generic."""
    text = " ".join("<port>" if part == str(port) else part for part in command)
    text = text.replace(str(tmp), "<tmp>").replace(f"{ROOT}/", "")
    return text.replace(str(Path(sys.executable).parent) + "/", ".venv/bin/")


SESSIMS = ("sessim", "sessim_memory")
SERVERS = (*SESSIMS, "bare", "prism")
LABELS = {
    "sessim": "Sessim (connexion, SQLite store)",
    "sessim_memory": "Sessim (connexion, memory store)",
    "bare": "bare limit (Starlette + SQLite)",
    "prism": f"Prism {PRISM_VERSION} (stateless mock)",
}


def table(results: dict) -> list[str]:
    rows = [
        "| server | requests/s | p50 (ms) | p99 (ms) | p99 at half rate (ms) | RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in SERVERS:
        server = results["servers"][name]
        peak, slow = server["peak"], server["half_rate"]["latency_ms"]
        rows.append(
            f"| {LABELS[name]} | {peak['requests_per_s']:,.0f} | "
            f"{peak['latency_us']['p50'] / 1000:.2f} | {peak['latency_us']['p99'] / 1000:.2f} | "
            f"{slow['p99']:.2f} | {server['rss_mib']} |"
        )
    return rows


def check_lines(results: dict) -> list[str]:
    """What says the figures are sound: every answer a 200, the generator on time."""
    lines = []
    for name in SERVERS:
        server = results["servers"][name]
        slow = server["half_rate"]
        lines.append(
            f"- {name}: {server['peak']['errors']['status']} non-2xx of "
            f"{server['peak']['requests']:,} at peak; {slow['non_200']} non-200 of "
            f"{slow['requests']:,} at half rate ({slow['achieved_rate']:,.0f} req/s achieved), "
            f"generator lag p99 {slow['generator_lag_ms']['p99']} ms"
        )
    return lines


def target_lines(results: dict) -> list[str]:
    return [line for name in SESSIMS for line in targets_of(results, name)]


def targets_of(results: dict, name: str) -> list[str]:
    targets = results["targets"][name]
    met = {key: "met" if v["met"] else "**missed**" for key, v in targets.items()}
    values = {key: v["value"] for key, v in targets.items()}
    rate = results["servers"][name]["half_rate"]["target_rate"]
    return [
        f"- {LABELS[name]} / bare = {values['vs_bare']}x (target >= {TARGETS['vs_bare']}x): "
        f"{met['vs_bare']}",
        f"- {LABELS[name]} / Prism = {values['vs_prism']}x (target >= {TARGETS['vs_prism']}x):"
        f" {met['vs_prism']}",
        f"- {LABELS[name]} p99 at {rate:,.0f} req/s (half its peak) = {values['p99_half_ms']}"
        f" ms (target < {TARGETS['p99_half_ms']:g} ms): {met['p99_half_ms']}",
    ]


def command_lines(results: dict) -> list[str]:
    lines = [f"- {name}: `{results['commands'][name]}`" for name in SERVERS]
    lines.append(f"- peak (after a {WARMUP_SECONDS} s warm-up run): `{results['commands']['wrk']}`")
    lines.append(
        f"- half rate: `fixed_rate` in bench/get_session.py, half of each Sessim's own peak"
        f" (bare and Prism at half of Sessim's SQLite peak, {results['half_rate']:,.0f} req/s),"
        f" for {SECONDS} s over {CONNECTIONS} keep-alive connections, open loop"
    )
    return lines


def markdown(results: dict) -> str:
    box, v = results["machine"], results["versions"]
    return "\n".join(
        [
            "# getSession: Sessim, the bare limit and Prism",
            "",
            f"Measured {results['date']} by `make bench BENCH=get_session` (bench/get_session.py)"
            f" at commit {results['commit']}. GET /okta/api/v1/sessions/<id> with an SSWS"
            f" token, rotating through {SESSIONS:,} live sessions; each server alone on one core,"
            " the load on the other. p50 and p99 are wrk's at peak (closed loop, 16"
            " connections); the half-rate p99 comes from an open-loop load at half of Sessim's"
            " peak, timed from when each request was due.",
            "",
            *table(results),
            "",
            "Targets:",
            "",
            *target_lines(results),
            "",
            "Checks (the generator's lag, how late it sent a request, is part of the half-rate"
            " latencies):",
            "",
            *check_lines(results),
            "",
            f"Machine: {box['nproc']} cores, {box['cpu']}, Linux {box['kernel']}; load average"
            f" {box['load']} (1, 5, 15 min) when the run began.",
            "",
            "Versions: " + ", ".join(f"{name} {version}" for name, version in v.items()) + ".",
            "",
            "Commands:",
            "",
            *command_lines(results),
            "",
            "Raw figures: bench/results_get_session.json.",
            "",
        ]
    )


def other_sections() -> str:
    """What other benchmarks wrote into results.md, each section opening with an HTML
    comment naming its writer (bench/sfcc_flow.py): kept when this one rewrites the file."""
    path = BENCH / "results.md"
    current = path.read_text() if path.exists() else ""
    start = current.find("\n<!-- ")
    return "" if start < 0 else "\n" + current[start:].lstrip("\n")


def write_section(marker: str, text: str) -> None:
    """Replace one benchmark's section of results.md (from its marker, an HTML comment, to
    the next one), keeping the others; a new section goes at the end."""
    path = BENCH / "results.md"
    current = path.read_text() if path.exists() else ""
    before, found, after = current.partition(marker)
    rest = after[after.find("\n<!-- ") :] if found and "\n<!-- " in after else ""
    head = before.rstrip("\n")
    path.write_text((f"{head}\n\n" if head else "") + text.rstrip("\n") + "\n" + rest)


def commit() -> str:
    head = output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = output(["git", "-C", str(ROOT), "status", "--porcelain", "--", "impl", "openapi"])
    return f"{head} (with uncommitted changes to impl/ or openapi/)" if dirty else head


def main() -> None:
    box = machine()
    ensure_wrk()
    ensure_prism()
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {LOAD_CPU})  # wrk and the load generator inherit this core
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ids = tmp / "sessim-ids.txt"
        servers = {
            "sessim": bench_sessim(tmp, ids, f"sqlite:///{tmp}/bench.db"),
            "sessim_memory": bench_sessim(tmp, tmp / "memory-ids.txt", "memory://"),
        }
        rate = servers["sessim"]["peak"]["requests_per_s"] / 2
        servers["bare"] = bench_bare(tmp, rate)
        servers["prism"] = bench_prism(tmp, tmp / "sessim-ids.txt", rate)
        commands = {
            name: shown(servers[name].pop("command"), tmp, servers[name].pop("port"))
            for name in SERVERS
        }
        wrk = wrk_command(0, SECONDS, tmp / "<ids file>", "<prefix>")
        commands["wrk"] = shown(wrk, tmp, 0).replace(":0", ":<port>")
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "machine": box,
        "versions": versions(),
        "sessions": SESSIONS,
        "seconds": SECONDS,
        "half_rate": rate,
        "servers": servers,
        "targets": {name: verdicts(servers, name) for name in SESSIMS},
        "commands": commands,
    }
    (BENCH / "results_get_session.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH / "results.md").write_text(markdown(results) + other_sections())
    print("\n".join(["", *table(results), "", *target_lines(results)]))


if __name__ == "__main__":
    main()
