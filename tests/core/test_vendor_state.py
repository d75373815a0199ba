"""What every vendor's state is made of the same way (kit/vendor_state.py, kit/credentials.py):
settings over defaults, the state built once per state generation, credentials granted by
digest, the inventory of users, sessions and single-use tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from sessim.core.kit.clock import Clock
from sessim.core.kit.credentials import Grants, digest, matches
from sessim.core.kit.identities import Identities, LockoutPolicy, Passwords
from sessim.core.kit.inventory import Token
from sessim.core.kit.runtime import Runtime
from sessim.core.kit.sessions import SessionPolicy, Sessions
from sessim.core.kit.store import Store
from sessim.core.kit.tokens import SingleUseTokens
from sessim.core.kit.vendor_state import AccountsInventory, VendorState

from tests.core.support import T0, freeze, run


@dataclass(frozen=True)
class Settings:
    lifetime_seconds: int = 60
    limits: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Acme:
    settings: Settings
    identities: Identities
    sessions: Sessions
    codes: SingleUseTokens


async def build(runtime: Runtime, settings: Settings) -> Acme:
    store = runtime.store
    return Acme(
        settings,
        Identities(store, "acme", runtime.passwords, LockoutPolicy(3, 60)),
        Sessions(store, "acme", SessionPolicy(settings.lifetime_seconds)),
        SingleUseTokens(store, "acme:codes", 20),
    )


ACME = VendorState("acme", Settings, build)


def runtime_on(store: Store) -> Runtime:
    freeze(store)
    return Runtime(store, Clock(store), Passwords(1, 8))


def test_the_state_is_built_from_the_saved_settings_once_per_generation(store: Store) -> None:
    runtime = runtime_on(store)
    first = run(ACME(runtime))
    assert first.settings == Settings()
    assert run(ACME(runtime)) is first  # cached
    run(ACME.save_settings(runtime, {"lifetime_seconds": 5, "limits": {"a": 1}}))
    run(ACME.save_settings(runtime, {"limits": {"b": 2}}))  # a mapping merges key by key
    assert run(ACME(runtime)) is first  # saving is no seed: the generation has not moved
    assert run(ACME.build(runtime)).settings == Settings(5, {"a": 1, "b": 2})
    run(store.bump_generation())
    assert run(ACME(runtime)).settings == Settings(5, {"a": 1, "b": 2})


def test_a_credential_is_kept_and_matched_by_its_digest(store: Store) -> None:
    assert digest("s3cret") == digest("s3cret") != digest("s3cret ")
    assert len(digest("s3cret")) == 64 and "s3cret" not in digest("s3cret")
    assert matches("s3cret", digest("s3cret"))
    assert not matches("S3cret", digest("s3cret"))
    grants = Grants(store, "acme:clients")
    run(grants.grant("one", "client-1", client_id="client-1"))
    run(grants.grant("two", "client-1", client_id="client-1"))  # the holder's, replaced
    run(grants.grant("token"))
    found = sorted(run(grants.granted()), key=len)
    assert found == [
        {"digest": digest("token")},
        {"digest": digest("two"), "client_id": "client-1"},
    ]
    assert run(Grants(store, "acme:other").granted()) == []


def test_the_inventory_lists_users_sessions_and_unspent_tokens_by_kind(store: Store) -> None:
    runtime = runtime_on(store)
    state = run(ACME(runtime))
    run(state.identities.upsert("u1", "ana", "pw"))
    run(state.sessions.create("s1", "u1"))
    code, _ = run(state.codes.issue({"user_id": "u1"}, 30))
    inventory = run(AccountsInventory(ACME, {"code": lambda acme: acme.codes})(runtime, 10))
    assert [user.id for user in inventory.users] == ["u1"]
    assert [(session.id, session.expires_at) for session in inventory.sessions] == [("s1", T0 + 60)]
    assert inventory.tokens == [Token(code, "code", "u1", T0 + 30)]
    bare = run(AccountsInventory(ACME)(runtime, 10))
    assert bare.tokens == [] and [s.id for s in bare.sessions] == ["s1"]
