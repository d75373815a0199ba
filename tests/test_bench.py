"""`make bench` end to end in its quick mode (bench/figures.py, BENCH_QUICK=1): every server
really started and loaded, every answer it measured a 2xx, the one JSON file and the page's
generated section well formed. Slow: a minute of real servers, wrk and Prism (installed by
the harness where missing), which no figure of this test reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench/figures.py: begin -->", "<!-- bench/figures.py: end -->"


def test_quick_bench_measures_every_server_and_writes_results(tmp_path: Path) -> None:
    page, results = tmp_path / "benchmarks.md", tmp_path / "results.json"
    page.write_text(f"# Benchmarks\n\nKept.\n\n{BEGIN}\nstale figures\n{END}\n\nAlso kept.\n")
    env = {
        **os.environ,
        "BENCH_QUICK": "1",
        "BENCH_JSON": str(results),
        "BENCH_PAGE": str(page),
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, "bench/figures.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(results.read_text())
    assert found["quick"] is True
    assert {"date", "commit", "machine", "versions"} <= found.keys()
    assert {"prism", "wrk", "redis", "connexion"} <= found["versions"].keys()
    one = found["get_session"]["one_worker"]
    assert set(one) == {"memory", "sqlite", "redis", "bare", "prism"}
    two = found["get_session"]["two_workers"]
    assert set(two) == {"sqlite", "redis"}
    peaks = [run["peak"] for run in [*one.values(), *two.values()]]
    peaks += [read["peak"] for read in found["vendor_reads"].values() if read["peak"]]
    # each peak is the run of the median rate among the runs it reports
    assert all(peak["requests_per_s"] in peak["runs_per_s"] for peak in peaks)
    assert found["vendor_reads"]["optimizely"]["peak"] is not None  # in its spec today
    for figures in peaks:
        assert figures["requests"] > 0 and figures["errors"]["status"] == 0, figures
    for run in two.values():  # wrk's connections, by worker: each worker's count
        assert len(run["peak"]["midway"]) == 2 and 0 < sum(run["peak"]["midway"]) <= 16
    for figures in [run["peak"] for run in [*one.values(), *two.values()]]:
        spent = figures["cpu_us"]
        assert spent["server"] > 0 and spent["wrk"] > 0 and spent["machine"] >= spent["server"]
    for server in one.values():
        assert server["half_rate"]["requests"] > 0 and server["half_rate"]["non_200"] == 0
        (run,) = server["half_rate"]["runs"]  # one run each in quick mode; the median is it
        assert server["half_rate"]["latency_ms"] == run["latency_ms"]
        assert run["server_cpu_us"] > 0 and run["server_cpu_wait_ms"] >= 0
        assert run["generator_cpu_wait_ms"] >= 0 and run["host_steal_ms"] >= 0
    assert found["settings"]["half_rate_runs"] == 1
    for clients in found["logins"].values():
        assert set(clients) == {"http.client", "httpx"}
        assert all(flow["cycles"] > 0 for flow in clients.values())
    assert 0 < found["running"]["first_s"] < 30 and 0 < found["running"]["uncached_first_s"] < 30
    assert set(found["reset"]) == {"memory", "sqlite", "redis"}
    for reset in found["reset"].values():  # one run each in quick mode; the median is it
        assert reset["runs"] == [reset["ms"]] and reset["ms"] > 0
    targets = found["targets"]
    assert len(targets) == 20 and all(set(t) >= {"name", "value", "target", "met"} for t in targets)
    text = page.read_text()
    assert text.startswith("# Benchmarks\n\nKept.\n") and text.endswith("\nAlso kept.\n")
    assert "stale figures" not in text and text.count(BEGIN) == text.count(END) == 1
    assert "Quick mode" in text and "| figure | measured | target | verdict |" in text
    assert "| p99 at half peak, each run (ms) | runs | median |" in text
    assert "| stolen by the host (ms) |" in text
    assert "| at peak, CPU per request (us) | server | wrk | rest |" in text
    assert all(f"| {t['name']} |" in text for t in targets)
