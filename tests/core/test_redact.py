"""What the journal keeps of secrets: names, schemes and cookie attributes, never values."""

from __future__ import annotations

import json

import pytest
from sessim.core.features.journal import redact


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
        ]
    )
    assert shown == {
        "authorization": "Bearer [redacted]",
        "cookie": "sid=[redacted]; dwsid=[redacted]; flag",
        "set-cookie": "__session=[redacted]; HttpOnly; Path=/\nsid=[redacted]",
        "__session": "[redacted]",
        "x-api-key": "[redacted]",
        "x-dw-client-id": "client-1",
        "content-type": "application/json",
    }


def test_forms_and_queries_lose_secret_values_only() -> None:
    text = "grant_type=password&username=ana&password=p%40ss&client_secret=s&refresh_token=r"
    assert redact.form(text) == (
        "grant_type=password&username=ana&password=[redacted]"
        "&client_secret=[redacted]&refresh_token=[redacted]"
    )
    assert redact.form("token=abc&redirectUrl=https%3A%2F%2Fx") == (
        "token=[redacted]&redirectUrl=https%3A%2F%2Fx"
    )


def test_json_bodies_are_redacted_by_structure() -> None:
    body = {
        "username": "ana",
        "password": "p",
        "profile": {"answer": "blue", "sessionToken": "t", "token_type": "Bearer"},
        "users": [{"newPassword": "n"}],
        "credentials": {"password": {"value": "v"}},
        "api_tokens": ["a", "b"],
        "lastPasswordVerification": "2026-01-01T00:00:00.000Z",  # about a secret, not one
    }
    shown = json.loads(redact.body(json.dumps(body), "application/json; charset=utf-8"))
    assert shown == {
        "username": "ana",
        "password": "[redacted]",
        "profile": {"answer": "[redacted]", "sessionToken": "[redacted]", "token_type": "Bearer"},
        "users": [{"newPassword": "[redacted]"}],
        "credentials": {"password": "[redacted]"},
        "api_tokens": "[redacted]",
        "lastPasswordVerification": "2026-01-01T00:00:00.000Z",
    }


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
    shown = redact.body(text, "application/json")
    assert "secret-1" not in shown
    assert "[redacted]" in shown


def test_other_bodies_are_redacted_by_pattern() -> None:
    assert redact.body("password=x&user=y", "text/plain") == "password=[redacted]&user=y"


def test_a_body_without_a_secret_name_is_kept_as_sent() -> None:
    text = '{"id":  "s1", "lastPasswordVerification": null}'
    assert redact.body(text, "application/json") == text
