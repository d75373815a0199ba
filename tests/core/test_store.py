"""The store contract, run against every backend (DESIGN.md, "The store")."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socketserver
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import exceptions as redis_errors
from sessim.core.features.purge import purge_expired
from sessim.core.kit.errors import Unavailable
from sessim.core.kit.instants import ClockState
from sessim.core.kit.store import URL_FORMS, Counter, Listed, Record, Store, describe, open_store
from sessim.core.kit.store import redis as redis_store
from sessim.core.kit.store.memory import MemoryStore
from sessim.core.kit.store.redis import RedisStore
from sessim.core.kit.store.sqlite import SqliteStore

from tests.core.conftest import emptier
from tests.core.support import BACKENDS, T0, advance, freeze, race, run
from tests.redis_servers import DURABLE_PORTS, free_ports, start_redis, wait_for_redis


def test_get_put_and_replace(store: Store) -> None:
    assert run(store.get("k")) is None
    run(store.put("k", {"a": [1, 2], "b": None}))
    assert run(store.get("k")) == {"a": [1, 2], "b": None}
    run(store.put("k", "second"))
    assert run(store.get("k")) == "second"


def test_values_are_copies(store: Store) -> None:
    value = {"items": [1]}
    run(store.put("k", value))
    value["items"].append(2)
    run(store.get("k"))["items"].append(3)
    assert run(store.get("k")) == {"items": [1]}


def test_ttl_expiry_is_judged_by_the_clock(store: Store) -> None:
    freeze(store)
    run(store.put("short", 1, ttl=10))
    run(store.put("forever", 2))
    advance(store, 9.5)
    assert run(store.get("short")) == 1
    advance(store, 0.5)
    assert run(store.get("short")) is None
    advance(store, 10 * 365 * 86_400)
    assert run(store.get("forever")) == 2


def test_replacing_a_record_restarts_its_ttl(store: Store) -> None:
    freeze(store)
    run(store.put("k", 1, ttl=10))
    advance(store, 5)
    run(store.put("k", 2, ttl=10))
    advance(store, 9)
    assert run(store.get("k")) == 2
    run(store.put("k", 3))
    advance(store, 100)
    assert run(store.get("k")) == 3


def test_tagged_returns_live_records_only(store: Store) -> None:
    freeze(store)
    run(store.put("a", "A", tags=["t1", "t2"]))
    run(store.put("b", "B", ttl=100, tags=["t1"]))
    run(store.put("c", "C", ttl=5, tags=["t1"]))
    assert run(store.tagged("t1")) == {"a": "A", "b": "B", "c": "C"}
    advance(store, 5)
    assert run(store.tagged("t1")) == {"a": "A", "b": "B"}
    assert run(store.tagged("t2")) == {"a": "A"}
    assert run(store.tagged("unknown")) == {}


def test_a_long_freeze_keeps_records_whose_emulated_lifetime_has_not_ended(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real time goes by while the emulated clock stands still: records live as long as the
    clock says. An hour of real time is too long for a test, so any real-time grace that a
    backend gives its records (Redis's TTLs had an hour) is shrunk to nothing: half a
    second of real time then stands for a freeze of any length."""
    monkeypatch.setattr(redis_store, "GRACE", 0.0)
    freeze(store)
    run(store.put("session", "S", ttl=0.2, tags=["user"]))
    assert run(store.add("token", "T", ttl=0.2))
    run(store.incr("counter", 0.2))
    time.sleep(0.5)  # real time passing over a frozen clock: what the test is about
    assert run(store.get("session")) == "S"
    assert run(store.tagged("user")) == {"session": "S"}
    assert run(store.count_tagged("user")) == 1
    assert run(store.incr("counter", 0.2)) == Counter(2, T0 + 0.2)
    assert run(store.consume("token")) == "T"
    assert run(store.purge(100)) == 0
    advance(store, 0.2)
    assert run(store.get("session")) is None
    assert run(store.tagged("user")) == {}
    assert run(store.incr("counter", 0.2)) == Counter(1, T0 + 0.4)


