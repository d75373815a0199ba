"""The keys endpoints of Okta's authorization servers: RS256 JWK Sets with kid, each server's
own, rotated by the admin action `okta/rotate-keys`, earlier keys listed while their tokens
may live."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import ADMIN
from tests.keypool import draw_rsa_keys_from_the_pool
from tests.okta.support import advance, assert_error, assert_headers, not_found, seed

SHOP = "ausShop000000000d7x1"
# A rule of two hours: the shop's keys must outlive its longest token.
SHOP_SERVER = {
    "id": SHOP,
    "policies": [{"name": "Long", "rules": [{"name": "R", "accessTokenLifetimeMinutes": 120}]}],
}
GRACE = 60  # impl/core/kit/keys.py: a retired key outlives max_lifetime by this


@pytest.fixture(autouse=True)
def _pooled_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    draw_rsa_keys_from_the_pool(monkeypatch)


def jwks(client: TestClient, path: str) -> list[dict]:
    response = client.get(f"/okta{path}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert_headers(response, rate_limited_path=False)
    body = response.json()
    assert list(body) == ["keys"]
    for key in body["keys"]:
        assert key.keys() == {"kty", "alg", "kid", "use", "e", "n"}
        assert (key["kty"], key["alg"], key["use"], key["e"]) == ("RSA", "RS256", "sig", "AQAB")
    return body["keys"]


def kids(client: TestClient, path: str) -> list[str]:
    return [key["kid"] for key in jwks(client, path)]


def rotate(client: TestClient, body: dict) -> httpx.Response:
    return client.post("/_admin/actions/okta/rotate-keys", json=body, headers=ADMIN)


def test_each_server_has_one_key_of_its_own(okta: TestClient) -> None:
    seed(okta, {"okta": {"authorization_servers": [SHOP_SERVER]}})
    org = kids(okta, "/oauth2/v1/keys")
    default = kids(okta, "/oauth2/default/v1/keys")
    shop = kids(okta, f"/oauth2/{SHOP}/v1/keys")
    assert len(org) == len(default) == len(shop) == 1
    assert len({*org, *default, *shop}) == 3
    assert kids(okta, "/oauth2/default/v1/keys?client_id=spa") == default  # stable


def test_a_rotation_lists_the_new_key_first_and_the_old_while_its_tokens_live(
    okta: TestClient,
) -> None:
    seed(okta, {"okta": {"authorization_servers": [SHOP_SERVER]}})
    (old,) = kids(okta, f"/oauth2/{SHOP}/v1/keys")
    org = kids(okta, "/oauth2/v1/keys")
    rotated = rotate(okta, {"authServerId": SHOP})
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["kid"]
    assert rotated.json() == {"authServerId": SHOP, "kid": new}
    assert kids(okta, f"/oauth2/{SHOP}/v1/keys") == [new, old]
    assert kids(okta, "/oauth2/v1/keys") == org  # another server's keys stay
    advance(okta, 120 * 60 + GRACE - 1)  # a token signed just before may still live
    assert kids(okta, f"/oauth2/{SHOP}/v1/keys") == [new, old]
    advance(okta, 2)
    assert kids(okta, f"/oauth2/{SHOP}/v1/keys") == [new]


def test_the_org_server_rotates_without_an_id(okta: TestClient) -> None:
    (old,) = kids(okta, "/oauth2/v1/keys")
    rotated = rotate(okta, {})
    assert rotated.status_code == 200, rotated.text
    assert kids(okta, "/oauth2/v1/keys") == [rotated.json()["kid"], old]


def test_an_unknown_server_has_no_keys_and_no_rotation(okta: TestClient) -> None:
    response = okta.get("/okta/oauth2/ausNobody00000000d7x/v1/keys")
    error = not_found("ausNobody00000000d7x (AuthorizationServer)")
    assert_error(response, 404, error, rate_limited_path=False)
    assert rotate(okta, {"authServerId": "ausNobody00000000d7x"}).status_code == 404
    assert rotate(okta, {"authServerId": 7}).status_code == 400
