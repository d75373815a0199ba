"""Fault rules in the store, on every backend: kept in order, counted atomically, removed;
and what a rule matches."""

from __future__ import annotations

from collections.abc import Callable

from sessim.core.features import faults
from sessim.core.features.faults import Action, Rule
from sessim.core.kit.store import Store

from tests.core.support import advance, freeze, race, run


def test_rules_keep_their_order_and_go(store: Store) -> None:
    added = [run(faults.add(store, Rule(Action.DELAY, delay_ms=ms))) for ms in (3, 1, 2)]
    assert [rule.delay_ms for rule in run(faults.rules(store))] == [3, 1, 2]
    assert run(faults.rules(store)) == added
    assert run(faults.remove(store, added[1].id))
    assert not run(faults.remove(store, added[1].id))
    assert [rule.delay_ms for rule in run(faults.rules(store))] == [3, 2]
    run(faults.clear(store))
    assert run(faults.rules(store)) == []


def test_adding_and_removing_move_the_generation(store: Store) -> None:
    before = run(store.generation())
    rule = run(faults.add(store, Rule(Action.DROP)))
    added = run(store.generation())
    run(faults.remove(store, rule.id))
    assert len({before, added, run(store.generation())}) == 3


def test_times_are_counted_atomically_across_connections(
    connect: Callable[[], Store],
) -> None:
    """Twenty calls racing on their own connections (workers): exactly `times` act."""
    rule = run(faults.add(connect(), Rule(Action.STATUS, times=5)))
    stores = [connect() for _ in range(20)]
    acted = race(stores, lambda store: faults.fires(store, rule))
    assert sorted(acted) == [False] * 15 + [True] * 5
    (counted,) = run(faults.counted(connect()))
    assert (counted.matched, counted.fired, counted.remaining) == (20, 20, 0)


def test_counts_outlive_any_move_of_the_clock(store: Store) -> None:
    freeze(store)
    rule = run(faults.add(store, Rule(Action.STATUS, times=1)))
    assert run(faults.fires(store, rule))
    advance(store, 900 * 365 * 86400)  # to the 2900s
    assert not run(faults.fires(store, rule))
    (counted,) = run(faults.counted(store))
    assert (counted.matched, counted.remaining) == (2, 0)


def test_a_rule_matches_only_what_it_names() -> None:
    def matches(rule: Rule, operation_id: str | None = "createSession") -> bool:
        return rule.matches("vestiaire", "POST", "/vestiaire/sessions", operation_id)

    assert matches(Rule(Action.DROP))
    assert matches(Rule(Action.DROP, vendor="vestiaire", method="POST"))
    assert matches(Rule(Action.DROP, path="/vestiaire/*", operation_id="createSession"))
    assert matches(Rule(Action.DROP, path="/vest?aire/[rs]essions"))
    assert not matches(Rule(Action.DROP, vendor="okta"))
    assert not matches(Rule(Action.DROP, method="GET"))
    assert not matches(Rule(Action.DROP, path="/vestiaire"))
    assert not matches(Rule(Action.DROP, operation_id="deleteSession"))
    assert not matches(Rule(Action.DROP, operation_id="createSession"), operation_id=None)


def test_a_delay_is_fixed_or_within_its_bounds() -> None:
    assert Rule(Action.DELAY, delay_ms=250).delay() == 0.25
    spans = {Rule(Action.DELAY, delay_ms=100, delay_max_ms=200).delay() for _ in range(50)}
    assert all(0.1 <= span <= 0.2 for span in spans) and len(spans) > 1