class Died(Exception):
    """The Sessim process dying between two writes, as the store sees it: no more writes."""


@pytest.mark.redis
def test_a_cluster_put_cut_between_its_index_and_its_record_leaves_none_unfound(
    redis_cluster_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a cluster a put is two writes, its tag's index entry and its record, in other
    slots. Cut after the first (in whichever order they come): the record is not one that
    its tag's look-up misses. The orphan entry it leaves is dropped by a look-up once its
    write cannot be in flight any more, and counted until then."""
    run(emptier(redis_cluster_url).reset())
    pair = (redis_store.PUT, redis_store.TAG)
    first: list[redis_store.Script] = []
    call = redis_store.Script.__call__

    async def dying(script: redis_store.Script, client: Any, keys: Any, *args: Any) -> Any:
        if script in pair:
            if first and script is not first[0]:
                raise Died
            first.append(script)
        return await call(script, client, keys, *args)

    store = open_store(redis_cluster_url)
    freeze(store)
    monkeypatch.setattr(redis_store.Script, "__call__", dying)
    with pytest.raises(Died):
        run(store.put("session", "S", ttl=100, tags=["user"]))
    monkeypatch.undo()
    reader = open_store(redis_cluster_url)
    found = run(reader.get("session"))
    assert run(reader.tagged("user")) == ({} if found is None else {"session": found})
    assert found is None  # the index came first: the record never landed
    assert run(reader.count_tagged("user")) == 1  # the orphan, until it cannot be in flight
    monkeypatch.setattr(redis_store, "IN_FLIGHT", 0.0)
    assert run(reader.tagged("user")) == {}
    assert run(reader.count_tagged("user")) == 0
    run(reader.put("session", "S2", ttl=100, tags=["user"]))
    assert run(store.tagged("user")) == {"session": "S2"}
    for opened in (store, reader):
        run(opened.close())


def test_replacing_a_record_replaces_its_tags(store: Store) -> None:
    run(store.put("k", 1, tags=["old", "kept"]))
    run(store.put("k", 2, tags=["kept", "new"]))
    assert run(store.tagged("old")) == {}
    assert run(store.tagged("kept")) == {"k": 2}
    assert run(store.tagged("new")) == {"k": 2}
    run(store.put("k", 3))
    assert run(store.tagged("kept")) == {}


def test_deleted_and_consumed_records_drop_out_of_tags(store: Store) -> None:
    run(store.put("a", 1, tags=["t"]))
    run(store.put("b", 2, tags=["t"]))
    run(store.put("c", 3, tags=["t"]))
    run(store.delete("a"))
    run(store.consume("b"))
    assert run(store.tagged("t")) == {"c": 3}


def test_delete_says_whether_a_live_record_was_removed(store: Store) -> None:
    freeze(store)
    run(store.put("k", 1))
    run(store.put("brief", 2, ttl=1))
    assert run(store.delete("k")) is True
    assert run(store.get("k")) is None
    assert run(store.delete("k")) is False
    assert run(store.delete("never")) is False
    advance(store, 1)
    assert run(store.delete("brief")) is False


def test_consume_returns_the_value_once(store: Store) -> None:
    freeze(store)
    run(store.put("k", {"v": 1}))
    run(store.put("brief", 2, ttl=1))
    assert run(store.consume("k")) == {"v": 1}
    assert run(store.consume("k")) is None
    assert run(store.get("k")) is None
    assert run(store.consume("never")) is None
    advance(store, 1)
    assert run(store.consume("brief")) is None


def test_add_inserts_only_when_absent(store: Store) -> None:
    freeze(store)
    assert run(store.add("k", 1, ttl=10)) is True
    assert run(store.add("k", 2, ttl=10)) is False
    assert run(store.get("k")) == 1
    advance(store, 10)
    assert run(store.add("k", 3)) is True
    assert run(store.get("k")) == 3
    advance(store, 1000)
    assert run(store.add("k", 4)) is False
    assert run(store.get("k")) == 3


def test_get_or_add_makes_a_value_once(store: Store) -> None:
    made: list[int] = []

    def make() -> int:
        made.append(len(made) + 1)
        return made[-1]

    assert run(store.get_or_add("k", make)) == 1
    assert run(store.get_or_add("k", make)) == 1
    assert made == [1]


def test_get_or_add_racers_all_read_the_first_value(connect: Callable[[], Store]) -> None:
    """Racers that all find no value each make one, and the first write wins: every racer
    gets the value that stays stored. With a last-writer-wins put, a later writer replaces
    the value an earlier racer already returned. Rounds on fresh keys, as one may not show it."""
    stores = [connect() for _ in range(20)]
    for key in ("k1", "k2", "k3", "k4", "k5"):
        values = race_get_or_add(stores, key)
        assert values == [run(stores[0].get(key))] * len(stores), key


def race_get_or_add(stores: list[Store], key: str) -> list[str]:
    """Each store's get_or_add(key), racing; make() holds each racer until all have made a
    value, so that every write races every other."""
    all_made = threading.Barrier(len(stores), timeout=10)

    def make() -> str:
        with contextlib.suppress(threading.BrokenBarrierError):
            all_made.wait()  # a backend that makes fewer values waits out the timeout
        return secrets.token_hex(8)  # one value per racer, even on one shared store

    return race(stores, lambda store: store.get_or_add(key, make))


def test_add_over_an_expired_record_drops_its_tags(store: Store) -> None:
    freeze(store)
    run(store.put("k", 1, ttl=10, tags=["t"]))
    advance(store, 10)
    assert run(store.add("k", 2)) is True
    assert run(store.tagged("t")) == {}


def test_replace_rewrites_only_a_live_record_and_keeps_its_tags(store: Store) -> None:
    freeze(store)
    assert run(store.replace("k", 1)) is False
    assert run(store.get("k")) is None  # never created
    run(store.put("k", 1, ttl=10, tags=["t"]))
    assert run(store.replace("k", 2, ttl=100)) is True
    assert run(store.tagged("t")) == {"k": 2}
    advance(store, 99)
    assert run(store.get("k")) == 2
    advance(store, 1)
    assert run(store.replace("k", 3)) is False
    run(store.put("gone", 1))
    run(store.consume("gone"))
    assert run(store.replace("gone", 2)) is False
    assert run(store.get("gone")) is None


def test_a_snapshot_follows_every_clock_move_and_generation_bump(store: Store) -> None:
    """The memory store keeps its last snapshot parsed: a write of either record renews it."""
    freeze(store)
    clock, generation = run(store.snapshot())
    assert clock == ClockState(frozen_at=T0)
    assert run(store.snapshot()) == (clock, generation)
    advance(store, 30)
    assert run(store.snapshot()) == (ClockState(frozen_at=T0 + 30), generation)
    run(store.bump_generation())
    moved, bumped = run(store.snapshot())
    assert moved == ClockState(frozen_at=T0 + 30)
    assert bumped not in ("", generation)
    run(store.set_clock_state(ClockState(offset=5.0)))
    assert run(store.snapshot()) == (ClockState(offset=5.0), bumped)


def test_a_counter_reads_back_as_the_integer_it_counts(store: Store) -> None:
    """A counter written by incr is read by get as the number (the memory store writes its
    text itself rather than through json)."""
    assert run(store.incr("hits", 60, 41)).value == 41
    assert run(store.incr("hits", 60)).value == 42
    assert run(store.get("hits")) == 42


def test_incr_counts_within_a_window_from_the_first_increment(store: Store) -> None:
    freeze(store)
    assert run(store.incr("n", 60)) == Counter(1, T0 + 60)
    advance(store, 30)
    assert run(store.incr("n", 60)) == Counter(2, T0 + 60)
    assert run(store.incr("n", 60)) == Counter(3, T0 + 60)
    assert run(store.get("n")) == 3
    advance(store, 30)
    assert run(store.get("n")) is None
    assert run(store.incr("n", 60)) == Counter(1, T0 + 120)


def test_incr_adds_an_amount_in_one_step(store: Store) -> None:
    """What the journal reserves a batch's entry numbers with."""
    freeze(store)
    assert run(store.incr("n", 60, 5)) == Counter(5, T0 + 60)
    assert run(store.incr("n", 60, 3)) == Counter(8, T0 + 60)
    assert run(store.incr("n", 60)) == Counter(9, T0 + 60)
    assert run(store.get("n")) == 9
    advance(store, 60)
    assert run(store.incr("n", 60, 4)) == Counter(4, T0 + 120)


def test_incr_below_adds_only_while_the_counter_stays_below_the_bound(store: Store) -> None:
    """What a rate limit reserves a chunk of ranks with: never past its quota."""
    freeze(store)
    assert run(store.incr_below("n", 60, 10, 10)) is None  # nor does it start a window
    assert run(store.get("n")) is None
    assert run(store.incr_below("n", 60, 6, 10)) == Counter(6, T0 + 60)
    assert run(store.incr_below("n", 60, 4, 10)) is None
    assert run(store.incr_below("n", 60, 3, 10)) == Counter(9, T0 + 60)
    assert run(store.get("n")) == 9
    advance(store, 60)
    assert run(store.incr_below("n", 60, 9, 10)) == Counter(9, T0 + 120)  # a new window


def test_incr_window_adds_only_in_the_window_it_names(store: Store) -> None:
    """What a rate limit gives a chunk back with: never into a window begun after it."""
    freeze(store)
    end = run(store.incr("n", 60, 5)).expires_at
    assert run(store.incr_window("n", end, -2)) == 3
    assert run(store.incr_window("n", end, 0)) == 3  # a read
    assert run(store.incr_window("n", end + 1, 1)) is None
    assert run(store.incr_window("gone", end, 1)) is None
    assert run(store.get("gone")) is None
    advance(store, 60)
    assert run(store.incr_window("n", end, 1)) is None  # its window is over
    assert run(store.incr("n", 60)) == Counter(1, T0 + 120)
    assert run(store.incr_window("n", end, 1)) is None  # another window began
    assert run(store.incr_window("n", T0 + 120, 0)) == 1


def test_racing_reservations_never_pass_the_bound(connect: Callable[[], Store]) -> None:
    workers = [connect() for _ in range(10)]
    tops = race(workers, lambda store: store.incr_below("n", 60, 3, 20))
    assert sorted(counter.value for counter in tops if counter) == [3, 6, 9, 12, 15, 18]


def test_concurrent_batches_reserve_disjoint_ranges(connect: Callable[[], Store]) -> None:
    workers = [connect() for _ in range(10)]
    tops = race(workers, lambda store: store.incr("n", 60, 3))
    assert sorted(counter.value for counter in tops) == list(range(3, 31, 3))


def test_clock_state_persists(store: Store) -> None:
    assert run(store.clock_state()) == ClockState()
    run(store.set_clock_state(ClockState(offset=42.5)))
    assert run(store.clock_state()) == ClockState(offset=42.5)
    run(store.set_clock_state(ClockState(frozen_at=T0)))
    assert run(store.clock_state()) == ClockState(frozen_at=T0)
    assert run(store.now()) == T0


def test_reset_wipes_everything_including_the_clock_and_moves_the_generation(
    store: Store,
) -> None:
    freeze(store)
    run(store.put("k", 1, tags=["t"]))
    run(store.incr("n", 60))
    run(store.incr("n", 60))
    generation = run(store.generation())
    run(store.reset())
    assert run(store.get("k")) is None
    assert run(store.tagged("t")) == {}
    assert run(store.clock_state()) == ClockState()
    assert run(store.incr("n", 60)).value == 1
    assert run(store.generation()) not in ("", generation)  # caches everywhere go stale


def test_consume_succeeds_exactly_once_among_concurrent_callers(
    connect: Callable[[], Store],
) -> None:
    workers = [connect() for _ in range(20)]
    run(workers[0].put("token", {"single": "use"}))
    results = race(workers, lambda store: store.consume("token"))
    assert results.count({"single": "use"}) == 1
    assert results.count(None) == 19


def test_concurrent_increments_are_all_counted(connect: Callable[[], Store]) -> None:
    workers = [connect() for _ in range(20)]
    counters = race(workers, lambda store: store.incr("n", 60))
    assert sorted(counter.value for counter in counters) == list(range(1, 21))
    assert run(workers[0].get("n")) == 20


def test_concurrent_adds_succeed_exactly_once(connect: Callable[[], Store]) -> None:
    workers = [connect() for _ in range(20)]
    results = race(workers, lambda store: store.add("k", 1))
    assert results.count(True) == 1


def test_two_sqlite_stores_on_one_file_share_records_and_clock(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    first, second = SqliteStore(path), SqliteStore(path)
    run(first.put("k", "from first", tags=["t"]))
    assert run(second.get("k")) == "from first"
    assert run(second.tagged("t")) == {"k": "from first"}
    assert run(second.consume("k")) == "from first"
    assert run(first.get("k")) is None
    freeze(first)
    assert run(second.now()) == T0
    run(first.close())
    run(second.close())


def test_open_store_picks_the_backend_from_the_url(tmp_path: Path) -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    assert isinstance(open_store("redis://localhost:6379/2"), RedisStore)
    assert isinstance(open_store("redis+cluster://localhost:7000"), RedisStore)
    store = open_store(f"sqlite:///{tmp_path}/sub/s.db")
    assert isinstance(store, SqliteStore)
    assert (tmp_path / "sub" / "s.db").is_file()
    run(store.close())


@pytest.mark.parametrize(("query", "level"), [("", 1), ("?synchronous=full", 2)])
def test_the_sqlite_url_chooses_the_synchronous_level(
    tmp_path: Path, query: str, level: int
) -> None:
    """NORMAL (1) survives a process crash; FULL (2) a power loss too (SqliteStore)."""
    store = open_store(f"sqlite:///{tmp_path}/s.db{query}")
    assert isinstance(store, SqliteStore)
    assert store._db.execute("PRAGMA synchronous").fetchone() == (level,)
    run(store.close())


def test_a_sqlite_reset_leaves_the_foreign_key_enforced(tmp_path: Path) -> None:
    """The wipe turns the foreign key off to truncate both tables, and on again after."""
    store = SqliteStore(str(tmp_path / "s.db"))
    run(store.put_many([Record(f"k{n}", n, None, ["t"]) for n in range(100)]))
    run(store.reset())
    assert run(store.tagged("t")) == {}
    assert store._db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with pytest.raises(sqlite3.IntegrityError):
        store._db.execute("INSERT INTO tags (tag, key) VALUES ('t', 'no such record')")
    run(store.close())


@pytest.mark.parametrize("query", ["?synchronous=off", "?cache=shared"])
def test_the_sqlite_url_refuses_other_options(tmp_path: Path, query: str) -> None:
    with pytest.raises(ValueError, match="the one SQLite option is"):
        open_store(f"sqlite:///{tmp_path}/s.db{query}")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgres:///x", "unsupported store URL 'postgres:///x'"),
        ("s.db", "unsupported store URL 's.db'"),
        ("sqlite://", "store URL 'sqlite://' names no file"),
    ],
)
def test_open_store_rejects_bad_urls(url: str, says: str) -> None:
    with pytest.raises(ValueError) as raised:
        open_store(url)
    assert str(raised.value) == f"{says}: use {URL_FORMS}"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis:///0", "names no host"),
        ("redis://localhost:port/0", "Port could not be cast"),
        ("redis://localhost/zero", "a database is a number"),
        ("redis+cluster://localhost:7000/1", "a cluster has only database 0"),
    ],
)
def test_open_store_rejects_bad_redis_urls(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        open_store(url)


def test_describe_names_the_sqlite_file_and_hides_a_redis_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    here = tmp_path.resolve()
    assert describe("sqlite:///var/x.db") == f"sqlite:///var/x.db (the file {here}/var/x.db)"
    assert describe("sqlite:////srv/x.db?synchronous=full") == (
        "sqlite:////srv/x.db?synchronous=full (the file /srv/x.db)"
    )
    assert describe("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert describe("redis+cluster://ana:s3cret@node:7000") == "redis+cluster://ana:***@node:7000"
    assert describe("memory://") == "memory://"


def test_a_sqlite_file_that_cannot_be_opened_is_a_value_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not a database")
    with pytest.raises(ValueError) as raised:
        open_store("sqlite:///notes.txt/x.db")
    assert str(raised.value) == (
        f"store URL 'sqlite:///notes.txt/x.db': cannot open {tmp_path.resolve()}/notes.txt/x.db: "
        "[Errno 17] File exists: 'notes.txt'"
    )


@pytest.mark.parametrize("scheme", ["redis", "redis+cluster"])
def test_a_redis_nobody_listens_on_is_unavailable(scheme: str) -> None:
    """One server or a cluster: an outage (503 and Retry-After), not a bug (500)."""
    (port,) = free_ports(1, DURABLE_PORTS)
    store = open_store(f"{scheme}://127.0.0.1:{port}")
    with pytest.raises(Unavailable) as raised:
        run(store.snapshot())
    assert f"Error 111 connecting to 127.0.0.1:{port}." in str(raised.value.__cause__)
    run(store.close())


@contextlib.contextmanager
def own_redis(folder: Path) -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:
    """A redis-server of the test's own (what it does to it reaches no other test's
    processes): its port, and the server in a list that a restart replaces it in."""
    (port,) = free_ports(1, DURABLE_PORTS)
    servers = [start_redis(port, folder)]
    try:
        wait_for_redis(port)
        yield port, servers
    finally:
        servers[0].terminate()
        servers[0].wait()


@pytest.mark.redis
def test_a_redis_connection_closed_while_idle_is_replaced_without_an_error(
    tmp_path: Path,
) -> None:
    """The server restarted between two commands: the next one is answered on a new
    connection, as redis-py's retry would, not refused."""
    with own_redis(tmp_path) as (port, servers):
        store = open_store(f"redis://127.0.0.1:{port}/0")
        run(store.put("k", 1))
        servers[0].terminate()
        servers[0].wait()
        servers[0] = start_redis(port, tmp_path)
        wait_for_redis(port)
        run(store.put("k", 2))  # its script loaded again too: the new server has none
        assert run(store.get("k")) == 2
        run(store.close())


@pytest.mark.redis
def test_a_redis_command_cancelled_in_flight_leaves_its_answer_to_no_other(
    redis_url: str,
) -> None:
    """A request cancelled while its command waits (the client went away): its connection
    is dropped, so the answer it would have read is not the next command's."""
    store = open_store(redis_url)
    run(store.put("k", "value"))

    async def cancelled_then_read() -> Any:
        client = store._client()  # type: ignore[attr-defined]
        blocked = asyncio.ensure_future(client.execute_command("BLPOP", "none", "0.3"))
        await asyncio.sleep(0.05)
        blocked.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await blocked
        await client.rpush("none", "pushed")  # what BLPOP would have answered, had it waited
        return await store.get("k"), await client.lpop("none")

    assert run(cancelled_then_read()) == ("value", "pushed")
    run(store.close())


async def _flush_scripts(store: Store) -> None:
    await store._client().script_flush()  # type: ignore[attr-defined]


@pytest.mark.redis
def test_a_redis_that_forgot_its_scripts_runs_pipelined_writes_all_the_same(
    tmp_path: Path,
) -> None:
    """A pipeline cannot load a script on the way: after SCRIPT FLUSH (or a restart), the
    calls that found none are run again once it is loaded, and every record is written."""
    with own_redis(tmp_path) as (port, _servers):
        store = open_store(f"redis://127.0.0.1:{port}/0")
        run(store.put_many([Record("a", 1, tags=["t"])]))  # the script loaded
        run(_flush_scripts(store))
        run(store.put_many([Record("b", 2, tags=["t"]), Record("c", 3, tags=["t"])]))
        assert run(store.tagged("t")) == {"a": 1, "b": 2, "c": 3}
        run(store.close())


class NotRedis(socketserver.BaseRequestHandler):
    """Another service on the port: an HTTP server's refusal, whatever it is sent."""

    def handle(self) -> None:
        self.request.recv(1024)
        self.request.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")


def test_a_server_that_is_not_redis_is_unavailable() -> None:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), NotRedis) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        store = open_store(f"redis://127.0.0.1:{server.server_address[1]}/0")
        try:
            with pytest.raises(Unavailable) as raised:
                run(store.snapshot())
            # The reply parser's refusal (hiredis' words or redis-py's own, whichever parses).
            assert isinstance(raised.value.__cause__, redis_errors.InvalidResponse)
            assert "protocol error" in str(raised.value.__cause__).lower()
        finally:
            run(store.close())
            server.shutdown()


