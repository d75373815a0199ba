"""The fixture a recording needs: for each vendor, a login flow recorded on one Sessim gives
a fixture that a fresh Sessim accepts, after which the recorded login succeeds again and its
reads answer the same; a user's own fixture merges over it."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sessim.recordings.seeds import infer_seed, merged
from sessim.registry import VENDORS
from sessim.testing import running

from .handmade import OKTA, call, okta_session
from .logins import LOGINS, demo
from .support import recorded


@pytest.mark.registry
@pytest.mark.parametrize(
    "name", sorted(name for name, api in VENDORS.items() if api.contract.sign_in and api.demo)
)
def test_a_vendors_sign_in_recorded_signs_in_again_on_the_fixture_inferred(name: str) -> None:
    """Every vendor: what its contract's sign-in sends and gets, recorded on a Sessim seeded
    with its demo section, gives a fixture that a fresh Sessim accepts, with which that
    sign-in (reading the inferred section) succeeds."""
    api, answers = VENDORS[name], []
    sign_in = api.contract.sign_in
    assert sign_in

    def keep(response: httpx.Response) -> None:
        response.read()
        answers.append(response)

    with running(seed={name: demo(api)}, apis=[name]) as source:
        hooks = {"response": [keep]}
        with httpx.Client(base_url=source.urls[name], event_hooks=hooks) as client:
            sign_in(demo(api), client)
    fixture = infer_seed([(api, recorded(answer)) for answer in answers])
    with running(apis=[name]) as fresh, httpx.Client(base_url=fresh.urls[name]) as client:
        assert fresh.seed(fixture)[name]
        sign_in(fixture[name], client)  # raises on an answer that is not a success


@pytest.mark.parametrize("name", sorted(LOGINS))
def test_a_recorded_login_succeeds_on_the_fixture_inferred(name: str) -> None:
    flow = LOGINS[name]
    with running(seed={name: demo(flow.api)}, apis=[name]) as source, httpx.Client() as client:
        answers = flow.record(client, source.urls[name])
    assert all(answer.is_success for answer in answers), [a.text for a in answers]
    interactions = [recorded(answer) for answer in answers]
    fixture = infer_seed([(flow.api, interaction) for interaction in interactions])
    assert list(fixture) == [name]
    with running(apis=[name]) as fresh, httpx.Client() as client:
        assert fresh.seed(fixture)[name]
        answer = flow.again(client, fresh.urls[name], interactions)
    assert answer.is_success, answer.text


def test_a_failed_login_seeds_no_user() -> None:
    login = {"email": "demo@sessim.dev", "password": "wrong"}
    seed = {"vestiaire": demo(VENDORS["vestiaire"])}
    with running(seed=seed, apis=["vestiaire"]) as source, httpx.Client() as client:
        failed = client.post(f"{source.vestiaire}/sessions", json=login)
    assert failed.status_code == 401
    assert infer_seed([(VENDORS["vestiaire"], recorded(failed))]) == {}


def test_a_users_own_fixture_merges_over_the_inferred() -> None:
    inferred = {
        "okta": {
            "api_tokens": ["t1"],
            "users": [{"id": "00u1", "login": "a@x.test", "password": "p1", "firstName": "A"}],
        },
        "vestiaire": {"users": [{"email": "b@x.test", "password": "p2"}]},
    }
    own = {
        "okta": {
            "api_tokens": ["t2"],
            "users": [{"login": "A@x.test", "firstName": "Ann"}, {"login": "c@x.test"}],
            "org_id": "00o1",
        },
    }
    assert merged(inferred, own) == {
        "okta": {
            "api_tokens": ["t1", "t2"],
            "users": [
                {"id": "00u1", "login": "A@x.test", "password": "p1", "firstName": "Ann"},
                {"login": "c@x.test"},
            ],
            "org_id": "00o1",
        },
        "vestiaire": {"users": [{"email": "b@x.test", "password": "p2"}]},
    }


def test_a_user_read_but_never_signed_in_gets_a_random_password() -> None:
    flow = LOGINS["optimizely"]
    seed = {"optimizely": demo(flow.api)}
    with running(seed=seed, apis=["optimizely"]) as source, httpx.Client() as client:
        session = recorded(flow.record(client, source.optimizely)[-1])
    first, second = (infer_seed([(VENDORS["optimizely"], session)]) for _ in range(2))
    user = first["optimizely"]["users"][0]
    assert {key: user[key] for key in ("userName", "email", "firstName")} == {
        "userName": "buyer1",
        "email": "buyer1@example.com",
        "firstName": "Bea",
    }
    assert user["password"] != second["optimizely"]["users"][0]["password"]
    assert user["password"] != "sessim-opti-demo1"


def test_a_recorded_sessions_mfa_active_seeds_its_user() -> None:
    """Okta's mfaActive is the user's, by org policy: a live org answered true for a user
    with no factor (okta-sdk-python's cassettes), which the fixture must then say."""
    read = call("GET", f"{OKTA}/api/v1/sessions/102x", 200, at=timedelta(0), answer=okta_session())
    [user] = infer_seed([(VENDORS["okta"], read)])["okta"]["users"]
    assert (user["login"], user["mfaActive"]) == ("dana@example.com", True)
    inactive = call(
        "GET",
        f"{OKTA}/api/v1/sessions/102x",
        200,
        at=timedelta(0),
        answer={**okta_session(), "mfaActive": False},
    )
    [user] = infer_seed([(VENDORS["okta"], inactive)])["okta"]["users"]
    assert "mfaActive" not in user  # false is the fixture's default
