"""The request journal: GET/DELETE /_admin/journal and /_admin/journal/count, entries for
every vendor and the admin API, redaction, the ring's bound, filters and paging, near misses,
sharing through SQLite and Redis, and `--log-format json`."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sessim.core.features.journal.presence import WAIT_SECONDS
from starlette.testclient import TestClient

from tests.conftest import (
    ADMIN,
    AppFor,
    Reset,
    plain_client,
    race_threads,
    sessim_processes,
    sessim_servers,
    start_sessim,
    wait_until_listening,
    worker_pids,
)
from tests.recordings.flows import (
    FIXTURE,
    OKTA_TOKEN,
    OKTA_USER,
    OPTI_CLIENT,
    OPTI_USER,
    SFCC_CLIENT,
    SFCC_CUSTOMER,
    VESTIAIRE_USER,
)
from tests.recordings.test_record import PLACEHOLDER
from tests.test_workers import cpu_ticks

SSWS = {"Authorization": f"SSWS {OKTA_TOKEN}"}
SFCC_AUTH = "/sfcc/s/RefArch/dw/shop/v20_8/customers/auth"
TOKEN = "/optimizely/identity/connect/token"
JOURNAL = "/_admin/journal"


@pytest.fixture
def app(app_for: AppFor) -> TestClient:
    """The run's app that loads FIXTURE at start-up; this module's tests keep that state."""
    return app_for(seed=FIXTURE)


@pytest.fixture
def client(app: TestClient) -> TestClient:
    """The module's app with an empty journal and no cookies."""
    app.cookies.clear()
    assert app.delete(JOURNAL, headers=ADMIN).status_code == 204
    return app


def entries(client: Any, **filters: object) -> list[dict]:
    response = client.get(JOURNAL, params={"limit": 500, **filters})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def count(client: Any, **filters: object) -> int:
    response = client.get(f"{JOURNAL}/count", params=filters)
    assert response.status_code == 200, response.text
    return response.json()["count"]


def only(client: Any, **filters: object) -> dict:
    (entry,) = entries(client, **filters)
    return entry


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def okta_login(client: Any) -> str:
    login = {"username": OKTA_USER["login"], "password": OKTA_USER["password"]}
    authn = client.post("/okta/api/v1/authn", json=login)
    assert authn.status_code == 200, authn.text
    session_token = authn.json()["sessionToken"]
    created = client.post(
        "/okta/api/v1/sessions", json={"sessionToken": session_token}, headers=SSWS
    )
    assert created.status_code == 200, created.text
    return created.json()["id"]


