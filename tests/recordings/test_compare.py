"""What a replay compares: Sessim's Okta answers recorded twice differ in per-call values
only, and copies of them changed on purpose give exactly the difference made, each with its
reason; --ignore and --ignore-header narrow it."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator

import httpx
import pytest
from sessim.recordings.compare import Difference, Rules, compare
from sessim.recordings.model import Interaction, Message
from sessim.registry import VENDORS
from sessim.testing import running

from .logins import LOGINS, demo
from .support import body, recorded, with_body, with_headers

OKTA = VENDORS["okta"]
DANA = {"username": "dana.demo@sessim.dev", "password": "sessim-okta-demo"}
SSWS = {"Authorization": "SSWS 00sessim-demo-api-token"}
Found = list[tuple[str, str, object, object]]


def same(value: str) -> str:
    return value


@pytest.fixture(scope="module")
def flows() -> Iterator[tuple[dict[str, Interaction], dict[str, Interaction]]]:
    """One Okta flow recorded twice on one Sessim: a login, its session created and read,
    a failed login, a call with a wrong API token."""
    with running(seed={"okta": demo(OKTA)}, apis=["okta"]) as server, httpx.Client() as client:
        yield _flow(client, server.okta), _flow(client, server.okta)


def _flow(client: httpx.Client, okta: str) -> dict[str, Interaction]:
    authn = client.post(f"{okta}/api/v1/authn", json=DANA)
    token = {"sessionToken": authn.json()["sessionToken"]}
    created = client.post(f"{okta}/api/v1/sessions", json=token, headers=SSWS)
    read = client.get(f"{okta}/api/v1/sessions/{created.json()['id']}", headers=SSWS)
    failed = client.post(f"{okta}/api/v1/authn", json={**DANA, "password": "wrong"})
    refused = client.get(f"{okta}/api/v1/users/me", headers={"Authorization": "SSWS nope"})
    answers = {"authn": authn, "created": created, "read": read, "failed": failed}
    return {name: recorded(answer) for name, answer in {**answers, "refused": refused}.items()}


NO_RULES = Rules()


def found(
    recorded_: Interaction, actual: Interaction, rules: Rules = NO_RULES, mapped=same
) -> Found:
    differences = compare(recorded_, actual, mapped, rules, OKTA)
    assert all(difference.why for difference in differences)
    return [(d.kind, d.where, d.recorded, d.actual) for d in differences]


def test_nothing_differs_when_only_per_call_values_do(flows) -> None:
    first, second = flows
    assert body(first["read"])["id"] != body(second["read"])["id"]
    assert {name: found(first[name], second[name]) for name in first} == {
        name: [] for name in first
    }


@pytest.mark.parametrize("name", sorted(LOGINS))
def test_every_vendors_flow_on_two_fresh_sessims_differs_in_nothing(name: str) -> None:
    """Two runs of one flow differ in ids, tokens, instants, request ids and rate-limit
    counts only, which the comparison leaves alone."""
    flow = LOGINS[name]
    runs = []
    for _ in range(2):
        seed = {name: demo(flow.api)}
        with running(seed=seed, apis=[name]) as server, httpx.Client() as client:
            runs.append([recorded(answer) for answer in flow.record(client, server.urls[name])])
    differences = [compare(*pair, same, NO_RULES, flow.api) for pair in zip(*runs, strict=True)]
    assert differences == [[]] * len(runs[0])


def changed(interaction: Interaction, change: Callable[[dict], None]) -> Interaction:
    document = copy.deepcopy(body(interaction))
    change(document)
    return with_body(interaction, document)


def test_a_status(flows) -> None:
    first, second = flows
    assert found(dataclasses.replace(first["failed"], status=403), second["failed"]) == [
        ("status", "status", 403, 401)
    ]


def test_a_key_removed(flows) -> None:
    first, second = flows
    removed = changed(first["authn"], lambda d: d["_embedded"]["user"]["profile"].pop("locale"))
    assert found(removed, second["authn"]) == [
        ("key", "$._embedded.user.profile.locale", "missing", "present")
    ]
    added = changed(first["authn"], lambda d: d["_embedded"]["user"].update(status="ACTIVE"))
    assert found(added, second["authn"]) == [
        ("key", "$._embedded.user.status", "present", "missing")
    ]


def test_a_type_changed(flows) -> None:
    first, second = flows
    listed = changed(first["authn"], lambda d: d.update(status=["SUCCESS"]))
    assert found(listed, second["authn"]) == [("type", "$.status", "array", "string")]


def test_a_value_and_a_length(flows) -> None:
    first, second = flows
    other = changed(first["created"], lambda d: d.update(amr=["mfa"], mfaActive=True))
    assert found(other, second["created"]) == [
        ("value", "$.amr[0]", "mfa", "pwd"),
        ("value", "$.mfaActive", True, False),
    ]
    longer = changed(first["created"], lambda d: d.update(amr=["pwd", "mfa"]))
    assert found(longer, second["created"]) == [("length", "$.amr", 2, 1)]


def test_an_error_code_and_a_summary(flows) -> None:
    first, second = flows
    code = changed(first["failed"], lambda d: d.update(errorCode="E0000011"))
    assert found(code, second["failed"]) == [("error-code", "$.errorCode", "E0000011", "E0000004")]
    summary = changed(first["failed"], lambda d: d.update(errorSummary="Invalid token provided"))
    assert found(summary, second["failed"]) == [
        ("summary", "$.errorSummary", "Invalid token provided", "Authentication failed")
    ]


def test_a_summary_naming_a_value_handed_out_is_compared_with_it_mapped(flows) -> None:
    """Okta's 404 names the session it missed: Sessim's, in place of the recorded one."""
    first, second = flows
    missed = changed(first["failed"], lambda d: d.update(errorSummary="Not found: 102recorded9x"))
    sessims = changed(second["failed"], lambda d: d.update(errorSummary="Not found: 102sessim77y"))
    mapping = {"102recorded9x": "102sessim77y"}
    assert found(missed, sessims, mapped=lambda v: mapping.get(v, v)) == []
    assert found(missed, sessims) == [
        ("summary", "$.errorSummary", "Not found: 102recorded9x", "Not found: 102sessim77y")
    ]


def headers_changed(interaction: Interaction, name: str, value: str | None) -> Interaction:
    """The interaction with the answer's header `name` (any case) set to value, or removed."""
    kept = [(key, old) for key, old in interaction.response.headers if key.lower() != name.lower()]
    return with_headers(interaction, kept + ([(name, value)] if value is not None else []))


