"""The journal's placeholders key (placeholders.py): one for every worker of a Sessim,
whichever makes it first, on every store backend; read once per store generation, and made
anew by a reset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sessim.core.features.journal.placeholders import SharedKey
from sessim.core.kit.store import Store, open_store

from tests.core.support import race, run
from tests.recordings.test_record import PLACEHOLDER


async def placeholder(store: Store, secret: str = "pw-1") -> str:
    hidden = await SharedKey(store).placeholders(await store.generation())
    return hidden.of(secret)


def test_workers_racing_to_make_the_key_all_take_one(connect: Callable[[], Store]) -> None:
    stores = [connect() for _ in range(4)]
    found = race(stores, placeholder)
    assert len(set(found)) == 1
    assert PLACEHOLDER.fullmatch(found[0])
    assert run(placeholder(stores[0], "pw-2")) != found[0]


def test_the_key_is_read_once_a_generation_and_a_reset_makes_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = open_store("memory://")
    shared = SharedKey(store)
    reads: list[str] = []
    get_or_add = store.get_or_add

    async def counted(key: str, make: Callable[[], Any]) -> Any:
        reads.append(key)
        return await get_or_add(key, make)

    monkeypatch.setattr(store, "get_or_add", counted)
    first = run(store.generation())
    before = run(shared.placeholders(first)).of("pw-1")
    assert run(shared.placeholders(first)).of("pw-1") == before
    assert len(reads) == 1  # cached: not a store read per entry
    run(store.bump_generation())  # a seed: the same key, read again once
    assert run(shared.placeholders(run(store.generation()))).of("pw-1") == before
    run(store.reset())  # the journal goes, and the key with it
    after = run(shared.placeholders(run(store.generation()))).of("pw-1")
    assert after != before
    assert len(reads) == 3
