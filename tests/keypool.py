"""RSA signing keys drawn from a pool made once a run, for tests that make many.

Generating a 2048-bit key costs ~45 ms of CPU, and each test's store (or each reset of an
app) starts without keys, so a test file made dozens to hundreds. The pool is larger than
any test's draws, so each key a test makes is still one that no earlier call of that test
got: a racer that kept its own key, or a rotation that kept the old one, still fails to
verify the others' tokens.
"""

from __future__ import annotations

import itertools
import threading

import pytest
import sessim.core.kit.keys

POOL_SIZE = 24
NEW_RSA_PEM = sessim.core.kit.keys._new_rsa_pem
_pool: list[str] = []
_draws = itertools.count()
_lock = threading.Lock()


def pooled_rsa_pem() -> str:
    with _lock:
        index = next(_draws) % POOL_SIZE
        if index == len(_pool):
            _pool.append(NEW_RSA_PEM())
        return _pool[index]


def draw_rsa_keys_from_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessim's key making (impl/core/kit/keys.py) draws from the pool for this test."""
    monkeypatch.setattr(sessim.core.kit.keys, "_new_rsa_pem", pooled_rsa_pem)
