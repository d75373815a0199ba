"""The fixture a recording needs: for each vendor, a login flow recorded on one Sessim gives
a fixture that a fresh Sessim accepts, after which the recorded login succeeds again and its
reads answer the same; a user's own fixture merges over it."""

from __future__ import annotations

import httpx
import pytest
from sessim.recordings.seeds import infer_seed, merged
from sessim.registry import VENDORS
from sessim.testing import running

from .flows import FLOWS, demo
from .support import recorded


def test_every_vendor_has_a_login_flow_here() -> None:
    assert set(FLOWS) == set(VENDORS)


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_a_recorded_login_succeeds_on_the_fixture_inferred(name: str) -> None:
    flow, again = FLOWS[name]
    with running(seed={name: demo(name)}, apis=[name]) as source, httpx.Client() as client:
        answers = flow(client, source.urls[name])
    assert all(answer.is_success for answer in answers), [a.text for a in answers]
    interactions = [recorded(answer) for answer in answers]
    fixture = infer_seed([(VENDORS[name], interaction) for interaction in interactions])
    assert list(fixture) == [name]
    with running(apis=[name]) as fresh, httpx.Client() as client:
        assert fresh.seed(fixture)[name]
        answer = again(client, fresh.urls[name], interactions)
    assert answer.is_success, answer.text


def test_a_failed_login_seeds_no_user() -> None:
    login = {"email": "demo@sessim.dev", "password": "wrong"}
    seed = {"vestiaire": demo("vestiaire")}
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
    flow, seed = FLOWS["optimizely"][0], {"optimizely": demo("optimizely")}
    with running(seed=seed, apis=["optimizely"]) as source, httpx.Client() as client:
        session = recorded(flow(client, source.optimizely)[-1])
    first, second = (infer_seed([(VENDORS["optimizely"], session)]) for _ in range(2))
    user = first["optimizely"]["users"][0]
    assert {key: user[key] for key in ("userName", "email", "firstName")} == {
        "userName": "buyer1",
        "email": "buyer1@example.com",
        "firstName": "Bea",
    }
    assert user["password"] != second["optimizely"]["users"][0]["password"]
    assert user["password"] != "sessim-opti-demo1"
