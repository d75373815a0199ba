"""The resources a session links to: websites/current with its languages and currencies,
billtos and their shiptos, warehouses, accounts/current and IdentityServer's endsession;
every `uri` a session answers resolves to its resource."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.optimizely.conftest import (
    ACME,
    ACME_NORTH,
    ACME_SOUTH,
    CURRENT,
    EN,
    EUR,
    FR,
    GLOBEX,
    GLOBEX_DOCK,
    INITECH,
    NO_PICKUP,
    PICKUP,
    USD,
    bearer,
    message,
    signed_in,
    tokens,
)

HOST = "http://localhost"
API = "/optimizely/api/v1"
WEBSITE = f"{API}/websites/current"
BILL_TOS = f"{API}/billtos"
WAREHOUSES = f"{API}/warehouses"
ACCOUNT = f"{API}/accounts/current"
ENDSESSION = "/optimizely/identity/connect/endsession"


def ok(response: Any) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def links(value: Any) -> list[str]:
    """Every `uri` and `*Uri` in an answer, at every depth."""
    if isinstance(value, dict):
        own = [v for k, v in value.items() if (k == "uri" or k.endswith("Uri")) and v]
        return own + [link for v in value.values() for link in links(v)]
    if isinstance(value, list):
        return [link for item in value for link in links(item)]
    return []


def test_every_link_of_a_signed_in_session_resolves_to_its_resource(opti: TestClient) -> None:
    auth = signed_in(opti)
    opti.patch(
        CURRENT,
        json={"fulfillmentMethod": "PickUp", "pickUpWarehouse": {"id": PICKUP}},
        headers=auth,
    )
    session = ok(opti.get(CURRENT, headers=auth))
    found = links(session)
    assert len(found) == 7, found  # session, billTo, shipTosUri, shipTo, language, currency, wh
    for link in found:
        assert link.startswith(f"{HOST}{API}/"), link
        answer = ok(opti.get(link, headers=auth))
        assert answer["uri"] == link
    assert ok(opti.get(session["billTo"]["uri"], headers=auth))["id"] == ACME
    assert ok(opti.get(session["shipTo"]["uri"], headers=auth))["id"] == ACME_NORTH
    assert ok(opti.get(session["pickUpWarehouse"]["uri"]))["id"] == PICKUP


def test_the_website_expands_its_languages_and_currencies_on_request(opti: TestClient) -> None:
    plain = ok(opti.get(WEBSITE))
    assert (plain["languages"], plain["currencies"]) == (None, None)
    assert plain["name"] == "Sessim Supply" and plain["uri"] == HOST + WEBSITE
    assert plain["languagesUri"] == f"{HOST}{WEBSITE}/languages"
    both = ok(opti.get(WEBSITE, params={"expand": "Languages, CURRENCIES"}))
    assert [x["id"] for x in both["languages"]["languages"]] == [EN, FR]
    assert [x["id"] for x in both["currencies"]["currencies"]] == [USD, EUR]
    assert both["languages"] == ok(opti.get(f"{WEBSITE}/languages"))
    assert both["currencies"] == ok(opti.get(f"{WEBSITE}/currencies"))
    # The website is the Host's: the wholesale one has English only.
    wholesale = opti.get(f"{WEBSITE}/languages", headers={"host": "wholesale.example.test"})
    assert [x["languageCode"] for x in ok(wholesale)["languages"]] == ["en"]


def test_a_language_or_currency_by_id_matches_whatever_its_case(opti: TestClient) -> None:
    french = ok(opti.get(f"{WEBSITE}/languages/{FR.upper()}"))
    assert (french["languageCode"], french["isDefault"]) == ("fr", False)
    euro = ok(opti.get(f"{WEBSITE}/currencies/{EUR}"))
    assert (euro["currencyCode"], euro["currencySymbol"]) == ("EUR", "€")
    assert "was not found" in message(opti.get(f"{WEBSITE}/languages/nope"), 404)
    assert "was not found" in message(opti.get(f"{WEBSITE}/currencies/nope"), 404)


def test_bill_tos_are_the_users_own_a_page_at_a_time(opti: TestClient) -> None:
    auth = signed_in(opti)
    first = ok(opti.get(BILL_TOS, params={"pageSize": 1, "expand": "shipTos"}, headers=auth))
    assert [b["id"] for b in first["billTos"]] == [ACME]
    assert [s["id"] for s in first["billTos"][0]["shipTos"]] == [ACME_NORTH, ACME_SOUTH]
    pagination = first["pagination"]
    assert (pagination["page"], pagination["totalItemCount"], pagination["numberOfPages"]) == (
        1,
        2,
        2,
    )
    assert pagination["prevPageUri"] is None
    second = ok(opti.get(pagination["nextPageUri"], headers=auth))
    assert [b["id"] for b in second["billTos"]] == [GLOBEX]
    assert [s["id"] for s in second["billTos"][0]["shipTos"]] == [GLOBEX_DOCK]  # expand kept
    assert second["pagination"]["nextPageUri"] is None
    assert second["pagination"]["prevPageUri"].endswith("page=1")
    plain = ok(opti.get(BILL_TOS, headers=auth))
    assert [b["shipTos"] for b in plain["billTos"]] == [None, None]


def test_current_bill_to_and_ship_to_follow_the_session(opti: TestClient) -> None:
    auth = signed_in(opti)
    assert ok(opti.get(f"{BILL_TOS}/current", headers=auth))["id"] == ACME
    assert ok(opti.get(f"{BILL_TOS}/current/shiptos/current", headers=auth))["id"] == ACME_NORTH
    change = {"billTo": {"id": GLOBEX}, "shipTo": {"id": GLOBEX_DOCK}}
    assert opti.patch(CURRENT, json=change, headers=auth).status_code == 200
    assert ok(opti.get(f"{BILL_TOS}/current", headers=auth))["customerNumber"] == "C2001"
    ship_tos = ok(opti.get(f"{BILL_TOS}/current/shiptos", headers=auth))
    assert [s["id"] for s in ship_tos["shipTos"]] == [GLOBEX_DOCK]
    assert ship_tos["uri"] == f"{HOST}{BILL_TOS}/{GLOBEX}/shiptos"


def test_what_is_not_the_users_is_not_found_and_anonymous_callers_are_denied(
    opti: TestClient,
) -> None:
    auth = signed_in(opti)
    assert "was not found" in message(opti.get(f"{BILL_TOS}/{INITECH}", headers=auth), 404)
    other = f"{BILL_TOS}/{ACME}/shiptos/{GLOBEX_DOCK}"
    assert "was not found" in message(opti.get(other, headers=auth), 404)
    denied = "Authorization has been denied for this request."
    assert message(opti.get(BILL_TOS), 401) == denied
    # A bearer whose holder has not signed in (no POST /sessions) is no user either.
    token_only = bearer(tokens(opti, "buyer1")["access_token"])
    assert message(opti.get(ACCOUNT, headers=token_only), 401) == denied


def test_an_unassigned_bill_to_is_refused_whatever_the_bodys_case(opti: TestClient) -> None:
    auth = signed_in(opti)
    for body in (
        {"billTo": {"id": INITECH}},
        {"BillTo": {"Id": INITECH}},
        {"BILLTO": {"ID": INITECH}},
    ):
        assert "not assigned" in message(opti.patch(CURRENT, json=body, headers=auth), 403)
    assert ok(opti.get(CURRENT, headers=auth))["billTo"]["id"] == ACME


def test_warehouses_list_pick_up_locations_and_answer_by_id(opti: TestClient) -> None:
    every = ok(opti.get(WAREHOUSES))
    assert [w["name"] for w in every["warehouses"]] == ["MAIN", "OVERFLOW"]
    pickups = ok(opti.get(f"{WAREHOUSES}/", params={"onlyPickupWarehouses": "true"}))
    assert [w["id"] for w in pickups["warehouses"]] == [PICKUP]
    one = ok(opti.get(f"{WAREHOUSES}/{NO_PICKUP}"))
    assert (one["allowPickup"], one["deactivateOn"], one["alternateWarehouses"]) == (
        False,
        None,
        [],
    )
    assert "was not found" in message(opti.get(f"{WAREHOUSES}/nope"), 404)


def test_the_account_reads_and_updates_the_users_profile(opti: TestClient) -> None:
    auth = signed_in(opti)
    account = ok(opti.get(ACCOUNT, headers=auth))
    assert (account["userName"], account["email"], account["billToId"]) == (
        "buyer1",
        "buyer1@example.com",
        ACME,
    )
    assert ok(opti.get(account["uri"], headers=auth)) == account
    change = {"FirstName": "Bo", "DefaultFulfillmentMethod": "pickup", "DefaultWarehouseId": PICKUP}
    updated = ok(opti.patch(ACCOUNT, json=change, headers=auth))
    assert (updated["firstName"], updated["defaultFulfillmentMethod"]) == ("Bo", "PickUp")
    assert updated["defaultWarehouse"]["id"] == PICKUP
    assert ok(opti.get(CURRENT, headers=auth))["firstName"] == "Bo"  # the session's user too
    refused = opti.patch(ACCOUNT, json={"defaultWarehouseId": NO_PICKUP}, headers=auth)
    assert "not a pick-up location" in message(refused, 400)
    refused = opti.patch(ACCOUNT, json={"email": "no-at-sign"}, headers=auth)
    assert message(refused, 400) == "Email address is invalid."
    unassigned = {"setDefaultCustomer": True, "defaultCustomerId": INITECH}
    assert "not assigned" in message(opti.patch(ACCOUNT, json=unassigned, headers=auth), 400)
    assert "was not found" in message(opti.get(f"{API}/accounts/someone", headers=auth), 404)


def test_endsession_ends_identity_servers_cookie_and_no_api_session(opti: TestClient) -> None:
    auth = signed_in(opti)
    response = opti.get(ENDSESSION, headers=auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "logged out" in response.text
    assert response.headers["set-cookie"].startswith("idsrv=; expires=Thu, 01-Jan-1970")
    assert "path=/optimizely/identity" in response.headers["set-cookie"]
    assert ok(opti.get(CURRENT, headers=auth))["isAuthenticated"] is True


def test_query_keys_bind_whatever_their_case_and_prefix(opti: TestClient) -> None:
    """The C# SDK's query strings (PascalCase, `True`) and Swagger's prefixed names."""
    auth = signed_in(opti)
    sdk = {"Page": "2", "PageSize": "1", "Expand": "ShipTos"}
    second = ok(opti.get(BILL_TOS, params=sdk, headers=auth))
    assert [b["id"] for b in second["billTos"]] == [GLOBEX]
    assert [s["id"] for s in second["billTos"][0]["shipTos"]] == [GLOBEX_DOCK]
    pickups = ok(opti.get(WAREHOUSES, params={"OnlyPickupWarehouses": "True"}))
    assert [w["id"] for w in pickups["warehouses"]] == [PICKUP]
    prefixed = ok(opti.get(WEBSITE, params={"parameter.expand": "languages"}))
    assert prefixed["languages"] is not None and prefixed["currencies"] is None


def test_a_new_email_is_the_one_a_reset_finds(opti: TestClient) -> None:
    auth = signed_in(opti)
    assert opti.patch(ACCOUNT, json={"Email": "bea@example.org"}, headers=auth).status_code == 200
    old = opti.patch(CURRENT, json={"email": "buyer1@example.com", "resetPassword": True})
    assert "No user" in message(old, 400)
    new = opti.patch(CURRENT, json={"email": "BEA@example.org", "resetPassword": True})
    assert new.status_code == 200
    mail = opti.get("/_admin/optimizely/outbox").json()["messages"]
    assert [m["to"] for m in mail] == ["bea@example.org"]
