"""Credentials the same way for every vendor: read from a request's Authorization header
(OCAPI's customer credentials, IdentityServer's client), and kept in the store by digest
(Okta's API tokens, Optimizely's client secrets, OCAPI's secure tokens)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

from .store import Store


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, secret) of a `Basic` header; None when the header is not a Basic one. A Basic
    header that is not base64 of UTF-8 `user:secret` raises ValueError."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("malformed Basic credentials") from None
    user, colon, secret = decoded.partition(":")
    if not colon:
        raise ValueError("Basic credentials without a colon")
    return user, secret


def digest(secret: str) -> str:
    """A credential as the store keeps it, so that a dump of the store hands out no working
    one. SHA-256, not a password hash: these are random tokens, found by their digest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored: str) -> bool:
    """Whether a credential is the one stored by this digest (in constant time)."""
    return hmac.compare_digest(digest(secret), stored)


class Grants:
    """Credentials a fixture grants (Okta's API tokens, Optimizely's client secrets), kept by
    digest under one tag with what each grants, and read all at once when the vendor builds
    its state."""

    def __init__(self, store: Store, tag: str) -> None:
        self._store = store
        self._tag = tag

    async def grant(self, secret: str, holder: str | None = None, **granted: Any) -> None:
        """The credential and what it grants, as its holder's (a client id: seeding the
        holder again replaces it) or, without one, a grant of its own."""
        key = f"{self._tag}:{holder or digest(secret)}"
        await self._store.put(key, {"digest": digest(secret), **granted}, tags=[self._tag])

    async def granted(self) -> list[dict[str, Any]]:
        """Every grant: its `digest` and what it grants."""
        return list((await self._store.tagged(self._tag)).values())
