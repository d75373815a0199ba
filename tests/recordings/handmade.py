"""Recordings built by hand: a flow of each vendor as the real service answers it (the
reference facts in shared/reference: Okta's CASS recordings, OCAPI's documented examples,
the Storefront API's clients, Vestiaire's public scrapers), with the fixture each needs
(what the seed inference would give)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sessim.recordings.har import document, entry
from sessim.recordings.model import Interaction, Message

START = datetime(2025, 9, 22, 7, 0, 21, tzinfo=UTC)
JSON = ("Content-Type", "application/json")

OKTA = "https://dev-96235163.okta.com"
OKTA_TOKEN = "00Wq2-8pSN7G5vHXyRk3bL9uTnCzQo1aDfE4hJ6mKx"
OKTA_SESSION = "102FGCjmlvFSdqs6lwkLV0Z7Q"
OKTA_SESSION_TOKEN = "20111ZQ2tRk7Yc0Vb3nLp8WsXhG4jF1dMqA6eUo9iCzTyNwPgBrHsKvDfEaJl5m"
OKTA_USER = "00uq9rof7ynmBxj0Q1d7"
OKTA_FIXTURE = {
    "okta": {
        "api_tokens": [OKTA_TOKEN],
        "users": [
            {
                "id": OKTA_USER,
                "login": "dana@example.com",
                "password": "correct horse 1",
                "firstName": "Dana",
                "lastName": "Doe",
            }
        ],
    }
}

SFCC = "https://zzrf-001.dx.commercecloud.salesforce.com"
SFCC_SHOP = "/s/RefArch/dw/shop/v20_8"
SFCC_CLIENT = "a" * 30
SFCC_JWT = (
    "eyJfdiI6IjEiLCJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJfdiI6IjEiLCJleHAiOjE3NTg1MjU0MjEsImlhdCI6"
    "MTc1ODUyMzYyMSwiaXNzIjoiYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIn0.c2lnbmF0dXJlLW9mLXRoZS1pbnN0"
)
SFCC_BASKET = "bcgVkiWbOXVNsaaadkRxYzDqXZ"
SFCC_FIXTURE = {
    "sfcc": {
        "sites": ["RefArch"],
        "clients": [{"client_id": SFCC_CLIENT}],
        "customers": [
            {
                "login": "jane@example.com",
                "password": "Secret-pw1",
                "email": "jane@example.com",
                "customer_no": "00005001",
                "first_name": "Jane",
                "last_name": "Doe",
            }
        ],
    }
}

VESTIAIRE = "https://apiv2.vestiairecollective.com"
VESTIAIRE_SESSION = "k3Jd9sLq0PzXw7Vb2NcRt5Ym8Ha4Ge6Uf1Io"
VESTIAIRE_FIXTURE = {
    "vestiaire": {
        "users": [{"email": "ana@example.com", "password": "correct horse", "id": "28731456"}]
    }
}

OPTIMIZELY = "https://b2b.example.com"
OPTIMIZELY_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjBBMTIiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhIn0.c2ln"
OPTIMIZELY_FIXTURE = {
    "optimizely": {
        "clients": [{"client_id": "isc", "client_secret": "009AC476-B28E-4E33-8BAE-B5F103A142BC"}],
        "users": [{"userName": "buyer1", "password": "Buyer-pw1", "email": "buyer1@example.com"}],
    }
}


def call(
    method: str,
    url: str,
    status: int,
    *,
    at: timedelta,
    sent: object = None,
    headers: tuple[tuple[str, str], ...] = (),
    answer: object = None,
    answer_headers: tuple[tuple[str, str], ...] = (),
    source: str = "flow.har#1",
) -> Interaction:
    """One recorded call: JSON bodies given as documents (a str or bytes as they are)."""
    return Interaction(
        method=method,
        url=url,
        request=Message(headers, _body(sent)),
        status=status,
        response=Message(answer_headers, _body(answer)),
        started=START + at,
        elapsed=0.12,
        source=source,
    )


def _body(document: object) -> bytes:
    if document is None:
        return b""
    if isinstance(document, bytes):
        return document
    return document.encode() if isinstance(document, str) else json.dumps(document).encode()


def numbered(calls: list[Interaction], name: str) -> list[Interaction]:
    """The calls with their places in one recording as their sources."""
    return [replace(one, source=f"{name}#{place}") for place, one in enumerate(calls, 1)]


def okta_session(self_id: str = OKTA_SESSION) -> dict:
    created = START + timedelta(seconds=2)
    return {
        "id": OKTA_SESSION,
        "userId": OKTA_USER,
        "login": "dana@example.com",
        "createdAt": _okta_time(created),
        "expiresAt": _okta_time(created + timedelta(hours=2)),
        "status": "ACTIVE",
        "lastPasswordVerification": _okta_time(created),
        "lastFactorVerification": None,
        "amr": ["pwd"],
        "idp": {"id": "00onkw1sbuAh3Q06I1d7", "type": "OKTA"},
        "mfaActive": True,
        "_links": {
            "self": {
                "href": f"{OKTA}/api/v1/sessions/{self_id}",
                "hints": {"allow": ["GET", "DELETE"]},
            }
        },
    }


def _okta_time(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def okta_flow() -> list[Interaction]:
    """Sign in (authn), trade the session token for a session, read it by id and through
    its `sid` cookie, end it, and read it again (404)."""
    api = (("Authorization", f"SSWS {OKTA_TOKEN}"), JSON, ("Accept", "application/json"))
    sessions = f"{OKTA}/api/v1/sessions"
    return numbered(
        [
            call(
                "POST",
                f"{OKTA}/api/v1/authn",
                200,
                at=timedelta(0),
                headers=(JSON, ("Host", "dev-96235163.okta.com")),
                sent={"username": "dana@example.com", "password": "correct horse 1"},
                answer={
                    "expiresAt": _okta_time(START + timedelta(minutes=5)),
                    "status": "SUCCESS",
                    "sessionToken": OKTA_SESSION_TOKEN,
                    "_embedded": {"user": {"id": OKTA_USER}},
                },
                answer_headers=(JSON,),
            ),
            call(
                "POST",
                sessions,
                200,
                at=timedelta(seconds=2),
                headers=api,
                sent={"sessionToken": OKTA_SESSION_TOKEN},
                answer=okta_session("me"),
                answer_headers=(JSON,),
            ),
            call(
                "GET",
                f"{sessions}/{OKTA_SESSION}",
                200,
                at=timedelta(minutes=10),
                headers=api,
                answer=okta_session("102cyuIrJyHQy6VmCm5Ws8jAw"),
                answer_headers=(JSON,),
            ),
            call(
                "GET",
                f"{sessions}/me",
                200,
                at=timedelta(minutes=20),
                headers=(("Cookie", f"sid={OKTA_SESSION}; DT=DI1x"),),
                answer=okta_session("me"),
                answer_headers=(JSON,),
            ),
            call(
                "DELETE", f"{sessions}/{OKTA_SESSION}", 204, at=timedelta(minutes=30), headers=api
            ),
            call(
                "GET",
                f"{sessions}/{OKTA_SESSION}",
                404,
                at=timedelta(minutes=31),
                headers=api,
                answer={
                    "errorCode": "E0000007",
                    "errorSummary": f"Not found: Resource not found: {OKTA_SESSION} (AppSession)",
                    "errorLink": "E0000007",
                    "errorId": "oaeXr5c0TfyR1s3zqQmV0u9Ag",
                    "errorCauses": [],
                },
                answer_headers=(JSON,),
            ),
        ],
        "okta.har",
    )


def sfcc_flow() -> list[Interaction]:
    """A registered customer's login (Basic credentials), a basket made and read with the
    JWT the login handed out in its Authorization header."""
    shop = f"{SFCC}{SFCC_SHOP}"
    bearer = ("Authorization", f"Bearer {SFCC_JWT}")
    ocapi = ("Content-Type", "application/json;charset=UTF-8")
    basket = {
        "_v": "20.8",
        "_type": "basket",
        "basket_id": SFCC_BASKET,
        "currency": "USD",
        "customer_info": {"customer_id": "abEJE0Q5dATRwio9DZjEvBuDUq"},
    }
    credentials = base64.b64encode(b"jane@example.com:Secret-pw1").decode()
    return numbered(
        [
            call(
                "POST",
                f"{shop}/customers/auth",
                200,
                at=timedelta(0),
                headers=(
                    ("x-dw-client-id", SFCC_CLIENT),
                    ("Authorization", f"Basic {credentials}"),
                    JSON,
                ),
                sent={"type": "credentials"},
                answer={
                    "_v": "20.8",
                    "_type": "customer",
                    "auth_type": "registered",
                    "customer_id": "abEJE0Q5dATRwio9DZjEvBuDUq",
                    "customer_no": "00005001",
                    "login": "jane@example.com",
                },
                answer_headers=(ocapi, bearer),
            ),
            call(
                "POST",
                f"{shop}/baskets",
                200,
                at=timedelta(seconds=5),
                headers=(bearer, JSON),
                sent={},
                answer=basket,
                answer_headers=(ocapi,),
            ),
            call(
                "GET",
                f"{shop}/baskets/{SFCC_BASKET}",
                200,
                at=timedelta(seconds=9),
                headers=(bearer,),
                answer=basket,
                answer_headers=(ocapi,),
            ),
        ],
        "sfcc.har",
    )


def vestiaire_flow() -> list[Interaction]:
    """Log in (201, the session in the body and a __session cookie), log out with the
    __session header."""
    return numbered(
        [
            call(
                "POST",
                f"{VESTIAIRE}/sessions/?x-currency=EUR&x-language=en&x-siteid=1",
                201,
                at=timedelta(0),
                headers=(JSON, ("Accept", "application/json")),
                sent={"email": "ana@example.com", "password": "correct horse"},
                answer={
                    "data": {
                        "id": VESTIAIRE_SESSION,
                        "userId": "28731456",
                        "expiresAt": "2025-10-22T07:00:21Z",
                    }
                },
                answer_headers=(
                    JSON,
                    ("Set-Cookie", f"__session={VESTIAIRE_SESSION}; HttpOnly; Secure; Path=/"),
                ),
            ),
            call(
                "DELETE",
                f"{VESTIAIRE}/sessions/{VESTIAIRE_SESSION}",
                204,
                at=timedelta(minutes=3),
                headers=(("__session", VESTIAIRE_SESSION),),
            ),
        ],
        "vestiaire.har",
    )


def optimizely_flow() -> list[Interaction]:
    """The two-step sign-in (a token from the identity server, then POST /sessions with
    it), the current session read with the bearer, and the sign-out."""
    bearer = ("Authorization", f"Bearer {OPTIMIZELY_TOKEN}")
    client = base64.b64encode(b"isc:009AC476-B28E-4E33-8BAE-B5F103A142BC").decode()
    form = ("Content-Type", "application/x-www-form-urlencoded")
    session = {"isAuthenticated": True, "userName": "buyer1", "email": "buyer1@example.com"}
    return numbered(
        [
            call(
                "POST",
                f"{OPTIMIZELY}/identity/connect/token",
                200,
                at=timedelta(0),
                headers=(form, ("Authorization", f"Basic {client}")),
                sent="grant_type=password&username=buyer1&password=Buyer-pw1&scope=iscapi",
                answer={
                    "access_token": OPTIMIZELY_TOKEN,
                    "expires_in": 3600,
                    "token_type": "Bearer",
                    "scope": "iscapi",
                },
                answer_headers=(JSON,),
            ),
            call(
                "POST",
                f"{OPTIMIZELY}/api/v1/sessions",
                200,
                at=timedelta(seconds=1),
                headers=(bearer, JSON),
                sent={"userName": "buyer1", "password": "Buyer-pw1", "rememberMe": False},
                answer=session,
                answer_headers=(JSON,),
            ),
            call(
                "GET",
                f"{OPTIMIZELY}/api/v1/sessions/current",
                200,
                at=timedelta(minutes=1),
                headers=(bearer,),
                answer=session,
                answer_headers=(JSON,),
            ),
            call(
                "DELETE",
                f"{OPTIMIZELY}/api/v1/sessions/current",
                204,
                at=timedelta(minutes=2),
                headers=(bearer,),
            ),
        ],
        "optimizely.har",
    )


def har(calls: list[Interaction]) -> str:
    """The calls as a HAR 1.2 file's text, as `sessim record` writes it."""
    return json.dumps(document(map(entry, calls)))
