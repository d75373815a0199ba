"""Okta's token issuance (impl/okta/issuance.py), called directly: the tokens of a user's
grant on the org server and on a custom one, as Okta mints them, recorded by session, user
and refresh family, revoked together, expiring in emulated time."""

from __future__ import annotations

import jwt
import pytest
from sessim.core.kit.clock import Clock
from sessim.core.kit.identities import Passwords, User
from sessim.core.kit.runtime import Runtime
from sessim.core.kit.store import MemoryStore
from sessim.core.web.oauth_errors import AccessDenied, InvalidScope
from sessim.okta.authorization_servers import application_record, org_server, server_record
from sessim.okta.issuance import (
    Grant,
    at_hash,
    granted_scopes,
    issue,
    mint_id_token,
    policy_rule,
)
from sessim.okta.issued import IssuedTokens, session_tokens_view, user_tokens_view
from sessim.okta.signing import server_signer
from sessim.okta.state import set_org_id

from tests.core.support import START, T0, advance, run
from tests.keypool import draw_rsa_keys_from_the_pool

ORG = "https://example.okta.com"
ORG_ID = "00o5essimIssueOrg0d7"
ANNA = User(
    "00u5essimAnna000d7x1",
    "anna@example.com",
    "",
    profile={"firstName": "Anna", "lastName": "Lind"},
)
SPA = application_record(
    {
        "client_id": "spa",
        "application_type": "browser",
        "grant_types": ["authorization_code", "refresh_token"],
    }
)
SERVER = server_record(
    {
        "id": "default",
        "claims": [
            {"name": "tier", "claimType": "RESOURCE", "value": "gold"},
            {"name": "team", "claimType": "IDENTITY", "value": "blue",
             "conditions": {"scopes": ["profile"]}},
        ],
        "policies": [
            {
                "name": "P",
                "rules": [
                    {
                        "name": "R",
                        "accessTokenLifetimeMinutes": 15,
                        "refreshTokenLifetimeMinutes": 600,
                        "refreshTokenWindowMinutes": 60,
                    }
                ],
            }
        ],
    }
)  # fmt: skip
SCOPES = ("openid", "profile", "email", "offline_access")


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Runtime:
    draw_rsa_keys_from_the_pool(monkeypatch)
    store = MemoryStore()
    run(Clock(store).set(now=START, frozen=True))
    runtime = Runtime(store, Clock(store), Passwords(1, 8))
    run(set_org_id(runtime, ORG_ID))
    return runtime


def grant(server: dict = SERVER, **changes: object) -> Grant:
    fields: dict = {
        "server": server,
        "application": SPA,
        "user": ANNA,
        "scopes": SCOPES,
        "grant_type": "authorization_code",
        "org": ORG,
        "session_id": "102session",
        "nonce": "n-0S6",
        "auth_time": int(T0) - 5,
        **changes,
    }
    return Grant(**fields)


def claims(runtime: Runtime, server: dict, token: str, audience: str) -> dict:
    signer = run(server_signer(runtime, server))
    (key,) = [
        k for k in run(signer.jwks())["keys"] if k["kid"] == jwt.get_unverified_header(token)["kid"]
    ]
    return jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=audience,
                      options={"verify_exp": False, "verify_iat": False})  # fmt: skip


