"""Responses built in core: several cookies on one answer, as SFCC sets them."""

from __future__ import annotations

import json

from sessim.core.web.bodies import respond


def test_respond_sets_one_set_cookie_header_per_cookie() -> None:
    cookies = ["dwsid=abc; Path=/; Secure", "dwsecuretoken_1f2e=xyz; Path=/; Secure; HttpOnly"]
    response = respond({"auth_type": "guest"}, 200, {"Authorization": "Bearer t"}, cookies)
    assert response.status_code == 200
    assert json.loads(response.body) == {"auth_type": "guest"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["authorization"] == "Bearer t"
    assert response.headers.getlist("set-cookie") == cookies


def test_respond_without_a_body_sends_no_content_type() -> None:
    response = respond(None, 204, cookies=['sid=""; Path=/; Max-Age=0'])
    assert response.status_code == 204
    assert response.body == b""
    assert "content-type" not in response.headers
    assert response.headers.getlist("set-cookie") == ['sid=""; Path=/; Max-Age=0']