def test_a_header(flows) -> None:
    first, second = flows
    quota = second["authn"].response.header("X-Rate-Limit-Limit")
    without = headers_changed(first["authn"], "X-Rate-Limit-Limit", None)
    assert found(without, second["authn"]) == [("header", "x-rate-limit-limit", None, quota)]
    other = headers_changed(first["authn"], "X-Rate-Limit-Limit", "1200")
    assert found(other, second["authn"]) == [("header", "X-Rate-Limit-Limit", "1200", quota)]
    challenged = headers_changed(first["refused"], "WWW-Authenticate", 'Bearer error="x"')
    assert found(challenged, second["refused"]) == [
        ("header", "WWW-Authenticate", 'Bearer error="x"', None)
    ]


def test_a_content_type_by_its_media_type_alone(flows) -> None:
    first, second = flows
    charset = headers_changed(first["authn"], "Content-Type", "application/json;charset=UTF-8")
    assert found(charset, second["authn"]) == []
    html = headers_changed(first["authn"], "Content-Type", "text/html")
    assert found(html, second["authn"]) == [
        ("content-type", "Content-Type", "text/html", "application/json")
    ]


def set_cookies(interaction: Interaction, name: str, value: str) -> Interaction:
    """The interaction whose Set-Cookie of the cookie `name` is `value` instead."""
    headers = [
        (key, value if key.lower() == "set-cookie" and old.startswith(f"{name}=") else old)
        for key, old in interaction.response.headers
    ]
    return with_headers(interaction, headers)


@pytest.mark.parametrize(
    ("cookie", "value", "difference"),
    [
        ("JSESSIONID", "JSESSIONID=1; Path=/; Secure",
         ("cookie JSESSIONID; HttpOnly", False, True)),
        ("JSESSIONID", "JSESSIONID=1; Path=/x; Secure; HttpOnly",
         ("cookie JSESSIONID; Path", "/x", "/")),
        ("JSESSIONID", "JSESSIONID=1; Path=/; Secure; HttpOnly; SameSite=Lax",
         ("cookie JSESSIONID; SameSite", "Lax", None)),
        ("sid", "sid=102abc;Version=1;Path=/;Secure", ("cookie sid", "sets", "clears")),
        # Cleared by Expires rather than Max-Age: cleared all the same.
        ("sid", 'sid=""; Expires=Thu, 01-Jan-1970 00:00:10 GMT; Path=/', None),
        # Another value: never compared.
        ("JSESSIONID", "JSESSIONID=2; Path=/; Secure; HttpOnly", None),
    ],
)  # fmt: skip
def test_a_cookie(flows, cookie: str, value: str, difference: tuple | None) -> None:
    first, second = flows
    expected = [("cookie", *difference)] if difference else []
    assert found(set_cookies(first["authn"], cookie, value), second["authn"]) == expected


