"""POST /sessions: a new storefront session per call from the JWT alone, and its cookies;
concurrent refreshes of one token across processes."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import Reset, race_requests
from tests.sfcc.support import (
    FIXTURE,
    GENERATED,
    HEADERS,
    NOW,
    SITE,
    auth,
    bearer,
    cookies_of,
    customer_info,
    fault,
    guest,
    login,
    token_of,
    value,
)

HASH = re.compile(r"^[0-9a-f]{32}$")


def sessions(client: TestClient, token: str, base: str = SITE, **headers: str) -> httpx.Response:
    return client.post(f"{base}/sessions", headers={**bearer(token), **headers})


def test_a_guest_gets_dwsid_dwsecuretoken_and_dwanonymous(sfcc: TestClient) -> None:
    token = guest(sfcc)
    response = sessions(sfcc, token)
    assert response.status_code == 204 and response.content == b""
    cookies = cookies_of(response)
    names = sorted(cookies)
    assert names[0] == "dwanonymous_" + names[0].removeprefix("dwanonymous_")
    suffixes = {name.split("_", 1)[1] for name in names if name != "dwsid"}
    (suffix,) = suffixes  # one hash per site
    assert HASH.match(suffix)
    assert names == sorted(["dwsid", f"dwsecuretoken_{suffix}", f"dwanonymous_{suffix}"])
    assert re.fullmatch(r"[A-Za-z0-9_-]{86}==", value(cookies["dwsid"]))
    assert re.fullmatch(r"[A-Za-z0-9_-]{34}==", value(cookies[f"dwsecuretoken_{suffix}"]))
    anonymous = cookies[f"dwanonymous_{suffix}"]
    assert value(anonymous) == customer_info(token)["customer_id"]
    # What a real storefront sends every client (S12 of the SFCC notes): a page on another
    # site sends them back with credentials.
    for name in ("dwsid", f"dwsecuretoken_{suffix}"):
        assert cookies[name].endswith("; Path=/; Secure; HttpOnly; SameSite=None"), cookies
    assert anonymous.endswith("; Max-Age=15552000; Path=/; Secure; SameSite=None"), anonymous


def test_a_registered_customer_gets_dwcustomer(sfcc: TestClient) -> None:
    token = token_of(login(sfcc))
    cookies = cookies_of(sessions(sfcc, token))
    (name,) = [name for name in cookies if name.startswith("dwcustomer_")]
    assert value(cookies[name]) == customer_info(token)["customer_id"]
    assert cookies[name].endswith("; Max-Age=15552000; Path=/; Secure; SameSite=None")
    assert not any(name.startswith("dwanonymous_") for name in cookies)


def test_the_cookie_hash_is_fixed_per_site(sfcc: TestClient) -> None:
    def suffix(base: str) -> str:
        cookies = cookies_of(sessions(sfcc, guest(sfcc, base), base))
        return next(name for name in cookies if name.startswith("dwsecuretoken_")).split("_")[1]

    assert suffix(SITE) == suffix(GENERATED) == suffix(SITE)
    assert suffix("/sfcc/s/SiteGenesis/dw/shop/v20_8") != suffix(SITE)


def test_every_call_makes_a_new_session_and_ignores_the_cookies_sent(sfcc: TestClient) -> None:
    token = guest(sfcc)
    first = cookies_of(sessions(sfcc, token))
    sent = "; ".join(f"{name}={value(line)}" for name, line in first.items())
    second = cookies_of(sessions(sfcc, token, Cookie=sent))
    assert value(second["dwsid"]) != value(first["dwsid"])
    secure = next(name for name in first if name.startswith("dwsecuretoken_"))
    assert value(second[secure]) != value(first[secure])


def test_under_enforce_https_the_dwsid_alone_carries_the_session(reset: Reset) -> None:
    """The OCAPI Session Bridge page: with the global preference Enforce HTTPS on, /sessions
    sets no dwsecuretoken, and a session login sends the dwsid alone."""
    settings = {**FIXTURE["sfcc"].get("settings", {}), "enforce_https": True}
    sfcc = reset(now=NOW, seed={"sfcc": {**FIXTURE["sfcc"], "settings": settings}})
    token = guest(sfcc)
    response = sessions(sfcc, token)
    assert response.status_code == 204
    cookies = cookies_of(response)
    assert sorted(name.split("_")[0] for name in cookies) == ["dwanonymous", "dwsid"]
    sent = {"Cookie": f"dwsid={value(cookies['dwsid'])}"}
    answer = auth(sfcc, "session", headers=sent)
    assert answer.status_code == 200, answer.text
    assert customer_info(token_of(answer))["customer_id"] == customer_info(token)["customer_id"]
    assert answer.json()["auth_type"] == "guest"
    unknown = auth(sfcc, "session", headers={"Cookie": "dwsid=unknown"})
    assert fault(unknown, 401, "AuthenticationFailedException") == {"credentialType": "session"}


def test_no_client_id_is_needed_and_a_token_is(sfcc: TestClient) -> None:
    assert sessions(sfcc, guest(sfcc)).status_code == 204  # bearer only: no x-dw-client-id
    response = sfcc.post(f"{SITE}/sessions", headers=HEADERS)
    fault(response, 401, "AuthorizationHeaderMissingException")
    response = sfcc.post(f"{SITE}/sessions", headers={"Authorization": "Token abc"})
    fault(response, 401, "InvalidAuthorizationHeaderException")  # there, but not a Bearer
    response = sfcc.post(f"{SITE}/sessions", headers={"Authorization": "Bearer"})
    fault(response, 401, "InvalidAuthorizationHeaderException")


def test_an_unknown_site_is_a_404_even_with_a_good_token(sfcc: TestClient) -> None:
    response = sessions(sfcc, guest(sfcc), "/sfcc/s/Nowhere/dw/shop/v20_8")
    assert fault(response, 404, "UnknownSiteException") == {"siteId": "Nowhere"}


@pytest.mark.slow
def test_concurrent_refreshes_of_one_token_each_get_a_distinct_working_token(
    racers: list[httpx.Client],
) -> None:
    """Twenty refreshes of one token at one moment, over four processes on one store: all
    succeed, for the same customer, and no two answers are the same token (a logout of one
    would otherwise log out another)."""
    assert racers[0].post("/_admin/seed", json=FIXTURE).status_code == 200
    auth = f"{SITE}/customers/auth"
    token = token_of(racers[0].post(auth, json={"type": "guest"}, headers=HEADERS))
    headers = {**HEADERS, **bearer(token)}
    answers = race_requests(
        racers, lambda c: c.post(auth, json={"type": "refresh"}, headers=headers)
    )
    tokens = [token_of(answer) for answer in answers]
    assert len(set(tokens)) == len(tokens)
    assert {customer_info(fresh)["customer_id"] for fresh in tokens} == {
        customer_info(token)["customer_id"]
    }
    logout = racers[1].delete(f"{SITE}/customers/auth", headers=bearer(tokens[0]))
    assert logout.status_code == 204
    for index, fresh in enumerate(tokens[1:], 1):
        assert racers[index].post(f"{SITE}/sessions", headers=bearer(fresh)).status_code == 204


def test_with_root_sfcc_the_same_paths_answer_at_the_root(at_root: TestClient) -> None:
    base = GENERATED.removeprefix("/sfcc")
    response = at_root.post(f"{base}/customers/auth", json={"type": "guest"}, headers=HEADERS)
    token = token_of(response)
    assert at_root.post(f"{base}/sessions", headers=bearer(token)).status_code == 204
    fault(at_root.post(f"{base}/sessions"), 401, "AuthorizationHeaderMissingException")
