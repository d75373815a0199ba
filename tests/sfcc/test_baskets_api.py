"""Baskets and the session bridge's rule for their sensitive data, read through the admin
API's storefront view of a session."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.sfcc.support import (
    SITE,
    bearer,
    cookies_of,
    customer_info,
    fault,
    guest,
    login,
    token_of,
    value,
)

ADDRESS = {"first_name": "Jane", "last_name": "Doe", "city": "Burlington", "country_code": "US"}


def new_basket(client: TestClient, token: str) -> str:
    response = client.post(f"{SITE}/baskets", headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["_v"], body["_type"]) == ("20.8", "basket")
    assert body["customer_info"] == {"customer_id": customer_info(token)["customer_id"]}
    assert "billing_address" not in body
    return body["basket_id"]


def set_address(client: TestClient, token: str, basket_id: str) -> Any:
    url = f"{SITE}/baskets/{basket_id}/billing_address"
    return client.put(url, json=ADDRESS, headers=bearer(token))


def new_session(client: TestClient, token: str) -> str:
    response = client.post(f"{SITE}/sessions", headers=bearer(token))
    assert response.status_code == 204, response.text
    return value(cookies_of(response)["dwsid"])


def storefront(client: TestClient, dwsid: str) -> dict:
    response = client.get("/_admin/views/sfcc/storefront", params={"key": dwsid})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_billing_address_is_stored(sfcc: TestClient) -> None:
    token = guest(sfcc)
    basket_id = new_basket(sfcc, token)
    response = set_address(sfcc, token, basket_id)
    assert response.status_code == 200, response.text
    assert response.json()["billing_address"] == ADDRESS


def test_the_customer_reads_the_basket_with_its_billing_address(sfcc: TestClient) -> None:
    token = guest(sfcc)
    basket_id = new_basket(sfcc, token)
    url = f"{SITE}/baskets/{basket_id}"
    first = sfcc.get(url, headers=bearer(token))
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("application/json")
    assert (first.json()["_type"], first.json()["basket_id"]) == ("basket", basket_id)
    assert "billing_address" not in first.json()
    assert set_address(sfcc, token, basket_id).status_code == 200
    assert sfcc.get(url, headers=bearer(token)).json()["billing_address"] == ADDRESS


def test_a_basket_read_needs_the_owners_live_token(sfcc: TestClient) -> None:
    token = guest(sfcc)
    url = f"{SITE}/baskets/{new_basket(sfcc, token)}"
    arguments = fault(sfcc.get(url, headers=bearer(guest(sfcc))), 404, "BasketNotFoundException")
    assert arguments == {"basketId": url.rsplit("/", 1)[1]}
    fault(sfcc.get(url), 401, "AuthorizationHeaderMissingException")
    assert sfcc.delete(f"{SITE}/customers/auth", headers=bearer(token)).status_code == 204
    fault(sfcc.get(url, headers=bearer(token)), 401, "InvalidAccessTokenException")


def test_a_guest_basket_made_before_the_session_keeps_its_sensitive_data(
    sfcc: TestClient,
) -> None:
    token = guest(sfcc)
    basket_id = new_basket(sfcc, token)
    dwsid = new_session(sfcc, token)
    assert set_address(sfcc, token, basket_id).status_code == 200
    view = storefront(sfcc, dwsid)
    assert view["customer"] == {"customer_id": customer_info(token)["customer_id"], "guest": True}
    assert view["basket"]["basket_id"] == basket_id
    assert view["basket"]["billing_address"] == ADDRESS


def test_a_guest_basket_made_after_the_session_has_its_sensitive_data_erased(
    sfcc: TestClient,
) -> None:
    token = guest(sfcc)
    dwsid = new_session(sfcc, token)
    basket_id = new_basket(sfcc, token)
    assert set_address(sfcc, token, basket_id).status_code == 200
    view = storefront(sfcc, dwsid)
    assert view["basket"]["basket_id"] == basket_id
    assert "billing_address" not in view["basket"]
    later = new_session(sfcc, token)  # a session made after the basket: secured for it
    assert storefront(sfcc, later)["basket"]["billing_address"] == ADDRESS


def test_a_registered_customers_basket_moves_with_its_data(sfcc: TestClient) -> None:
    token = token_of(login(sfcc))
    dwsid = new_session(sfcc, token)
    basket_id = new_basket(sfcc, token)
    assert set_address(sfcc, token, basket_id).status_code == 200
    view = storefront(sfcc, dwsid)
    assert view["customer"]["guest"] is False
    assert view["basket"]["billing_address"] == ADDRESS


def test_a_session_without_a_basket_shows_none(sfcc: TestClient) -> None:
    assert storefront(sfcc, new_session(sfcc, guest(sfcc)))["basket"] is None


def test_one_open_basket_per_customer(sfcc: TestClient) -> None:
    token = guest(sfcc)
    new_basket(sfcc, token)
    response = sfcc.post(f"{SITE}/baskets", headers=bearer(token))
    arguments = fault(response, 400, "CustomerBasketsQuotaExceededException")
    assert arguments == {"customerId": customer_info(token)["customer_id"]}


def test_another_customers_basket_is_not_found(sfcc: TestClient) -> None:
    basket_id = new_basket(sfcc, guest(sfcc))
    response = set_address(sfcc, guest(sfcc), basket_id)
    assert fault(response, 404, "BasketNotFoundException") == {"basketId": basket_id}
    fault(set_address(sfcc, guest(sfcc), "nope"), 404, "BasketNotFoundException")


def test_an_unknown_address_property_names_the_order_address_document(sfcc: TestClient) -> None:
    token = guest(sfcc)
    url = f"{SITE}/baskets/{new_basket(sfcc, token)}/billing_address"
    response = sfcc.put(url, json={"street": "x"}, headers=bearer(token))
    arguments = fault(response, 400, "UnknownPropertyException")
    assert arguments == {"property": "street", "document": "order_address"}


def test_baskets_need_a_live_token(sfcc: TestClient) -> None:
    fault(sfcc.post(f"{SITE}/baskets"), 401, "AuthorizationHeaderMissingException")
    token = guest(sfcc)
    assert sfcc.delete(f"{SITE}/customers/auth", headers=bearer(token)).status_code == 204
    fault(sfcc.post(f"{SITE}/baskets", headers=bearer(token)), 401, "InvalidAccessTokenException")


def test_the_storefront_view_of_an_ended_or_unknown_session_is_a_404(sfcc: TestClient) -> None:
    dwsid = new_session(sfcc, guest(sfcc))
    assert sfcc.post("/_admin/clock/advance", json={"seconds": 30 * 60}).status_code == 200
    for key, vendor in ((dwsid, "sfcc"), ("unknown", "sfcc"), (dwsid, "okta")):
        response = sfcc.get(f"/_admin/views/{vendor}/storefront", params={"key": key})
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"


def test_a_basket_document_to_start_from_is_taken_and_not_read(sfcc: TestClient) -> None:
    token = guest(sfcc)
    body = {"currency": "EUR", "c_anything": [1, 2]}
    response = sfcc.post(f"{SITE}/baskets", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["currency"] == "USD" and "c_anything" not in response.json()


def test_a_basket_body_in_another_media_type_is_unsupported(sfcc: TestClient) -> None:
    """OCAPI takes JSON (and XML) bodies: a form is 415, before the basket is made."""
    token = guest(sfcc)
    for media_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        headers = {**bearer(token), "content-type": media_type}
        response = sfcc.post(f"{SITE}/baskets", content=b"a=b", headers=headers)
        fault(response, 415, "UnsupportedContentTypeException")
    response = sfcc.post(f"{SITE}/baskets", files={"a": b"b"}, headers=bearer(token))
    fault(response, 415, "UnsupportedContentTypeException")
    assert sfcc.post(f"{SITE}/baskets", headers=bearer(token)).status_code == 200  # none made


def test_a_form_body_sent_where_none_is_taken_is_refused_for_its_media_type(
    sfcc: TestClient,
) -> None:
    """postSessions and the logout take no body: a form body there is refused by the
    platform for its media type before anything reads it, naming no document."""
    token = guest(sfcc)
    broken = {**bearer(token), "content-type": "multipart/form-data"}
    for method, path in (("POST", "sessions"), ("DELETE", "customers/auth")):
        response = sfcc.request(method, f"{SITE}/{path}", content=b"x", headers=broken)
        arguments = fault(response, 415, "UnsupportedContentTypeException")
        assert arguments == {"contentType": "multipart/form-data"}, arguments
    assert sfcc.post(f"{SITE}/sessions", headers=bearer(token)).status_code == 204