def test_a_users_tokens_on_a_custom_server_as_okta_mints_them(runtime: Runtime) -> None:
    answer = run(issue(runtime, grant(), id_token=True, refresh=True))
    assert list(answer) == [
        "token_type", "expires_in", "access_token", "scope", "refresh_token", "id_token",
    ]  # fmt: skip
    assert (answer["expires_in"], answer["scope"]) == (900, " ".join(SCOPES))
    access = claims(runtime, SERVER, answer["access_token"], "api://default")
    assert list(access) == [
        "ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "auth_time", "sub", "tier",
    ]  # fmt: skip
    assert (access["iss"], access["cid"], access["uid"], access["sub"]) == (
        f"{ORG}/oauth2/default", "spa", ANNA.id, ANNA.login,
    )  # fmt: skip
    assert (access["iat"], access["exp"], access["auth_time"]) == (T0, T0 + 900, T0 - 5)
    ident = claims(runtime, SERVER, answer["id_token"], "spa")
    assert list(ident) == [
        "sub", "name", "email", "ver", "iss", "aud", "iat", "exp", "jti", "amr", "idp",
        "nonce", "preferred_username", "auth_time", "at_hash", "team",
    ]  # fmt: skip
    assert (ident["sub"], ident["name"], ident["email"]) == (ANNA.id, "Anna Lind", ANNA.login)
    assert (ident["idp"], ident["nonce"], ident["amr"]) == (ORG_ID, "n-0S6", ["pwd"])
    assert ident["exp"] == T0 + 3600 and ident["jti"].startswith("ID.")
    assert ident["at_hash"] == at_hash(answer["access_token"])
    assert len(answer["refresh_token"]) == 43


def test_the_org_server_and_scopes_by_claim(runtime: Runtime) -> None:
    server = org_server()
    answer = run(issue(runtime, grant(server, scopes=("openid",)), id_token=True, refresh=False))
    assert list(answer) == ["token_type", "expires_in", "access_token", "scope", "id_token"]
    assert answer["expires_in"] == 3600
    access = claims(runtime, server, answer["access_token"], ORG)
    assert access["iss"] == ORG and "tier" not in access
    ident = claims(runtime, server, answer["id_token"], "spa")
    assert "name" not in ident and "email" not in ident and "preferred_username" not in ident
    alone = run(mint_id_token(runtime, grant(server, scopes=("openid",))))
    assert "at_hash" not in claims(runtime, server, alone, "spa")


def test_tokens_are_recorded_by_session_user_and_family_and_revoked_together(
    runtime: Runtime,
) -> None:
    answer = run(issue(runtime, grant(), id_token=True, refresh=True))
    issued = IssuedTokens(runtime.store)
    refresh = run(issued.refresh(answer["refresh_token"]))
    assert refresh is not None and refresh.id.startswith("oar") and refresh.family
    assert refresh.expires_at == T0 + 3600  # the window, within the family's 600 minutes
    view = run(session_tokens_view(runtime, "102session"))
    assert view is not None
    kinds = [token["kind"] for token in view["tokens"]]
    assert kinds == ["access_token", "id_token", "refresh_token"]  # by issue, then id
    assert run(user_tokens_view(runtime, ANNA.id))["tokens"] == view["tokens"]  # type: ignore[index]
    assert run(issued.revoke_family(refresh.family)) == 3
    assert all(t.revoked for t in run(issued.of_session("102session")))
    assert run(session_tokens_view(runtime, "102nothing")) is None
    advance(runtime.store, 3600)  # every token of the grant has expired
    assert run(issued.of_user(ANNA.id)) == []
    assert run(issued.refresh(answer["refresh_token"])) is None


def test_scopes_and_policy(runtime: Runtime) -> None:
    assert granted_scopes(SERVER, "openid email", "password") == ("openid", "email")
    with pytest.raises(InvalidScope):
        granted_scopes(SERVER, "openid", "client_credentials")  # custom scopes only
    with pytest.raises(InvalidScope):
        granted_scopes(SERVER, None, "password")  # no default scope
    assert granted_scopes(org_server(), "okta.users.read", "client_credentials")
    rules = [{"name": "R", "grantTypes": ["password"]}]
    only_password = server_record({"id": "default", "policies": [{"name": "P", "rules": rules}]})
    assert policy_rule(only_password, "spa", "password", SCOPES)["name"] == "R"
    with pytest.raises(AccessDenied):
        policy_rule(only_password, "spa", "authorization_code", SCOPES)
