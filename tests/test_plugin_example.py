"""The example docs/testing.md includes (between the snippet markers): a user's own Okta
and Vestiaire client code, tested with the `sessim` fixtures of the installed pytest plugin
(the pytest11 entry point; nothing of it comes from conftest.py). The first part is "their"
code, the second their tests."""

from __future__ import annotations

import httpx
import pytest

# --- the code under test: a storefront's own clients ------------------------------------


# --8<-- [start:code]
class OktaSessions:
    """Signs users in through Okta's Authentication and Sessions APIs."""

    def __init__(self, org_url: str, api_token: str) -> None:
        self.http = httpx.Client(base_url=org_url, headers={"Authorization": f"SSWS {api_token}"})

    def sign_in(self, username: str, password: str) -> str:
        """The id of a new session for the user."""
        authn = self.http.post("/api/v1/authn", json={"username": username, "password": password})
        authn.raise_for_status()
        token = authn.json()["sessionToken"]
        session = self.http.post("/api/v1/sessions", json={"sessionToken": token})
        session.raise_for_status()
        return session.json()["id"]

    def session(self, session_id: str) -> dict | None:
        """The live session, or None when it has ended or expired."""
        response = self.http.get(f"/api/v1/sessions/{session_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def sign_out(self, session_id: str) -> None:
        self.http.delete(f"/api/v1/sessions/{session_id}").raise_for_status()


class VestiaireAccount:
    """Logs a shopper in and out of Vestiaire Collective."""

    def __init__(self, api_url: str) -> None:
        self.http = httpx.Client(base_url=api_url)

    def log_in(self, email: str, password: str) -> str:
        response = self.http.post("/sessions", json={"email": email, "password": password})
        response.raise_for_status()
        return response.json()["data"]["id"]

    def log_out(self, session_id: str) -> bool:
        """True when this logged the session out; False when it had already ended."""
        response = self.http.delete(f"/sessions/{session_id}", headers={"__session": session_id})
        if response.status_code == 401:
            return False
        response.raise_for_status()
        return True

    # --8<-- [end:code]


# --- the tests ----------------------------------------------------------------------------

# --8<-- [start:tests]
API_TOKEN = "00-test-api-token"
ANA = {
    "login": "ana@example.com",
    "password": "correct horse",
    "firstName": "Ana",
    "lastName": "Lind",
}
USERS = {
    "okta": {"api_tokens": [API_TOKEN], "users": [ANA]},
    "vestiaire": {"users": [{"email": "ana@example.com", "password": "correct horse"}]},
}


def test_okta_session_until_sign_out(sessim) -> None:
    sessim.seed(USERS)
    okta = OktaSessions(sessim.okta, API_TOKEN)
    session_id = okta.sign_in("ana@example.com", "correct horse")
    session = okta.session(session_id)
    assert session["login"] == "ana@example.com"
    assert session["status"] == "ACTIVE"
    okta.sign_out(session_id)
    assert okta.session(session_id) is None


def test_okta_session_expires_after_two_idle_hours(sessim) -> None:
    sessim.seed(USERS)
    sessim.clock.set(frozen=True)  # time moves only when the test says
    okta = OktaSessions(sessim.okta, API_TOKEN)
    session_id = okta.sign_in("ana@example.com", "correct horse")
    sessim.clock.advance("1h59m")
    assert okta.session(session_id) is not None  # a read does not slide Okta's idle timeout
    sessim.clock.advance("2m")
    assert okta.session(session_id) is None


def test_a_vestiaire_session_lasts_thirty_days(sessim) -> None:
    sessim.seed(USERS)
    vestiaire = VestiaireAccount(sessim.vestiaire)
    first = vestiaire.log_in("ana@example.com", "correct horse")
    assert vestiaire.log_out(first)
    assert not vestiaire.log_out(first)
    second = vestiaire.log_in("ana@example.com", "correct horse")
    sessim.clock.advance("31d")
    assert not vestiaire.log_out(second)


def test_a_wrong_password_is_an_error_of_the_users_client(sessim) -> None:
    sessim.seed(USERS)
    with pytest.raises(httpx.HTTPStatusError) as raised:
        VestiaireAccount(sessim.vestiaire).log_in("ana@example.com", "wrong")
    assert raised.value.response.status_code == 401


def test_signing_in_takes_one_call_of_each_okta_operation(sessim) -> None:
    sessim.seed(USERS)
    OktaSessions(sessim.okta, API_TOKEN).sign_in("ana@example.com", "correct horse")
    assert sessim.journal.count(vendor="okta", operation_id="primaryAuthentication") == 1
    assert sessim.journal.count(vendor="okta", operation_id="createSession") == 1


def test_an_okta_outage_reaches_the_caller_once(sessim) -> None:
    sessim.seed(USERS)
    sessim.faults.add("status", status=503, vendor="okta", operation_id="createSession", times=1)
    okta = OktaSessions(sessim.okta, API_TOKEN)
    with pytest.raises(httpx.HTTPStatusError) as raised:
        okta.sign_in("ana@example.com", "correct horse")
    assert raised.value.response.status_code == 503
    assert okta.sign_in("ana@example.com", "correct horse")  # the next call gets through


def test_one_server_for_the_run_reset_for_each_test(sessim_shared) -> None:
    sessim_shared.seed(USERS)
    vestiaire = VestiaireAccount(sessim_shared.vestiaire)
    assert vestiaire.log_out(vestiaire.log_in("ana@example.com", "correct horse"))
    # --8<-- [end:tests]


def test_the_fixtures_come_from_the_installed_plugin(request: pytest.FixtureRequest) -> None:
    plugin = request.config.pluginmanager.get_plugin("sessim")
    assert plugin is not None and plugin.__name__ == "sessim.pytest_plugin"
