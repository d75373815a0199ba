"""Messages a vendor "sends" (emails with recovery tokens, ...), kept in the store until their
content expires so that a test reads them through the admin API as a user reads their mail."""

from __future__ import annotations

from ..kit.store import Store
from ..kit.tokens import opaque_id

NAMESPACE = "outbox"


def _vendor_tag(vendor: str) -> str:
    return f"{NAMESPACE}:{vendor}"


def _recipient_tag(vendor: str, to: str) -> str:
    return f"{NAMESPACE}:{vendor}:to:{to.casefold()}"


async def send(store: Store, vendor: str, to: str, subject: str, data: dict, ttl: float) -> None:
    """Put a message in the outbox for ttl seconds (by the shared clock)."""
    sent_at = await store.now()
    message_id = opaque_id(16)
    message = {
        "id": message_id,
        "vendor": vendor,
        "to": to,
        "subject": subject,
        "sentAt": sent_at,
        "expiresAt": sent_at + ttl,
        "data": data,
    }
    tags = [_vendor_tag(vendor), _recipient_tag(vendor, to)]
    await store.put(f"{NAMESPACE}:{vendor}:{message_id}", message, ttl=ttl, tags=tags)


async def messages(store: Store, vendor: str, to: str | None = None) -> list[dict]:
    """A vendor's live messages, to one address or all, oldest first (times in epoch seconds)."""
    tag = _vendor_tag(vendor) if to is None else _recipient_tag(vendor, to)
    found = await store.tagged(tag)
    return sorted(found.values(), key=lambda message: (message["sentAt"], message["id"]))
