"""The inspector page in a real headless Chromium (Debian's chromium and chromium-driver,
driven by selenium): log in through Okta's API, see the session and its journal entry on
the page, see a fault rule and remove it from the page, advance the clock from the page
past the session's lifetime, see the session go, and reset from the page; keep the user's
place (open entries, focus, scroll, filters) through updates; fit a 400 px screen; act on
sessions, users, faults and fixtures; pass axe-core and work by keyboard alone.

One Sessim serves the module (each test starts from the demo fixture). Each step's
screenshot is saved in test-artifacts/inspector/ (tests/browser.py opens the browser).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from sessim.admin.fixtures import demo

from tests.browser import screenshot as browser_screenshot
from tests.browser import wait
from tests.conftest import ROOT, sessim_process

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


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One Sessim for the module (a test's browser quits before it stops: the page's long
    poll then ends at once)."""
    with sessim_process("memory://") as base:
        yield base


@pytest.fixture
def base(server: str) -> str:
    """The module's Sessim, reset and seeded with the demo fixture."""
    marked = {"X-Sessim-Admin": "tests"}  # issue 23's guard refuses it unmarked
    assert httpx.post(f"{server}/_admin/reset", headers=marked).status_code == 204
    assert httpx.post(f"{server}/_admin/seed", json=demo()).status_code == 200
    return server


def no_script_errors(browser: WebDriver) -> None:
    """No script error nor refusal by the page's Content-Security-Policy."""
    errors = [entry for entry in browser.get_log("browser") if entry["source"] != "network"]
    assert [entry for entry in errors if entry["level"] == "SEVERE"] == []


def refreshed(browser: WebDriver) -> int:
    return int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-refreshed") or 0)


