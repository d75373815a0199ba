"""JWTs per issuer: HS256 and RS256 keys in the store with a kid in every header, strict
verification by the shared clock, JWKS, rotation, revocation, and a race-free first key."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
import sessim.core.kit.keys
from cryptography.hazmat.primitives import serialization
from jwt.utils import base64url_encode
from sessim.core.kit.clock import Clock
from sessim.core.kit.errors import AuthenticationFailed, TokenExpired, TokenRevoked
from sessim.core.kit.keys import GRACE
from sessim.core.kit.store import Store
from sessim.core.kit.store.sqlite import SqliteStore
from sessim.core.kit.tokens import Jwt

from tests.core.support import START, T0, advance, freeze, race, run
from tests.keypool import draw_rsa_keys_from_the_pool

NOW = int(T0)
ISSUER = "sessim"
LIFETIME = 600
BOTH = pytest.mark.parametrize("algorithm", ["HS256", "RS256"])


@pytest.fixture(autouse=True)
def rsa_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Some 150 keys made, twenty racers each making one: tests/keypool.py."""
    draw_rsa_keys_from_the_pool(monkeypatch)


def issuer(store: Store, algorithm: str = "HS256", name: str = ISSUER) -> Jwt:
    return Jwt(store, name, algorithm, max_lifetime=LIFETIME)


def signed(jwt_: Jwt, claims: dict | None = None, lifetime: float = LIFETIME) -> str:
    return run(jwt_.sign(claims or {"sub": "u1"}, lifetime))


def verify(jwt_: Jwt, token: str) -> dict:
    return run(jwt_.verify(token))


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def valid_claims(**changes: object) -> dict:
    claims = {"iss": ISSUER, "iat": NOW, "exp": NOW + LIFETIME, "jti": "j1", **changes}
    return {name: value for name, value in claims.items() if value is not None}


def forged(jwt_: Jwt, payload: dict, algorithm: str | None = None, kid: str | None = "") -> str:
    """A token signed outside Jwt with the issuer's own current key (its kid unless given)."""
    key = run(jwt_.keys.signing_key())
    headers = {"kid": key.kid if kid == "" else kid} if kid is not None else None
    secret = None if algorithm == "none" else key.private
    return jwt.encode(payload, secret, algorithm=algorithm or key.algorithm, headers=headers)


def hs256_by_hand(payload: dict, kid: object, secret: bytes) -> str:
    """HS256 made without pyjwt, which refuses a PEM as an HMAC secret."""
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    head, body = (base64url_encode(json.dumps(part).encode()) for part in (header, payload))
    signing_input = head + b"." + body
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64url_encode(signature)).decode()


# Signing and the shape of a token


@BOTH
def test_sign_and_verify_round_trip(store: Store, algorithm: str) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    token = signed(jwt_)
    current = run(jwt_.keys.signing_key())
    assert jwt.get_unverified_header(token) == {"alg": algorithm, "typ": "JWT", "kid": current.kid}
    claims = verify(jwt_, token)
    jti = claims.pop("jti")
    assert claims == {"sub": "u1", "iss": ISSUER, "iat": NOW, "exp": NOW + LIFETIME}
    assert isinstance(jti, str) and len(jti) >= 16
    assert verify(jwt_, signed(jwt_))["jti"] != jti


