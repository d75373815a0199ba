"""What the journal keeps of secrets: names, schemes, Basic users and cookie attributes;
each value becomes its keyed placeholder, the same for the same secret, never the secret."""

from __future__ import annotations

import base64
import json

import pytest
from sessim.core.features.journal import redact
from sessim.core.features.journal.placeholders import Placeholders

from tests.recordings.test_record import PLACEHOLDER

HIDDEN = Placeholders(b"k" * 32)
hide = HIDDEN.hide
of = HIDDEN.of


def test_headers_keep_names_and_schemes() -> None:
    shown = redact.headers(
        [
            ("Authorization", "Bearer abc.def.ghi"),
            ("Cookie", "sid=s1; dwsid=s2; flag"),
            ("Set-Cookie", "__session=s3; HttpOnly; Path=/"),
            ("set-cookie", "sid=s4"),
            ("__session", "s5"),
            ("X-Api-Key", "s6"),
            ("x-dw-client-id", "client-1"),
            ("Content-Type", "application/json"),
        ],
        hide,
    )
    assert shown == {
        "authorization": f"Bearer {of('abc.def.ghi')}",
        "cookie": f"sid={of('s1')}; dwsid={of('s2')}; flag",
        "set-cookie": f"__session={of('s3')}; HttpOnly; Path=/\nsid={of('s4')}",
        "__session": of("s5"),
        "x-api-key": of("s6"),
        "x-dw-client-id": "client-1",
        "content-type": "application/json",
    }


def test_forms_and_queries_lose_secret_values_only() -> None:
    text = "grant_type=password&username=ana&password=p%40ss&client_secret=s&refresh_token=r"
    assert redact.form(text, hide) == (
        f"grant_type=password&username=ana&password={of('p@ss')}"  # decoded, then hidden
        f"&client_secret={of('s')}&refresh_token={of('r')}"
    )
    assert redact.form("token=abc&redirectUrl=https%3A%2F%2Fx", hide) == (
        f"token={of('abc')}&redirectUrl=https%3A%2F%2Fx"
    )


def test_json_bodies_are_redacted_by_structure() -> None:
    body = {
        "username": "ana",
        "password": "p",
        "profile": {"answer": "blue", "sessionToken": "t", "token_type": "Bearer"},
        "users": [{"newPassword": "n"}],
        "credentials": {"password": {"value": "v"}},
        "api_tokens": ["a", "b"],
        "clientSecret": 123456,  # a number is a secret too: its text hidden
        "rememberToken": True,  # no secret in a boolean
        "refreshToken": None,
        "lastPasswordVerification": "2026-01-01T00:00:00.000Z",  # about a secret, not one
    }
    text = redact.body(json.dumps(body), "application/json; charset=utf-8", hide)
    assert json.loads(text) == {
        "username": "ana",
        "password": of("p"),
        "profile": {"answer": of("blue"), "sessionToken": of("t"), "token_type": "Bearer"},
        "users": [{"newPassword": of("n")}],
        "credentials": {"password": {"value": of("v")}},
        "api_tokens": [of("a"), of("b")],
        "clientSecret": of("123456"),
        "rememberToken": True,
        "refreshToken": None,
        "lastPasswordVerification": "2026-01-01T00:00:00.000Z",
    }
    assert "123456" not in text


@pytest.mark.parametrize(
    "text",
    [
        '{"username": "ana", "password": "secret-1", "note": "cut sh',  # cut short
        '{"username": "ana", "password": "secret-1", }',  # malformed
        '{"refresh_token": "secret-1", "n": ' + "9" * 5000 + "}",  # a number Python refuses
        '{"password": "secret-1", "deep": ' + "[" * 5000 + "]" * 5000 + "}",  # too deep
    ],
)
def test_text_that_does_not_parse_is_redacted_by_pattern(text: str) -> None:
    shown = redact.body(text, "application/json", hide)
    assert "secret-1" not in shown
    assert of("secret-1") in shown


def test_other_bodies_are_redacted_by_pattern() -> None:
    assert redact.body("password=x&user=y", "text/plain", hide) == f"password={of('x')}&user=y"


def test_a_body_without_a_secret_name_is_kept_as_sent() -> None:
    text = '{"id":  "s1", "lastPasswordVerification": null}'
    assert redact.body(text, "application/json", hide) == text


def test_a_placeholder_is_the_same_for_a_secret_and_tells_nothing_of_it() -> None:
    placeholder = of("pw-1")
    assert PLACEHOLDER.fullmatch(placeholder)
    assert of("pw-1") == Placeholders(b"k" * 32).of("pw-1") == placeholder  # key and value
    assert of("pw-2") != placeholder
    assert Placeholders(b"j" * 32).of("pw-1") != placeholder  # another key, another one
    assert "pw-1" not in placeholder


def test_basic_credentials_keep_their_user_and_cleared_cookies_stay_empty() -> None:
    credentials = base64.b64encode(b"ana@example.com:pw:with:colons").decode()
    shown = redact.headers(
        [
            ("Authorization", f"Basic {credentials}"),
            ("Proxy-Authorization", "Basic not-base64!"),
            ("Set-Cookie", "sid=; Max-Age=0; Path=/"),
            ("Cookie", f"sid={of('pw-1')}"),  # a placeholder sent again stays itself
        ],
        hide,
    )
    user, password = shown["authorization"].split(" ")
    assert user == "Basic"
    assert base64.b64decode(password).decode() == f"ana@example.com:{of('pw:with:colons')}"
    assert shown["proxy-authorization"] == f"Basic {of('not-base64!')}"
    assert shown["set-cookie"] == "sid=; Max-Age=0; Path=/"
    assert shown["cookie"] == f"sid={of('pw-1')}"
