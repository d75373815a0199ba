"""Opaque ids, single-use tokens, and HS256 JWTs whose key lives in the store and whose
times follow the clock."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from impl.core.clock import Clock
from impl.core.errors import AuthenticationFailed
from impl.core.store import Store
from impl.core.store.sqlite import SqliteStore
from impl.core.tokens import ALPHANUMERIC, JWT_KEY, URL_SAFE, Jwt, SingleUseTokens, opaque_id
from tests.core.support import START, T0, advance, freeze, race, run

NOW = int(T0)


def test_opaque_id_length_prefix_and_alphabet() -> None:
    plain = opaque_id(32)
    assert len(plain) == 32
    assert set(plain) <= set(URL_SAFE)
    prefixed = opaque_id(16, prefix="ses_", alphabet=ALPHANUMERIC)
    assert prefixed.startswith("ses_")
    assert len(prefixed) == 20
    assert set(prefixed[4:]) <= set(ALPHANUMERIC)
    assert set(opaque_id(64, alphabet="01")) == {"0", "1"}
    assert opaque_id(0, prefix="x") == "x"
    assert opaque_id(32) != opaque_id(32)


def signed(store: Store, claims: dict | None = None, lifetime: float = 600) -> str:
    return run(Jwt(store, "sessim").sign(claims or {"sub": "u1"}, lifetime))


def verify(store: Store, token: str, issuer: str = "sessim") -> dict:
    return run(Jwt(store, issuer).verify(token))


def forged(store: Store, payload: dict, algorithm: str = "HS256") -> str:
    """A token signed outside Jwt, with the store's own key (made by a first sign)."""
    signed(store)
    key = base64.b64decode(run(store.get(JWT_KEY)))
    return jwt.encode(payload, key if algorithm != "none" else None, algorithm=algorithm)


def test_sign_and_verify_round_trip(store: Store) -> None:
    freeze(store)
    token = run(Jwt(store, "sessim").sign({"sub": "u1"}, 600, headers={"kid": "k1"}))
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    assert verify(store, token) == {"sub": "u1", "iss": "sessim", "iat": NOW, "exp": NOW + 600}


def test_a_tampered_signature_is_rejected(store: Store) -> None:
    token = signed(store)
    head, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    tampered = f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, tampered)


def test_a_tampered_payload_is_rejected(store: Store) -> None:
    head, _, signature = signed(store, {"sub": "u1"}).split(".")
    _, payload, _ = signed(store, {"sub": "admin"}).split(".")
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, f"{head}.{payload}.{signature}")


def test_another_issuer_is_rejected(store: Store) -> None:
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, signed(store), issuer="someone-else")


@pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["none", "HS512"])
def test_only_hs256_is_accepted(store: Store, algorithm: str) -> None:
    freeze(store)
    token = forged(store, {"iss": "sessim", "iat": NOW, "exp": NOW + 600}, algorithm)
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, token)


def test_the_forging_helper_makes_tokens_that_pass(store: Store) -> None:
    freeze(store)
    token = forged(store, {"iss": "sessim", "iat": NOW, "exp": NOW + 600})
    assert verify(store, token) == {"iss": "sessim", "iat": NOW, "exp": NOW + 600}


@pytest.mark.parametrize("missing", ["exp", "iat", "iss"])
def test_a_token_missing_a_required_claim_is_rejected(store: Store, missing: str) -> None:
    freeze(store)
    claims = {"iss": "sessim", "iat": NOW, "exp": NOW + 600}
    del claims[missing]
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, forged(store, claims))


def test_an_expired_token_is_rejected(store: Store) -> None:
    freeze(store)
    token = signed(store, lifetime=600)
    advance(store, 599)
    assert verify(store, token)["exp"] == NOW + 600
    advance(store, 1)
    with pytest.raises(AuthenticationFailed, match="expired"):
        verify(store, token)


def test_a_token_issued_in_the_future_of_the_clock_is_rejected(store: Store) -> None:
    freeze(store)
    token = signed(store)
    run(Clock(store).set(now=START - timedelta(seconds=1)))
    with pytest.raises(AuthenticationFailed, match="future"):
        verify(store, token)


def test_garbage_is_rejected(store: Store) -> None:
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, "not-a-token")


def test_a_restart_on_the_same_file_accepts_earlier_tokens(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    before = SqliteStore(path)
    token = signed(before)
    run(before.close())
    after = SqliteStore(path)
    assert verify(after, token)["sub"] == "u1"
    run(after.close())


def test_after_reset_old_tokens_fail(store: Store) -> None:
    token = signed(store)
    assert verify(store, token)["sub"] == "u1"
    run(store.reset())
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(store, token)


def test_single_use_token_carries_data_and_redeems_once(store: Store) -> None:
    freeze(store)
    tokens = SingleUseTokens(store, "t", 50, prefix="20111")
    token, expires_at = run(tokens.issue({"user_id": "u1"}, 300))
    assert token.startswith("20111") and len(token) == 55
    assert set(token[5:]) <= set(URL_SAFE)
    assert expires_at == T0 + 300
    assert run(tokens.redeem(token)) == {"user_id": "u1"}
    assert run(tokens.redeem(token)) is None
    assert run(tokens.redeem("20111unknown")) is None


def test_single_use_token_expires(store: Store) -> None:
    freeze(store)
    tokens = SingleUseTokens(store, "t", 20)
    token, _ = run(tokens.issue({}, 300))
    advance(store, 299)
    kept, _ = run(tokens.issue({"n": 2}, 300))
    advance(store, 1)
    assert run(tokens.redeem(token)) is None  # at its expiry instant it is gone
    assert run(tokens.redeem(kept)) == {"n": 2}


def test_single_use_token_has_one_winner_among_concurrent_redeemers(
    connect: Callable[[], Store],
) -> None:
    token, _ = run(SingleUseTokens(connect(), "t", 20).issue({"user_id": "u1"}, 300))
    stores = [connect() for _ in range(20)]
    results = race(stores, lambda store: SingleUseTokens(store, "t", 20).redeem(token))
    assert results.count({"user_id": "u1"}) == 1
    assert results.count(None) == 19