def test_a_vendors_claim_order_and_header_fields_are_kept(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    claims = {"_v": "1", "exp": 0, "iat": 0, "iss": "forged", "jti": "fixed", "sub": "x"}
    token = run(jwt_.sign(claims, 60, headers={"_v": "1", "alg": "none", "kid": "mine"}))
    header = jwt.get_unverified_header(token)
    assert header == {"_v": "1", "alg": "HS256", "typ": "JWT", "kid": kid_of(signed(jwt_))}
    payload = verify(jwt_, token)
    assert list(payload) == ["_v", "exp", "iat", "iss", "jti", "sub"]
    assert (payload["iss"], payload["exp"]) == (ISSUER, NOW + 60)
    assert payload["jti"] != "fixed"


@pytest.mark.parametrize("lifetime", [0, -1, LIFETIME + 1])
def test_a_lifetime_outside_the_issuers_maximum_is_refused(store: Store, lifetime: float) -> None:
    with pytest.raises(ValueError, match="lifetime"):
        signed(issuer(store), lifetime=lifetime)


def test_an_unknown_algorithm_is_refused_at_construction(store: Store) -> None:
    with pytest.raises(ValueError, match="ES256"):
        Jwt(store, ISSUER, "ES256")


# JWKS


def test_rs256_kid_matches_the_jwks(store: Store) -> None:
    jwt_ = issuer(store, "RS256")
    token = signed(jwt_)
    (jwk,) = run(jwt_.jwks())["keys"]
    assert jwk["kid"] == kid_of(token)
    assert {name: jwk[name] for name in ("kty", "use", "alg", "e")} == {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "e": "AQAB",
    }
    assert "=" not in jwk["n"] and "d" not in jwk


def test_hs256_publishes_no_keys(store: Store) -> None:
    jwt_ = issuer(store)
    signed(jwt_)
    assert run(jwt_.jwks()) == {"keys": []}


def test_the_jwks_loads_in_pyjwt_and_plain_pyjwt_verifies_a_token(store: Store) -> None:
    jwt_ = issuer(store, "RS256")
    token = signed(jwt_)  # by the unfrozen clock: plain pyjwt checks times by the host's
    jwks = run(jwt_.jwks())
    key = jwt.PyJWKSet.from_dict(jwks)[kid_of(token)]
    assert key.algorithm_name == "RS256"
    claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=ISSUER)
    assert claims["sub"] == "u1"
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwks["keys"][0]))
    assert jwt.decode(token, public, algorithms=["RS256"], issuer=ISSUER)["sub"] == "u1"


# Refusals


@BOTH
def test_a_token_of_another_issuer_is_refused(store: Store, algorithm: str) -> None:
    token = signed(issuer(store, algorithm, name="sfcc:RefArch"))
    for other in ("HS256", "RS256"):
        with pytest.raises(AuthenticationFailed, match="invalid token"):
            verify(issuer(store, other, name="optimizely"), token)


@BOTH
def test_a_tampered_signature_is_refused(store: Store, algorithm: str) -> None:
    head, payload, signature = signed(issuer(store, algorithm)).split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    tampered = f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(issuer(store, algorithm), tampered)


@BOTH
def test_a_tampered_payload_is_refused(store: Store, algorithm: str) -> None:
    jwt_ = issuer(store, algorithm)
    head, _, signature = signed(jwt_, {"sub": "u1"}).split(".")
    _, payload, _ = signed(jwt_, {"sub": "admin"}).split(".")
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(jwt_, f"{head}.{payload}.{signature}")


@BOTH
def test_the_forging_helper_makes_tokens_that_pass(store: Store, algorithm: str) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    assert verify(jwt_, forged(jwt_, valid_claims())) == valid_claims()


@BOTH
def test_alg_none_is_refused(store: Store, algorithm: str) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    with pytest.raises(AuthenticationFailed, match="not allowed"):
        verify(jwt_, forged(jwt_, valid_claims(), algorithm="none"))


@pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
@pytest.mark.parametrize(
    ("algorithm", "other"), [("HS256", "HS512"), ("RS256", "RS512"), ("RS256", "PS256")]
)
def test_another_algorithm_with_the_issuers_own_key_is_refused(
    store: Store, algorithm: str, other: str
) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    with pytest.raises(AuthenticationFailed, match="not allowed"):
        verify(jwt_, forged(jwt_, valid_claims(), algorithm=other))


def test_hs256_signed_with_the_rsa_public_key_is_refused(store: Store) -> None:
    """The classic confusion attack: the public key, published, used as an HMAC secret."""
    freeze(store)
    jwt_ = issuer(store, "RS256")
    key = run(jwt_.keys.signing_key())
    pem = key.public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(AuthenticationFailed, match="not allowed"):
        verify(jwt_, hs256_by_hand(valid_claims(), key.kid, pem))


