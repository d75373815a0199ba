"""count_tagged, on every backend: the live records carrying a tag (the metrics count live
sessions with it), kept in step with every write, and counted from an index."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sessim.core.kit.store import Record, Store, open_store
from sessim.core.kit.store.sqlite import COUNT_TAGGED

from tests.core.support import advance, freeze, run


def test_count_tagged_counts_the_live_records_carrying_the_tag(store: Store) -> None:
    freeze(store)
    run(store.put("forever", 1, tags=["t", "other"]))
    run(store.put("long", 2, ttl=100, tags=["t"]))
    run(store.put("short", 3, ttl=5, tags=["t"]))
    run(store.put("untagged", 4, ttl=100))
    assert run(store.count_tagged("t")) == 3
    assert run(store.count_tagged("other")) == 1
    assert run(store.count_tagged("unknown")) == 0
    advance(store, 5)
    assert run(store.count_tagged("t")) == 2
    advance(store, 95)
    assert run(store.count_tagged("t")) == 1


def test_count_tagged_follows_the_expiry_a_replace_sets(store: Store) -> None:
    freeze(store)
    run(store.put("k", 1, ttl=10, tags=["t"]))
    assert run(store.replace("k", 2, ttl=100)) is True  # a session's refresh
    advance(store, 50)
    assert run(store.count_tagged("t")) == 1
    assert run(store.replace("k", 3, ttl=5)) is True
    advance(store, 5)
    assert run(store.count_tagged("t")) == 0
    run(store.put("n", 1, ttl=10, tags=["t"]))
    assert run(store.replace("n", 2)) is True  # no lifetime any more
    advance(store, 1000)
    assert run(store.count_tagged("t")) == 1


def test_records_that_leave_a_tag_leave_its_count(store: Store) -> None:
    freeze(store)
    for key in "abcde":
        run(store.put(key, key, ttl=60, tags=["t"]))
    run(store.delete("a"))
    run(store.consume("b"))
    run(store.put("c", "c", ttl=60, tags=["elsewhere"]))
    advance(store, 60)
    assert run(store.add("d", "d")) is True  # over the expired record: untagged now
    run(store.put("e", "e", ttl=60, tags=["t"]))  # written again: counted once
    assert run(store.count_tagged("t")) == 1
    assert run(store.count_tagged("elsewhere")) == 0
    run(store.reset())
    assert run(store.count_tagged("t")) == 0


def test_put_many_records_are_counted(store: Store) -> None:
    freeze(store)
    run(store.put_many([Record(f"s{index}", index, 10, ["t"]) for index in range(50)]))
    run(store.put_many([Record("forever", 0, None, ["t"])]))
    assert run(store.count_tagged("t")) == 51
    advance(store, 10)
    assert run(store.count_tagged("t")) == 1


def test_the_sqlite_count_reads_one_index_not_the_records(tmp_path: Path) -> None:
    """A million live sessions are counted from an index: no row of records is visited."""
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    with contextlib.closing(sqlite3.connect(tmp_path / "s.db")) as db:
        plan = db.execute(f"EXPLAIN QUERY PLAN {COUNT_TAGGED}", ("t", 0.0, "t")).fetchall()
    steps = [row[-1] for row in plan if " tags " in row[-1]]
    assert steps == [
        "SEARCH tags USING COVERING INDEX tags_by_expiry (tag=? AND expires_at>?)",
        "SEARCH tags USING COVERING INDEX tags_by_expiry (tag=? AND expires_at=?)",
    ]
    run(store.close())


def test_a_sqlite_file_from_before_tag_expiries_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executescript(
            """
            CREATE TABLE records (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL);
            CREATE TABLE tags (
                tag TEXT NOT NULL,
                key TEXT NOT NULL REFERENCES records(key) ON DELETE CASCADE,
                PRIMARY KEY (tag, key)
            );
            INSERT INTO records VALUES ('live', '1', 4000000000.0), ('gone', '2', 1.0);
            INSERT INTO tags VALUES ('t', 'live'), ('t', 'gone');
            """
        )
    store = open_store(f"sqlite:///{path}")
    assert run(store.count_tagged("t")) == 1
    run(store.put("new", 3, ttl=60, tags=["t"]))
    assert run(store.count_tagged("t")) == 2
    run(store.close())
