"""ASP.NET's binding through the HTTP interface: every body an Optimizely operation takes,
sent camelCase (Spire), PascalCase as the C# SDK serialises it (nulls included), with
every key upper-cased and with mixed cases, leaves the same state and the same answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Reset
from tests.keypool import draw_rsa_keys_from_the_pool
from tests.optimizely.conftest import (
    BASE,
    CURRENT,
    DEMO_SECTION,
    EUR,
    FR,
    GLOBEX,
    GLOBEX_DOCK,
    NOW,
    PASSWORDS,
    PICKUP,
    SETTINGS,
    TOKEN,
    basic,
    bearer,
    cookies_of,
    tokens,
)

ACCOUNT = "/optimizely/api/v1/accounts/current"
REMEMBERED = re.compile(r"(SetRememberedUserId=)[^;]+")  # the user's id, new with each seed
OUTBOX = "/_admin/optimizely/outbox"


def pascal(key: str) -> str:
    return key[:1].upper() + key[1:]


def mixed(key: str) -> str:
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(key))


def recased(body: Any, case: Callable[[str], str]) -> Any:
    """The body with every key, at every depth, spelt by `case`."""
    if isinstance(body, dict):
        return {case(key): recased(value, case) for key, value in body.items()}
    if isinstance(body, list):
        return [recased(item, case) for item in body]
    return body


def sdk(body: dict) -> dict:
    """As the C# SDK sends a model: PascalCase, the properties it does not set as nulls
    (and a model's uri and properties null), which bind as not given."""
    nulls = {"Uri": None, "Properties": None, "Email": None, "Persona": None, "ShipTo": None}
    return {**nulls, **recased(body, pascal)}


def shapes(body: dict) -> Iterator[tuple[str, dict]]:
    yield "camelCase", body
    yield "PascalCase", recased(body, pascal)
    yield "C# SDK", sdk(body)
    yield "UPPER", recased(body, str.upper)
    yield "mIxEd", recased(body, mixed)


@pytest.fixture(autouse=True)
def rsa_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shape starts from a reset app, whose first token makes a key: tests/keypool.py."""
    draw_rsa_keys_from_the_pool(monkeypatch)


def state(client: TestClient, auth: dict[str, str]) -> dict:
    """What a body can change: the session (as GET answers it), the user as the admin sees
    it, the account and the outbox's subjects."""
    session = client.get(CURRENT, headers=auth).json()
    user = client.get("/_admin/views/optimizely/user", params={"key": "buyer1"}).json()
    user.pop("lastLoginDate", None)
    account = client.get(ACCOUNT, headers=auth)
    mail = client.get(OUTBOX).json()["messages"]
    # Which password signs in now (two failures at most: the lockout takes three).
    form = {"grant_type": "password", "username": "buyer1", "scope": "iscapi offline_access"}
    passwords = [
        client.post(TOKEN, data={**form, "password": password}, headers=basic()).status_code
        for password in (PASSWORDS["buyer1"], "other-pass-7", "reset-pass-8")
    ]
    return {
        "passwords": passwords,
        "session": {k: v for k, v in session.items() if k != "userProfileId"},
        "user": {k: v for k, v in user.items() if k != "userProfileId"},
        "account": account.status_code,
        "outbox": [(m["to"], m["subject"]) for m in mail],
    }


def scrub(value: Any) -> Any:
    """An answer without what differs between fresh seeds (user ids in uris)."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in ("id", "uri", "userProfileId")}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


Call = Callable[[TestClient, dict, dict[str, str]], Any]


def patch_session(client: TestClient, body: dict, auth: dict[str, str]) -> Any:
    return client.patch(CURRENT, json=body, headers=auth)


def patch_account(client: TestClient, body: dict, auth: dict[str, str]) -> Any:
    return client.patch(ACCOUNT, json=body, headers=auth)


def sign_in_with(client: TestClient, body: dict, auth: dict[str, str]) -> Any:
    """POST /sessions with a fresh token (the body's user signs in again)."""
    fresh = bearer(tokens(client, "buyer1")["access_token"])
    auth.update(fresh)
    return client.post(BASE, json=body, headers=fresh)


def reset_with_token(client: TestClient, body: dict, auth: dict[str, str]) -> Any:
    """A reset email first; its token then stands for TOKEN in the body, whatever its key."""
    client.patch(CURRENT, json={"userName": "buyer1", "resetPassword": True})
    token = client.get(OUTBOX).json()["messages"][-1]["data"]["resetToken"]
    filled = {k: token if v == "TOKEN" else v for k, v in body.items()}
    return client.patch(CURRENT, json=filled)


BODIES: list[tuple[str, Call, dict]] = [
    (
        "sign in, remembered",
        sign_in_with,
        {"userName": "BUYER1", "password": PASSWORDS["buyer1"], "rememberMe": True},
    ),
    ("language", patch_session, {"language": {"id": FR}}),
    ("currency", patch_session, {"currency": {"id": EUR}}),
    (
        "customer",
        patch_session,
        {
            "customerWasUpdated": False,
            "billTo": {"id": GLOBEX, "isDefault": True},
            "shipTo": {"id": GLOBEX_DOCK},
        },
    ),
    ("pick-up", patch_session, {"fulfillmentMethod": "pickup", "pickUpWarehouse": {"id": PICKUP}}),
    ("dashboard", patch_session, {"dashboardIsHomepage": True}),
    ("reset email", patch_session, {"userName": "buyer1", "resetPassword": True}),
    ("activation email", patch_session, {"userName": "invited", "activateAccount": True}),
    (
        "reset with token",
        reset_with_token,
        {
            "userName": "buyer1",
            "resetToken": "TOKEN",
            "newPassword": "reset-pass-8",
            "resetPassword": True,
        },
    ),
    (
        "change password",
        patch_session,
        {"password": PASSWORDS["buyer1"], "newPassword": "other-pass-7"},
    ),
    (
        "account",
        patch_account,
        {
            "firstName": "Bo",
            "lastName": "Baker",
            "email": "bo@example.com",
            "isSubscribed": True,
            "defaultFulfillmentMethod": "PICKUP",
            "defaultWarehouseId": PICKUP,
            "setDefaultCustomer": True,
            "defaultCustomerId": GLOBEX,
        },
    ),
]


@pytest.mark.parametrize(("call", "body"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES])
def test_every_shape_of_a_body_leaves_the_same_state(
    app: TestClient, reset: Reset, call: Call, body: dict
) -> None:
    seen: dict[str, tuple[int, Any, dict, list[str]]] = {}
    for name, shaped in shapes(body):
        client = reset(now=NOW, seed={"optimizely": {**DEMO_SECTION, "settings": SETTINGS}})
        auth = bearer(tokens(client, "buyer1")["access_token"])
        signed = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
        assert client.post(BASE, json=signed, headers=auth).status_code == 200
        response = call(client, shaped, auth)
        assert response.status_code == 200, (name, response.text)
        cookies = [REMEMBERED.sub(r"\1<id>", h) for h in response.headers.get_list("set-cookie")]
        seen[name] = (response.status_code, scrub(response.json()), state(client, auth), cookies)
    first = seen.pop("camelCase")
    for name, other in seen.items():
        assert scrub(other) == scrub(first), name


def test_the_shapes_change_what_they_say(app: TestClient, reset: Reset) -> None:
    """The camelCase reference itself changes state (so equal states mean something)."""
    settings = {**SETTINGS, "remember_days": 7}
    client = reset(now=NOW, seed={"optimizely": {**DEMO_SECTION, "settings": settings}})
    auth = bearer(tokens(client, "buyer1")["access_token"])
    signed = {"UserName": "buyer1", "Password": PASSWORDS["buyer1"], "RememberMe": True}
    signed_in = client.post(BASE, json=signed, headers=auth)
    assert signed_in.status_code == 200, signed_in.text
    # Remembered: the context cookies last the configured days (daysToRetainUser).
    for name in ("CurrentBillToId", "CurrentShipToId", "SetRememberedUserId"):
        assert "expires=Sun, 08-Mar-2026 10:00:00 GMT" in cookies_of(signed_in)[name]
    body = sdk(
        {"billTo": {"id": GLOBEX}, "fulfillmentMethod": "PICKUP", "pickUpWarehouse": {"id": PICKUP}}
    )
    changed = client.patch(CURRENT, json=body, headers=auth).json()
    assert (changed["billTo"]["id"], changed["shipTo"]["id"]) == (GLOBEX, GLOBEX_DOCK)
    assert (changed["fulfillmentMethod"], changed["pickUpWarehouse"]["id"]) == ("PickUp", PICKUP)
    reset_mail = client.patch(CURRENT, json={"USERNAME": "buyer1", "ResetPassword": True})
    assert reset_mail.status_code == 200
    mail = client.get(OUTBOX).json()["messages"]
    assert [m["to"] for m in mail] == ["buyer1@example.com"]
