"""Users with argon2id hashes, case-insensitive logins, and the failed-login lockout."""

from __future__ import annotations

import asyncio
import threading
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sessim.core.kit.errors import AccountInactive, AccountLocked, AuthenticationFailed
from sessim.core.kit.identities import Identities, LockoutPolicy, Passwords
from sessim.core.kit.store import Store

from tests.core.support import T0, advance, freeze, run

PASSWORDS = Passwords(time_cost=1, memory_kib=8)
POLICY = LockoutPolicy(max_attempts=3, lockout_seconds=300, window_seconds=600)


def make(store: Store, policy: LockoutPolicy = POLICY, namespace: str = "test") -> Identities:
    freeze(store)
    return Identities(store, namespace, PASSWORDS, policy)


def fail(identities: Identities, login: str = "ana@example.com", times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            run(identities.authenticate(login, "wrong"))


def test_upsert_and_look_up(store: Store) -> None:
    identities = make(store)
    user = run(identities.upsert("u1", "Ana@Example.com", "secret", profile={"name": "Ana"}))
    assert (user.id, user.login, user.status, user.profile) == (
        "u1",
        "Ana@Example.com",
        "ACTIVE",
        {"name": "Ana"},
    )
    assert run(identities.by_id("u1")) == user
    assert run(identities.by_login("ana@example.com")) == user
    assert run(identities.by_login("ANA@EXAMPLE.COM")) == user
    assert run(identities.by_id("u2")) is None
    assert run(identities.by_login("bob@example.com")) is None
    assert user.password_set_at == T0  # when the password was set, by the shared clock


def test_set_password_keeps_the_user_and_checks_without_counting(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "old", "PENDING", {"name": "Ana", "x": 1}))
    advance(store, 60)
    user = run(identities.set_password("u1", "new", "ACTIVE", {"x": 2}))
    assert user is not None and user.status == "ACTIVE"
    assert user.profile == {"name": "Ana", "x": 2} and user.password_set_at == T0 + 60
    assert run(identities.by_id("u1")) == user
    assert run(identities.check_password(user, "new")) is True
    for _ in range(5):  # past max_attempts: a password check is no sign-in, nothing counts
        assert run(identities.check_password(user, "old")) is False
    assert run(identities.authenticate("ana@example.com", "new")).id == "u1"
    assert run(identities.set_password("gone", "new")) is None


def test_id_for_keeps_a_login_s_id_or_makes_one(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    assert run(identities.id_for("ANA@example.com", lambda: "new")) == "u1"
    assert run(identities.id_for("bob@example.com", lambda: "new")) == "new"


def test_upsert_replaces_a_user_and_its_login(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "old"))
    run(identities.upsert("u1", "ana.new@example.com", "new"))
    assert run(identities.by_login("ana@example.com")) is None
    assert run(identities.by_login("ana.new@example.com")).id == "u1"
    assert run(identities.authenticate("ana.new@example.com", "new")).id == "u1"


def test_a_login_moves_to_a_new_id(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "first"))
    run(identities.upsert("u2", "ANA@example.com", "second"))
    assert run(identities.by_id("u1")) is None
    assert run(identities.by_login("ana@example.com")).id == "u2"
    assert run(identities.authenticate("ana@example.com", "second")).id == "u2"


def test_namespaces_are_separate(store: Store) -> None:
    run(make(store, namespace="one").upsert("u1", "ana@example.com", "secret"))
    other = make(store, namespace="two")
    assert run(other.by_id("u1")) is None
    assert run(other.by_login("ana@example.com")) is None


def test_the_stored_hash_is_argon2id_never_the_password(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "correct horse"))
    stored = run(identities.by_id("u1"))
    assert stored.password_hash.startswith("$argon2id$")
    assert "correct horse" not in repr(stored)
    assert PasswordHasher().verify(stored.password_hash, "correct horse") is True


def test_authenticate_returns_the_user(store: Store) -> None:
    identities = make(store)
    user = run(identities.upsert("u1", "ana@example.com", "secret"))
    assert run(identities.authenticate("Ana@Example.COM", "secret")) == user


