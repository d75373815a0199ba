"""Bodies in core: parsed into the model a handler names; responses with several cookies on
one answer, as SFCC sets them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from connexion.decorators.parameter import unwrap_decorators
from connexion.utils import inspect_function_arguments
from pydantic import BaseModel
from sessim.core.kit.errors import InvalidInput
from sessim.core.web.bodies import parsing, respond


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


class Login(BaseModel):
    user: str
    remember: bool = False


async def login(body: Login, token_info: dict) -> tuple[Login, dict]:
    return body, token_info


async def raw(body: dict) -> dict:
    return body


def test_parsing_hands_the_handler_its_body_as_the_model_it_names() -> None:
    handler = parsing(login)
    body, token_info = asyncio.run(handler(body={"user": "ana"}, token_info={"sub": "x"}))
    assert body == Login(user="ana") and token_info == {"sub": "x"}
    # connexion passes what the handler declares, read through __wrapped__
    assert inspect_function_arguments(unwrap_decorators(handler)) == (["body", "token_info"], False)


def test_a_body_that_does_not_fit_names_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        asyncio.run(parsing(login)(body={"remember": True}, token_info={}))
    assert refused.value.detail == "user: Field required"


def test_a_body_sent_without_a_content_type_counts_as_none() -> None:
    """connexion passes such a body's bytes unparsed; `{}` then lacks the required user."""
    with pytest.raises(InvalidInput) as refused:
        asyncio.run(parsing(login)(body=b'{"user": "ana"}', token_info={}))
    assert refused.value.detail == "user: Field required"


def test_a_handler_whose_body_is_no_model_is_left_as_it_is() -> None:
    assert parsing(raw) is raw


def test_an_api_may_parse_its_own_way() -> None:
    def upper(model: type[BaseModel], data: Any) -> BaseModel:
        return model.model_validate({key.lower(): value for key, value in data.items()})

    body, _ = asyncio.run(parsing(login, upper)(body={"USER": "ana"}, token_info={}))
    assert body == Login(user="ana")


def test_a_body_named_by_x_body_name_is_parsed_too() -> None:
    async def named(credentials: Login) -> Login:
        return credentials

    assert asyncio.run(parsing(named)(credentials={"user": "ana"})) == Login(user="ana")
