"""GET /_admin/metrics: the Prometheus text format, counters that move by exactly what was
served, live sessions counted in the store, and one sum over `--workers N`."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from sessim.registry import VENDORS
from starlette.testclient import TestClient

from tests.conftest import DEMO_USER, Reset, logged_sessim, plain_client
from tests.okta.support import (
    ANNA,
    FIXTURE,
    LOCKOUT_ATTEMPTS,
    NOW,
    SSWS,
    advance,
    authn,
    get_session,
    new_session,
    revoke_session,
    set_settings,
)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


@pytest.fixture
def okta(reset: Reset) -> TestClient:
    """The run's app as the Okta tests have it: frozen at NOW, seeded with their FIXTURE."""
    return reset(now=NOW, seed=FIXTURE)


def scrape(http: httpx.Client | TestClient) -> Samples:
    """Every sample of a scrape, by name and labels; the text must parse."""
    response = http.get("/_admin/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return samples_of(text_string_to_metric_families(response.text))


def samples_of(families: Iterable[Metric]) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a counter that has not counted yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.mark.registry
def test_the_scrape_parses_and_names_every_metric(okta: TestClient) -> None:
    response = okta.get("/_admin/metrics")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    assert response.status_code == 200
    exported = [name for name in families if not name.endswith("_created")]  # one process's
    assert {name: families[name].type for name in exported if name.startswith("sessim_")} == {
        "sessim_requests": "counter",
        "sessim_request_duration_seconds": "histogram",
        "sessim_lockouts": "counter",
        "sessim_rate_limited": "counter",
        "sessim_live_sessions": "gauge",
    }
    live = families["sessim_live_sessions"].samples
    assert {sample.labels["vendor"]: sample.value for sample in live} == dict.fromkeys(VENDORS, 0)


def test_counters_and_the_histogram_move_by_exactly_the_requests_made(okta: TestClient) -> None:
    before = scrape(okta)
    session = new_session(okta)  # primaryAuthentication, then createSession
    for _ in range(3):
        assert get_session(okta, session["id"]).status_code == 200
    assert get_session(okta, "102nosuchsession000000000").status_code == 404
    assert okta.get("/okta/api/v1/nowhere", headers=SSWS).status_code == 404
    assert okta.get("/nowhere").status_code == 404
    after = scrape(okta)
    requests = "sessim_requests_total"
    assert moved(before, after, requests, vendor="okta", operation="getSession", status="200") == 3
    assert moved(before, after, requests, vendor="okta", operation="getSession", status="404") == 1
    created = {"vendor": "okta", "operation": "createSession", "status": "200"}
    assert moved(before, after, requests, **created) == 1
    assert moved(before, after, requests, vendor="okta", operation="", status="404") == 1
    assert moved(before, after, requests, vendor="", operation="", status="404") == 1
    # The first scrape counts once it has answered: the second sees it, not itself.
    assert moved(before, after, requests, vendor="admin", operation="getMetrics", status="200") == 1
    okta = {"vendor": "okta", "operation": "getSession"}
    histogram = "sessim_request_duration_seconds"
    assert moved(before, after, f"{histogram}_count", **okta) == 4
    assert moved(before, after, f"{histogram}_bucket", **okta, le="+Inf") == 4
    assert moved(before, after, f"{histogram}_bucket", **okta, le="10.0") == 4
    assert 0 < moved(before, after, f"{histogram}_sum", **okta) < 4 * 10


def test_live_sessions_rise_with_logins_and_fall_with_logouts_and_expiry(okta: TestClient) -> None:
    okta.post("/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
    sessions = [new_session(okta)["id"] for _ in range(3)]
    for _ in range(2):
        assert okta.post("/vestiaire/sessions", json=LOGIN).status_code == 201
    live = scrape(okta)
    assert value(live, "sessim_live_sessions", vendor="okta") == 3
    assert value(live, "sessim_live_sessions", vendor="vestiaire") == 2
    assert value(live, "sessim_live_sessions", vendor="sfcc") == 0
    assert revoke_session(okta, sessions[0]).status_code == 204
    assert value(scrape(okta), "sessim_live_sessions", vendor="okta") == 2
    advance(okta, 120 * 60)  # Okta's idle lifetime; Vestiaire's is 30 days
    expired = scrape(okta)
    assert value(expired, "sessim_live_sessions", vendor="okta") == 0
    assert value(expired, "sessim_live_sessions", vendor="vestiaire") == 2
    advance(okta, 30 * 86_400)
    assert value(scrape(okta), "sessim_live_sessions", vendor="vestiaire") == 0


def test_a_lockout_counts_once(okta: TestClient) -> None:
    before = scrape(okta)
    for _ in range(LOCKOUT_ATTEMPTS + 2):  # the calls after the lockout lock nothing
        authn(okta, ANNA, password="wrong")
    after = scrape(okta)
    assert moved(before, after, "sessim_lockouts_total", vendor="okta") == 1
    assert moved(before, after, "sessim_lockouts_total", vendor="vestiaire") == 0


def test_a_rate_limited_call_counts_by_vendor_and_bucket(okta: TestClient) -> None:
    set_settings(okta, rate_limits={"sessions": 2})
    before = scrape(okta)
    statuses = [get_session(okta, "102nosuchsession000000000").status_code for _ in range(4)]
    after = scrape(okta)
    assert statuses == [404, 404, 429, 429]
    assert moved(before, after, "sessim_rate_limited_total", vendor="okta", bucket="sessions") == 2
    assert moved(before, after, "sessim_rate_limited_total", vendor="okta", bucket="authn") == 0
    refused = {"vendor": "okta", "operation": "", "status": "429"}
    assert moved(before, after, "sessim_requests_total", **refused) == 2


OKTA = {
    "okta": {
        "api_tokens": ["t0ken"],
        "settings": {"rate_limits": {"authn": 10**6, "sessions": 10**6, "users": 10**6}},
    }
}
MISSING = "/okta/api/v1/sessions/102nosuchsession000000000"
NOT_FOUND = {"vendor": "okta", "operation": "getSession", "status": "404"}


@contextlib.contextmanager
def serving(store: str, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`sessim serve --workers 2` with this environment added; stopped (SIGTERM) after."""
    with logged_sessim(store, "--workers", "2", env={**os.environ, **env}) as (base, server, _):
        yield base, server


def spread_requests(base: str, count: int) -> None:
    """count getSession calls of an unknown session, from four threads, each on a connection
    of its own (Connection: close), so that the kernel hands them to either worker."""
    headers = {"Authorization": "SSWS t0ken", "Connection": "close"}

    def work() -> None:
        with plain_client(base_url=base, headers=headers) as http:
            for _ in range(count // 4):
                assert http.get(MISSING).status_code == 404

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def scrapes(base: str, count: int) -> list[Samples]:
    """count scrapes of a real server, each on a connection of its own (either worker's)."""
    with plain_client(base_url=base, headers={"Connection": "close"}) as http:
        return [scrape(http) for _ in range(count)]


def served_by_each(directory: Path) -> list[float]:
    """The getSession 404s each worker process counted: each one's file alone, read by
    prometheus-client's multiprocess collector. (A process, not a pid of worker_pids: the
    supervisor replaces a worker that misses its health check on a busy machine.)"""
    counts = []
    for written in directory.glob("counter_*.db"):
        with tempfile.TemporaryDirectory() as alone:
            shutil.copy(written, alone)
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=alone)
            samples = samples_of(registry.collect())
        counts.append(value(samples, "sessim_requests_total", **NOT_FOUND))
    return counts


@pytest.mark.slow
def test_both_workers_count_into_one_scrape_and_a_restart_starts_from_zero(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path}/shared.db"
    directory = tmp_path / "metrics"
    directory.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(directory)}
    with serving(store, env) as (base, _server):
        httpx.post(f"{base}/_admin/seed", json=OKTA).raise_for_status()
        made = 0
        while made < 2000:  # until the kernel has handed some to each worker
            spread_requests(base, 20)
            made += 20
            served = [count for count in served_by_each(directory) if count]
            if len(served) > 1:
                break
        assert len(served) > 1, f"one worker served all {made}"
        assert sum(served) == made
        # Every scrape, whichever worker answers it (a connection each), sees them all.
        for samples in scrapes(base, 6):
            assert value(samples, "sessim_requests_total", **NOT_FOUND) == made
            okta = {"vendor": "okta", "operation": "getSession"}
            assert value(samples, "sessim_request_duration_seconds_count", **okta) == made
    # A new run on the same directory does not count the last run's files again.
    with serving(store, env) as (base, _server):
        spread_requests(base, 8)
        for samples in scrapes(base, 2):
            assert value(samples, "sessim_requests_total", **NOT_FOUND) == 8


@pytest.mark.slow
def test_without_a_directory_several_workers_share_a_private_one_removed_at_exit(
    tmp_path: Path,
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary)}
    with serving(f"sqlite:///{tmp_path}/shared.db", env) as (base, _server):
        (private,) = temporary.glob("sessim-metrics-*")
        httpx.post(f"{base}/_admin/seed", json=OKTA).raise_for_status()
        spread_requests(base, 20)
        for samples in scrapes(base, 4):
            assert value(samples, "sessim_requests_total", **NOT_FOUND) == 20
        assert any(private.glob("counter_*.db"))
    assert list(temporary.iterdir()) == []
