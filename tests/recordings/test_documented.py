"""Recordings that no one here made (issue 22): a session flow of each vendor built from the
vendor's documented requests and answers, or recorded by the vendor's own SDK tests
(tests/recordings/documented/<vendor>/, each file naming its sources), replayed by `sessim
replay` against a fresh Sessim that knows only what the replay infers. Where an example is
not how the service behaves (docs/fidelity.md, "Documented examples replayed"), exactly that
difference is expected, so that any other one fails the test."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sessim.testing import Sessim, running

from tests.recordings.har_schema import assert_valid_har
from tests.recordings.test_record import SESSIM

pytestmark = pytest.mark.slow  # `sessim replay` processes

DOCUMENTED = Path(__file__).parent / "documented"


@dataclass(frozen=True)
class Documented:
    vendor: str
    recording: str  # under DOCUMENTED
    options: tuple[str | Path, ...] = ()
    # (interaction, kind, where) of each difference docs/fidelity.md explains
    expected: frozenset[tuple[str, str, str]] = frozenset()


def _differences(recording: str, *found: tuple[int, str, str]) -> frozenset[tuple[str, str, str]]:
    return frozenset((f"{recording}#{number}", kind, where) for number, kind, where in found)


# The sources show no answer headers but Content-Type: what Sessim sends is not compared.
NO_HEADERS_SHOWN = ("--ignore-header", "Set-Cookie")
NO_RATE_LIMITS_SHOWN = tuple(
    option
    for name in ("Limit", "Remaining", "Reset")
    for option in ("--ignore-header", f"X-Rate-Limit-{name}")
)
OKTA_DOCS = "developer_docs.har"
LINKS = ("self", "refresh")  # a session's links to itself
DWSID_ATTRIBUTES = ("HttpOnly", "Secure", "Path", "SameSite")
SESSION_BRIDGE = "session_bridge.har"
FLOWS = (
    # A live org, as okta-sdk-python recorded it: Sessim answers alike.
    Documented("okta", "okta/session_lifecycle.yaml"),
    Documented("okta", "okta/create_session_invalid_token.yaml"),
    Documented(
        "okta",
        f"okta/{OKTA_DOCS}",
        NO_HEADERS_SHOWN + NO_RATE_LIMITS_SHOWN,
        _differences(
            OKTA_DOCS,
            # The docs abridge authn's answer; a live org adds _links.cancel.
            (2, "key", "$._links"),
            # The examples predate createdAt, and show another user (user@example.com,
            # Isaac Brock) than the authn example signed in, with mfaActive false on create
            # and true on read; a live org links /me on create and another opaque id on read.
            *((call, "key", "$.createdAt") for call in (3, 4)),
            *((call, "value", "$.login") for call in (3, 4)),
            *((call, "value", "$._links.user.name") for call in (3, 4)),
            *((call, "value", f"$._links.{link}.href") for call in (3, 4) for link in LINKS),
            (3, "value", "$._links.user.href"),
            (4, "value", "$.mfaActive"),
        ),
    ),
    Documented(
        "sfcc",
        f"sfcc/{SESSION_BRIDGE}",
        ("--map", "example.com=sfcc", "--seed", DOCUMENTED / "sfcc" / "seed.json"),
        _differences(
            SESSION_BRIDGE,
            # The docs' site has the locale "default"; a RefArch sandbox answers en_US.
            (1, "value", "$.preferred_locale"),
            (3, "value", "$.preferred_locale"),
            # The 32-hex suffix names the docs' own site.
            (2, "cookie", "cookie dwanonymous_a85a5236a2e852d714eb6f1585efb61c"),
            (2, "cookie", "cookie dwanonymous_9472157f9aa1806ebf0ca6f1c4d71437"),
            # The 19.3 sample clears it; the current page says none is set.
            (2, "cookie", "cookie dwsecuretoken_a85a5236a2e852d714eb6f1585efb61c"),
            # The sample abridges the dwsid line; storefronts send these attributes.
            *((2, "cookie", f"cookie dwsid; {name}") for name in DWSID_ATTRIBUTES),
        ),
    ),
    Documented("vestiaire", "vestiaire/scraper_login.har", NO_HEADERS_SHOWN),
    Documented("optimizely", "optimizely/gatling_sign_in.har", NO_HEADERS_SHOWN),
)


@pytest.fixture(scope="module")
def fresh() -> Iterator[Sessim]:
    """One Sessim for every replay: each replay resets it and seeds what it infers."""
    with running() as sessim:
        yield sessim


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.recording for flow in FLOWS])
def test_a_documented_flow_replays_with_only_the_differences_explained(
    fresh: Sessim, tmp_path: Path, flow: Documented
) -> None:
    report = tmp_path / "report.json"
    options = [str(option) for option in flow.options]
    command = [SESSIM, "replay", str(DOCUMENTED / flow.recording), "--url", fresh.url]
    done = subprocess.run(
        [*command, *options, "--report", str(report)], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr and report.exists(), done.stderr
    results = json.loads(report.read_text())["results"]
    assert {result["vendor"] for result in results} == {flow.vendor}, results
    found = {
        (result["source"], difference["kind"], difference["where"])
        for result in results
        for difference in result["differences"]
    }
    assert found == flow.expected, done.stdout
    differing = len({source for source, _, _ in flow.expected})
    assert done.stdout.splitlines()[-1] == f"{len(results)} interactions, {differing} differ"
    assert done.returncode == (1 if differing else 0)


@pytest.mark.parametrize(
    "recording", sorted(DOCUMENTED.glob("*/*.har")), ids=lambda path: path.name
)
def test_a_documented_har_is_valid_har_1_2_naming_its_sources(recording: Path) -> None:
    document = json.loads(recording.read_text())
    assert_valid_har(document)
    assert document["log"]["comment"]
    assert all(entry["comment"] for entry in document["log"]["entries"])
