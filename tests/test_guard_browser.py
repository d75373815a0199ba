"""A hostile page in a real headless Chromium (tests/browser.py) cannot change Sessim's
state: served from another origin, it runs `fetch` with mode "no-cors" against every
state-changing admin operation, then submits a form to /_admin/reset. Afterwards the users,
the clock, the fault rules and the journal are as they were, and the journal shows the
calls that reached Sessim refused with 403. Sessim's own page, the inspector, still resets
and moves the clock: tests/test_inspector_browser.py.

Screenshots in test-artifacts/guard/.
"""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.admin.calls import Call, state_changing
from tests.browser import screenshot, static_origins, wait
from tests.conftest import sessim_process

pytestmark = pytest.mark.browser

FROZEN_AT = "2030-01-01T00:00:00Z"
PAGE = """<!doctype html>
<html><head><title>prize</title></head><body>
<h1>You won a prize</h1>
<form id="reset" method="POST" action="{reset}" enctype="text/plain">
  <input type="hidden" name="x" value="y">
</form>
<pre id="outcomes"></pre>
<script>
const calls = {calls};
async function attack() {{
  const outcomes = await Promise.all(calls.map(async ([method, url, body]) => {{
    try {{
      await fetch(url, {{method, mode: "no-cors", body, credentials: "include"}});
      return method + " " + url + ": sent";
    }} catch (error) {{
      return method + " " + url + ": " + error.name;  // the browser refuses no-cors PUT, DELETE
    }}
  }}));
  document.getElementById("outcomes").textContent = outcomes.join("\\n");
  document.title = "fetched";
}}
attack();
</script>
</body></html>
"""


@contextlib.contextmanager
def hostile_site(page: str, folder: Path) -> Iterator[str]:
    """A web server on another site (localhost, where Sessim is 127.0.0.1) serving `page`
    at /: its base URL."""
    (folder / "index.html").write_text(page)
    with static_origins(folder, 1) as [origin]:
        yield origin


def hostile_page(base: str, calls: list[Call]) -> str:
    fetches = [[call.method, base + call.path, json.dumps(call.body)] for call in calls]
    return PAGE.format(reset=html.escape(f"{base}/_admin/reset"), calls=json.dumps(fetches))


def snapshot(http: httpx.Client) -> dict:
    return {
        "okta": http.get("/_admin/state/okta").json()["users"],
        "clock": http.get("/_admin/clock").json(),
        "faults": http.get("/_admin/faults").json()["rules"],
    }


def test_a_page_on_another_origin_cannot_change_the_state(
    browser: WebDriver, tmp_path: Path
) -> None:
    with sessim_process("memory://", "--demo") as base, httpx.Client(base_url=base) as http:
        assert http.put("/_admin/clock", json={"now": FROZEN_AT, "frozen": True}).status_code == 200
        rule = http.post("/_admin/faults", json={"vendor": "okta", "action": "delay", "delayMs": 1})
        assert rule.status_code == 201
        calls = state_changing(rule.json()["id"])
        before = snapshot(http)
        assert before["okta"] and before["faults"]
        journaled = http.get("/_admin/journal/count").json()["count"]

        with hostile_site(hostile_page(base, calls), tmp_path) as site:
            browser.get(site)
            wait(browser).until(lambda page: page.title == "fetched")
            outcomes = browser.find_element(By.ID, "outcomes").text
            screenshot(browser, "guard", "1-hostile-page-fetched")
            assert snapshot(http) == before
            browser.find_element(By.ID, "reset").submit()
            wait(browser).until(lambda page: page.current_url == f"{base}/_admin/reset")
            answer = browser.find_element(By.TAG_NAME, "body").text
            screenshot(browser, "guard", "2-form-reset-refused")

        assert '"status": 403' in answer
        assert "may not change Sessim's state" in answer
        for call in calls:  # the browser sends what a no-cors fetch may send, and no other
            expected = "sent" if call.method == "POST" else "TypeError"
            assert f"{call.method} {base}{call.path}: {expected}" in outcomes
        assert snapshot(http) == before
        # The POSTs reached Sessim and were refused (a reset and the journal's own calls
        # are never journaled).
        entries = http.get("/_admin/journal", params={"vendor": "admin"}).json()["entries"]
        refused = {entry["operationId"] for entry in entries if entry["status"] == 403}
        posted = {call.operation_id for call in calls if call.method == "POST"}
        assert refused >= posted - {"resetState"}
        assert http.get("/_admin/journal/count").json()["count"] > journaled
