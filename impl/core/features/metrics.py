"""Prometheus metrics: requests by vendor, operationId and status with their latency,
lockouts and rate-limited calls, counted where they happen; live sessions per vendor,
counted in the store at each scrape.

The counters are instruments of the process, not state: in one process they live in
memory; with `sessim serve --workers N` each worker writes its own to files in
PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode, which that variable turns
on when it is set before prometheus_client is first imported, as the CLI does for its
workers), and a scrape through any worker adds up every worker's files. Live sessions are
no counter of a process: whichever worker is scraped counts them in the shared store.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..kit import events
from ..kit.events import vendor_of
from ..kit.sessions import live_sessions_tag
from ..kit.store import Store

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The test prometheus_client made when imported (just above) to choose its mode.
MULTIPROCESS = bool(os.environ.get(MULTIPROC_ENV))
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# From a cached read (a tenth of a millisecond) to a login's argon2id and beyond.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# One process's counters; in multiprocess mode a scrape reads the files instead.
REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "sessim_requests",
    "Requests answered, by vendor API (admin for the admin API, empty for a path no API "
    "owns), operationId (empty when no operation was routed: an unknown path, a call a "
    "rate limit refused) and status.",
    ["vendor", "operation", "status"],
    registry=REGISTRY,
)
DURATION = Histogram(
    "sessim_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by vendor API and operationId.",
    ["vendor", "operation"],
    buckets=BUCKETS,
    registry=REGISTRY,
)
LOCKOUTS = Counter(
    "sessim_lockouts",
    "Accounts locked after too many failed sign-ins, by vendor.",
    ["vendor"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "sessim_rate_limited",
    "Calls a vendor's rate limit refused, by vendor and rate-limit bucket.",
    ["vendor", "bucket"],
    registry=REGISTRY,
)


def observe(vendor: str, operation: str, status: int, seconds: float) -> None:
    """One answered request."""
    requests, duration = _instruments(vendor, operation, status)
    requests.inc()
    duration.observe(seconds)


@functools.cache
def _instruments(vendor: str, operation: str, status: int) -> tuple[Counter, Histogram]:
    """The counter and histogram of one kind of answer, found once: labels() takes a lock
    and checks its values on every call (half of observe's time). Labels are bounded."""
    return REQUESTS.labels(vendor, operation, str(status)), DURATION.labels(vendor, operation)


def count_lockout(namespace: str) -> None:
    LOCKOUTS.labels(vendor_of(namespace)).inc()


def count_rate_limited(namespace: str, bucket: str) -> None:
    RATE_LIMITED.labels(vendor_of(namespace), bucket).inc()


events.lockout.connect(count_lockout)
events.rate_limited.connect(count_rate_limited)


async def exposition(store: Store, vendors: Iterable[str]) -> bytes:
    """What a scrape reads, in the Prometheus text format: the counters (every worker's)
    and the live sessions of each of these vendors, counted now by the shared clock."""
    live = GaugeMetricFamily(
        "sessim_live_sessions", "Sessions alive by Sessim's clock, by vendor.", labels=["vendor"]
    )
    for vendor in vendors:
        live.add_metric([vendor], await store.count_tagged(live_sessions_tag(vendor)))
    return generate_latest(_counters()) + generate_latest(_Fixed([live]))


def _counters() -> CollectorRegistry:
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()  # a fresh one each scrape, as prometheus-client says
    MultiProcessCollector(registry)
    return registry


class _Fixed(Collector):
    """Metrics already computed (by awaiting the store, which a collector cannot do)."""

    def __init__(self, metrics: list[Metric]) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        return iter(self._metrics)
