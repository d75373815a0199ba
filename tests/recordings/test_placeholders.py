"""recordings.placeholders: secrets found by the journal's rules, each replaced by one
placeholder wherever it shows; the rest left as it was."""

from __future__ import annotations

import base64
import json

from sessim.recordings.model import Interaction, Message
from sessim.recordings.placeholders import Placeholders

SECRET = "s3cret-session-token-0123"
NOTHING = Message()


def exchange(url: str, request: Message, response: Message = NOTHING) -> Interaction:
    return Interaction("POST", url, request, 200, response, None, None, "test#1")


def test_a_secret_gets_one_placeholder_everywhere() -> None:
    hidden = Placeholders(key=b"k" * 32)
    login = exchange(
        "https://shop.test/login?token=" + SECRET,
        Message((("Content-Type", "application/json"),), json.dumps({"password": "pw"}).encode()),
        Message(
            (("Set-Cookie", f"sid={SECRET}; Path=/; HttpOnly"),),
            json.dumps({"sessionToken": SECRET, "id": SECRET, "n": 5}).encode(),
        ),
    )
    assert hidden.learn(login)
    done = hidden.redact(login)
    placeholder = hidden.known[SECRET]
    assert placeholder.startswith("redacted-") and placeholder != hidden.known["pw"]
    assert done.url == f"https://shop.test/login?token={placeholder}"
    assert json.loads(done.request.body) == {"password": hidden.known["pw"]}
    assert done.response.headers == (("Set-Cookie", f"sid={placeholder}; Path=/; HttpOnly"),)
    assert json.loads(done.response.body) == {
        "sessionToken": placeholder,
        "id": placeholder,
        "n": 5,
    }
    assert not hidden.learn(login)  # nothing new the second time
    assert Placeholders(key=b"k" * 32).of(SECRET) == placeholder  # by the key and the value
    assert Placeholders().of(SECRET) != placeholder  # another run, another key


def test_a_secret_learnt_later_is_replaced_in_what_came_before() -> None:
    hidden = Placeholders()
    earlier = exchange(f"https://shop.test/sessions/{SECRET}", Message())
    later = exchange("https://shop.test/me", Message((("Cookie", f"sid={SECRET}; lang=en"),)))
    assert not hidden.learn(earlier)
    assert hidden.learn(later)
    assert hidden.redact(earlier).url == f"https://shop.test/sessions/{hidden.known[SECRET]}"
    assert hidden.redact(later).request.headers == (
        ("Cookie", f"sid={hidden.known[SECRET]}; lang={hidden.known['en']}"),
    )


def test_basic_credentials_keep_their_user_and_short_secrets_stay_where_named() -> None:
    hidden = Placeholders()
    credentials = base64.b64encode(b"ana@example.com:pw").decode()
    call = exchange(
        "https://shop.test/auth",
        Message(
            (("Authorization", f"Basic {credentials}"),
             ("Content-Type", "application/x-www-form-urlencoded")),
            b"grant_type=password&username=pw&password=pw",
        ),
    )  # fmt: skip
    done = hidden.redact(call)
    header = done.request.header("Authorization") or ""
    decoded = base64.b64decode(header.removeprefix("Basic ")).decode()
    assert decoded == f"ana@example.com:{hidden.known['pw']}"
    # "pw" is too short to replace outside the names that mark it (the username stays).
    assert (
        done.request.body
        == f"grant_type=password&username=pw&password={hidden.known['pw']}".encode()
    )


def test_a_body_that_is_not_utf8_is_left_as_it_is() -> None:
    binary = b"\xff\xfepassword=" + SECRET.encode()
    done = Placeholders().redact(exchange("https://shop.test/x", Message((), binary)))
    assert done.request.body == binary