def test_the_hand_made_hs256_passes_with_the_right_secret(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    key = run(jwt_.keys.signing_key())
    assert verify(jwt_, hs256_by_hand(valid_claims(), key.kid, key.private))["jti"] == "j1"


@BOTH
def test_a_wrong_iss_is_refused(store: Store, algorithm: str) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    with pytest.raises(AuthenticationFailed, match="issuer"):
        verify(jwt_, forged(jwt_, valid_claims(iss="someone-else")))


@BOTH
@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "jti"])
def test_a_token_missing_a_required_claim_is_refused(
    store: Store, algorithm: str, missing: str
) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    with pytest.raises(AuthenticationFailed, match=missing):
        verify(jwt_, forged(jwt_, valid_claims(**{missing: None})))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("exp", "soon", "exp"), ("iat", True, "iat"), ("nbf", [], "nbf"), ("jti", 7, "JWT ID")],
)
def test_a_claim_of_the_wrong_type_is_refused(
    store: Store, name: str, value: object, message: str
) -> None:
    freeze(store)
    jwt_ = issuer(store)
    with pytest.raises(AuthenticationFailed, match=message):
        verify(jwt_, forged(jwt_, valid_claims(**{name: value})))


@pytest.mark.parametrize("kid", ["unknown", None])
def test_an_unknown_or_missing_kid_is_refused(store: Store, kid: str | None) -> None:
    freeze(store)
    jwt_ = issuer(store)
    with pytest.raises(AuthenticationFailed, match="unknown kid"):
        verify(jwt_, forged(jwt_, valid_claims(), kid=kid))


