"""JWT signing keys per issuer, kept in the store: made on first use, rotated, published as a
JWKS, and cached parsed in process.

Store layout, per issuer:

- `sessim:jwt:<issuer>:key:<n>`: the n-th key the issuer ever made (n counts up from 1): kid,
  alg, the HMAC secret (base64) or the RSA private key (PEM), the longest lifetime a token it
  signs may have, and when it was retired. The newest key is the current one and never expires;
  a retired key expires (`expires_at`) `max_lifetime + GRACE` after its retirement, once every
  token it signed has expired.
- `sessim:jwt:<issuer>:latest`: a hint, the n last made; loading probes upward from it.

`Store.add` on `key:<n>` arbitrates: of workers making the n-th key (the first key, or a
rotation), exactly one writes it and all load that one.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from .store import Store

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHMS = ("HS256", "RS256")
RSA_BITS = 2048
# Seconds a retired key outlives max_lifetime: a worker may sign with a key it checked just
# before another worker retired it, at a pinned request instant slightly later.
GRACE = 60.0


class JwkSet(TypedDict):
    """RFC 7517's JWK Set: a vendor's spec types its JWKS answer so too, and mypy holds
    this to it where the vendor answers it."""

    keys: list[dict[str, str]]


@dataclass(frozen=True)
class SigningKey:
    serial: int
    kid: str
    algorithm: str
    private: Any  # what pyjwt signs with: the HMAC secret, or an RSAPrivateKey
    public: Any  # what pyjwt verifies with: the same secret, or an RSAPublicKey
    expires_at: float | None = None  # set once retired

    def live(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at

    def jwk(self) -> dict[str, str] | None:
        """The public key as a JWK; None for a shared HMAC secret, which is never published."""
        if self.algorithm != "RS256":
            return None
        numbers = self.public.public_numbers()
        return {
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": "RS256",
            "n": _b64uint(numbers.n),
            "e": _b64uint(numbers.e),
        }


class KeyRing:
    """One issuer's signing keys.

    Parsed keys are cached in this object, so keep one KeyRing (or Jwt) per issuer and process.
    Signing checks its key with one store read, so a rotation through any worker takes effect
    at the next sign; verifying reloads once on an unknown kid or a new store generation.
    """

    def __init__(
        self, store: Store, issuer: str, algorithm: str = "HS256", max_lifetime: float = 3600
    ) -> None:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unsupported JWT algorithm {algorithm!r}")
        self._store = store
        self.issuer = issuer
        self.algorithm = algorithm
        self.max_lifetime = float(max_lifetime)
        self._prefix = f"sessim:jwt:{issuer}"
        self._keys: dict[str, SigningKey] = {}  # kid -> key, as of the last load
        self._current: SigningKey | None = None
        self._generation: str | None = None

    def _key(self, serial: int) -> str:
        return f"{self._prefix}:key:{serial}"

    @property
    def _latest(self) -> str:
        return f"{self._prefix}:latest"

    async def signing_key(self) -> SigningKey:
        """The current key, made on first use; one store read confirms that no worker has
        retired it (or reset the store) since this one loaded it."""
        current = self._current
        if current is not None:
            record = await self._store.get(self._key(current.serial))
            if record and record["kid"] == current.kid and record["retired_at"] is None:
                return current
        await self._load(create=True)
        if self._current is None:
            raise RuntimeError(f"no signing key for {self.issuer} after making one")
        return self._current

    async def find(self, kid: str) -> SigningKey | None:
        """The live key with this kid, or None. An unknown or expired kid (perhaps a rotation
        through another worker) or a new store generation (a reset) reloads once.

        A key retired by another worker after this one loaded it stays cached here until a
        reload; what it signed expires before it is dropped, so exp refuses those tokens."""
        key = self._keys.get(kid)
        stale = self._generation != await self._store.generation()
        if stale or key is None or not key.live(await self._store.now()):
            await self._load(create=False)
            key = self._keys.get(kid)
        return key

    async def live(self, reload: bool = False) -> list[SigningKey]:
        """The live keys, newest first (for tokens that name no kid); loaded when this
        process has none yet, the store generation moved on, or reload asks."""
        stale = self._generation != await self._store.generation()
        if reload or stale or not self._keys:
            await self._load(create=False)
        now = await self._store.now()
        keys = [key for key in self._keys.values() if key.live(now)]
        return sorted(keys, key=lambda key: -key.serial)

    async def rotate(self) -> SigningKey:
        """A new current key. Earlier keys retire: they keep verifying the tokens they signed
        until those expire, then drop out of the store and the JWKS."""
        top, _ = await self._records()
        record = await self._new_record()
        serial = top + 1
        while not await self._add(serial, record):
            serial += 1  # another worker rotated at the same moment: go after it
        await self._load(create=False)
        return self._keys[record["kid"]]

    async def jwks(self) -> JwkSet:
        """The live public keys, newest first, as a JWK Set (empty for HMAC issuers)."""
        await self._load(create=True)
        ordered = sorted(self._keys.values(), key=lambda key: -key.serial)
        return {"keys": [jwk for key in ordered if (jwk := key.jwk()) is not None]}

    async def _load(self, create: bool) -> None:
        """Read the live keys into the cache; with create, make the first key when none is."""
        generation = await self._store.generation()
        top, found = await self._records()
        if not found and create:
            await self._add(top + 1, await self._new_record())  # win or lose, re-read
            top, found = await self._records()
        keys = [await self._parse(serial, record) for serial, record in found]
        self._keys = {key.kid: key for key in keys}
        self._current = keys[0] if keys else None
        self._generation = generation

    async def _records(self) -> tuple[int, list[tuple[int, dict]]]:
        """The highest serial probed, and the live records of this issuer's algorithm,
        newest first: probe up from the hint for the newest, then down while keys live."""
        top = await self._store.get(self._latest) or 0
        while await self._store.get(self._key(top + 1)) is not None:
            top += 1
        found = []
        serial = top
        while serial > 0 and (record := await self._store.get(self._key(serial))) is not None:
            if record["alg"] == self.algorithm:
                found.append((serial, record))
            serial -= 1
        return top, found

    async def _add(self, serial: int, record: dict) -> bool:
        """Write the serial-th key unless another worker has; on success retire the earlier."""
        if not await self._store.add(self._key(serial), record):
            return False
        await self._store.put(self._latest, serial)
        await self._retire_before(serial)
        return True

    async def _retire_before(self, serial: int) -> None:
        now = await self._store.now()
        serial -= 1
        while serial > 0 and (record := await self._store.get(self._key(serial))) is not None:
            if record["retired_at"] is None:
                ttl = max(record["max_lifetime"], self.max_lifetime) + GRACE
                retired = {**record, "retired_at": now, "expires_at": now + ttl}
                await self._store.replace(self._key(serial), retired, ttl=ttl)
            serial -= 1

    async def _new_record(self) -> dict:
        if self.algorithm == "RS256":
            material = await asyncio.to_thread(_new_rsa_pem)  # slow CPU work, off the loop
        else:
            material = base64.b64encode(secrets.token_bytes(32)).decode()
        return {
            "kid": secrets.token_urlsafe(12),
            "alg": self.algorithm,
            "key": material,
            "max_lifetime": self.max_lifetime,
            "created_at": await self._store.now(),
            "retired_at": None,
        }

    async def _parse(self, serial: int, record: dict) -> SigningKey:
        expires_at = record.get("expires_at")
        cached = self._keys.get(record["kid"])
        if cached is not None and cached.serial == serial:
            return dataclasses.replace(cached, expires_at=expires_at)
        if record["alg"] == "RS256":
            private = await asyncio.to_thread(_load_rsa_pem, record["key"])
            public = private.public_key()
            return SigningKey(serial, record["kid"], "RS256", private, public, expires_at)
        secret = base64.b64decode(record["key"])
        return SigningKey(serial, record["kid"], "HS256", secret, secret, expires_at)


# cryptography is imported by the first RSA key, not by every start-up (a tenth of a second of
# CPU, for a server that may sign nothing): here and in tokens.py, with pyjwt.
def _new_rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _load_rsa_pem(pem: str) -> rsa.RSAPrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    # The key is one we generated and stored ourselves: skip the slow consistency check.
    key = serialization.load_pem_private_key(
        pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _b64uint(value: int) -> str:
    """An unsigned integer as JWK wants it: big-endian bytes, base64url without padding."""
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