def opti_tokens(client: Any) -> dict:
    form = {
        "grant_type": "password",
        "username": OPTI_USER["userName"],
        "password": OPTI_USER["password"],
        "scope": "iscapi offline_access",
    }
    headers = basic(OPTI_CLIENT["client_id"], OPTI_CLIENT["client_secret"])
    response = client.post(TOKEN, data=form, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_okta_calls_are_journaled_with_their_operation_status_and_times(
    client: TestClient,
) -> None:
    clock = client.put("/_admin/clock", json={"now": "2030-05-01T12:00:00Z", "frozen": True})
    assert clock.status_code == 200
    session_id = okta_login(client)
    missing = client.get("/okta/api/v1/sessions/102nosuchsession", headers=SSWS)
    assert missing.status_code == 404

    found = entries(client, vendor="okta")
    assert [e["operationId"] for e in found] == [
        "getSession",
        "createSession",
        "primaryAuthentication",
    ]
    gone, created, authn = found
    assert created["method"] == "POST"
    assert created["path"] == "/okta/api/v1/sessions"
    assert created["status"] == 200
    assert created["at"] == "2030-05-01T12:00:00.000Z"  # Sessim's clock
    assert abs(time.time() - _epoch(created["wallTime"])) < 60  # the machine's
    assert created["latencyMs"] > 0
    assert created["errorCode"] is None
    assert created["nearMisses"] == []
    assert json.loads(created["response"]["body"])["id"] == session_id
    assert created["response"]["headers"]["content-type"] == "application/json"
    ssws, api_token = created["request"]["headers"]["authorization"].split(" ")
    assert ssws == "SSWS"
    assert PLACEHOLDER.fullmatch(api_token)
    login = json.loads(authn["request"]["body"])
    assert login["username"] == OKTA_USER["login"]
    assert PLACEHOLDER.fullmatch(login["password"])
    # The token handed out and the token sent back: one secret, one placeholder.
    token = json.loads(authn["response"]["body"])["sessionToken"]
    assert PLACEHOLDER.fullmatch(token)
    assert json.loads(created["request"]["body"]) == {"sessionToken": token}
    assert len({api_token, login["password"], token}) == 3
    assert gone["status"] == 404
    assert gone["errorCode"] == "E0000007"
    assert gone["path"] == "/okta/api/v1/sessions/102nosuchsession"
    assert int(gone["id"]) > int(created["id"]) > int(authn["id"])


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def test_sfcc_calls_carry_the_fault_type_and_hide_the_jwt(client: TestClient) -> None:
    headers = {"x-dw-client-id": SFCC_CLIENT}
    credentials = basic(SFCC_CUSTOMER["login"], SFCC_CUSTOMER["password"])
    body = {"type": "credentials"}
    assert client.post(SFCC_AUTH, json=body, headers={**headers, **credentials}).status_code == 200
    wrong = basic(SFCC_CUSTOMER["login"], "not-the-password")
    assert client.post(SFCC_AUTH, json=body, headers={**headers, **wrong}).status_code == 401

    failed, ok = entries(client, vendor="sfcc")
    assert ok["operationId"] == failed["operationId"] == "postCustomersAuth"
    assert ok["errorCode"] is None
    bearer, jwt = ok["response"]["headers"]["authorization"].split(" ")
    assert (bearer, PLACEHOLDER.fullmatch(jwt) is not None) == ("Bearer", True)
    # Basic credentials keep their user; the passwords, two, get a placeholder each.
    passwords = []
    for entry in (ok, failed):
        scheme, encoded = entry["request"]["headers"]["authorization"].split(" ")
        user, password = base64.b64decode(encoded).decode().split(":")
        assert (scheme, user) == ("Basic", SFCC_CUSTOMER["login"])
        assert PLACEHOLDER.fullmatch(password)
        passwords.append(password)
    assert passwords[0] != passwords[1]
    assert ok["request"]["headers"]["x-dw-client-id"] == SFCC_CLIENT  # an id, not a secret
    assert failed["status"] == 401
    assert failed["errorCode"] == "AuthenticationFailedException"


def test_vestiaire_calls_carry_the_error_code_and_hide_the_session_cookie(
    client: TestClient,
) -> None:
    login = {"email": VESTIAIRE_USER["email"], "password": VESTIAIRE_USER["password"]}
    created = client.post("/vestiaire/sessions", json=login)
    assert created.status_code == 201
    wrong = client.post("/vestiaire/sessions", json={**login, "password": "nope"})
    assert wrong.status_code == 401

    failed, ok = entries(client, vendor="vestiaire")
    assert ok["operationId"] == "createSession"
    assert ok["status"] == 201
    cookie = ok["response"]["headers"]["set-cookie"]
    assert PLACEHOLDER.fullmatch(cookie.split(";")[0].removeprefix("__session="))
    assert cookie.split(";")[1:3] == [" HttpOnly", " Secure"], cookie
    assert failed["errorCode"] == "invalid_credentials"
    wrong_password = json.loads(failed["request"]["body"])["password"]
    assert PLACEHOLDER.fullmatch(wrong_password)
    assert wrong_password != json.loads(ok["request"]["body"])["password"]


def test_optimizely_oauth_errors_have_a_code_and_its_messages_none(client: TestClient) -> None:
    tokens = opti_tokens(client)
    headers = basic(OPTI_CLIENT["client_id"], OPTI_CLIENT["client_secret"])
    refused = client.post(
        TOKEN, data={"grant_type": "password", "username": "x", "password": "y"}, headers=headers
    )
    assert refused.status_code == 400
    denied = client.delete("/optimizely/api/v1/sessions/current")  # sign-out needs a bearer
    assert denied.status_code == 401
    assert set(denied.json()) == {"message"}

    message, oauth, granted = entries(client, vendor="optimizely")
    assert granted["operationId"] == "createToken"
    assert PLACEHOLDER.fullmatch(json.loads(granted["response"]["body"])["access_token"])
    assert tokens["access_token"] not in json.dumps(granted)
    assert oauth["errorCode"] == "invalid_grant"
    assert message["operationId"] == "deleteSession"
    assert message["status"] == 401
    assert message["errorCode"] is None  # `{"message"}` carries no code


def test_admin_calls_are_journaled_but_not_the_journals_own(client: TestClient) -> None:
    advanced = client.post("/_admin/clock/advance", json={"seconds": 60})
    assert advanced.status_code == 200
    assert client.get("/_admin/views/sfcc/nothing", params={"key": "x"}).status_code == 404
    client.get("/_admin/health")
    client.get(f"{JOURNAL}/count")

    missing, advance = entries(client)
    assert advance["vendor"] == "admin"
    assert advance["operationId"] == "advanceClock"
    assert json.loads(advance["request"]["body"]) == {"seconds": 60}
    assert missing["operationId"] == "getView"
    assert missing["status"] == 404
    assert missing["errorCode"] is None  # problem details name no code
    assert missing["query"] == "key=x"


SECRETS = {
    "password": "hunter2-password-secret",
    "bearer": "bearer-secret-0123456789",
    "cookie": "cookie-secret-0123456789",
}


def test_secrets_appear_nowhere_in_the_journal(client: TestClient) -> None:
    login = {"username": OKTA_USER["login"], "password": SECRETS["password"]}
    client.post("/okta/api/v1/authn", json=login)
    client.get(
        "/okta/api/v1/sessions/me",
        headers={
            "Cookie": f"sid={SECRETS['cookie']}",
            "Authorization": f"Bearer {SECRETS['bearer']}",
        },
    )
    tokens = opti_tokens(client)
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    headers = basic(OPTI_CLIENT["client_id"], OPTI_CLIENT["client_secret"])
    refreshed = client.post(TOKEN, data=refresh, headers=headers)
    assert refreshed.status_code == 200, refreshed.text
    client.get(
        "/okta/login/sessionCookieRedirect",
        params={"token": SECRETS["bearer"], "redirectUrl": "https://x.test/"},
    )

    text = client.get(JOURNAL, params={"limit": 500}).text
    secrets = [
        *SECRETS.values(),
        OPTI_USER["password"],
        OPTI_CLIENT["client_secret"],
        tokens["refresh_token"],
        tokens["access_token"],
        refreshed.json()["refresh_token"],
        base64.b64encode(
            f"{OPTI_CLIENT['client_id']}:{OPTI_CLIENT['client_secret']}".encode()
        ).decode(),
    ]
    assert [secret for secret in secrets if secret in text] == []
    form = next(
        e
        for e in entries(client, operationId="createToken")
        if "refresh_token" in (e["request"]["body"] or "")
    )
    # The refresh token handed out is the one sent back: the same placeholder.
    granted = entries(client, operationId="createToken")[-1]  # the oldest: the log-in's
    handed = json.loads(granted["response"]["body"])["refresh_token"]
    assert PLACEHOLDER.fullmatch(handed)
    assert form["request"]["body"] == f"grant_type=refresh_token&refresh_token={handed}"
    me = only(client, operationId="getCurrentSession")
    cookie = me["request"]["headers"]["cookie"].removeprefix("sid=")
    bearer = me["request"]["headers"]["authorization"].removeprefix("Bearer ")
    assert PLACEHOLDER.fullmatch(cookie) and PLACEHOLDER.fullmatch(bearer)
    assert cookie != bearer  # two secrets, two placeholders
    redirect = only(client, operationId="sessionCookieRedirect")
    assert redirect["query"].startswith(f"token={bearer}&redirectUrl=")  # the same secret


def test_large_bodies_are_cut_and_say_so(client: TestClient) -> None:
    login = {"username": OKTA_USER["login"], "password": "p" * 10_000, "note": "x" * 10_000}
    client.post("/okta/api/v1/authn", json=login)
    request = only(client, operationId="primaryAuthentication")["request"]
    assert request["truncated"] is True
    assert request["size"] > 20_000
    assert len(request["body"]) == 4096
    assert "ppp" not in request["body"]


def test_the_journal_keeps_the_newest_of_a_ring_of_its_size(app_for: AppFor, reset: Reset) -> None:
    small = reset(client=app_for(journal_size=5))
    for index in range(8):
        small.get(f"/vestiaire/nothing-{index}")
    found = entries(small)
    assert [e["path"] for e in found] == [f"/vestiaire/nothing-{i}" for i in range(7, 2, -1)]
    assert count(small) == 5


def test_a_journal_of_size_zero_keeps_nothing(app_for: AppFor, reset: Reset) -> None:
    none = reset(client=app_for(journal_size=0))
    none.get("/vestiaire/nothing")
    assert entries(none) == []
    assert count(none) == 0


def test_filters_and_count(client: TestClient) -> None:
    okta_login(client)
    okta_login(client)
    client.get("/okta/api/v1/sessions/102nosuchsession", headers=SSWS)
    client.post("/_admin/clock/advance", json={"seconds": 1})
    for read in ("/_admin/clock", "/_admin/state/okta", "/_admin/faults", "/_admin/"):
        assert client.get(read).status_code == 200  # the inspector's polling: not journaled

    assert count(client, vendor="okta", operationId="createSession") == 2
    assert count(client, operationId="createSession") == 2
    assert count(client, vendor="vestiaire", operationId="createSession") == 0
    assert count(client, vendor="okta", status=200) == 4
    assert count(client, status=404) == 1
    assert count(client, method="get") == 1
    assert count(client, vendor="admin") == 1
    assert count(client) == 6
    newest = entries(client)[0]
    assert count(client, since=newest["at"]) >= 1
    assert count(client, since="2999-01-01T00:00:00Z") == 0
    assert count(client, since="1970-01-01T00:00:00+01:00") == 6


def test_paging_walks_every_entry_once_newest_first(client: TestClient) -> None:
    for index in range(7):
        client.get(f"/vestiaire/page-{index}")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(JOURNAL, params=params).json()
        seen += [e["path"] for e in page["entries"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [f"/vestiaire/page-{i}" for i in range(6, -1, -1)]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/count", {"operationid": "createSession"}),  # a misspelt filter would count all
        ("", {"vendor": "okta", "limits": "5"}),
        ("/count", {"since": "yesterday"}),
        ("", {"cursor": "x"}),
        ("", {"limit": "501"}),
    ],
)
def test_an_unknown_or_bad_parameter_is_a_400(client: TestClient, path: str, params: dict) -> None:
    response = client.get(JOURNAL + path, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_delete_empties_the_journal(client: TestClient) -> None:
    okta_login(client)
    assert count(client) == 2
    assert client.delete(JOURNAL, headers=ADMIN).status_code == 204
    assert entries(client) == []
    okta_login(client)
    assert count(client) == 2


def test_reset_wipes_the_journal(client: TestClient) -> None:
    okta_login(client)
    assert client.post("/_admin/reset", headers=ADMIN).status_code == 204
    assert entries(client) == []
    client.post("/_admin/seed", json=FIXTURE)


def test_a_wrong_method_is_a_near_miss(client: TestClient) -> None:
    assert client.get("/okta/api/v1/authn").status_code == 405
    entry = only(client)
    assert entry["operationId"] is None
    assert entry["errorCode"] == "E0000022"
    assert entry["nearMisses"] == [
        {
            "vendor": "okta",
            "operationId": "primaryAuthentication",
            "method": "POST",
            "path": "/okta/api/v1/authn",
            "reason": "/okta/api/v1/authn takes POST, not GET",
        }
    ]


def test_a_missing_base_path_is_a_near_miss(client: TestClient) -> None:
    assert client.post("/api/v1/authn", json={}).status_code == 404
    entry = only(client)
    assert entry["vendor"] is None  # no API owns the path
    (miss,) = [m for m in entry["nearMisses"] if m["vendor"] == "okta"]
    assert miss["operationId"] == "primaryAuthentication"
    assert miss["reason"] == "the path lacks okta's base path /okta"


def test_another_apis_base_path_is_a_near_miss(client: TestClient) -> None:
    assert client.delete("/vestiaire/api/v1/sessions/current").status_code == 404
    misses = only(client)["nearMisses"]
    assert misses[0]["vendor"] == "optimizely"
    assert misses[0]["operationId"] == "deleteSession"
    assert (
        misses[0]["reason"]
        == "the path is under /vestiaire, optimizely's operations under /optimizely"
    )


def test_a_trailing_slash_or_case_is_a_near_miss(client: TestClient) -> None:
    assert client.post("/okta/api/v1/sessions/", json={}).status_code == 405  # Okta's way
    assert client.post("/okta/api/v1/Sessions", json={}).status_code == 404
    case, slash = entries(client)
    assert slash["nearMisses"][0]["operationId"] == "createSession"
    assert (
        slash["nearMisses"][0]["reason"]
        == "the path ends with a slash; /okta/api/v1/sessions has none"
    )
    assert case["nearMisses"][0]["operationId"] == "createSession"
    assert case["nearMisses"][0]["reason"] == "the path differs in case from /okta/api/v1/sessions"


def test_a_wrong_sfcc_version_is_a_near_miss(client: TestClient) -> None:
    url = "/sfcc/s/RefArch/dw/shop/v20_2/customers/auth"
    response = client.post(url, json={"type": "guest"}, headers={"x-dw-client-id": SFCC_CLIENT})
    assert response.status_code == 404
    entry = only(client)
    assert entry["errorCode"] == "VersionNotFoundException"
    assert entry["nearMisses"] == [
        {
            "vendor": "sfcc",
            "operationId": "postCustomersAuth",
            "method": "POST",
            "path": "/sfcc/s/{site_id}/dw/shop/{version}/customers/auth",
            "reason": "the version segment is v20_2; Sessim serves OCAPI 20.8 as v20_8 or 20.8",
        }
    ]


def test_a_request_an_operation_answered_has_no_near_misses(client: TestClient) -> None:
    client.get("/okta/api/v1/sessions/102nosuchsession", headers=SSWS)
    assert only(client)["nearMisses"] == []


def shared_journal(bases: list[str]) -> None:
    """Requests through two processes on one store, read and cleared through either."""
    first, second = bases
    with plain_client(base_url=first) as one, plain_client(base_url=second) as two:
        assert one.post("/_admin/reset", headers=ADMIN).status_code == 204
        assert one.post("/_admin/seed", json=FIXTURE).status_code == 200
        okta_login(one)
        okta_login(two)
        assert count(two, operationId="createSession") == 2
        assert count(two, vendor="okta") == 4
        assert count(one, vendor="okta") == 4
        # Each process journaled a log-in: the same secrets, the same placeholders.
        logins = entries(one, operationId="primaryAuthentication")
        assert len({entry["request"]["body"] for entry in logins}) == 1
        creates = entries(two, operationId="createSession")
        assert len({entry["request"]["headers"]["authorization"] for entry in creates}) == 1
        assert len({entry["request"]["body"] for entry in creates}) == 2  # two tokens
        assert two.delete(JOURNAL, headers=ADMIN).status_code == 204
        assert count(one) == 0


@pytest.mark.slow
def test_two_workers_hide_one_secret_behind_one_placeholder(tmp_path: Path) -> None:
    """`sessim serve --workers 2` on SQLite, its first requests racing (each on a connection
    of its own, so the kernel hands them to either worker): both workers journal, and the
    one key they share (made once in the store) gives the password one placeholder."""
    user = {"email": "ana@example.com", "password": "same-secret-0123"}
    close = {"Connection": "close"}
    with sessim_servers(f"sqlite:///{tmp_path}/shared.db", 1, "--workers", "2") as servers:
        ((base, parent),) = servers
        workers = worker_pids(parent.pid)
        assert len(workers) == 2
        httpx.post(f"{base}/_admin/seed", json={"vestiaire": {"users": [user]}}).raise_for_status()
        before = [cpu_ticks(pid) for pid in workers]

        def log_in(_index: int, start: Any) -> list[int]:
            with plain_client(base_url=base, headers=close) as http:
                start.wait()
                return [http.post("/vestiaire/sessions", json=user).status_code for _ in range(4)]

        statuses = race_threads(6, log_in)
        used = [cpu_ticks(pid) - ticks for pid, ticks in zip(workers, before, strict=True)]
        with plain_client(base_url=base) as http:
            logins = entries(http, operationId="createSession")
    assert {status for each in statuses for status in each} == {201}
    assert all(ticks > 0 for ticks in used), f"a worker sat idle: CPU ticks {used}"
    assert len(logins) == 24
    passwords = {json.loads(entry["request"]["body"])["password"] for entry in logins}
    cookies = {entry["response"]["headers"]["set-cookie"].split(";")[0] for entry in logins}
    assert len(passwords) == 1 and PLACEHOLDER.fullmatch(passwords.pop())
    assert len(cookies) == 24  # 24 sessions: 24 secrets, 24 placeholders
    assert user["password"] not in json.dumps(logins)


BURSTS, BURST = 15, 8


def counts_read_right_after_bursts(bases: list[str]) -> list[int]:
    """Bursts of BURST concurrent requests answered by one process, each followed at once by
    a count of the journal through the other: what each count found."""
    first, second = bases
    with (
        plain_client(base_url=first) as one,
        plain_client(base_url=second) as two,
        ThreadPoolExecutor(BURST) as pool,
    ):
        assert two.delete(JOURNAL, headers=ADMIN).status_code == 204
        found = []
        for burst in range(BURSTS):
            paths = [f"/vestiaire/nothing-{burst}-{index}" for index in range(BURST)]
            statuses = list(pool.map(lambda path: one.get(path).status_code, paths))
            assert statuses == [404] * BURST
            found.append(count(two))
        return found


def test_a_read_through_another_worker_sees_every_request_answered_before_it(
    shared_processes: list[str],
) -> None:
    """journal_sync "answered" (the default): no waiting, no retry, from the first burst on."""
    expected = [BURST * (burst + 1) for burst in range(BURSTS)]
    assert counts_read_right_after_bursts(shared_processes[:2]) == expected


def test_a_reset_wipes_the_markers_and_the_next_answer_marks_again(
    shared_processes: list[str],
) -> None:
    """What a worker answered before a reset through another is written before the wipe (the
    reset asks it first), not after, where it would show; what it answers after the reset,
    its marker wiped, is seen too (tests/core/test_journal_presence.py holds the marking)."""
    first, second = shared_processes[:2]
    with plain_client(base_url=first) as one, plain_client(base_url=second) as two:
        for round in range(5):
            assert one.get(f"/vestiaire/before-{round}").status_code == 404
            assert two.post("/_admin/reset", headers=ADMIN).status_code == 204
            assert one.get(f"/vestiaire/after-{round}").status_code == 404
            assert count(two, vendor="vestiaire") == 1, round


@pytest.mark.slow
def test_a_worker_killed_marked_holds_no_read_up(tmp_path: Path) -> None:
    """SIGKILL while marked: the marker stays, its process does not; a read through the
    other worker drops it rather than waiting for acknowledgements that never come."""
    store = f"sqlite:///{tmp_path}/killed.db"
    with (
        sessim_servers(store, 2) as [(first, doomed), (second, _)],
        plain_client(base_url=first) as one,
        plain_client(base_url=second) as two,
    ):
        assert one.get("/vestiaire/last-words").status_code == 404
        doomed.kill()
        doomed.wait()
        started = time.monotonic()
        assert count(two, vendor="okta") == 0
        assert time.monotonic() - started < WAIT_SECONDS / 2


@pytest.mark.slow
@pytest.mark.parametrize("writes, kept", [("held", 0), ("batched", 1)])
def test_what_a_worker_killed_had_answered_survives_as_journal_writes_says(
    tmp_path: Path, writes: str, kept: int
) -> None:
    """ "held" (the default): a worker holds its entries until a read asks, so a SIGKILL loses
    them (what the requests stored stays); "batched": written every few milliseconds, they
    outlive it."""
    store = f"sqlite:///{tmp_path}/killed.db"
    with (
        sessim_servers(store, 2, "--journal-writes", writes) as [(first, doomed), (second, _)],
        plain_client(base_url=first) as one,
        plain_client(base_url=second) as two,
    ):
        assert one.get("/vestiaire/last-words").status_code == 404
        time.sleep(0.2)  # many batch periods: a batched entry is written by now
        doomed.kill()
        doomed.wait()
        assert count(two, vendor="vestiaire") == kept


@pytest.mark.slow
def test_journal_sync_after_answers_first_and_other_workers_catch_up(tmp_path: Path) -> None:
    """journal_sync "after" (reads ask no other worker): the answering process's own reads
    see its entries at once; another worker's see them once written, a moment later."""
    store = f"sqlite:///{tmp_path}/after.db"
    with sessim_processes(store, 2, "--journal-sync", "after") as bases:
        counts_read_right_after_bursts(bases)  # whatever these find, the entries come
        with plain_client(base_url=bases[0]) as one, plain_client(base_url=bases[1]) as two:
            assert count(one) == BURSTS * BURST
            one.get("/vestiaire/one-more")
            assert count(one) == BURSTS * BURST + 1
            deadline = time.monotonic() + 10
            while count(two) != BURSTS * BURST + 1:  # the other process's write, not timing
                assert time.monotonic() < deadline, "the other worker's entries never showed"
                time.sleep(0.05)


@pytest.mark.slow
def test_workers_on_one_sqlite_file_share_the_journal(shared_processes: list[str]) -> None:
    shared_journal(shared_processes[:2])


@pytest.mark.redis
def test_workers_on_one_redis_share_the_journal(redis_processes: list[str]) -> None:
    shared_journal(redis_processes)
    expected = [BURST * (burst + 1) for burst in range(BURSTS)]
    assert counts_read_right_after_bursts(redis_processes) == expected


@pytest.mark.slow
def test_log_format_json_writes_one_line_per_request(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/log.db"
    server, base = start_sessim(store, "--demo", "--log-format", "json", stdout=subprocess.PIPE)
    try:
        wait_until_listening(base, server)
        login = {"username": "dana.demo@sessim.dev", "password": SECRETS["password"]}
        httpx.post(f"{base}/okta/api/v1/authn", json=login)
        httpx.get(f"{base}/okta/api/v1/authn")
        headers = {
            "Cookie": f"sid={SECRETS['cookie']}",
            "Authorization": f"Bearer {SECRETS['bearer']}",
        }
        httpx.get(f"{base}/okta/api/v1/sessions/me", headers=headers)
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=10)
    text = out.decode()
    assert [secret for secret in SECRETS.values() if secret in text] == []
    lines = [json.loads(line) for line in text.splitlines()]  # every line is JSON
    by_operation = {line["operationId"]: line for line in lines if line["vendor"] == "okta"}
    authn = by_operation["primaryAuthentication"]
    assert authn["status"] == 401
    assert authn["errorCode"] == "E0000004"
    assert authn["method"] == "POST"
    assert "body" not in authn["request"]
    assert authn["request"]["headers"]["content-type"] == "application/json"
    assert by_operation[None]["nearMisses"][0]["operationId"] == "primaryAuthentication"
    me = by_operation["getCurrentSession"]
    assert PLACEHOLDER.fullmatch(me["request"]["headers"]["cookie"].removeprefix("sid="))
    bearer = me["request"]["headers"]["authorization"].removeprefix("Bearer ")
    assert PLACEHOLDER.fullmatch(bearer)
