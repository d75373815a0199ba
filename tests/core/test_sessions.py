"""Sessions: an idle lifetime that slides on refresh, an absolute cap, end and end_all."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from sessim.core.kit.clock import Clock
from sessim.core.kit.sessions import Session, SessionPolicy, Sessions
from sessim.core.kit.store import Store

from tests.core.support import START, T0, advance, freeze, race, run

POLICY = SessionPolicy(idle_seconds=600, max_lifetime_seconds=1800)


def make(store: Store, policy: SessionPolicy = POLICY) -> Sessions:
    freeze(store)
    return Sessions(store, "test", policy)


def test_create_expires_after_the_idle_lifetime(store: Store) -> None:
    sessions = make(store)
    session = run(sessions.create("s1", "u1", {"ip": "10.0.0.1"}))
    assert session == Session("s1", "u1", T0, T0 + 600, T0 + 1800, {"ip": "10.0.0.1"})
    assert run(sessions.get("s1")) == session


def test_create_without_a_cap(store: Store) -> None:
    session = run(make(store, SessionPolicy(idle_seconds=60)).create("s1", "u1"))
    assert session == Session("s1", "u1", T0, T0 + 60, None, {})


def test_a_cap_shorter_than_the_idle_lifetime_wins(store: Store) -> None:
    policy = SessionPolicy(idle_seconds=600, max_lifetime_seconds=300)
    assert run(make(store, policy).create("s1", "u1")).expires_at == T0 + 300


def test_get_returns_none_after_expiry(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1"))
    advance(store, 599)
    assert run(sessions.get("s1")).id == "s1"
    advance(store, 1)
    assert run(sessions.get("s1")) is None
    assert run(sessions.get("never")) is None


def test_refresh_slides_expiry_from_now(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1"))
    advance(store, 400)
    assert run(sessions.refresh("s1")).expires_at == T0 + 1000
    assert run(sessions.get("s1")).expires_at == T0 + 1000
    advance(store, 599)
    assert run(sessions.get("s1")) is not None
    advance(store, 1)
    assert run(sessions.get("s1")) is None
    assert run(sessions.refresh("s1")) is None


def test_refresh_never_passes_the_cap(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1"))
    for step, expected in [(500, T0 + 1100), (500, T0 + 1600), (500, T0 + 1800), (200, T0 + 1800)]:
        advance(store, step)
        assert run(sessions.refresh("s1")).expires_at == expected
    advance(store, 99)
    assert run(sessions.get("s1")) is not None
    advance(store, 1)
    assert run(sessions.get("s1")) is None


def test_refresh_never_moves_expiry_backwards(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1"))
    run(Clock(store).set(now=START - timedelta(seconds=300)))
    assert run(sessions.refresh("s1")).expires_at == T0 + 600
    advance(store, 899)
    assert run(sessions.get("s1")) is not None
    advance(store, 1)
    assert run(sessions.get("s1")) is None


def test_a_refresh_racing_an_end_never_brings_the_session_back(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1"))
    read = sessions.get

    async def read_then_lose_the_race(session_id: str):
        session = await read(session_id)
        await sessions.end(session_id)  # another caller logs out between read and write
        return session

    sessions.get = read_then_lose_the_race
    assert run(sessions.refresh("s1")) is None
    sessions.get = read
    assert run(sessions.get("s1")) is None


def test_refresh_unknown_session(store: Store) -> None:
    assert run(make(store).refresh("never")) is None


def test_end_returns_the_session_once(store: Store) -> None:
    sessions = make(store)
    session = run(sessions.create("s1", "u1"))
    assert run(sessions.end("s1")) == session
    assert run(sessions.end("s1")) is None
    assert run(sessions.get("s1")) is None


def test_end_is_atomic_among_concurrent_callers(connect: Callable[[], Store]) -> None:
    workers = [connect() for _ in range(20)]
    run(make(workers[0]).create("s1", "u1"))
    results = race(workers, lambda store: Sessions(store, "test", POLICY).end("s1"))
    assert [result.id for result in results if result is not None] == ["s1"]


def test_end_all_ends_only_that_subjects_live_sessions(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("old", "u1"))
    advance(store, 500)
    run(sessions.create("s1", "u1"))
    run(sessions.create("s2", "u1"))
    run(sessions.create("s3", "u2"))
    advance(store, 100)  # "old" has expired
    assert run(sessions.end_all("u1")) == 2
    assert run(sessions.get("s1")) is None
    assert run(sessions.get("s2")) is None
    assert run(sessions.get("s3")).subject == "u2"
    assert run(sessions.end_all("u1")) == 0


def test_update_merges_data_in_place_and_keeps_expiry(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1", {"language": "en", "currency": "USD"}))
    advance(store, 100)
    updated = run(sessions.update("s1", {"currency": "EUR", "billTo": "C1"}))
    assert updated == Session(
        "s1", "u1", T0, T0 + 600, T0 + 1800, {"language": "en", "currency": "EUR", "billTo": "C1"}
    )
    assert run(sessions.get("s1")) == updated
    advance(store, 500)
    assert run(sessions.get("s1")) is None  # the update did not extend the idle lifetime


def test_update_never_revives_an_ended_or_expired_session(store: Store) -> None:
    sessions = make(store)
    run(sessions.create("s1", "u1"))
    run(sessions.end("s1"))
    assert run(sessions.update("s1", {"language": "fr"})) is None
    assert run(sessions.get("s1")) is None
    run(sessions.create("s2", "u1"))
    advance(store, 600)
    assert run(sessions.update("s2", {"language": "fr"})) is None


def _end_or_update(session_id: str) -> Callable[[Store], Coroutine[Any, Any, tuple]]:
    """Half the racers end the session, half update it."""
    turns = itertools.count()  # next() is atomic

    async def act(store: Store) -> tuple[str, Session | None]:
        sessions = Sessions(store, "test", POLICY)
        if next(turns) % 2:
            return "end", await sessions.end(session_id)
        return "update", await sessions.update(session_id, {"language": "fr"})

    return act


def test_update_racing_an_end_leaves_the_session_ended(connect: Callable[[], Store]) -> None:
    workers = [connect() for _ in range(20)]
    for round_ in range(5):
        session_id = f"s{round_}"
        run(make(workers[0]).create(session_id, "u1"))
        results = race(workers, _end_or_update(session_id))
        assert sum(1 for action, got in results if action == "end" and got) == 1
        assert run(Sessions(workers[0], "test", POLICY).get(session_id)) is None


def test_create_many_makes_sessions_like_create(store: Store) -> None:
    """The bulk fill the benchmarks use: each session as create() would have made it,
    found by id and by subject, expiring on the same lifetimes."""
    sessions = make(store)
    run(sessions.create_many([(f"s{i}", "u1" if i < 3 else "u2", {"i": i}) for i in range(5)]))
    assert run(sessions.get("s4")) == Session("s4", "u2", T0, T0 + 600, T0 + 1800, {"i": 4})
    assert run(sessions.end_all("u1")) == 3
    advance(store, 600)
    assert run(sessions.get("s4")) is None