def test_a_cookie_set_and_not(flows) -> None:
    first, second = flows
    more = with_headers(first["authn"], [*first["authn"].response.headers, ("Set-Cookie", "t=1")])
    assert found(more, second["authn"]) == [("cookie", "cookie t", "sets", None)]


def test_cookies_one_a_line_in_one_header(flows) -> None:
    """As browsers' HAR exports write an HTTP/2 answer's Set-Cookie headers."""
    first, second = flows
    cookies = first["authn"].response.headers_named("Set-Cookie")
    others = [(k, v) for k, v in first["authn"].response.headers if k.lower() != "set-cookie"]
    joined = with_headers(first["authn"], [*others, ("set-cookie", "\n".join(cookies))])
    assert found(joined, second["authn"]) == []


def test_values_handed_out_are_those_sessim_handed_out_in_their_place(flows) -> None:
    first, second = flows
    recorded_id, sessim_id = body(first["read"])["id"], body(second["read"])["id"]
    mapping = {recorded_id: sessim_id}
    assert found(first["read"], second["read"], mapped=lambda v: mapping.get(v, v)) == []
    wrong = {recorded_id: "102NotTheOneHandedOut0000"}
    assert found(first["read"], second["read"], mapped=lambda v: wrong.get(v, v)) == [
        ("value", "$.id", "102NotTheOneHandedOut0000", sessim_id)
    ]


def test_ignores_narrow_it(flows) -> None:
    first, second = flows
    removed = changed(first["authn"], lambda d: d["_embedded"]["user"]["profile"].pop("locale"))
    for path in ("$._embedded.user.profile", "$..locale", "$._embedded.*.profile.locale"):
        assert found(removed, second["authn"], Rules(ignore=(path,))) == [], path
    cookie = set_cookies(first["authn"], "JSESSIONID", "JSESSIONID=1; Path=/")
    assert found(cookie, second["authn"], Rules(ignore_headers=("set-cookie",))) == []
    without = headers_changed(first["authn"], "X-Rate-Limit-Limit", None)
    assert found(without, second["authn"], Rules(ignore_headers=("X-RATE-LIMIT-LIMIT",))) == []


def test_an_ignore_outside_the_subset_is_refused() -> None:
    with pytest.raises(ValueError, match="starts with"):
        Rules(ignore=("a.b",))
    with pytest.raises(ValueError, match=r"\?\(@"):
        Rules(ignore=("$.a[?(@.b)]",))


def text(status: int, content: bytes, media_type: str = "text/plain") -> Interaction:
    answer = Message((("Content-Type", media_type),), content)
    return Interaction("GET", "https://x.test/", Message(), status, answer, None, None, "t#1")


def test_bodies_that_are_not_json() -> None:
    def compared(was: Interaction, now: Interaction) -> list[Difference]:
        return compare(was, now, same, Rules())

    assert [d.kind for d in compared(text(401, b"Unauthorized"), text(401, b"Forbidden"))] == [
        "body"
    ]
    page, other = b"<html>nonce 1</html>", b"<html>nonce 2</html>"
    assert compared(text(200, page, "text/html"), text(200, other, "text/html")) == []
    assert compared(text(200, b""), text(200, b"anything")) == []
    json_lost = compared(
        text(200, b'{"a": 1}', "application/json"), text(200, b"oops", "application/json")
    )
    assert [(d.kind, d.recorded, d.actual) for d in json_lost] == [("body", "JSON", "not JSON")]


def located(location: str) -> Interaction:
    answer = Message((("Location", location),))
    return Interaction("POST", "https://x.test/", Message(), 201, answer, None, None, "t#1")


@pytest.mark.parametrize(
    ("was", "now", "differs"),
    [
        # Sessim's host and base path before the vendor's path; the id mapped.
        ("https://o.test/api/v1/users/00uWas", "http://h:1/okta/api/v1/users/00uNow", False),
        ("https://o.test/api/v1/users/00uWas", "http://h:1/okta/api/v1/groups/00uNow", True),
        ("https://app.test/cb?state=abc&code=x", "https://app.test/cb?state=abc&code=x", False),
        ("https://app.test/cb?state=abc", "https://app.test/cb?error=abc", True),
        # An id the mapping does not know: any other id in its place.
        ("/api/v1/sessions/102abcdefgh1", "/okta/api/v1/sessions/102zyxwvuts2", False),
        ("/api/v1/sessions/me", "/okta/api/v1/sessions/you", True),
    ],
)  # fmt: skip
def test_a_location_by_its_target(was: str, now: str, differs: bool) -> None:
    mapping = {"00uWas": "00uNow"}
    differences = compare(located(was), located(now), lambda v: mapping.get(v, v), NO_RULES)
    assert [(d.kind, d.where) for d in differences] == ([("header", "Location")] if differs else [])
