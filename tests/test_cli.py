"""`sessim serve`: flags, their SESSIM_* variables, --api and --root, and a real start."""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sessim.cli import parser, settings_from
from sessim.core.kit.store import URL_FORMS
from sessim.registry import VENDORS
from sessim.settings import VENDOR_APIS

from tests.conftest import (
    AppFor,
    Reset,
    free_port,
    sessim_command,
    sessim_in_process,
    sessim_process,
    wait_until_listening,
)
from tests.redis_servers import DURABLE_PORTS, free_ports, start_redis, wait_for_redis


def settings_for(argv: list[str]):
    return settings_from(parser().parse_args(["serve", *argv]))


def serve_and_exit(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`sessim serve` expected to stop at start-up, run to its end in cwd: a store it opens
    from the default URL (sqlite:///var/sessim.db) is made there, not in the checkout."""
    return subprocess.run(
        [sys.executable, "-c", "from sessim.cli import main; main()", "serve", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


@contextlib.contextmanager
def serving(cwd: Path, store: str) -> Iterator[tuple[str, list[str]]]:
    """`sessim serve --store STORE` run in cwd until the block ends: its base URL, and the
    lines it wrote to stderr before it answered (the start-up lines)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(sessim_command(port, store), cwd=cwd, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_listening(base, server, log)
            log.seek(0)
            yield base, log.read().decode().splitlines()
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.mark.registry
def test_defaults() -> None:
    settings = settings_for([])
    assert (settings.journal_size, settings.log_format) == (1000, "text")
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.store == "sqlite:///var/sessim.db"
    assert settings.apis == tuple(VENDORS) == VENDOR_APIS
    assert settings.seed is settings.root is settings.admin_token is None
    # `sessim serve` hashes at OWASP's argon2id minimum; only running() is cheap by default.
    assert (settings.argon2_time_cost, settings.argon2_memory_kib) == (2, 19_456)
    assert settings.owns_process  # its heap settled after start-up (tests/core/test_heap.py)


def test_every_flag_reads_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "HOST": "0.0.0.0",
        "PORT": "9000",
        "STORE": "memory://",
        "SEED": "seed.yaml",
        "API": "vestiaire",
        "ROOT": "vestiaire",
        "ARGON2_TIME_COST": "2",
        "ARGON2_MEMORY_KIB": "1024",
        "ADMIN_TOKEN": "t0k3n",
        "MAX_BODY_BYTES": "2048",
        "PURGE_INTERVAL": "0.5",
        "JOURNAL_SIZE": "20",
        "LOG_FORMAT": "json",
        "ALLOW_ORIGIN": "http://localhost:3000,https://app.example.com",
        "ALLOWED_HOST": "sessim, .example.test",
        "NO_ADMIN_TOKEN": "1",
    }.items():
        monkeypatch.setenv(f"SESSIM_{name}", value)
    settings = settings_for([])
    assert (settings.host, settings.port, settings.store) == ("0.0.0.0", 9000, "memory://")
    assert (settings.seed, settings.apis, settings.root) == (
        "seed.yaml",
        ("vestiaire",),
        "vestiaire",
    )
    assert (settings.argon2_time_cost, settings.argon2_memory_kib) == (2, 1024)
    assert settings.admin_token == "t0k3n"
    assert settings.max_body_bytes == 2048
    assert settings.purge_interval == 0.5
    assert (settings.journal_size, settings.log_format) == (20, "json")
    assert settings.allow_origins == ("http://localhost:3000", "https://app.example.com")
    assert (settings.allowed_hosts, settings.no_admin_token) == (("sessim", ".example.test"), True)


def test_allowed_host_is_repeatable_and_wins_over_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (settings_for([]).allowed_hosts, settings_for([]).no_admin_token) == ((), False)
    monkeypatch.setenv("SESSIM_ALLOWED_HOST", "sessim")
    argv = ["--allowed-host", "okta.example.test", "--allowed-host", "*"]
    assert settings_for(argv).allowed_hosts == ("okta.example.test", "*")


def test_allow_origin_is_repeatable_and_wins_over_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings_for([]).allow_origins == ()
    monkeypatch.setenv("SESSIM_ALLOW_ORIGIN", "http://localhost:3000")
    argv = ["--allow-origin", "http://localhost:5173", "--allow-origin", "http://[::1]:8000"]
    assert settings_for(argv).allow_origins == ("http://localhost:5173", "http://[::1]:8000")


def test_max_body_bytes_flag() -> None:
    assert settings_for([]).max_body_bytes == 1_048_576
    assert settings_for(["--max-body-bytes", "1024"]).max_body_bytes == 1024


def test_workers_flag_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_for([]).workers == 1
    monkeypatch.setenv("SESSIM_WORKERS", "3")
    assert settings_for(["--store", "sqlite:///x.db"]).workers == 3
    assert settings_for(["--store", "sqlite:///x.db", "--workers", "2"]).workers == 2


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIM_PORT", "9000")
    assert settings_for(["--port", "9100"]).port == 9100


def test_rate_counts_default_to_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_for([]).rate_counts == "chunks"
    assert settings_for(["--rate-counts", "each"]).rate_counts == "each"
    monkeypatch.setenv("SESSIM_RATE_COUNTS", "exact")
    with pytest.raises(
        ValueError, match=re.escape("--rate-counts 'exact': choose from chunks, each")
    ):
        settings_for([])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--api", "vestiaire", "--root", "okta"], "must be one of the served APIs"),
        (["--workers", "2", "--store", "memory://"], "--workers 2 needs a store the workers share"),
        (["--workers", "0"], "--workers 0: at least one worker is needed"),
        (["--journal-size", "-1"], "--journal-size -1: 0 (no journal) or more"),
        (
            ["--allow-origin", "localhost:3000"],
            "--allow-origin 'localhost:3000': an origin is scheme://host[:port]",
        ),
        (
            ["--allow-origin", "http://localhost:3000/"],
            "--allow-origin 'http://localhost:3000/': an origin is scheme://host[:port]",
        ),
        (["--allowed-host", "sessim:8080"], "--allowed-host 'sessim:8080': a host name"),
        (["--allowed-host", "http://sessim"], "no scheme or port"),
        (["--allowed-host", "*.example.test"], '".example.test" for its subdomains too'),
    ],
)
def test_a_settings_mistake_says_what_is_wrong(argv: list[str], message: str) -> None:
    """What `sessim serve` exits with (as the process test below shows for one)."""
    with pytest.raises(ValueError, match=re.escape(message)):
        settings_for(argv)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # A mistake in the settings, found before the app is built; in the store URL, as the
        # app (or, with workers, the store's check before them) opens it.
        (["--workers", "0"], "sessim: --workers 0: at least one worker is needed\n"),
        (["--store", "postgres://x"], "unsupported store URL"),
        (["--workers", "2", "--store", "postgres://x"], "unsupported store URL"),
    ],
)
def test_bad_configuration_exits_with_a_message(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    result = serve_and_exit(tmp_path, *argv)
    assert result.returncode == 1
    assert message in result.stderr


def test_api_limits_what_is_served(app_for: AppFor) -> None:
    client = app_for(apis=())
    response = client.post("/vestiaire/sessions", json={"email": "a", "password": "b"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/_admin/health").status_code == 200


def test_root_serves_a_vendor_at_slash_too(app_for: AppFor, reset: Reset) -> None:
    user = {"email": "ana@example.com", "password": "pw"}
    client = reset(seed={"vestiaire": {"users": [user]}}, client=app_for(root="vestiaire"))
    assert client.post("/sessions", json=user).status_code == 201
    assert client.post("/vestiaire/sessions", json=user).status_code == 201
    unknown = client.get("/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "not_found"  # Vestiaire owns /
    assert client.get("/_admin/health").json() == {"status": "ok"}
    assert client.get("/sessions").headers["allow"] == "POST"


@pytest.mark.slow
def test_serve_with_the_demo_fixture_and_a_sqlite_file(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/demo.db"
    with sessim_process(store, "--demo") as base:
        login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
        response = httpx.post(f"{base}/vestiaire/sessions", json=login)
        assert response.status_code == 201
        assert response.json()["data"]["userId"] == "28731456"
    assert (tmp_path / "demo.db").exists()


def test_an_empty_api_list_serves_every_vendor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIM_API", "")
    assert settings_for([]).apis == VENDOR_APIS


# A fixture's mistakes, and the one line that says each (after the command's name).
BAD_FIXTURES = [
    (
        "vestiaire:\n  users:\n    - email: a@b.c\n",
        "the fixture {} is invalid: vestiaire.users.0.password: Field required",
    ),
    ("- vestiaire\n", "the fixture {} is not a mapping of vendor sections"),
    (
        "vestiaire: [unclosed",
        "cannot read the fixture {}: expected ',' or ']', but got '<stream end>' "
        "(line 1, column 21)",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("content", "line"), BAD_FIXTURES)
def test_serve_seed_and_the_seed_command_word_a_bad_fixture_the_same(
    tmp_path: Path, content: str, line: str
) -> None:
    """`sessim serve --seed` stops before it starts; `sessim seed` before it calls the
    server (none answers at its URL): the same line after each command's name."""
    fixture = tmp_path / "fixture.yaml"
    fixture.write_text(content)
    said = line.format(fixture)
    served = serve_and_exit(tmp_path, "--seed", str(fixture))
    assert (served.returncode, served.stderr) == (1, f"sessim: {said}\n")
    seeded = sessim_in_process("seed", "--url", "http://127.0.0.1:1", str(fixture))
    assert (seeded.returncode, seeded.stderr) == (2, f"sessim seed: {said}\n")


def test_a_log_format_from_the_environment_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIM_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match=re.escape("--log-format 'xml': choose from text, json")):
        settings_for([])


@pytest.mark.slow  # a real `sessim serve` process
def test_serve_names_the_sqlite_file_it_uses(tmp_path: Path) -> None:
    """Three slashes are relative to the working directory, whose missing folders are made;
    the start-up line says which file that is."""
    with serving(tmp_path, "sqlite:///nonexistent/dir/x.db") as (_base, said):
        file = tmp_path.resolve() / "nonexistent" / "dir" / "x.db"
        assert (
            said[0] == f"INFO:     Sessim's store: sqlite:///nonexistent/dir/x.db (the file {file})"
        )
        assert file.is_file()


@pytest.mark.slow  # a real `sessim serve` process
def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a database")
    result = serve_and_exit(tmp_path, "--store", "sqlite:///notes.txt")
    opened = tmp_path.resolve() / "notes.txt"
    assert (result.returncode, result.stderr) == (
        1,
        f"sessim: store URL 'sqlite:///notes.txt': cannot open {opened}: file is not a database\n",
    )


def unreachable(port: int) -> str:
    """What redis-py says of a port nobody listens on, up to the event loop's own words."""
    return f"Error 111 connecting to 127.0.0.1:{port}."


@pytest.mark.slow  # real `sessim serve` processes
@pytest.mark.parametrize(
    ("argv", "fixture"),
    [
        (["--demo"], "the demo fixture"),
        (["--workers", "2", "--seed", "seed.yaml"], "the fixture seed.yaml"),
    ],
)
def test_a_seed_into_a_redis_nobody_listens_on_is_one_line_and_exit_1(
    tmp_path: Path, argv: list[str], fixture: str
) -> None:
    (port,) = free_ports(1, DURABLE_PORTS)
    (tmp_path / "seed.yaml").write_text("vestiaire:\n  users: []\n")
    store = f"redis://127.0.0.1:{port}/0"
    result = serve_and_exit(tmp_path, "--store", store, *argv)
    assert result.returncode == 1
    started, failed = result.stderr.splitlines()
    assert started == f"INFO:     Sessim's store: {store}"
    said = (
        f"sessim: cannot load {fixture}: the store {store} cannot be reached: {unreachable(port)}"
    )
    assert failed.startswith(said)


@pytest.mark.slow  # a real `sessim serve` process
def test_a_redis_nobody_listens_on_is_said_at_start_then_answered_503_until_it_is_back(
    tmp_path: Path,
) -> None:
    (port,) = free_ports(1, DURABLE_PORTS)
    store = f"redis://127.0.0.1:{port}/0"
    with serving(tmp_path, store) as (base, said):
        assert said[0] == f"INFO:     Sessim's store: {store}"
        warned = (
            f"WARNING:  the store {store} cannot be reached, so every API answers 503 until "
            f"it can: {unreachable(port)}"
        )
        assert said[1].startswith(warned)
        away = httpx.get(f"{base}/okta/api/v1/sessions/me")
        assert (away.status_code, away.headers["Retry-After"]) == (503, "1")
        assert away.json()["errorCode"] == "E0000010"
        redis_server = start_redis(port, tmp_path / "redis")
        try:
            wait_for_redis(port)
            back = httpx.get(f"{base}/okta/api/v1/sessions/me")
            assert back.status_code == 404, back.text
            assert back.json()["errorCode"] == "E0000007"
        finally:
            redis_server.terminate()
            redis_server.wait(timeout=10)


def test_the_admin_token_is_an_option_or_a_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SESSIM_ADMIN_TOKEN", raising=False)
    assert settings_for([]).admin_token is None
    assert settings_for(["--admin-token", "0pt10n"]).admin_token == "0pt10n"
    monkeypatch.setenv("SESSIM_ADMIN_TOKEN", "v4r1able")
    assert settings_for([]).admin_token == "v4r1able"
    assert settings_for(["--admin-token", "0pt10n"]).admin_token == "0pt10n"
    assert "v4r1able" not in parser().format_help() + serve_help()


def serve_help() -> str:
    return " ".join(subcommands(parser())["serve"].format_help().split())


def subcommands(command: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommands of a command, by name."""
    return {
        name: sub
        for action in command._actions
        if isinstance(action, argparse._SubParsersAction)
        for name, sub in action.choices.items()
    }


def test_every_option_argument_and_command_has_help() -> None:
    unhelped: list[str] = []
    pending = [("sessim", parser())]
    while pending:
        name, command = pending.pop()
        for action in command._actions:
            if not action.help or action.help == argparse.SUPPRESS:
                unhelped.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                helped = {choice.dest for choice in action._choices_actions if choice.help}
                unhelped += [f"{name} {sub}" for sub in action.choices if sub not in helped]
        pending += [(f"{name} {sub}", inner) for sub, inner in subcommands(command).items()]
    assert unhelped == []


def test_the_store_option_lists_its_url_forms() -> None:
    assert f"--store URL where the state lives: {URL_FORMS} (default: sqlite:///var/sessim.db)" in (
        serve_help()
    )
    for form in ("memory://", "sqlite:///relative/file.db", "sqlite:////absolute/file.db"):
        assert form in URL_FORMS
    for form in ("?synchronous=full", "redis://host:port/db", "redis+cluster://host:port"):
        assert form in URL_FORMS
