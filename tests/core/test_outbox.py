"""The outbox: messages kept per vendor and recipient until they expire by the shared clock."""

from __future__ import annotations

from sessim.core.features import outbox
from sessim.core.kit.store import Store

from tests.core.support import T0, advance, freeze, run


def test_messages_by_vendor_and_recipient_oldest_first(store: Store) -> None:
    freeze(store)
    run(outbox.send(store, "okta", "Ana@example.com", "one", {"n": 1}, 60))
    advance(store, 1)
    run(outbox.send(store, "okta", "bob@example.com", "two", {"n": 2}, 60))
    run(outbox.send(store, "sfcc", "ana@example.com", "three", {"n": 3}, 60))
    assert [m["data"]["n"] for m in run(outbox.messages(store, "okta"))] == [1, 2]
    [message] = run(outbox.messages(store, "okta", "ANA@EXAMPLE.COM"))
    assert message["to"] == "Ana@example.com"
    assert (message["sentAt"], message["expiresAt"]) == (T0, T0 + 60)
    assert run(outbox.messages(store, "vestiaire")) == []


def test_a_message_leaves_when_it_expires(store: Store) -> None:
    freeze(store)
    run(outbox.send(store, "okta", "ana@example.com", "one", {}, 60))
    advance(store, 59)
    assert len(run(outbox.messages(store, "okta", "ana@example.com"))) == 1
    advance(store, 1)
    assert run(outbox.messages(store, "okta", "ana@example.com")) == []
    assert run(outbox.messages(store, "okta")) == []
