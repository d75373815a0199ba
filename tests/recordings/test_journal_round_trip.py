"""Issue 22's journal round trip: a flow of each vendor run against a Sessim, its journal
exported as HAR through the admin API (valid HAR 1.2), replayed by `sessim replay` against a
fresh Sessim that knows nothing but what the replay infers from it: zero differences. The
journal's placeholders stand for the secrets: the same secret, the same placeholder, so the
replay maps the tokens handed out and seeds the passwords the logins used."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sessim.testing import running

from tests.recordings.flows import FIXTURE, FLOWS
from tests.recordings.har_schema import assert_valid_har
from tests.recordings.test_record import PLACEHOLDER
from tests.recordings.test_round_trip import replayed

pytestmark = pytest.mark.slow  # `sessim replay` processes


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each vendor's flow, journaled alone after the seed a test would load first (an admin
    call, which the replay skips: it seeds what it infers), and exported as HAR."""
    folder = tmp_path_factory.mktemp("journal")
    files = {}
    with running(seed=FIXTURE) as sessim:
        for vendor, flow in FLOWS.items():
            sessim.journal.clear()
            with httpx.Client(base_url=sessim.url) as client:
                assert client.post("/_admin/seed", json=FIXTURE).status_code == 200
                flow(client)
            files[vendor] = folder / f"{vendor}.har"
            files[vendor].write_text(json.dumps(sessim.journal.har()))
    return files


@pytest.mark.parametrize("vendor", FLOWS)
def test_a_journal_exported_as_har_replays_without_a_difference(
    exported: dict[str, Path], tmp_path: Path, vendor: str
) -> None:
    document = json.loads(exported[vendor].read_text())
    assert_valid_har(document)
    paths = [urlsplit(entry["request"]["url"]).path for entry in document["log"]["entries"]]
    assert paths[0] == "/_admin/seed"
    assert PLACEHOLDER.search(exported[vendor].read_text())
    done, report = replayed(exported[vendor], tmp_path)
    calls = len(paths) - 1  # the admin call skipped
    assert done.stdout.splitlines()[-1] == f"{calls} interactions, 0 differ", done.stdout
    assert done.returncode == 0
    assert report["differ"] == 0
