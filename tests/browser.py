"""Headless Chromium for the browser tests (Debian's chromium and chromium-driver, driven by
selenium; tests/conftest.py's `browser` fixture opens one), screenshots into
test-artifacts/, and a wait that tries again when a page replaced the element it read.

`make test` installs the browser where it is missing; where it cannot be installed the
tests that use it fail saying so.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
WAIT_SECONDS = 15


def chromium(*arguments: str, prefs: dict[str, object] | None = None) -> WebDriver:
    """A headless Chromium, with `arguments` beside the house's own and `prefs` in its new
    profile (such as {"profile.cookie_controls_mode": 0}: third-party cookies allowed)."""
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver is None:
        pytest.fail(
            "Debian's chromium and chromium-driver are not installed, and this test needs "
            "them: `make test` installs them (apt-get install -y chromium chromium-driver)."
        )
    options = Options()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", *arguments):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1400")
    if prefs:
        options.add_experimental_option("prefs", prefs)
    # The driver's own path: selenium then looks nothing up (no Selenium Manager download).
    return webdriver.Chrome(service=Service(driver), options=options)


def screenshot(browser: WebDriver, folder: str, name: str) -> Path:
    """Saves the page as test-artifacts/<folder>/<name>.png."""
    path = ARTIFACTS / folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(path))
    return path


def wait(browser: WebDriver, seconds: float = WAIT_SECONDS) -> WebDriverWait:
    """A wait that tries again when the page replaced an element it was reading."""
    return WebDriverWait(browser, seconds, ignored_exceptions=[StaleElementReferenceException])


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """The test's output stays the test's: no line per file served."""


@contextlib.contextmanager
def static_origins(folder: Path, count: int, host: str = "localhost") -> Iterator[list[str]]:
    """The files of `folder` served on `count` ports of the loopback, each its own origin
    (one trusted by the server under test, another not): their origins, `http://HOST:PORT`.
    As `localhost` they are same-site with a Sessim reached as localhost, as a dev server
    and its API are; as `127.0.0.1`, another site."""
    handler = functools.partial(_QuietFiles, directory=str(folder))
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler) for _ in range(count)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield [f"http://{host}:{server.server_address[1]}" for server in servers]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
