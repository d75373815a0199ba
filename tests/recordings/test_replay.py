"""The replay engine against a running Sessim, with a stand-in comparison and seed inference
(the engine takes them as parameters): each vendor's flow replays with the values Sessim
handed out in place of the recorded ones, the clock at each call's recorded instant and put
back after, Sessim reset and seeded first."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sessim.core.web.api import Api
from sessim.recordings.difference import Difference, Rules
from sessim.recordings.model import Interaction
from sessim.recordings.replay import Replay, Replayed, ReplayError, replay
from sessim.recordings.vendors import UnknownHost
from sessim.testing import Sessim, running

from tests.recordings import handmade

RULES = Rules(ignore_headers=("x-okta-request-id",))


class Stand:
    """The comparison and the seed inference, standing in for compare.py's and seeds.py's:
    what they were given, a difference where the statuses differ, the fixture given."""

    def __init__(self, fixture: dict) -> None:
        self.fixture = fixture
        self.compared: list[tuple[Interaction, Interaction, Callable[[str], str], Rules]] = []
        self.vendors: list[str] = []
        self.inferred_from: list[tuple[Api, Interaction]] = []

    def compare(
        self,
        recorded: Interaction,
        actual: Interaction,
        mapped: Callable[[str], str],
        rules: Rules,
        vendor: Api,
    ) -> list[Difference]:
        self.compared.append((recorded, actual, mapped, rules))
        self.vendors.append(vendor.name)
        if recorded.status == actual.status:
            return []
        return [
            Difference("status", "status", recorded.status, actual.status, "the status differs")
        ]

    def infer_seed(self, interactions: list[tuple[Api, Interaction]]) -> dict:
        self.inferred_from += interactions
        return self.fixture


@pytest.fixture(scope="module")
def server() -> Iterator[Sessim]:
    with running() as sessim:
        yield sessim


def replayed(
    server: Sessim, calls: Sequence[Interaction], fixture: dict, **how: Any
) -> tuple[list[Replayed], Stand]:
    stand = Stand(fixture)
    options = {"compare": stand.compare, "infer_seed": stand.infer_seed, "rules": RULES, **how}
    return replay(calls, Replay(server.url, **options)), stand


def body(interaction: Interaction) -> Any:
    return json.loads(interaction.response.body)


def test_okta_flow_follows_the_session_sessim_hands_out(server: Sessim) -> None:
    results, stand = replayed(server, handmade.okta_flow(), handmade.OKTA_FIXTURE)

    assert [result.actual.status for result in results] == [200, 200, 200, 200, 204, 404]
    assert all(not result.differences for result in results)
    token = body(results[0].actual)["sessionToken"]
    session = body(results[1].actual)["id"]
    assert token != handmade.OKTA_SESSION_TOKEN and session != handmade.OKTA_SESSION
    # The session token of the first answer in the second request's body; the session id of
    # the second answer in later paths and in the sid cookie.
    assert json.loads(results[1].actual.request.body) == {"sessionToken": token}
    sessions = f"{server.okta}/api/v1/sessions"
    assert [result.actual.url for result in results[2:]] == [
        f"{sessions}/{session}",
        f"{sessions}/me",
        f"{sessions}/{session}",
        f"{sessions}/{session}",
    ]
    assert results[3].actual.request.header("cookie") == f"sid={session}; DT=DI1x"
    assert results[2].actual.request.header("authorization") == f"SSWS {handmade.OKTA_TOKEN}"
    # What the comparison is given maps recorded values, and the recorded origin, to Sessim's.
    mapped = stand.compared[-1][2]
    assert mapped(handmade.OKTA_SESSION) == session
    assert (
        mapped(f"{handmade.OKTA}/api/v1/sessions/{handmade.OKTA_SESSION}")
        == f"{sessions}/{session}"
    )
    assert [compared[3] for compared in stand.compared] == [RULES] * 6
    assert stand.vendors == ["okta"] * 6


def test_the_clock_stands_at_each_recorded_instant(server: Sessim) -> None:
    results, _ = replayed(server, handmade.okta_flow(), handmade.OKTA_FIXTURE)

    created = body(results[1].actual)
    assert created["createdAt"] == "2025-09-22T07:00:23.000Z"
    assert created["expiresAt"] == "2025-09-22T09:00:23.000Z"
    # Okta dates its answers by Sessim's clock.
    assert [result.actual.response.header("date") for result in results[:3]] == [
        "Mon, 22 Sep 2025 07:00:21 GMT",
        "Mon, 22 Sep 2025 07:00:23 GMT",
        "Mon, 22 Sep 2025 07:10:21 GMT",
    ]
    assert results[2].actual.started == handmade.START + timedelta(minutes=10)


def test_a_frozen_clock_is_put_back_frozen(server: Sessim) -> None:
    instant = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    server.clock.set(instant, frozen=True)

    replayed(server, handmade.vestiaire_flow(), handmade.VESTIAIRE_FIXTURE)

    assert server.clock.get().now == instant and server.clock.get().frozen


def test_a_running_clock_runs_on_from_where_it_was(server: Sessim) -> None:
    ahead = datetime.now(UTC) + timedelta(days=3)
    server.clock.set(ahead, frozen=False)

    replayed(server, handmade.vestiaire_flow(), handmade.VESTIAIRE_FIXTURE)

    clock = server.clock.get()
    assert not clock.frozen
    assert timedelta(0) <= clock.now - ahead < timedelta(seconds=30)


def test_a_call_recorded_without_an_instant_leaves_the_clock(server: Sessim) -> None:
    calls = [replace(one, started=None) for one in handmade.vestiaire_flow()]
    instant = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    server.clock.set(instant, frozen=True)

    results, _ = replayed(server, calls, handmade.VESTIAIRE_FIXTURE)

    assert body(results[0].actual)["data"]["expiresAt"] == "2031-06-05T07:08:09Z"
    assert results[0].actual.started is None


def test_sessim_is_reset_then_seeded_with_the_inferred_fixture_and_the_given(
    server: Sessim,
) -> None:
    server.seed(handmade.OKTA_FIXTURE)  # gone by the reset: the Okta session cannot be made
    given = {"vestiaire": {"users": [{"email": "bo@example.com", "password": "pw-bo-12345"}]}}
    calls = handmade.vestiaire_flow() + handmade.okta_flow()[:2]

    results, stand = replayed(server, calls, handmade.VESTIAIRE_FIXTURE, seed=given)

    assert [result.actual.status for result in results] == [201, 204, 401, 401]
    assert [api.name for api, _ in stand.inferred_from] == ["vestiaire"] * 2 + ["okta"] * 2
    assert [one for _, one in stand.inferred_from] == calls
    state = server.call("GET", "/state/vestiaire")
    assert sorted(user["login"] for user in state["users"]) == [
        "ana@example.com",
        "bo@example.com",
    ]
    assert results[2].differences == [
        Difference("status", "status", 200, 401, "the status differs")
    ]


def test_sfcc_login_jwt_and_basket_id_are_followed(server: Sessim) -> None:
    results, _ = replayed(server, handmade.sfcc_flow(), handmade.SFCC_FIXTURE)

    assert [result.actual.status for result in results] == [200, 200, 200]
    jwt = results[0].actual.response.header("authorization")
    basket = body(results[1].actual)["basket_id"]
    assert jwt != f"Bearer {handmade.SFCC_JWT}" and basket != handmade.SFCC_BASKET
    assert results[1].actual.request.header("authorization") == jwt
    assert results[2].actual.url == f"{server.sfcc}{handmade.SFCC_SHOP}/baskets/{basket}"
    assert body(results[2].actual)["customer_info"] == body(results[1].actual)["customer_info"]


def test_vestiaire_logout_sends_the_session_sessim_made(server: Sessim) -> None:
    results, _ = replayed(server, handmade.vestiaire_flow(), handmade.VESTIAIRE_FIXTURE)

    session = body(results[0].actual)["data"]["id"]
    assert [result.actual.status for result in results] == [201, 204]
    assert results[0].actual.url == (
        f"{server.vestiaire}/sessions/?x-currency=EUR&x-language=en&x-siteid=1"
    )
    assert results[1].actual.url == f"{server.vestiaire}/sessions/{session}"
    assert results[1].actual.request.header("__session") == session


def test_optimizely_on_its_own_host_is_known_by_its_paths(server: Sessim) -> None:
    results, stand = replayed(server, handmade.optimizely_flow(), handmade.OPTIMIZELY_FIXTURE)

    assert [result.actual.status for result in results] == [200, 200, 200, 204]
    assert {api.name for api, _ in stand.inferred_from} == {"optimizely"}
    token = body(results[0].actual)["access_token"]
    assert [result.actual.request.header("authorization") for result in results[1:]] == [
        f"Bearer {token}"
    ] * 3
    assert results[0].actual.request.body.startswith(b"grant_type=password&username=buyer1")


def test_cookies_are_what_the_recording_sent_and_redirects_are_not_followed(
    server: Sessim,
) -> None:
    # Sessim's sid cookie is not kept: the recorded request sent none, so none is sent.
    calls = handmade.okta_flow()
    without_cookie = replace(calls[3], request=replace(calls[3].request, headers=()))
    results, _ = replayed(server, [*calls[:3], without_cookie], handmade.OKTA_FIXTURE)

    assert results[3].actual.status == 404
    assert results[3].actual.request.header("cookie") is None


def test_an_unknown_host_stops_the_replay_before_any_call(server: Sessim) -> None:
    call = replace(handmade.vestiaire_flow()[0], url="https://login.acme.test/api/v1/authn")
    server.reset()
    before = server.journal.count()

    with pytest.raises(UnknownHost, match=r"login\.acme\.test.*--map login\.acme\.test="):
        replayed(server, [call], {})

    assert server.journal.count() == before  # no call, not even the reset


def test_a_mapped_host_goes_to_its_vendor(server: Sessim) -> None:
    calls = [
        replace(one, url=one.url.replace(handmade.OKTA, "https://login.acme.test"))
        for one in handmade.okta_flow()
    ]

    results, _ = replayed(server, calls, handmade.OKTA_FIXTURE, maps={"login.acme.test": "okta"})

    assert [result.actual.status for result in results] == [200, 200, 200, 200, 204, 404]


def test_no_sessim_at_the_url_is_a_replay_error() -> None:
    with running() as gone:
        url = gone.url
    how = Replay(url, compare=Stand({}).compare, infer_seed=Stand({}).infer_seed, rules=RULES)

    with pytest.raises(ReplayError, match=f"no Sessim answers at {url}"):
        replay(handmade.vestiaire_flow(), how)


def test_a_call_sessim_gives_no_answer_to_stops_the_replay_naming_it(server: Sessim) -> None:
    first = handmade.vestiaire_flow()[0]
    broken = replace(first, request=replace(first.request, headers=(("Bad Header", "x"),)))

    with pytest.raises(ReplayError, match=r"^vestiaire\.har#1: Sessim gave no answer to http://"):
        replayed(server, [broken], handmade.VESTIAIRE_FIXTURE)


def test_header_values_go_as_utf_8(server: Sessim) -> None:
    first = handmade.vestiaire_flow()[0]
    headers = (handmade.JSON, ("X-Name", "Zoë"))
    named = replace(first, request=replace(first.request, headers=headers))

    results, _ = replayed(server, [named], handmade.VESTIAIRE_FIXTURE)

    assert results[0].actual.status == 201
    assert results[0].actual.request.header("x-name") == "Zoë"
