"""The values a recording's answers handed out, paired with Sessim's, and put in place of
them in later requests."""

from __future__ import annotations

import json

import pytest
from sessim.recordings.mapping import ValueMap, worth_mapping
from sessim.recordings.model import Message

OKTA_SESSION, SESSIMS = "102FGCjmlvFSdqs6lwkLV0Z7Q", "102zFyn9MC9R5KVEDYdYcUe1F"


@pytest.mark.parametrize(
    "value",
    [
        OKTA_SESSION,
        "00uq9rof7ynmBxj0Q1d7",
        "28731456",
        "00005001",
        "1b7d1d7e-0000-4000-8000-00000000b101",
        "abEJE0Q5dATRwio9DZjEvBuDUqxyzw",
        "eyJhbGciOiJIUzI1NiJ9.e30.sig",
        123456,
    ],
)
def test_ids_and_secrets_are_worth_mapping(value: object) -> None:
    assert worth_mapping(value)


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        3600,
        99999,
        1.5,
        None,
        "ACTIVE",
        "registered",
        "Bearer",
        "a1b2c",
        "2025-09-22T07:00:23.000Z",
        "https://dev-1.okta.com/api/v1/sessions/me",
        "Not found: 102FGCjmlvFSdqs6lwkLV0Z7Q",
        "application/json",
    ],
)
def test_flags_small_numbers_words_dates_urls_and_sentences_are_not(value: object) -> None:
    assert not worth_mapping(value)


def answer(document: object, *headers: tuple[str, str]) -> Message:
    return Message(headers, json.dumps(document).encode())


def test_json_values_at_the_same_paths_are_paired() -> None:
    values = ValueMap()
    recorded = {"id": OKTA_SESSION, "user": {"id": "00uq9rof7ynmBxj0Q1d7"}, "n": [123456, "ok"]}
    sessims = {"id": SESSIMS, "user": {"id": "00u5essimDana00d7x1q"}, "n": [654321, "OK"]}

    values.learn(answer(recorded), answer(sessims))

    assert values.mapped(OKTA_SESSION) == SESSIMS
    assert values.mapped("00uq9rof7ynmBxj0Q1d7") == "00u5essimDana00d7x1q"
    assert values.get("123456") == "654321"
    assert values.mapped("ok") == "ok"  # a word is never mapped


def test_keys_one_side_lacks_and_values_of_other_types_are_not_paired() -> None:
    values = ValueMap()

    values.learn(
        answer({"id": OKTA_SESSION, "only": "abc1234567", "n": 123456}),
        answer({"id": 1234567, "n": "654321"}),
    )

    assert values.mapped(f"{OKTA_SESSION} abc1234567 123456") == f"{OKTA_SESSION} abc1234567 123456"


def test_cookies_pair_by_name_and_headers_word_by_word() -> None:
    values = ValueMap()
    recorded = Message(
        (
            ("Set-Cookie", "dwsid=rec0rdedSid; Path=/; Secure"),
            ("Set-Cookie", "other=gone12345; Path=/"),
            ("Authorization", "Bearer eyJrec.0rded.jwt"),
            ("Date", "Mon, 22 Sep 2025 07:00:21 GMT"),
            ("X-Rate-Limit-Reset", "1758524481"),
        )
    )
    sessims = Message(
        (
            ("set-cookie", "dwsid=sess1mSid; Path=/; Secure; HttpOnly"),
            ("authorization", "Bearer eySess.1m.jwt"),
            ("date", "Sun, 07 Dec 2026 21:43:33 GMT"),
            ("x-rate-limit-reset", "1796679874"),
        )
    )

    values.learn(recorded, sessims)

    assert values.mapped("sid=rec0rdedSid") == "sid=sess1mSid"
    assert values.mapped("Bearer eyJrec.0rded.jwt") == "Bearer eySess.1m.jwt"
    assert values.mapped("gone12345 07:00:21 1758524481") == "gone12345 07:00:21 1758524481"


