"""Opaque ids and secrets from `secrets`, single-use tokens, and JWTs signed and strictly
checked with pyjwt.

JWT keys are per issuer and live in the store (impl/core/keys.py), so a restart or another
worker accepts the tokens issued before it; revoked jtis live there too, until the token's exp:
`sessim:jwt:<issuer>:revoked:<jti>`.
"""

from __future__ import annotations

import functools
import secrets
import string
from collections.abc import Mapping
from typing import Any

from .credentials import digest
from .errors import AuthenticationFailed, TokenExpired, TokenRevoked
from .keys import JwkSet, KeyRing, SigningKey
from .store import Listed, Store

URL_SAFE = string.ascii_letters + string.digits + "-_"
ALPHANUMERIC = string.ascii_letters + string.digits
REQUIRED_CLAIMS = ("exp", "iat", "iss", "jti")
# Tokens whose signature check is kept, per issuer: a client sends one bearer again and again,
# and pyjwt's parsing of it (a Python check of every byte) was a third of a bearer call's CPU.
KEPT_TOKENS = 1024


def opaque_id(length: int, prefix: str = "", alphabet: str = URL_SAFE) -> str:
    """prefix followed by `length` random characters of alphabet (ASCII), uniformly drawn.

    One read of random bytes, turned into characters by `bytes.translate` (a Python step per
    character cost four times as much, and ids are made on every log-in): bytes at or above
    the largest multiple of the alphabet's size are dropped, so that `byte % size` favours
    no character."""
    table, dropped = _translation(alphabet)
    # An eighth more than needed when some bytes are dropped, so that one read is enough
    # (a read is a system call, which costs more than the bytes).
    size = length + (length // 8 + 8 if dropped else 0)
    drawn = b""
    while len(drawn) < length:
        drawn += secrets.token_bytes(size).translate(table, dropped)
    return prefix + drawn[:length].decode("ascii")


@functools.cache
def _translation(alphabet: str) -> tuple[bytes, bytes]:
    """opaque_id's table for `bytes.translate`: each byte to `alphabet[byte % size]`, and the
    bytes to delete, those at or above the largest multiple of the size."""
    size = len(alphabet)
    table = bytes(ord(alphabet[byte % size]) for byte in range(256))
    return table, bytes(range(256 - 256 % size, 256))


class SingleUseTokens:
    """Opaque tokens redeemable once until they expire; of concurrent redeemers, one wins."""

    def __init__(
        self,
        store: Store,
        namespace: str,
        length: int,
        prefix: str = "",
        alphabet: str = URL_SAFE,
    ) -> None:
        self._store = store
        self._ns = namespace
        self._length = length
        self._prefix = prefix
        self._alphabet = alphabet

    def _key(self, token: str) -> str:
        return f"{self._ns}:single-use:{token}"

    async def issue(self, data: dict, lifetime: float) -> tuple[str, float]:
        """A new token carrying data, and when it expires (epoch seconds)."""
        token = opaque_id(self._length, self._prefix, self._alphabet)
        expires_at = await self._store.now() + lifetime
        await self._store.put(self._key(token), data, ttl=lifetime)
        return token, expires_at

    async def newest(self, limit: int) -> list[Listed]:
        """Up to limit live tokens (as `key`), their data and expiry, the latest to expire first."""
        prefix = self._key("")
        return [
            found._replace(key=found.key.removeprefix(prefix))
            for found in await self._store.scan(prefix, limit)
        ]

    async def redeem(self, token: str) -> dict | None:
        """The token's data, once; None when unknown, expired or already redeemed."""
        return await self._store.consume(self._key(token))


class Jwt:
    """An issuer's JWTs: iss, iat, exp and a random jti on every token, a kid in every header,
    signed with the issuer's current key (HS256 or RS256, chosen here); verification accepts
    only that algorithm, only the issuer's live keys, and judges times by the shared clock.

    Vendors whose tokens look otherwise turn parts off: `kid=False` leaves the kid out of the
    header (verification then tries the issuer's live keys, newest first); `jti=False` leaves
    the jti out (revocation then keys on the token's digest, so revoke takes the token);
    `own_iss=False` takes iss from the caller's claims (a string, required) instead of the key
    namespace `issuer`, and leaves judging it to the caller.

    Keep one Jwt per issuer and process (e.g. in Runtime.cached): it caches the parsed keys.
    """

    def __init__(
        self,
        store: Store,
        issuer: str,
        algorithm: str = "HS256",
        max_lifetime: float = 3600,
        *,
        kid: bool = True,
        jti: bool = True,
        own_iss: bool = True,
    ) -> None:
        self._store = store
        self.issuer = issuer
        self.keys = KeyRing(store, issuer, algorithm, max_lifetime)
        self._kid = kid
        self._jti = jti
        self._own_iss = own_iss
        self._required = [name for name in REQUIRED_CLAIMS if jti or name != "jti"]
        # (token, id of the key, audience) -> (the key, the claims pyjwt decoded); see _decode
        self._verified: dict[tuple[str, int, str | None], tuple[Any, dict]] = {}

    async def sign(
        self, claims: Mapping[str, Any], lifetime: float, headers: dict | None = None
    ) -> str:
        """A token carrying claims for `lifetime` seconds (at most the issuer's max_lifetime);
        iss, iat, exp and jti are set here, in place when claims already names them (so a
        vendor's claim order holds). headers adds header fields; alg and kid are set here."""
        if not 0 < lifetime <= self.keys.max_lifetime:
            raise ValueError(f"lifetime {lifetime} outside (0, {self.keys.max_lifetime}]")
        if not self._own_iss and not isinstance(claims.get("iss"), str):
            raise ValueError("this issuer's tokens take iss from the claims: give one")
        key = await self.keys.signing_key()
        now = int(await self._store.now())
        payload = {**claims, "iat": now, "exp": now + int(lifetime)}
        if self._own_iss:
            payload["iss"] = self.issuer
        if self._jti:
            payload["jti"] = secrets.token_urlsafe(16)
        header = {
            name: value for name, value in (headers or {}).items() if name not in ("alg", "kid")
        }
        if self._kid:
            header["kid"] = key.kid
        import jwt  # pyjwt loads cryptography: imported by the first token (keys.py says why)

        return jwt.encode(payload, key.private, algorithm=key.algorithm, headers=header)

    async def verify(self, token: str, audience: str | None = None) -> dict:
        """The claims of a genuine, live, unrevoked token of this issuer. Failures raise
        AuthenticationFailed; TokenExpired and TokenRevoked say which, for vendors that tell."""
        claims = await self._decoded(token, audience)
        await self._check_times(claims)
        if await self._store.get(self._revoked(self._revocation_id(token, claims))) is not None:
            raise TokenRevoked("token revoked")
        return claims

    async def revoke(self, token: str | Mapping[str, Any]) -> None:
        """Refuse this token from now on, in every worker, until it expires. A token string is
        verified first (so its failures raise); claims are taken as verify returned them
        (only for tokens with a jti: without one, the token itself names it)."""
        claims: Mapping[str, Any]
        if isinstance(token, str):
            claims = await self.verify(token)
            revocation_id = self._revocation_id(token, claims)
        elif self._jti:
            claims, revocation_id = token, token["jti"]
        else:
            raise ValueError("tokens without a jti are revoked by the token itself")
        ttl = claims["exp"] - await self._store.now()
        if ttl > 0:  # the denylist entry lives exactly as long as the token would
            await self._store.put(self._revoked(revocation_id), claims["exp"], ttl=ttl)

    async def rotate(self) -> str:
        """A new current signing key's kid; earlier keys verify until their tokens expire."""
        return (await self.keys.rotate()).kid

    async def jwks(self) -> JwkSet:
        """The issuer's public keys as a JWK Set; empty for HS256."""
        return await self.keys.jwks()

    def _revoked(self, revocation_id: str) -> str:
        return f"sessim:jwt:{self.issuer}:revoked:{revocation_id}"

    def _revocation_id(self, token: str, claims: Mapping[str, Any]) -> str:
        if self._jti:
            return claims["jti"]
        return "sha256-" + digest(token)

    async def _decoded(self, token: str, audience: str | None) -> dict:
        """The claims of a token whose signature one of the issuer's live keys makes."""
        import jwt

        header = self._header(token)
        if self._kid:
            return self._decode(token, await self._key_of(header), audience)
        for reload in (False, True):  # a key rotated in by another worker: reload once
            for key in await self.keys.live(reload=reload):
                try:
                    return self._decode(token, key, audience, signature_only=True)
                except jwt.InvalidSignatureError:
                    continue
        raise AuthenticationFailed("invalid token: no key of the issuer signed it")

    def _header(self, token: str) -> dict:
        import jwt

        try:
            header = _unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(f"invalid token: {error}") from error
        if header.get("alg") != self.keys.algorithm:
            raise AuthenticationFailed(
                f"invalid token: algorithm {header.get('alg')!r} not allowed"
            )
        return header

    async def _key_of(self, header: dict) -> SigningKey:
        """The issuer's key named by the token's kid."""
        kid = header.get("kid")
        key = await self.keys.find(kid) if isinstance(kid, str) else None
        if key is None:
            raise AuthenticationFailed("invalid token: unknown kid")
        return key

    def _decode(
        self, token: str, key: SigningKey, audience: str | None, signature_only: bool = False
    ) -> dict:
        """The verified claims; with signature_only, a wrong signature raises pyjwt's
        InvalidSignatureError (so that the next key may be tried).

        What pyjwt decodes here depends on the token, the key and the audience alone (times
        are judged apart, against the clock), so a token that verified is kept with its
        claims and found again without pyjwt: the key is checked by identity (a key read
        again, rotated or reseeded is another object), and each caller gets its own copy.
        Failures are not kept: they run pyjwt every time."""
        kept_as = (token, id(key.public), audience)
        kept = self._verified.get(kept_as)
        if kept is not None and kept[0] is key.public:
            return dict(kept[1])
        claims = self._checked(token, key, audience, signature_only)
        if len(self._verified) >= KEPT_TOKENS:
            self._verified.clear()
        self._verified[kept_as] = (key.public, claims)
        return dict(claims)

    def _checked(
        self, token: str, key: SigningKey, audience: str | None, signature_only: bool
    ) -> dict:
        import jwt

        try:
            claims = jwt.decode(
                token,
                key.public,
                algorithms=[self.keys.algorithm],
                issuer=self.issuer if self._own_iss else None,
                audience=audience,
                # Times are judged against the shared clock by _check_times, not the host's.
                options={
                    "require": self._required,
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError:
            if signature_only:
                raise
            raise AuthenticationFailed("invalid token: signature mismatch") from None
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(f"invalid token: {error}") from error
        if not isinstance(claims["iss"], str):
            raise AuthenticationFailed("invalid token: iss is not a string")
        return claims  # pyjwt has checked that jti, when required, is a string

    async def _check_times(self, claims: dict) -> None:
        now = await self._store.now()
        for name in ("exp", "iat", "nbf"):
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AuthenticationFailed(f"invalid token: {name} is not a number")
        if claims["iat"] > now or claims.get("nbf", 0) > now:
            raise AuthenticationFailed("token issued in the future")
        if claims["exp"] <= now:
            raise TokenExpired("token expired")


@functools.lru_cache(maxsize=KEPT_TOKENS)
def _unverified_header(token: str) -> dict:
    """pyjwt's parse of a token's header, kept for the tokens sent again (see KEPT_TOKENS);
    read only. A token that does not parse raises, and is not kept."""
    import jwt

    return jwt.get_unverified_header(token)
