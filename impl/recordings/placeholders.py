"""`sessim record --redact`: the secrets of recorded interactions replaced by placeholders,
found by the journal's rules (core/features/journal/redact.py): passwords, tokens, client
secrets, Authorization credentials and cookie values, in headers, Set-Cookie, query
strings, JSON and form bodies.

Each secret becomes its keyed placeholder, as in the journal (core/features/journal/
placeholders.py), under a key made for the run, so that a replay can still map what an
answer handed out to where a later request sends it, and log in with a placeholder
password (it seeds that). Basic credentials keep their user: only the password becomes a
placeholder. A secret found in one place is then replaced wherever else it shows (a session
id in a path, a token in another header), when it is at least EVERYWHERE characters long
(a shorter one would hit unrelated text). Bodies that are not UTF-8 are left as they are;
JSON booleans and nulls under a secret name too (no type changes).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from urllib.parse import quote_plus, urlsplit, urlunsplit

from ..core.features.journal import placeholders, redact
from .model import Interaction, Message

EVERYWHERE = 8


class Placeholders(placeholders.Placeholders):
    """The placeholders of one recording, and the secrets they stand for."""

    def __init__(self, key: bytes | None = None) -> None:
        super().__init__(key or secrets.token_bytes(32))
        self.known: dict[str, str] = {}  # secret -> its placeholder

    def of(self, secret: str) -> str:
        """The placeholder of `secret`, which is from now on a known secret."""
        if secret not in self.known:
            self.known[secret] = super().of(secret)
        return self.known[secret]

    def learn(self, interaction: Interaction) -> bool:
        """Whether the interaction holds secrets not known before."""
        before = len(self.known)
        self._named(interaction)
        return len(self.known) > before

    def redact(self, interaction: Interaction) -> Interaction:
        """The interaction with every known secret replaced, its own among them."""
        named = self._named(interaction)
        return replace(
            named,
            url=self._everywhere(named.url),
            request=self._message_everywhere(named.request),
            response=self._message_everywhere(named.response),
        )

    def _named(self, interaction: Interaction) -> Interaction:
        """Secrets replaced where their names say they are (and so learnt)."""
        parts = urlsplit(interaction.url)
        query = redact.form(parts.query, self.hide)
        return replace(
            interaction,
            url=urlunsplit(parts._replace(query=query)),
            request=self._message(interaction.request),
            response=self._message(interaction.response),
        )

    def _message(self, message: Message) -> Message:
        headers = tuple(
            (name, redact.header_value(name.lower(), value, self.hide))
            for name, value in message.headers
        )
        body = message.body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Message(headers, body)
        media = (message.header("Content-Type") or "").lower()
        return Message(
            headers, redact.body(text, media, self.hide).encode("utf-8") if text else b""
        )

    def _everywhere(self, text: str) -> str:
        for secret, placeholder in self._longest_first():
            if secret in text:
                text = text.replace(secret, placeholder)
            encoded = quote_plus(secret)
            if encoded != secret and encoded in text:
                text = text.replace(encoded, placeholder)
        return text

    def _longest_first(self) -> list[tuple[str, str]]:
        found = [
            (secret, hidden) for secret, hidden in self.known.items() if len(secret) >= EVERYWHERE
        ]
        return sorted(found, key=lambda pair: -len(pair[0]))

    def _message_everywhere(self, message: Message) -> Message:
        headers = tuple((name, self._everywhere(value)) for name, value in message.headers)
        try:
            body = self._everywhere(message.body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            body = message.body
        return Message(headers, body)