def test_a_write_lock_held_by_another_process_blocks_neither_the_loop_nor_reads(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.db"
    store = SqliteStore(str(path))
    run(store.put("k", "before"))
    other = sqlite3.connect(path, isolation_level=None)  # another worker, mid-transaction
    other.execute("BEGIN IMMEDIATE")

    async def while_locked() -> None:
        write = asyncio.create_task(store.put("k", "after"))  # waits for the lock
        for _ in range(5):
            await asyncio.sleep(0.01)  # the loop keeps turning meanwhile
        assert await asyncio.wait_for(store.get("k"), timeout=5) == "before"
        assert await asyncio.wait_for(store.snapshot(), timeout=5)
        assert not write.done()
        other.execute("ROLLBACK")
        await write

    run(while_locked())
    assert run(store.get("k")) == "after"
    other.close()
    run(store.close())


def test_purge_removes_records_expired_by_the_emulated_clock_in_batches(store: Store) -> None:
    """The clock is frozen in 2030: nothing here has expired by real time, only by the
    emulated clock, which is what purge must judge by."""
    freeze(store)
    for index in range(25):
        run(store.put(f"short:{index}", index, ttl=10, tags=["t"]))
    run(store.put("short:0", "rewritten", ttl=1000, tags=["t"]))  # its old expiry is void
    run(store.put("long", 1, ttl=100, tags=["t"]))
    run(store.put("forever", 2, tags=["t"]))
    run(store.incr("counter", 10))
    run(store.incr("counter", 10))
    assert run(store.purge(100)) == 0
    advance(store, 10)
    assert [run(store.purge(10)) for _ in range(4)] == [10, 10, 5, 0]  # 24 records, 1 counter
    assert run(store.tagged("t")) == {"short:0": "rewritten", "long": 1, "forever": 2}
    advance(store, 1000)
    assert run(store.purge(10)) == 2
    assert run(store.tagged("t")) == {"forever": 2}
    assert run(store.incr("counter", 10)) == Counter(1, T0 + 1010 + 10)


def test_the_sqlite_purge_takes_the_tags_with_the_records(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    freeze(store)
    for index in range(30):
        run(store.put(f"k{index}", index, ttl=10, tags=["a", "b"]))
    advance(store, 10)
    assert run(store.purge(100)) == 30
    with contextlib.closing(sqlite3.connect(tmp_path / "s.db")) as db:
        assert db.execute("SELECT count(*) FROM tags").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM records").fetchone() == (1,)  # the clock
    run(store.close())


def test_a_purge_backlog_lets_other_work_run_between_batches(store: Store) -> None:
    """purge_expired yields after each batch: a request arriving during a large purge waits
    for one batch, not for the whole backlog (the memory store never suspends by itself)."""
    freeze(store)
    for index in range(50):
        run(store.put(f"k{index}", index, ttl=1))
    advance(store, 1)
    events: list[str] = []
    purge = store.purge

    async def counted(limit: int) -> int:
        events.append("batch")
        return await purge(limit)

    async def request() -> None:
        await store.get("k0")
        events.append("request")

    async def both() -> int:
        purging = asyncio.create_task(purge_expired(store, batch=10))
        await asyncio.sleep(0)  # the purge has started its first batch
        await request()
        return await purging

    store.purge = counted  # type: ignore[method-assign]
    assert run(both()) == 50
    assert events.index("request") < len(events) - 1, events


def test_put_many_writes_like_put(store: Store) -> None:
    freeze(store)
    run(store.put("a", "old", tags=["t"]))
    records = [Record("a", 0), Record("a", 1, 10, ["t"]), Record("b", 2), Record("c", 3, 5, ["t"])]
    run(store.put_many(records))
    assert run(store.tagged("t")) == {"a": 1, "c": 3}
    advance(store, 5)
    assert [run(store.get(key)) for key in "abc"] == [1, 2, None]


@pytest.mark.parametrize("connect", BACKENDS[:3], indirect=True)
def test_a_put_cut_short_leaves_no_record_its_tags_miss(connect: Callable[[], Store]) -> None:
    """A client gone mid-put (its task cancelled at any moment) leaves nothing, or the
    record with its index entries: never a session that its user's index misses. (On a
    cluster the tags' sets live in other slots and are written after the record.)"""
    store = connect()

    async def cut(key: str, after: float) -> None:
        put = asyncio.ensure_future(store.put(key, {"k": key}, ttl=600, tags=["user:1"]))
        await asyncio.sleep(after)
        put.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await put

    async def scenario() -> list[str]:
        keys = [f"cut-{step}" for step in range(60)]
        for step, key in enumerate(keys):
            await cut(key, step / 20_000)  # 0 to 3 ms, across a put's round trips
        await asyncio.sleep(0.1)  # what reached the store has finished there
        indexed = await store.tagged("user:1")
        return [key for key in keys if await store.get(key) is not None and key not in indexed]

    assert run(scenario()) == []


def test_scan_lists_live_records_under_a_prefix_latest_expiry_first(store: Store) -> None:
    freeze(store)
    run(store.put("v:session:old", "o", ttl=10))
    run(store.put("v:session:new", "n", ttl=30))
    run(store.put("v:session:mid", {"m": 1}, ttl=20))
    run(store.put("v:session:gone", "g", ttl=5))
    run(store.put("v:session:*[?]\\", "glob characters are literal", ttl=1))
    run(store.put("v:sessions", "another prefix"))
    run(store.put("w:session:x", "another namespace", ttl=100))
    run(store.incr("v:session:counter", 15))
    run(store.consume("v:session:gone"))
    listed = run(store.scan("v:session:", 10))
    assert listed == [
        Listed("v:session:new", "n", T0 + 30),
        Listed("v:session:mid", {"m": 1}, T0 + 20),
        Listed("v:session:counter", 1, T0 + 15),
        Listed("v:session:old", "o", T0 + 10),
        Listed("v:session:*[?]\\", "glob characters are literal", T0 + 1),
    ]
    assert run(store.scan("v:session:", 2)) == listed[:2]
    assert [found.key for found in run(store.scan("v:session:*", 5))] == ["v:session:*[?]\\"]
    advance(store, 15)
    assert [found.key for found in run(store.scan("v:session:", 10))] == [
        "v:session:new",
        "v:session:mid",
    ]
    assert run(store.scan("nothing:", 10)) == []


def test_scan_lists_records_that_never_expire_last_by_key(store: Store) -> None:
    freeze(store)
    for key in ("u:b", "u:a", "u:c"):
        run(store.put(key, key))
    run(store.put("u:expiring", "e", ttl=1))
    listed = run(store.scan("u:", 3))
    assert [(found.key, found.expires_at) for found in listed] == [
        ("u:expiring", T0 + 1),
        ("u:a", None),
        ("u:b", None),
    ]


def test_scan_reads_past_one_batch(store: Store) -> None:
    """More keys than the Redis store reads a batch at a time (SCAN_BATCH)."""
    freeze(store)
    run(store.put_many([Record(f"many:{n:05}", n, 100 + n) for n in range(2500)]))
    run(store.put("many:forever", "f"))
    listed = run(store.scan("many:", 3))
    assert [found.value for found in listed] == [2499, 2498, 2497]