def click(browser: WebDriver, target: WebElement) -> None:
    """A click on an element brought to the middle of the window (the driver's own scrolling
    would leave it under the sticky header)."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    target.click()


def open_page(browser: WebDriver, base: str) -> None:
    browser.get(f"{base}/_admin")
    wait(browser).until(lambda page: refreshed(page) >= 1)


def test_a_session_appears_expires_when_the_page_advances_the_clock_and_reset_clears(
    browser: WebDriver, base: str
) -> None:
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
    click(browser, shown.find_element(By.CSS_SELECTOR, "button[aria-label='Remove this rule']"))
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
    browser.find_element(By.ID, "reset").click()  # asks first
    cancel = browser.find_element(By.ID, "reset-no")
    assert cancel == browser.switch_to.active_element
    cancel.click()
    assert not browser.find_element(By.ID, "reset-confirm").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, OKTA_USERS)
    browser.find_element(By.ID, "reset").click()
    browser.find_element(By.ID, "reset-yes").click()
    wait(browser).until(lambda page: not page.find_elements(By.CSS_SELECTOR, OKTA_USERS))
    assert httpx.get(f"{base}/_admin/state/okta").json()["users"] == []
    assert abs(clock(base) - before) < timedelta(minutes=1)  # the clock was reset too
    screenshot(browser, "3-reset")
    # After the reset, the tables read "none", not "not loaded".
    sessions = browser.find_element(By.CSS_SELECTOR, 'section[data-vendor="okta"] .sessions tbody')
    assert sessions.get_attribute("data-loaded") == "yes"
    no_script_errors(browser)


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
        unread = browser.find_element(By.CSS_SELECTOR, 'section[data-vendor="okta"] .users tbody')
        assert unread.get_attribute("data-loaded") == "no"  # "not loaded", not "none"
        assert "not loaded" in browser.find_element(By.ID, "vendor-okta").text
        assert serious_violations(browser) == []  # the token asked for
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
        browser.get("about:blank")  # the page's long poll ends before the server stops


def test_open_entries_focus_scroll_and_filters_survive_updates(
    browser: WebDriver, base: str
) -> None:
    okta_session(base)
    open_page(browser, base)
    entry = wait(browser).until(
        lambda page: page.find_elements(By.CSS_SELECTOR, f"{JOURNAL_ROWS} details")
    )[0]
    entry_id = entry.find_element(By.XPATH, "./ancestor::tr").get_attribute("data-id")
    click(browser, entry.find_element(By.TAG_NAME, "summary"))
    session = browser.find_element(By.CSS_SELECTOR, f"{OKTA_SESSIONS} details")
    click(browser, session.find_element(By.TAG_NAME, "summary"))
    wait(browser).until(lambda _: "context" in session.text)
    assert "cookie sid=" in session.text  # what carries an Okta session
    browser.find_element(By.ID, "journal-status").send_keys("200")  # a filter, not applied yet
    seconds = browser.find_element(By.ID, "advance-seconds")
    seconds.send_keys("42")  # focused, typed into
    # The user's place: the open entry where they scrolled it (new rows come above it).
    where = "return arguments[0].getBoundingClientRect().top"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", entry)
    top = browser.execute_script(where, entry)
    before = refreshed(browser)
    for live in (2, 3, 4):  # changes: three more logins, each an update of the page
        okta_session(base)
        wait(browser).until(
            lambda page, live=live: len(page.find_elements(By.CSS_SELECTOR, OKTA_SESSIONS)) == live
        )
    assert refreshed(browser) >= before + 3
    kept = browser.find_element(By.CSS_SELECTOR, f'{JOURNAL_ROWS}[data-id="{entry_id}"] details')
    assert kept.get_attribute("open") is not None
    assert browser.find_element(By.CSS_SELECTOR, f"{OKTA_SESSIONS} details[open]")
    assert browser.switch_to.active_element == seconds
    assert seconds.get_attribute("value") == "42"
    assert browser.find_element(By.ID, "journal-status").get_attribute("value") == "200"
    assert abs(browser.execute_script(where, kept) - top) < 2  # scrolling is by whole pixels
    screenshot(browser, "5-place-kept")
    no_script_errors(browser)


def test_at_400_px_nothing_scrolls_sideways(browser: WebDriver, base: str) -> None:
    okta_session(base)
    browser.set_window_size(400, 900)
    try:
        open_page(browser, base)
        wait(browser).until(lambda page: page.find_elements(By.CSS_SELECTOR, OKTA_SESSIONS))
        widths = browser.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
        header = browser.find_element(By.TAG_NAME, "header")
        assert header.value_of_css_property("position") != "sticky"
        fold = browser.find_element(By.CSS_SELECTOR, 'section[data-vendor="okta"] button.fold')
        fold.click()  # the card folds
        assert fold.get_attribute("aria-expanded") == "false"
        assert not browser.find_element(By.ID, "body-okta").is_displayed()
        screenshot(browser, "6-narrow")
    finally:
        browser.set_window_size(1280, 1400)


def row_button(browser: WebDriver, row: str, label: str) -> WebElement:
    return browser.find_element(By.CSS_SELECTOR, f"{row} button[aria-label='{label}']")


def test_the_page_revokes_unlocks_deactivates_adds_a_rule_and_seeds(
    browser: WebDriver, base: str
) -> None:
    user_id, session_id = okta_session(base)
    open_page(browser, base)
    session_row = f'{OKTA_SESSIONS}[data-id="{session_id}"]'
    wait(browser).until(lambda page: page.find_elements(By.CSS_SELECTOR, session_row))
    click(browser, row_button(browser, session_row, "Revoke this session"))
    wait(browser).until(lambda page: not page.find_elements(By.CSS_SELECTOR, session_row))
    gone = 'section[data-vendor="okta"] table.gone tbody tr'
    assert "ended" in browser.find_element(By.CSS_SELECTOR, f'{gone}[data-id="{session_id}"]').text
    okta = httpx.Client(
        base_url=f"{base}/okta/api/v1",
        headers={"Authorization": f"SSWS {demo()['okta']['api_tokens'][0]}"},
    )
    assert okta.get(f"/sessions/{session_id}").status_code == 404  # Okta itself sees it

    # Locked out by failed logins: the page shows it and unlocks.
    dana = demo()["okta"]["users"][0]
    wrong = {"username": dana["login"], "password": "wrong"}
    while "LOCKED_OUT" not in okta.get(f"/users/{user_id}").json()["status"]:
        okta.post("/authn", json=wrong)
    user_row = f'{OKTA_USERS}[data-id="{user_id}"]'
    wait(browser).until(
        lambda page: "locked out" in page.find_element(By.CSS_SELECTOR, user_row).text
    )
    click(browser, row_button(browser, user_row, "Unlock this user"))
    wait(browser).until(
        lambda page: "locked" not in page.find_element(By.CSS_SELECTOR, user_row).text
    )
    assert okta.get(f"/users/{user_id}").json()["status"] == "ACTIVE"
    click(browser, row_button(browser, user_row, "Deactivate this user"))
    wait(browser).until(
        lambda page: "DEPROVISIONED" in page.find_element(By.CSS_SELECTOR, user_row).text
    )
    assert okta.get(f"/users/{user_id}").json()["status"] == "DEPROVISIONED"

    # A fault rule from the form.
    Select(browser.find_element(By.ID, "fault-vendor")).select_by_value("okta")
    browser.find_element(By.ID, "fault-operation").send_keys("getSession")
    status = browser.find_element(By.ID, "fault-status")
    status.clear()
    status.send_keys("503")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#fault-form button[type=submit]"))
    wait(browser).until(lambda page: page.find_elements(By.CSS_SELECTOR, FAULT_ROWS))
    [rule] = httpx.get(f"{base}/_admin/faults").json()["rules"]
    assert (rule["vendor"], rule["operationId"], rule["status"]) == ("okta", "getSession", 503)

    # A fixture from the page: a new Okta user shows.
    fixture = {
        "okta": {
            "users": [
                {
                    "id": "00useeded00000000000",
                    "login": "seeded@example.com",
                    "password": "Pa55word!x",
                    "firstName": "Seed",
                    "lastName": "Ed",
                }
            ]
        }
    }
    seed_text = browser.find_element(By.ID, "seed-text")
    seed_text.send_keys("{not json")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#seed-form button[type=submit]"))
    assert "not JSON" in browser.find_element(By.ID, "message").text
    seed_text.clear()
    seed_text.send_keys(json.dumps(fixture))
    click(browser, browser.find_element(By.CSS_SELECTOR, "#seed-form button[type=submit]"))
    seeded = f'{OKTA_USERS}[data-id="00useeded00000000000"]'
    wait(browser).until(lambda page: page.find_elements(By.CSS_SELECTOR, seeded))
    screenshot(browser, "7-actions")
    okta.close()
    no_script_errors(browser)


def test_the_outbox_shows_an_unlock_email_and_the_journal_links_to_the_session(
    browser: WebDriver, base: str
) -> None:
    dana = demo()["okta"]["users"][0]
    sent = httpx.post(
        f"{base}/okta/api/v1/authn/recovery/unlock",
        json={"username": dana["login"], "factorType": "EMAIL"},
    )
    assert sent.status_code == 200, sent.text
    _user_id, session_id = okta_session(base)
    open_page(browser, base)
    mail = wait(browser).until(
        lambda page: page.find_elements(
            By.CSS_SELECTOR, 'section[data-vendor="okta"] table.outbox tbody tr'
        )
    )[0]
    assert dana["login"] in mail.text and "recoveryToken" in mail.text
    link = wait(browser).until(
        lambda page: page.find_elements(
            By.CSS_SELECTOR, f'{JOURNAL_ROWS} a[href="#session-okta-{session_id}"]'
        )
    )[0]
    click(browser, link)
    assert browser.execute_script("return location.hash") == f"#session-okta-{session_id}"
    no_script_errors(browser)


AXE = ROOT / "tests/clients/node/node_modules/axe-core/axe.min.js"


def serious_violations(browser: WebDriver) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands (axe is injected
    by the driver, not loaded by the page: its Content-Security-Policy stays strict)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make node-clients` installs axe-core")
    browser.execute_script(AXE.read_text())
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then((r) => done(r.violations), (e) => done([{id: String(e)}]));"
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v.get("nodes", [])]}
        for v in found
        if v.get("impact") in {"serious", "critical"} or "impact" not in v
    ]


def test_axe_finds_nothing_serious_and_the_main_actions_work_by_keyboard(
    browser: WebDriver, base: str
) -> None:
    okta_session(base)
    open_page(browser, base)
    wait(browser).until(lambda page: page.find_elements(By.CSS_SELECTOR, OKTA_SESSIONS))
    assert serious_violations(browser) == []  # loaded
    body = browser.find_element(By.TAG_NAME, "body")
    actions = ActionChains(browser)

    def focus_on(css: str) -> WebElement:
        target = wait(browser).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
        )
        for _ in range(200):  # Tab until it holds the focus
            if browser.switch_to.active_element == target:
                return target
            actions.send_keys(Keys.TAB).perform()
        raise AssertionError(f"{css} is never reached by Tab")

    body.click()
    focus_on("#advance-day").send_keys(Keys.ENTER)
    wait(browser).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "message"), "Advanced the clock")
    )
    focus_on("#reset").send_keys(Keys.ENTER)  # the confirmation takes the focus
    assert browser.switch_to.active_element.get_attribute("id") == "reset-no"
    assert serious_violations(browser) == []  # asking to confirm
    actions.send_keys(Keys.ENTER).perform()  # cancel
    assert browser.switch_to.active_element.get_attribute("id") == "reset"
    okta_session(base)
    summary = focus_on(f"{OKTA_SESSIONS} summary")
    summary.send_keys(Keys.ENTER)
    wait(browser).until(
        lambda page: (
            "context" in page.find_element(By.CSS_SELECTOR, f"{OKTA_SESSIONS} details").text
        )
    )
    assert serious_violations(browser) == []  # a session's detail open
    focus_on(f"{OKTA_SESSIONS} button[aria-label='Copy session id']").send_keys(Keys.ENTER)
    wait(browser).until(
        lambda page: "Copied the session id" in page.find_element(By.ID, "message").text
    )
    focus_on(f"{OKTA_SESSIONS} button[aria-label='Revoke this session']").send_keys(Keys.ENTER)
    wait(browser).until(lambda page: "Revoked" in page.find_element(By.ID, "message").text)
    focus_on("#fault-operation").send_keys("getSession")
    actions.send_keys(Keys.ENTER).perform()  # submits the form
    wait(browser).until(lambda page: page.find_elements(By.CSS_SELECTOR, FAULT_ROWS))
    focus_on("#reset").send_keys(Keys.ENTER)
    focus_on("#reset-yes").send_keys(Keys.ENTER)
    wait(browser).until(lambda page: not page.find_elements(By.CSS_SELECTOR, OKTA_USERS))
    assert serious_violations(browser) == []  # empty: every table says "none"
    screenshot(browser, "8-keyboard")
    no_script_errors(browser)
