"""What the SFCC tests share: the fixture, the URL forms, and small request helpers."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.testclient import TestClient

NOW = "2026-11-21T12:00:00Z"
CLIENT_ID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
OTHER_CLIENT = "11111111-2222-3333-4444-555555555555"
JANE = {"login": "jane@example.com", "password": "jane-password"}
FIXTURE = {
    "sfcc": {
        "sites": ["RefArch", "SiteGenesis"],
        "clients": [{"client_id": CLIENT_ID}, {"client_id": OTHER_CLIENT}],
        "customers": [
            {
                **JANE,
                "email": "jane@example.com",
                "first_name": "Jane",
                "last_name": "Doe",
                "customer_no": "00005001",
            },
            {
                "login": "off@example.com",
                "password": "off-password",
                "email": "off@example.com",
                "first_name": "Off",
                "last_name": "Line",
                "customer_no": "00005002",
                "enabled": False,
            },
        ],
    }
}
SITE = "/sfcc/s/RefArch/dw/shop/v20_8"  # the documented form
GENERATED = "/sfcc/s/-/dw/shop/20.8"  # the generated clients' form: the default site
HEADERS = {"x-dw-client-id": CLIENT_ID}


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/_admin/clock/advance", json={"seconds": seconds}).status_code == 200


def auth(
    client: TestClient, kind: str, base: str = SITE, headers: dict | None = None, **kwargs: Any
) -> Any:
    return client.post(
        f"{base}/customers/auth",
        json={"type": kind},
        headers={**HEADERS, **(headers or {})},
        **kwargs,
    )


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of(response: Any) -> str:
    assert response.status_code == 200, response.text
    scheme, token = response.headers["authorization"].split(" ")
    assert scheme == "Bearer"
    return token


def guest(client: TestClient, base: str = SITE) -> str:
    return token_of(auth(client, "guest", base))


def login(client: TestClient, password: str = JANE["password"], base: str = SITE) -> Any:
    return auth(client, "credentials", base, basic(JANE["login"], password))


def decoded(token: str) -> tuple[dict, dict]:
    """The header and claims of a JWT, read as clients read them (no verification)."""
    head, body, _ = token.split(".")
    return tuple(
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in (head, body)
    )  # type: ignore[return-value]


def customer_info(token: str) -> dict:
    return json.loads(decoded(token)[1]["sub"])["customer_info"]


def fault(response: Any, status: int, fault_type: str) -> dict:
    """The fault's arguments, after checking the status and the document's shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["_v"] == "20.8"
    assert body["fault"]["type"] == fault_type, body
    assert isinstance(body["fault"]["message"], str) and body["fault"]["message"]
    return body["fault"]["arguments"]


def cookies_of(response: Any) -> dict[str, str]:
    """name -> the whole Set-Cookie line, for each cookie the response sets."""
    lines = response.headers.get_list("set-cookie")
    return {line.split("=", 1)[0]: line for line in lines}


def value(line: str) -> str:
    return line.split("=", 1)[1].split(";", 1)[0]


def session_cookies(client: TestClient, token: str, base: str = SITE) -> str:
    """POST /sessions, and the Cookie header a browser would send back. The cookies are
    Secure, so the test client (plain http) would not send them itself."""
    response = client.post(f"{base}/sessions", headers=bearer(token))
    assert response.status_code == 204, response.text
    return "; ".join(f"{name}={value(line)}" for name, line in cookies_of(response).items())
