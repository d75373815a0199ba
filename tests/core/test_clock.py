"""The shared clock: real time plus an offset, or a frozen instant, kept in the store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sessim.core.kit.clock import Clock
from sessim.core.kit.errors import Conflict, InvalidInput
from sessim.core.kit.instants import ClockState
from sessim.core.kit.store import Store
from sessim.core.kit.store.sqlite import SqliteStore

from tests.core.support import START, T0, race, run


def test_a_new_clock_follows_real_time(store: Store) -> None:
    clock = Clock(store)
    assert run(clock.epoch()) == pytest.approx(time.time(), abs=1)
    now = run(clock.now())
    assert now.tzinfo == UTC
    assert now.timestamp() == pytest.approx(time.time(), abs=1)
    assert run(clock.is_frozen()) is False


def test_set_jumps_and_keeps_running(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(now=START))
    assert run(clock.epoch()) == pytest.approx(T0, abs=1)
    assert run(clock.is_frozen()) is False


def test_freeze_keeps_time_still(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(now=START, frozen=True))
    assert run(clock.is_frozen()) is True
    assert run(clock.epoch()) == T0
    assert run(clock.now()) == START
    assert run(store.now()) == T0


def test_set_keeps_the_frozen_flag_and_unfreezes_on_request(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(now=START, frozen=True))
    run(clock.set(now=START + timedelta(days=1)))
    assert run(clock.epoch()) == T0 + 86_400
    run(clock.set(frozen=False))
    assert run(clock.is_frozen()) is False
    assert run(clock.epoch()) == pytest.approx(T0 + 86_400, abs=1)


def test_freeze_in_place(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(frozen=True))
    frozen_at = run(clock.epoch())
    assert frozen_at == pytest.approx(time.time(), abs=1)
    assert run(clock.epoch()) == frozen_at


def test_advance_while_frozen(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(now=START, frozen=True))
    run(clock.advance(90))
    run(clock.advance(0.5))
    assert run(clock.epoch()) == T0 + 90.5
    assert run(clock.is_frozen()) is True


def test_advance_while_running(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(now=START))
    offset = run(store.clock_state()).offset
    run(clock.advance(3600))
    assert run(store.clock_state()).offset == pytest.approx(offset + 3600)
    assert run(clock.epoch()) == pytest.approx(T0 + 3600, abs=1)
    assert run(clock.is_frozen()) is False


@pytest.mark.parametrize(
    "bad",
    [datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(3000, 1, 1, 0, 0, 1, tzinfo=UTC)],
)
def test_set_outside_1970_to_3000_is_refused(store: Store, bad: datetime) -> None:
    clock = Clock(store)
    run(clock.set(now=START, frozen=True))
    with pytest.raises(InvalidInput):
        run(clock.set(now=bad))
    assert run(clock.epoch()) == T0


def test_the_bounds_themselves_are_allowed(store: Store) -> None:
    clock = Clock(store)
    for edge in [datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)]:
        run(clock.set(now=edge, frozen=True))
        assert run(clock.now()) == edge


def test_advance_past_the_bounds_is_refused(store: Store) -> None:
    clock = Clock(store)
    run(clock.set(now=START, frozen=True))
    with pytest.raises(Conflict):
        run(clock.advance(-T0 - 1))
    with pytest.raises(Conflict):
        run(clock.advance(1000 * 365 * 86_400))
    assert run(clock.epoch()) == T0


def test_two_stores_on_one_sqlite_file_share_the_clock(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    first, second = SqliteStore(path), SqliteStore(path)
    run(Clock(first).set(now=START, frozen=True))
    assert run(Clock(second).epoch()) == T0
    run(Clock(second).advance(5))
    assert run(Clock(first).epoch()) == T0 + 5
    assert run(Clock(first).is_frozen()) is True
    run(first.close())
    run(second.close())


def test_simultaneous_advances_from_many_workers_all_count(
    connect: Callable[[], Store],
) -> None:
    """Each advance is one atomic store step: a read-modify-write would lose some."""
    stores = [connect() for _ in range(20)]
    run(Clock(stores[0]).set(now=START, frozen=True))
    race(stores, lambda store: Clock(store).advance(1.5))
    assert run(Clock(stores[0]).epoch()) == T0 + 30
    run(Clock(stores[0]).set(frozen=False))
    offset = run(stores[0].clock_state()).offset
    race(stores, lambda store: Clock(store).advance(60))
    assert run(stores[0].clock_state()).offset == pytest.approx(offset + 1200)


def test_an_advance_refused_for_its_range_leaves_the_clock_alone(store: Store) -> None:
    run(Clock(store).set(now=START, frozen=True))
    assert run(store.shift_clock(-T0 - 1)) is None
    assert run(store.shift_clock(1.25)) == ClockState(frozen_at=T0 + 1.25)
    assert run(store.clock_state()) == ClockState(frozen_at=T0 + 1.25)
