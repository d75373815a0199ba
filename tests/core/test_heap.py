"""What a request leaves to the garbage collector, and what `sessim serve` does with the
heap it starts with (app.py settle_heap): a full collection of that heap stalled every
request behind it for 50-95 ms (docs/benchmarks.md)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from connexion.lifecycle import ConnexionRequest
from starlette.testclient import TestClient

from tests.conftest import Reset

LOGIN = {"email": "nobody@sessim.dev", "password": "not-a-password"}


@pytest.fixture
def saved_garbage() -> Iterator[list]:
    """What the collector finds unreachable, kept for the test to read."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_the_request_connexions_layers_share_is_freed_without_the_collector(
    reset: Reset, saved_garbage: list
) -> None:
    client: TestClient = reset()
    for _ in range(5):
        answer = client.post("/vestiaire/sessions", json=LOGIN)
        assert answer.status_code == 401, answer.text
    gc.collect()
    assert not [found for found in saved_garbage if isinstance(found, ConnexionRequest)]


SETTLED = """
import gc, json
from starlette.testclient import TestClient
from sessim.app import create_app
from sessim.settings import Settings
before = gc.get_threshold()
with TestClient(create_app(Settings(store="memory://", owns_process={owns}))):
    print(json.dumps([before, gc.get_threshold(), gc.get_freeze_count() > 0]))
"""


@pytest.mark.parametrize("owns", [True, False])
def test_only_a_process_sessim_owns_has_its_heap_settled(owns: bool) -> None:
    found = subprocess.run(
        [sys.executable, "-c", SETTLED.format(owns=owns)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    before, after, frozen = json.loads(found.stdout.splitlines()[-1])
    if owns:
        assert (after, frozen) == ([before[0], before[1], 100], True)
    else:
        assert (after, frozen) == (before, False)
