"""The inspector page in a real headless Chromium (Debian's chromium and chromium-driver,
driven by selenium): log in through Okta's API, see the session and its journal entry on
the page, see a fault rule and remove it from the page, advance the clock from the page
past the session's lifetime, see the session go, and reset from the page.

Each step's screenshot is saved in test-artifacts/inspector/ (tests/browser.py opens the
browser).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from sessim.admin.fixtures import demo

from tests.browser import screenshot as browser_screenshot
from tests.browser import wait
from tests.conftest import sessim_process

pytestmark = pytest.mark.browser

OKTA_SESSIONS = 'section[data-vendor="okta"] table.sessions tbody tr'
OKTA_USERS = 'section[data-vendor="okta"] table.users tbody tr'
JOURNAL_ROWS = "#journal table.journal tbody tr"
FAULT_ROWS = "#faults table.faults tbody tr"


def screenshot(browser: WebDriver, name: str) -> None:
    browser_screenshot(browser, "inspector", name)


def okta_session(base: str) -> tuple[str, str]:
    """Dana logs in through Okta's API: the user id and the session id."""
    section = demo()["okta"]
    dana = section["users"][0]
    api_token = {"Authorization": f"SSWS {section['api_tokens'][0]}"}
    with httpx.Client(base_url=f"{base}/okta/api/v1", headers=api_token) as okta:
        credentials = {"username": dana["login"], "password": dana["password"]}
        authn = okta.post("/authn", json=credentials)
        assert authn.status_code == 200, authn.text
        session = okta.post("/sessions", json={"sessionToken": authn.json()["sessionToken"]})
        assert session.status_code == 200, session.text
    return dana["id"], session.json()["id"]


def clock(base: str) -> datetime:
    return datetime.fromisoformat(httpx.get(f"{base}/_admin/clock").json()["now"])


def test_a_session_appears_expires_when_the_page_advances_the_clock_and_reset_clears(
    browser: WebDriver,
) -> None:
    with sessim_process("memory://", "--demo") as base:
        user_id, session_id = okta_session(base)
        browser.get(f"{base}/_admin/")
        row = f'{OKTA_SESSIONS}[data-id="{session_id}"]'
        listed = wait(browser).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, row))
        )
        assert user_id in listed.text
        assert re.search(r"in (1h 59m|2h 0s)", listed.text), listed.text  # 120 minutes idle
        screenshot(browser, "1-session-listed")

        # The journal shows the log-in; a fault rule added through the API shows, and the
        # page's remove button takes it away.
        journaled = wait(browser).until(
            lambda page: [
                text
                for entry in page.find_elements(By.CSS_SELECTOR, JOURNAL_ROWS)
                if "createSession" in (text := entry.text)
            ]
        )
        assert "POST /okta/api/v1/sessions" in journaled[0]
        rule = {"vendor": "okta", "operationId": "getSession", "action": "status", "status": 429}
        added = httpx.post(f"{base}/_admin/faults", json={**rule, "times": 1})
        assert added.status_code == 201, added.text
        rule_row = f'{FAULT_ROWS}[data-id="{added.json()["id"]}"]'
        shown = wait(browser).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, rule_row))
        )
        assert "okta getSession" in shown.text and "answer 429" in shown.text
        screenshot(browser, "1b-journal-and-fault-rule")
        shown.find_element(By.TAG_NAME, "button").click()
        wait(browser).until(lambda page: not page.find_elements(By.CSS_SELECTOR, rule_row))
        assert httpx.get(f"{base}/_admin/faults").json()["rules"] == []

        before = clock(base)
        browser.find_element(By.ID, "advance-day").click()
        wait(browser).until(lambda page: not page.find_elements(By.CSS_SELECTOR, row))
        assert clock(base) - before >= timedelta(days=1)
        wait(browser).until(
            expected_conditions.text_to_be_present_in_element(
                (By.ID, "message"), "Advanced the clock by 86400 s."
            )
        )
        assert browser.find_element(By.ID, "clock-now").text.startswith(
            (before + timedelta(days=1)).strftime("%Y-%m-%d")
        )
        screenshot(browser, "2-clock-advanced-session-gone")

        assert browser.find_elements(By.CSS_SELECTOR, OKTA_USERS)  # the demo users, until reset
        browser.find_element(By.ID, "reset").click()
        wait(browser).until(lambda page: not page.find_elements(By.CSS_SELECTOR, OKTA_USERS))
        assert httpx.get(f"{base}/_admin/state/okta").json()["users"] == []
        assert abs(clock(base) - before) < timedelta(minutes=1)  # the clock was reset too
        screenshot(browser, "3-reset")
    # No script error nor refusal by the page's Content-Security-Policy.
    errors = [entry for entry in browser.get_log("browser") if entry["source"] != "network"]
    assert [entry for entry in errors if entry["level"] == "SEVERE"] == []


def test_with_an_admin_token_the_page_asks_for_it_once_and_keeps_it_in_the_tab(
    browser: WebDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIM_ADMIN_TOKEN", "s3cret")  # the server process inherits it
    with sessim_process("memory://") as base:
        browser.get(f"{base}/_admin/")
        token = wait(browser).until(
            expected_conditions.visibility_of_element_located((By.ID, "admin-token"))
        )
        assert browser.find_element(By.ID, "clock-now").text == "…"  # nothing read yet
        screenshot(browser, "4-token-asked")
        token.send_keys("s3cret")
        browser.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
        wait(browser).until(
            lambda page: page.find_element(By.ID, "clock-now").text.startswith("20")
        )
        assert not browser.find_element(By.ID, "token-form").is_displayed()
        stored = browser.execute_script("return sessionStorage.getItem('sessim.adminToken')")
        assert stored == "s3cret"
        browser.refresh()  # the tab keeps it: no second question
        wait(browser).until(
            lambda page: page.find_element(By.ID, "clock-now").text.startswith("20")
        )
        assert not browser.find_element(By.ID, "token-form").is_displayed()
