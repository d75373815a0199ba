"""`sessim replay`: its report on stdout, --report and --junit files, and its exit status:
0 when nothing differs, 1 when something does, 2 with one line on stderr when it could not
run."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from sessim.cli import parser
from sessim.recordings import replay_cli
from sessim.registry import VENDORS
from sessim.testing import Sessim, running

from tests.conftest import sessim_in_process
from tests.recordings import handmade
from tests.recordings.test_replay import Stand


@pytest.fixture(scope="module")
def server() -> Iterator[Sessim]:
    with running() as sessim:
        yield sessim


def recording(directory: Path, name: str, calls: list) -> str:
    path = directory / name
    path.write_text(handmade.har(calls))
    return str(path)


def replayed(stand: Stand, *argv: str) -> subprocess.CompletedProcess[str]:
    """`sessim replay ARGV` with the stand-in comparison and seed inference."""
    out, err = io.StringIO(), io.StringIO()
    args = parser().parse_args(["replay", *argv])
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = replay_cli.run(args, stand.compare, stand.infer_seed)
    return subprocess.CompletedProcess(
        ["sessim", "replay", *argv], status, out.getvalue(), err.getvalue()
    )


def test_nothing_differing_exits_0_with_the_count(server: Sessim, tmp_path: Path) -> None:
    okta = recording(tmp_path, "okta.har", handmade.okta_flow())
    vestiaire = recording(tmp_path, "vestiaire.har", handmade.vestiaire_flow())
    stand = Stand({**handmade.OKTA_FIXTURE, **handmade.VESTIAIRE_FIXTURE})

    done = replayed(stand, okta, vestiaire, "--url", server.url)

    assert (done.returncode, done.stdout, done.stderr) == (0, "8 interactions, 0 differ\n", "")
    assert [one.source for one, _, _, _ in stand.compared] == [
        *(f"okta.har#{place}" for place in range(1, 7)),
        "vestiaire.har#1",
        "vestiaire.har#2",
    ]


def test_a_difference_exits_1_and_is_reported_in_every_form(server: Sessim, tmp_path: Path) -> None:
    calls = handmade.okta_flow()
    calls[3] = replace(calls[3], status=403)  # Sessim answers 200
    okta = recording(tmp_path, "okta.har", calls)
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"

    done = replayed(
        Stand(handmade.OKTA_FIXTURE),
        okta,
        "--url",
        server.url,
        "--report",
        str(report),
        "--junit",
        str(junit),
    )

    assert done.returncode == 1
    assert done.stdout == (
        f"okta.har#4 GET {handmade.OKTA}/api/v1/sessions/me\n"
        "  status at status: recorded 403, Sessim 200 (the status differs)\n"
        "6 interactions, 1 differ\n"
    )
    written = json.loads(report.read_text())
    assert (written["interactions"], written["differ"]) == (6, 1)
    assert [len(result["differences"]) for result in written["results"]] == [0, 0, 0, 1, 0, 0]
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("6", "1")
    failed = [
        case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None
    ]
    assert failed == [f"okta.har#4 GET {handmade.OKTA}/api/v1/sessions/me"]


def test_the_seed_file_is_loaded_over_the_inferred_fixture(server: Sessim, tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(handmade.OKTA_FIXTURE))
    okta = recording(tmp_path, "okta.har", handmade.okta_flow())

    done = replayed(Stand({}), okta, "--url", server.url, "--seed", str(seed))

    assert (done.returncode, done.stdout) == (0, "6 interactions, 0 differ\n")


def test_a_map_places_a_custom_domain(server: Sessim, tmp_path: Path) -> None:
    custom = "https://login.acme.test"
    calls = [
        replace(one, url=one.url.replace(handmade.OKTA, custom)) for one in handmade.okta_flow()
    ]
    okta = recording(tmp_path, "okta.har", calls)

    done = replayed(
        Stand(handmade.OKTA_FIXTURE), okta, "--url", server.url, "--map", "login.acme.test=okta"
    )

    assert (done.returncode, done.stdout) == (0, "6 interactions, 0 differ\n")


def test_the_admin_token_is_an_option_or_a_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vestiaire = recording(tmp_path, "vestiaire.har", handmade.vestiaire_flow())
    monkeypatch.delenv("SESSIM_ADMIN_TOKEN", raising=False)
    with running(admin_token="r3play-t0ken") as guarded:
        refused = replayed(Stand({}), vestiaire, "--url", guarded.url)
        given = replayed(
            Stand(handmade.VESTIAIRE_FIXTURE),
            vestiaire,
            "--url",
            guarded.url,
            "--admin-token",
            "r3play-t0ken",
        )
        monkeypatch.setenv("SESSIM_ADMIN_TOKEN", "r3play-t0ken")
        from_variable = replayed(Stand(handmade.VESTIAIRE_FIXTURE), vestiaire, "--url", guarded.url)

    assert refused.returncode == 2
    assert refused.stderr.startswith("sessim replay: Sessim refused the admin token")
    assert (given.returncode, from_variable.returncode) == (0, 0)


def cannot_run(*argv: str) -> str:
    """`sessim replay ARGV` run as the command runs, which could not run: its one line."""
    done = sessim_in_process("replay", *argv)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    return done.stderr.strip()


def test_a_file_that_is_not_a_recording(server: Sessim, tmp_path: Path) -> None:
    garbage = tmp_path / "notes.txt"
    garbage.write_text("just: [some, yaml\n")

    assert cannot_run(str(garbage), "--url", server.url).startswith(
        f"sessim replay: {garbage}: neither JSON nor valid YAML"
    )


@pytest.mark.registry
def test_a_host_no_vendor_is_known_at(server: Sessim, tmp_path: Path) -> None:
    calls = [replace(handmade.okta_flow()[0], url="https://login.acme.test/api/v1/authn")]
    unknown = recording(tmp_path, "unknown.har", calls)

    assert cannot_run(unknown, "--url", server.url) == (
        "sessim replay: no vendor is known at login.acme.test: say whose its calls are with "
        f"--map login.acme.test=VENDOR (VENDOR one of {', '.join(VENDORS)}), "
        "or leave them out with --skip-host login.acme.test"
    )


def test_the_hosts_skipped_are_left_out_of_a_browser_har(server: Sessim, tmp_path: Path) -> None:
    flow = handmade.okta_flow()
    page = replace(flow[0], method="GET", url="http://localhost:3000/login")
    script = replace(flow[0], method="GET", url="https://cdn.example.test:8443/app.js")
    browser = recording(tmp_path, "browser.har", [page, *flow[:3], script, *flow[3:]])

    assert cannot_run(browser, "--url", server.url).startswith(
        "sessim replay: no vendor is known at localhost:3000: "
    )
    done = replayed(
        Stand(handmade.OKTA_FIXTURE), browser, "--url", server.url,
        "--skip-host", "LOCALHOST:3000", "--skip-host", "cdn.example.test",
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "6 interactions, 0 differ\n")


def test_no_sessim_at_the_url(tmp_path: Path) -> None:
    vestiaire = recording(tmp_path, "vestiaire.har", handmade.vestiaire_flow())
    with running() as gone:
        url = gone.url

    assert re.fullmatch(
        rf"sessim replay: no Sessim answers at {re.escape(url)} \(.*\); "
        r"is `sessim serve` running there\?",
        cannot_run(vestiaire, "--url", url),
    )


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--map", "login.acme.test"], "sessim replay: --map login.acme.test: give HOST=VENDOR"),
        (["--map", "h=nobody"], "sessim replay: --map h=nobody: give HOST=VENDOR"),
        (["--seed", "missing.yaml"], "sessim replay: cannot read the fixture missing.yaml"),
    ],
)
def test_a_wrong_option(server: Sessim, tmp_path: Path, options: list[str], said: str) -> None:
    vestiaire = recording(tmp_path, "vestiaire.har", handmade.vestiaire_flow())

    assert cannot_run(vestiaire, "--url", server.url, *options).startswith(said)


def test_the_real_comparison_and_seed_inference(server: Sessim, tmp_path: Path) -> None:
    # The log-in's user inferred from the recording (POST /sessions/, slash and all); the
    # recorded __session cookie has no SameSite, Sessim's has.
    vestiaire = recording(tmp_path, "vestiaire.har", handmade.vestiaire_flow())

    done = sessim_in_process("replay", vestiaire, "--url", server.url)
    narrowed = sessim_in_process(
        "replay", vestiaire, "--url", server.url, "--ignore-header", "Set-Cookie"
    )

    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == (
        "vestiaire.har#1 POST https://apiv2.vestiairecollective.com/sessions/"
        "?x-currency=EUR&x-language=en&x-siteid=1\n"
        '  cookie at cookie __session; SameSite: recorded null, Sessim "Lax" '
        "(the browser sends the cookie on other requests)\n"
        "2 interactions, 1 differ\n"
    )
    assert (narrowed.returncode, narrowed.stdout) == (0, "2 interactions, 0 differ\n")


def test_a_jsonpath_outside_the_subset_is_refused_before_any_call(
    server: Sessim, tmp_path: Path
) -> None:
    vestiaire = recording(tmp_path, "vestiaire.har", handmade.vestiaire_flow())
    server.reset()
    before = server.journal.count()

    said = cannot_run(vestiaire, "--url", server.url, "--ignore", "$.a[?(@.b)]")

    assert said.startswith("sessim replay: ") and "$.a[?(@.b)]" in said
    assert server.journal.count() == before  # no call, not even the reset
