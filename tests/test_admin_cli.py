"""The admin commands (`sessim reset|seed|clock|journal|faults`) against a real server, and
their one-line failures: no server, a refused token, wrong input. Each family runs as the
`sessim` command at least once, and each failing status too; the rest run its main() in
this process (what a command says is the test there)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import httpx
import pytest
import sessim
from sessim.admin_cli import admin_url
from sessim.cli import parser
from sessim.testing import Sessim

from tests.conftest import free_port, sessim_in_process

pytestmark = pytest.mark.slow

SESSIM = str(Path(sys.executable).parent / "sessim")
LOGIN = {"email": "ana@example.com", "password": "correct horse"}
FIXTURE = {"vestiaire": {"users": [{**LOGIN, "id": "28731456"}]}}
SEED_YAML = "vestiaire:\n  users:\n    - {email: ana@example.com, password: correct horse}\n"


def cli(
    *args: str, url: str | None = None, token: str | None = None, process: bool = False
) -> subprocess.CompletedProcess:
    """`sessim ARGS` with SESSIM_URL and SESSIM_ADMIN_TOKEN as given (unset otherwise): run
    in this process (what it says is the test), or with `process`, as the `sessim` command
    (each command family and each failing status has one such test)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SESSIM_URL", "SESSIM_ADMIN_TOKEN")}
    env.update({"SESSIM_URL": url} if url else {})
    env.update({"SESSIM_ADMIN_TOKEN": token} if token else {})
    if process:
        return subprocess.run([SESSIM, *args], capture_output=True, text=True, env=env, timeout=60)
    with mock.patch.dict(os.environ, env, clear=True):
        return sessim_in_process(*args)


def succeeds(*args: str, url: str, token: str | None = None, process: bool = False) -> str:
    result = cli(*args, url=url, token=token, process=process)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


def fails(
    status: int, *args: str, url: str, token: str | None = None, process: bool = False
) -> str:
    """The one line the command wrote to stderr, having exited with status."""
    result = cli(*args, url=url, token=token, process=process)
    assert result.returncode == status, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture
def url(sessim_shared: Sessim) -> str:
    """The URL of the run's Sessim (the plugin's fixture), reset for this test."""
    return sessim_shared.url


def log_in(url: str) -> int:
    return httpx.post(f"{url}/vestiaire/sessions", json=LOGIN).status_code


def test_seed_loads_a_yaml_file_and_reset_wipes_it(url: str, tmp_path: Path) -> None:
    fixture = tmp_path / "users.yaml"
    fixture.write_text(SEED_YAML)
    seeded = succeeds("seed", str(fixture), url=url, process=True)
    assert seeded == "vestiaire: 1 users, 0 settings\n"
    assert log_in(url) == 201
    assert succeeds("reset", url=url, process=True) == ""
    assert log_in(url) == 401


def test_seed_reads_json_and_the_url_flag_wins_over_the_environment(
    url: str, tmp_path: Path
) -> None:
    fixture = tmp_path / "users.json"
    fixture.write_text(json.dumps(FIXTURE))
    nobody = f"http://127.0.0.1:{free_port()}"
    assert (
        succeeds("seed", "--url", url, str(fixture), url=nobody)
        == "vestiaire: 1 users, 0 settings\n"
    )
    assert log_in(url) == 201


def test_clock_set_advance_show_and_unfreeze(url: str) -> None:
    set_at = succeeds("clock", "set", "2026-03-01T10:00:00Z", "--frozen", url=url, process=True)
    assert set_at == "2026-03-01T10:00:00Z (frozen)\n"
    assert succeeds("clock", "advance", "2h", url=url) == "2026-03-01T12:00:00Z (frozen)\n"
    assert succeeds("clock", "advance", "1h30m", url=url) == "2026-03-01T13:30:00Z (frozen)\n"
    assert succeeds("clock", "advance", "90", url=url) == "2026-03-01T13:31:30Z (frozen)\n"
    assert succeeds("clock", url=url) == "2026-03-01T13:31:30Z (frozen)\n"
    assert succeeds("clock", "--url", url, url="http://127.0.0.1:1") == succeeds("clock", url=url)
    assert httpx.get(f"{url}/_admin/clock").json()["now"].startswith("2026-03-01T13:31:30")
    running = succeeds("clock", "set", "--running", url=url)
    assert running.startswith("2026-03-01T13:31:") and running.endswith(" (running)\n")


