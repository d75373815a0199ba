"""What a secret becomes in the journal and in `sessim record --redact`'s recordings: a
placeholder, `redacted-` and the first 20 hex characters of the HMAC-SHA256 of the secret
under a key.

The same secret gets the same placeholder, and different secrets different ones, so that a
replay of the journal's HAR (or of a redacted recording) can still map a token an answer
handed out to where a later request sends it, and seed the password a login used; without
the key the placeholder tells nothing of the secret (not even a guess checked against it).

The journal's key is one per Sessim, whichever worker journals: made on first use in the
store (get_or_add: of workers racing, the first write wins and all read it), as the JWT
signing keys are (kit/keys.py), and cached in process per store generation. No API shows it.
A reset wipes it with the journal; the next entry makes another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from ...kit.store import Store
from .presence import NAMESPACE

PREFIX = "redacted-"
DIGITS = 20
KEY = f"{NAMESPACE}:placeholder-key"


class Placeholders:
    """The placeholders of one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def of(self, secret: str) -> str:
        digest = hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()
        return PREFIX + digest[:DIGITS]

    def hide(self, value: Any) -> Any:
        """A secret's value as the redaction rules (redact.py) hand it: text becomes its
        placeholder, but for the empty value a cleared cookie has and a placeholder already;
        a JSON value each text and number inside (a number's text: a PIN is a secret too);
        booleans and null stay (they hold no secret, and keep a replay's request valid)."""
        if isinstance(value, str):
            return value if value in ("", '""') or value.startswith(PREFIX) else self.of(value)
        if isinstance(value, dict):
            return {key: self.hide(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.hide(item) for item in value]
        if isinstance(value, bool) or value is None:
            return value
        return self.of(json.dumps(value))


class SharedKey:
    """The journal's placeholders, under the key every worker of this Sessim shares."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cached: tuple[str, Placeholders] | None = None  # (generation, placeholders)

    async def placeholders(self, generation: str) -> Placeholders:
        """The placeholders at this store generation: read from the store only when it
        has moved on (a seed or reset) since the last read, never per entry."""
        if self._cached is None or self._cached[0] != generation:
            key = await self._store.get_or_add(KEY, _new_key)
            self._cached = (generation, Placeholders(base64.b64decode(key)))
        return self._cached[1]


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()
