"""Opaque ids and single-use tokens (JWTs are in test_jwt.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sessim.core.kit import tokens
from sessim.core.kit.store import Store
from sessim.core.kit.tokens import ALPHANUMERIC, URL_SAFE, SingleUseTokens, opaque_id

from tests.core.support import T0, advance, freeze, race, run


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


def test_opaque_id_drops_the_bytes_that_would_favour_some_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """62 characters: 248 is the largest multiple under 256, so bytes 248-255 (which would
    give a, b... a 5th chance) are drawn again rather than folded onto the alphabet."""
    draws: Iterator[bytes] = iter([bytes([250, 1, 249, 63]), bytes([248, 255, 0, 2])])
    monkeypatch.setattr(tokens.secrets, "token_bytes", lambda size: next(draws))
    assert opaque_id(4, prefix="p", alphabet=ALPHANUMERIC) == "pbbac"


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
