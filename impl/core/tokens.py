"""Opaque ids and secrets from `secrets`, single-use tokens, and JWTs signed and strictly
checked with pyjwt.

The signing key is made on first use and kept in the store, so a restart (or another
worker) accepts the tokens issued before it.
"""

from __future__ import annotations

import base64
import secrets
import string

import jwt

from impl.core.errors import AuthenticationFailed
from impl.core.store import Store

URL_SAFE = string.ascii_letters + string.digits + "-_"
ALPHANUMERIC = string.ascii_letters + string.digits
JWT_KEY = "sessim:jwt:hs256"


def opaque_id(length: int, prefix: str = "", alphabet: str = URL_SAFE) -> str:
    """prefix followed by `length` random characters of alphabet."""
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


class SingleUseTokens:
    """Opaque tokens redeemable once until they expire; of concurrent redeemers, one wins."""

    def __init__(self, store: Store, namespace: str, length: int, prefix: str = "") -> None:
        self._store = store
        self._ns = namespace
        self._length = length
        self._prefix = prefix

    def _key(self, token: str) -> str:
        return f"{self._ns}:single-use:{token}"

    async def issue(self, data: dict, lifetime: float) -> tuple[str, float]:
        """A new token carrying data, and when it expires (epoch seconds)."""
        token = opaque_id(self._length, self._prefix)
        expires_at = await self._store.now() + lifetime
        await self._store.put(self._key(token), data, ttl=lifetime)
        return token, expires_at

    async def redeem(self, token: str) -> dict | None:
        """The token's data, once; None when unknown, expired or already redeemed."""
        return await self._store.consume(self._key(token))


class Jwt:
    """HS256 tokens with iss, iat and exp; verification allows only the listed algorithms."""

    ALGORITHMS = ("HS256",)

    def __init__(self, store: Store, issuer: str) -> None:
        self._store = store
        self._issuer = issuer

    async def _key(self) -> bytes:
        stored = await self._store.get_or_add(
            JWT_KEY, lambda: base64.b64encode(secrets.token_bytes(32)).decode()
        )
        return base64.b64decode(stored)

    async def sign(self, claims: dict, lifetime: float, headers: dict | None = None) -> str:
        now = int(await self._store.now())
        payload = {**claims, "iss": self._issuer, "iat": now, "exp": now + int(lifetime)}
        return jwt.encode(payload, await self._key(), algorithm="HS256", headers=headers)

    async def verify(self, token: str) -> dict:
        """The claims of a valid token; AuthenticationFailed for any other."""
        try:
            claims = jwt.decode(
                token,
                await self._key(),
                algorithms=list(self.ALGORITHMS),
                issuer=self._issuer,
                # Times are judged below against the shared clock, not the host's.
                options={
                    "require": ["exp", "iat", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(f"invalid token: {error}") from error
        now = await self._store.now()
        if not isinstance(claims["exp"], int | float) or claims["exp"] <= now:
            raise AuthenticationFailed("token expired")
        if not isinstance(claims["iat"], int | float) or claims["iat"] > now:
            raise AuthenticationFailed("token issued in the future")
        return claims