def test_a_session_expires_when_the_cli_moves_the_clock(url: str, sessim_shared: Sessim) -> None:
    sessim_shared.seed(FIXTURE)
    session = httpx.post(f"{url}/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
    succeeds("clock", "advance", "31d", url=url)
    gone = httpx.delete(f"{url}/vestiaire/sessions/{session}", headers={"__session": session})
    assert gone.status_code == 401


def test_no_server_is_one_line_and_status_1() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    for args in (["reset"], ["clock"], ["clock", "advance", "1h"], ["journal"], ["faults", "list"]):
        line = fails(1, *args, url=nobody, process=args == ["journal"])
        assert line.startswith(f"sessim {args[0]}: no Sessim answers at {nobody} (")
        assert line.endswith("is `sessim serve` running there?\n")


def test_the_url_comes_from_the_flag_then_sessim_url_then_the_local_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SESSIM_URL", raising=False)
    assert admin_url(parser().parse_args(["clock"])) == "http://127.0.0.1:8080"
    monkeypatch.setenv("SESSIM_URL", "http://sessim.test:9000")
    assert admin_url(parser().parse_args(["reset"])) == "http://sessim.test:9000"
    flagged = parser().parse_args(["faults", "list", "--url", "http://elsewhere:1"])
    assert admin_url(flagged) == "http://elsewhere:1"


REFUSED = (
    "sessim reset: Sessim refused the admin token ({}): give the token the server was started "
    "with (--admin-token or SESSIM_ADMIN_TOKEN)\n"
)


def test_a_refused_or_missing_token_is_one_line_and_status_1() -> None:
    with sessim.running(admin_token="s3cret-admin") as guarded:
        missing = fails(1, "reset", url=guarded.url)
        assert missing == REFUSED.format("No authorization token provided")
        for args, token in ((["reset"], "wrong"), (["reset", "--admin-token", "wrong"], None)):
            assert fails(1, *args, url=guarded.url, token=token) == REFUSED.format(
                "Provided token is not valid"
            )
        assert succeeds("clock", "set", "--frozen", url=guarded.url, token="s3cret-admin")
        assert guarded.clock.get().frozen


def test_the_admin_token_option_wins_over_the_variable() -> None:
    with sessim.running(admin_token="s3cret-admin") as guarded:
        given = ("--admin-token", "s3cret-admin")
        assert succeeds("clock", "set", "--frozen", *given, url=guarded.url, token="wrong")
        assert succeeds("faults", "list", *given, url=guarded.url) == ""
        refused = fails(1, "reset", "--admin-token", "wrong", url=guarded.url, token="s3cret-admin")
        assert refused == REFUSED.format("Provided token is not valid")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clock", "advance", "2x"], "'2x' is not a duration"),
        (["clock", "set", "yesterday"], "'yesterday' is not an instant"),
        (["clock", "set", "2026-03-01T10:00:00"], "is not an instant"),
        (["clock", "set"], "give an instant, --frozen or --running"),
        (["seed", "/nonexistent/fixture.yaml"], "cannot read the fixture /nonexistent/"),
    ],
)
def test_wrong_input_is_one_line_and_status_2(url: str, args: list[str], message: str) -> None:
    line = fails(2, *args, url=url)
    assert line.startswith(f"sessim {args[0]}: ") and message in line


def test_what_sessim_refuses_is_one_line_with_its_reason(url: str) -> None:
    """The server's status and reason. A bad fixture never gets there: `sessim seed` refuses
    it before any call (tests/test_cli.py)."""
    line = fails(1, "clock", "advance", "1000000d", url=url)
    assert line.startswith("sessim clock: POST /_admin/clock/advance: 400 ")