def test_locations_and_links_pair_path_segments_from_their_ends_and_query_values() -> None:
    values = ValueMap()
    recorded = Message(
        (("Location", "https://dev-1.okta.com/api/v1/users/00uq9rof7ynmBxj0Q1d7?state=st4te123"),),
        json.dumps(
            {"_links": {"self": {"href": f"https://dev-1.okta.com/s/{OKTA_SESSION}"}}}
        ).encode(),
    )
    sessims = Message(
        (("location", "http://127.0.0.1:9/okta/api/v1/users/00u5essimDana00d7x1q?state=s7ate999"),),
        json.dumps({"_links": {"self": {"href": f"http://127.0.0.1:9/okta/s/{SESSIMS}"}}}).encode(),
    )

    values.learn(recorded, sessims)

    assert values.mapped("00uq9rof7ynmBxj0Q1d7") == "00u5essimDana00d7x1q"
    assert values.mapped("st4te123") == "s7ate999"
    assert values.mapped(OKTA_SESSION) == SESSIMS


def test_a_value_is_replaced_whole_never_inside_another() -> None:
    values = ValueMap()
    values.add("28731456", "99999999")

    assert (
        values.mapped("id=28731456&x=128731456&y=287314567")
        == "id=99999999&x=128731456&y=287314567"
    )
    assert values.mapped("/users/28731456/sessions") == "/users/99999999/sessions"


def test_the_first_pairing_stays() -> None:
    values = ValueMap()
    values.add(OKTA_SESSION, SESSIMS)
    values.add(OKTA_SESSION, "102other0000000000000000")

    assert values.mapped(OKTA_SESSION) == SESSIMS


def test_the_longest_value_is_replaced_first() -> None:
    values = ValueMap()
    values.add("https://dev-1.okta.com", "http://127.0.0.1:9/okta")
    values.add("dev-1.okta.com", "wrong")

    assert values.mapped("https://dev-1.okta.com/x") == "http://127.0.0.1:9/okta/x"


@pytest.fixture
def values() -> ValueMap:
    values = ValueMap()
    values.add(OKTA_SESSION, SESSIMS)
    values.add("a+b/c=d0123", "e/f+g=h4567")
    values.add("123456", "654321")
    return values


def test_paths_map_segment_by_segment_and_queries_value_by_value(values: ValueMap) -> None:
    target = values.request_target(
        f"/api/v1/sessions/{OKTA_SESSION}", "token=a%2Bb%2Fc%3Dd0123&x=1"
    )

    assert target == f"/api/v1/sessions/{SESSIMS}?token=e%2Ff%2Bg%3Dh4567&x=1"


def test_a_target_with_nothing_to_map_keeps_its_recorded_spelling(values: ValueMap) -> None:
    assert values.request_target("/a%20b/c", "q=%7E&z") == "/a%20b/c?q=%7E&z"


def test_json_bodies_map_strings_and_numbers(values: ValueMap) -> None:
    sent = {"sessionToken": OKTA_SESSION, "deep": [{"n": 123456}], "small": 12, "flag": True}
    message = Message(
        (("Content-Type", "application/json; charset=utf-8"),), json.dumps(sent).encode()
    )

    assert json.loads(values.body(message)) == {
        "sessionToken": SESSIMS,
        "deep": [{"n": 654321}],
        "small": 12,
        "flag": True,
    }


def test_form_bodies_map_values_and_text_bodies_their_words(values: ValueMap) -> None:
    form = Message(
        (("Content-Type", "application/x-www-form-urlencoded"),),
        b"refresh_token=a%2Bb%2Fc%3Dd0123&grant_type=refresh_token",
    )
    text = Message((("Content-Type", "text/plain"),), f"session {OKTA_SESSION}.".encode())

    assert values.body(form) == b"refresh_token=e%2Ff%2Bg%3Dh4567&grant_type=refresh_token"
    assert values.body(text) == f"session {SESSIMS}.".encode()


def test_bodies_with_nothing_to_map_and_binary_bodies_stay_as_they_are(values: ValueMap) -> None:
    spaced = Message((("Content-Type", "application/json"),), b'{ "a" :  "b" }')
    binary = Message(
        (("Content-Type", "application/octet-stream"),), b"\xff\x00" + OKTA_SESSION.encode()
    )

    assert values.body(spaced) == b'{ "a" :  "b" }'
    assert values.body(binary) == binary.body