def test_wrong_password_and_unknown_login_fail(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    with pytest.raises(AuthenticationFailed):
        run(identities.authenticate("ana@example.com", "Secret"))
    with pytest.raises(AuthenticationFailed):
        run(identities.authenticate("bob@example.com", "secret"))


def test_lockout_refuses_even_the_right_password_until_it_ends(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    fail(identities, times=3)
    with pytest.raises(AccountLocked) as locked:
        run(identities.authenticate("ana@example.com", "secret"))
    assert locked.value.until == T0 + 300
    advance(store, 299)
    with pytest.raises(AccountLocked):
        run(identities.authenticate("ana@example.com", "secret"))
    advance(store, 1)
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"


def test_after_a_lock_the_count_starts_again(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    fail(identities, times=3)
    advance(store, 300)
    fail(identities, times=2)
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"


def test_success_resets_the_failure_count(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    fail(identities, times=2)
    run(identities.authenticate("ana@example.com", "secret"))
    fail(identities, times=2)
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"


def test_failures_outside_the_window_are_forgotten(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    fail(identities, times=2)
    advance(store, 600)
    fail(identities, times=2)
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"


def test_zero_max_attempts_disables_lockout(store: Store) -> None:
    identities = make(store, LockoutPolicy(max_attempts=0))
    run(identities.upsert("u1", "ana@example.com", "secret"))
    fail(identities, times=10)
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"


def test_an_inactive_user_may_not_sign_in(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret", status="SUSPENDED"))
    with pytest.raises(AccountInactive):
        run(identities.authenticate("ana@example.com", "secret"))
    with pytest.raises(AuthenticationFailed):
        run(identities.authenticate("ana@example.com", "wrong"))
    assert run(identities.by_id("u1")).status == "SUSPENDED"


def test_a_burst_of_parallel_guesses_all_count_and_lock(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))

    async def burst() -> list[BaseException]:
        guesses = [identities.authenticate("ana@example.com", f"guess {n}") for n in range(20)]
        return await asyncio.gather(*guesses, return_exceptions=True)

    outcomes = [type(outcome) for outcome in run(burst())]
    assert set(outcomes) <= {AuthenticationFailed, AccountLocked}
    with pytest.raises(AccountLocked):
        run(identities.authenticate("ana@example.com", "secret"))


def test_a_burst_of_parallel_right_passwords_never_locks(store: Store) -> None:
    identities = make(store)  # max_attempts=3: the old count-before-check locked at the 4th
    run(identities.upsert("u1", "ana@example.com", "secret"))

    async def burst() -> list[object]:
        logins = [identities.authenticate("ana@example.com", "secret") for _ in range(16)]
        return await asyncio.gather(*logins, return_exceptions=True)

    assert [getattr(user, "id", user) for user in run(burst())] == ["u1"] * 16
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"


class ThreadRecordingHasher(PasswordHasher):
    """argon2's hasher, noting the thread each hash and check ran on."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.threads: list[str] = []

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.threads.append(threading.current_thread().name)
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.threads.append(threading.current_thread().name)
        return super().verify(hash, password)


def threads_of_hash_and_check(passwords: Passwords) -> tuple[str, list[str]]:
    """The loop's thread, and the threads a hash and a check of `passwords` ran on."""
    recorder = passwords._hasher = ThreadRecordingHasher()

    async def sign_up_and_in() -> tuple[str, bool]:
        stored = await passwords.hash("secret")
        return threading.current_thread().name, await passwords.verify(stored, "secret")

    loop_thread, verified = run(sign_up_and_in())
    assert verified is True
    assert len(recorder.threads) == 2
    return loop_thread, recorder.threads


def test_costly_hashing_and_checking_run_off_the_event_loop() -> None:
    """argon2 at OWASP's cost takes tens of milliseconds: on the loop it would stall every
    request."""
    loop_thread, threads = threads_of_hash_and_check(Passwords(time_cost=2, memory_kib=19_456))
    assert loop_thread not in threads


def test_the_cheapest_hashing_and_checking_run_on_the_event_loop() -> None:
    """At argon2id's minimum cost a hash takes less than the hop to a worker thread."""
    loop_thread, threads = threads_of_hash_and_check(Passwords(time_cost=1, memory_kib=8))
    assert threads == [loop_thread, loop_thread]


def test_unlock_lifts_the_lock_and_forgets_the_failures(store: Store) -> None:
    identities = make(store)
    run(identities.upsert("u1", "ana@example.com", "secret"))
    fail(identities, times=3)
    with pytest.raises(AccountLocked):
        run(identities.authenticate("ana@example.com", "secret"))
    assert run(identities.unlock("u1")) is True
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"
    fail(identities, times=2)
    assert run(identities.unlock("u1")) is False  # not locked, but the two failures go
    fail(identities, times=2)
    assert run(identities.authenticate("ana@example.com", "secret")).id == "u1"