def test_journal_lists_counts_filters_and_clears(url: str, sessim_shared: Sessim) -> None:
    sessim_shared.seed(FIXTURE)
    sessim_shared.journal.clear()
    assert log_in(url) == 201
    assert httpx.post(f"{url}/vestiaire/sessions", json={**LOGIN, "password": "no"}).is_error
    assert httpx.get(f"{url}/vestiaire/sessions").status_code == 405
    listed = succeeds("journal", "--vendor", "vestiaire", url=url, process=True).splitlines()
    assert [line.split("  ")[1:3] for line in listed if not line.startswith(" ")] == [
        ["405", "GET /vestiaire/sessions"],
        ["401", "POST /vestiaire/sessions"],
        ["201", "POST /vestiaire/sessions"],
    ]
    assert "invalid_credentials" in listed[-2]
    assert "near miss: vestiaire createSession (POST /vestiaire/sessions)" in listed[1]
    assert succeeds("journal", "count", "--operation", "createSession", url=url) == "2\n"
    assert succeeds("journal", "count", "--status", "401", url=url) == "1\n"
    newest = json.loads(succeeds("journal", "--limit", "1", "--json", url=url))
    assert [(entry["method"], entry["status"]) for entry in newest] == [("GET", 405)]
    assert succeeds("journal", "clear", url=url) == ""
    assert succeeds("journal", "count", "--vendor", "vestiaire", url=url) == "0\n"
    line = fails(2, "journal", "--since", "last week", url=url, process=True)
    assert line.startswith("sessim journal: 'last week' is not an instant")


def test_faults_add_list_remove_and_clear(url: str, sessim_shared: Sessim) -> None:
    sessim_shared.seed(FIXTURE)
    added = succeeds(
        "faults", "add", "status", "503", "--vendor", "vestiaire", "--operation",
        "createSession", "--times", "1", url=url, process=True,
    )  # fmt: skip
    rule_id = added.split()[0]
    assert added == (
        f"{rule_id}  status 503  vendor=vestiaire operation=createSession  (1 left, matched 0)\n"
    )
    assert log_in(url) == 503
    assert log_in(url) == 201
    assert succeeds("faults", "list", url=url) == (
        f"{rule_id}  status 503  vendor=vestiaire operation=createSession  (0 left, matched 2)\n"
    )
    delay = json.loads(
        succeeds("faults", "add", "delay", "250ms", "--max", "1s", "--method", "post", "--json",
                 url=url)
    )  # fmt: skip
    assert (delay[0]["delayMs"], delay[0]["delayMaxMs"], delay[0]["method"]) == (250, 1000, "POST")
    assert succeeds("faults", "remove", rule_id, url=url) == ""
    rules = json.loads(succeeds("faults", "list", "--json", url=url))
    assert [rule["id"] for rule in rules] == [delay[0]["id"]]
    assert succeeds("faults", "add", "drop", "--path", "/okta/*", url=url).split()[1] == "drop"
    assert succeeds("faults", "clear", url=url) == ""
    assert succeeds("faults", "list", url=url) == ""
    assert fails(1, "faults", "remove", rule_id, url=url).startswith(
        f"sessim faults: DELETE /_admin/faults/{rule_id}: 404 "
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status"], "a status rule needs a status: `status 429`"),
        (["status", "soon"], "a status rule needs a status"),
        (["delay"], "a delay rule needs a duration"),
        (["delay", "2x"], "'2x' is not a duration"),
        (["drop", "5"], "a drop rule takes no value"),
    ],
)
def test_a_wrong_fault_is_one_line_and_status_2(url: str, args: list[str], message: str) -> None:
    line = fails(2, "faults", "add", *args, url=url)
    assert line.startswith("sessim faults: ") and message in line


def test_what_sessim_refuses_of_a_fault_is_one_line_with_its_reason(url: str) -> None:
    line = fails(1, "faults", "add", "status", "200", url=url)
    assert line.startswith("sessim faults: POST /_admin/faults: 400 ")