def test_a_kid_that_is_not_a_string_is_refused(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    key = run(jwt_.keys.signing_key())
    with pytest.raises(AuthenticationFailed, match="invalid token: Key ID"):
        verify(jwt_, hs256_by_hand(valid_claims(), [key.kid], key.private))


@pytest.mark.parametrize("garbage", ["not-a-token", "", "a.b.c", "e30.e30.e30"])
def test_garbage_is_refused(store: Store, garbage: str) -> None:
    with pytest.raises(AuthenticationFailed, match="invalid token"):
        verify(issuer(store), garbage)


# Times, by the shared clock


@BOTH
def test_an_expired_token_is_refused_as_expired(store: Store, algorithm: str) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    token = signed(jwt_)
    advance(store, LIFETIME - 1)
    assert verify(jwt_, token)["exp"] == NOW + LIFETIME
    advance(store, 1)
    with pytest.raises(TokenExpired, match="expired") as caught:
        verify(jwt_, token)
    assert isinstance(caught.value, AuthenticationFailed)


def test_a_token_issued_in_the_future_of_the_clock_is_refused(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    token = signed(jwt_)
    run(Clock(store).set(now=START - timedelta(seconds=1)))
    with pytest.raises(AuthenticationFailed, match="future") as caught:
        verify(jwt_, token)
    assert not isinstance(caught.value, TokenExpired)


def test_a_token_not_valid_before_a_later_nbf_is_refused(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    with pytest.raises(AuthenticationFailed, match="future"):
        verify(jwt_, forged(jwt_, valid_claims(nbf=NOW + 1)))
    assert verify(jwt_, forged(jwt_, valid_claims(nbf=NOW)))["nbf"] == NOW


# Keys in the store: restarts, resets, caching


def test_a_restart_on_the_same_file_accepts_earlier_tokens(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    before = SqliteStore(path)
    token = signed(issuer(before, "RS256"))
    run(before.close())
    after = SqliteStore(path)
    assert verify(issuer(after, "RS256"), token)["sub"] == "u1"
    run(after.close())


def test_after_reset_old_tokens_fail_even_where_the_key_was_cached(store: Store) -> None:
    jwt_ = issuer(store)
    token = signed(jwt_)
    assert verify(jwt_, token)["sub"] == "u1"
    run(store.reset())
    with pytest.raises(AuthenticationFailed, match="unknown kid"):
        verify(jwt_, token)
    fresh = signed(jwt_)
    assert kid_of(fresh) != kid_of(token)
    assert verify(issuer(store), fresh)["sub"] == "u1"


def test_a_token_sent_again_is_decoded_once_and_still_judged_every_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature check is kept per token; times and revocation are not."""
    freeze(store)
    jwt_ = issuer(store, "RS256")
    token = signed(jwt_)
    decoded: list[str] = []
    decode = jwt.decode
    monkeypatch.setattr(
        jwt, "decode", lambda token, *a, **k: decoded.append(token) or decode(token, *a, **k)
    )
    first = verify(jwt_, token)
    first["sub"] = "changed by its caller"
    assert verify(jwt_, token)["sub"] == "u1"
    assert decoded == [token]
    advance(store, LIFETIME)
    with pytest.raises(TokenExpired):
        verify(jwt_, token)
    live = signed(jwt_)
    assert verify(jwt_, live)["sub"] == "u1"
    run(jwt_.revoke(live))
    with pytest.raises(TokenRevoked):
        verify(jwt_, live)
    assert decoded == [token, live]


def test_rsa_keys_are_parsed_once_per_process(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    load = sessim.core.kit.keys._load_rsa_pem

    def counting(pem: str) -> object:
        parsed.append(pem)
        return load(pem)

    monkeypatch.setattr(sessim.core.kit.keys, "_load_rsa_pem", counting)
    jwt_ = issuer(store, "RS256")
    for _ in range(3):
        verify(jwt_, signed(jwt_))
    assert len(parsed) == 1


# Rotation


@BOTH
def test_rotation_keeps_old_tokens_valid_until_they_expire(store: Store, algorithm: str) -> None:
    freeze(store)
    jwt_ = issuer(store, algorithm)
    old = signed(jwt_)
    advance(store, 100)
    new_kid = run(jwt_.rotate())
    new = signed(jwt_)
    assert kid_of(new) == new_kid != kid_of(old)
    assert verify(jwt_, old)["sub"] == verify(jwt_, new)["sub"] == "u1"
    if algorithm == "RS256":
        assert [key["kid"] for key in run(jwt_.jwks())["keys"]] == [new_kid, kid_of(old)]
    advance(store, LIFETIME + GRACE - 1)  # the old key outlives what it can have signed
    assert run(jwt_.keys.find(kid_of(old))) is not None
    with pytest.raises(TokenExpired):
        verify(jwt_, old)
    advance(store, 1)
    assert run(jwt_.keys.find(kid_of(old))) is None
    if algorithm == "RS256":
        assert [key["kid"] for key in run(jwt_.jwks())["keys"]] == [new_kid]
    assert verify(jwt_, signed(jwt_))["sub"] == "u1"


def test_a_rotation_through_another_worker_is_seen_at_the_next_sign_and_verify(
    connect: Callable[[], Store],
) -> None:
    here, there = issuer(connect(), "RS256"), issuer(connect(), "RS256")
    before = signed(here)
    assert verify(there, before)["sub"] == "u1"
    new_kid = run(there.rotate())
    assert kid_of(signed(here)) == new_kid
    assert verify(here, signed(there))["sub"] == "u1"
    assert verify(there, before)["sub"] == "u1"


def test_rotations_count_up_and_the_first_key_retires(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    first = kid_of(signed(jwt_))
    kids = [run(jwt_.rotate()) for _ in range(3)]
    assert len({first, *kids}) == 4
    assert kid_of(signed(issuer(store))) == kids[-1]
    advance(store, LIFETIME + GRACE)
    assert all(run(jwt_.keys.find(kid)) is None for kid in [first, *kids[:-1]])


# Revocation


@BOTH
def test_a_revoked_token_fails_in_another_connection(
    connect: Callable[[], Store], algorithm: str
) -> None:
    here, there = issuer(connect(), algorithm), issuer(connect(), algorithm)
    token, kept = signed(here), signed(here)
    assert verify(there, token)["sub"] == "u1"
    run(here.revoke(token))
    with pytest.raises(TokenRevoked, match="revoked") as caught:
        verify(there, token)
    assert isinstance(caught.value, AuthenticationFailed)
    assert verify(there, kept)["sub"] == "u1"


def test_revoking_verified_claims_works_like_revoking_the_token(store: Store) -> None:
    jwt_ = issuer(store)
    token = signed(jwt_)
    run(jwt_.revoke(verify(jwt_, token)))
    with pytest.raises(TokenRevoked):
        verify(jwt_, token)


def test_the_denylist_entry_expires_with_the_token(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    token = signed(jwt_)
    advance(store, 100)
    run(jwt_.revoke(token))
    entry = f"sessim:jwt:{ISSUER}:revoked:{verify_unchecked(token)['jti']}"
    advance(store, LIFETIME - 101)
    assert run(store.get(entry)) is not None
    advance(store, 1)
    assert run(store.get(entry)) is None


def test_revoking_an_expired_token_refuses_and_writes_nothing(store: Store) -> None:
    freeze(store)
    jwt_ = issuer(store)
    token = signed(jwt_)
    claims = verify(jwt_, token)
    advance(store, LIFETIME)
    with pytest.raises(TokenExpired):
        run(jwt_.revoke(token))
    run(jwt_.revoke(claims))
    assert run(store.get(f"sessim:jwt:{ISSUER}:revoked:{claims['jti']}")) is None


def verify_unchecked(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# The first key, made by racing workers


@BOTH
def test_racing_workers_make_one_first_key_and_verify_each_others_tokens(
    connect: Callable[[], Store], algorithm: str
) -> None:
    stores = [connect() for _ in range(20)]
    tokens = race(stores, lambda store: issuer(store, algorithm).sign({"sub": "u1"}, 60))
    assert len({kid_of(token) for token in tokens}) == 1
    for index, store in enumerate(stores):
        checker = issuer(store, algorithm)
        assert verify(checker, tokens[index - 1])["sub"] == "u1"
    if algorithm == "RS256":
        assert len(run(issuer(stores[0], algorithm).jwks())["keys"]) == 1


# Tokens without kid or jti, with the caller's iss (SFCC's shape)


def bare(store: Store) -> Jwt:
    return Jwt(store, "site-a", max_lifetime=LIFETIME, kid=False, jti=False, own_iss=False)


def bare_token(jwt_: Jwt, iss: str = "client-1", sub: str = "u1") -> str:
    claims = {"_v": "1", "exp": 0, "iat": 0, "iss": iss, "sub": sub}
    return run(jwt_.sign(claims, LIFETIME, headers={"_v": "1", "typ": "JWT"}))


def test_a_token_without_kid_or_jti_carries_the_callers_iss(store: Store) -> None:
    freeze(store)
    jwt_ = bare(store)
    token = bare_token(jwt_)
    assert jwt.get_unverified_header(token) == {"_v": "1", "alg": "HS256", "typ": "JWT"}
    assert token.split(".")[0] == base64url_encode(b'{"_v":"1","alg":"HS256","typ":"JWT"}').decode()
    claims = verify(jwt_, token)
    assert list(claims) == ["_v", "exp", "iat", "iss", "sub"]
    assert (claims["iss"], claims["exp"] - claims["iat"]) == ("client-1", LIFETIME)


def test_without_own_iss_a_token_must_be_given_one(store: Store) -> None:
    with pytest.raises(ValueError, match="iss"):
        run(bare(store).sign({"sub": "u1"}, LIFETIME))


def test_without_kid_a_token_of_a_retired_key_verifies_and_a_foreign_one_does_not(
    store: Store,
) -> None:
    freeze(store)
    jwt_ = bare(store)
    before = bare_token(jwt_)
    run(jwt_.rotate())
    assert verify(jwt_, before)["sub"] == "u1"
    assert verify(jwt_, bare_token(jwt_))["sub"] == "u1"
    foreign = bare_token(
        Jwt(store, "site-b", max_lifetime=LIFETIME, kid=False, jti=False, own_iss=False)
    )
    with pytest.raises(AuthenticationFailed, match="no key"):
        verify(jwt_, foreign)


def test_without_kid_a_key_rotated_in_by_another_worker_is_found(
    connect: Callable[[], Store],
) -> None:
    first, second = connect(), connect()
    freeze(first)
    bare_token(bare(first))  # the first key exists
    other = bare(second)
    verify(other, bare_token(other))  # `other` has loaded the first key
    run(bare(first).rotate())
    assert verify(other, bare_token(bare(first)))["sub"] == "u1"


def test_without_jti_revocation_is_by_the_token(store: Store) -> None:
    freeze(store)
    jwt_ = bare(store)
    token, other = bare_token(jwt_), bare_token(jwt_, sub="u2")
    run(jwt_.revoke(token))
    with pytest.raises(TokenRevoked):
        verify(jwt_, token)
    assert verify(jwt_, other)["sub"] == "u2"
    with pytest.raises(ValueError, match="jti"):
        run(jwt_.revoke(verify(jwt_, other)))


def test_without_kid_alg_none_and_a_resigned_token_are_refused(store: Store) -> None:
    freeze(store)
    jwt_ = bare(store)
    payload = verify(jwt_, bare_token(jwt_))
    unsigned = jwt.encode(payload, None, algorithm="none")
    resigned = jwt.encode(payload, b"another secret of thirty-two bytes!", algorithm="HS256")
    for token in (unsigned, resigned):
        with pytest.raises(AuthenticationFailed):
            verify(jwt_, token)
    token = bare_token(jwt_)
    advance(store, LIFETIME)
    with pytest.raises(TokenExpired):
        verify(jwt_, token)
