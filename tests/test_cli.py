"""`sessim serve`: flags, their SESSIM_* variables, --api and --root, and a real start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sessim.cli import parser, settings_from
from sessim.settings import VENDOR_APIS

from tests.conftest import AppFor, Reset, sessim_process


def settings_for(argv: list[str]):
    return settings_from(parser().parse_args(["serve", *argv]))


def serve_and_exit(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`sessim serve` expected to stop at start-up, run in cwd: a store it opens from the
    default URL (sqlite:///var/sessim.db) is made there, not in the checkout."""
    return subprocess.run(
        [sys.executable, "-c", "from sessim.cli import main; main()", "serve", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_defaults() -> None:
    settings = settings_for([])
    assert (settings.journal_size, settings.log_format) == (1000, "text")
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.store == "sqlite:///var/sessim.db"
    assert settings.apis == ("vestiaire", "okta", "sfcc", "optimizely")
    assert settings.seed is settings.root is settings.admin_token is None


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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--api", "vestiaire", "--root", "okta"], "must be one of the served APIs"),
        (["--store", "postgres://x"], "unsupported store URL"),
        (["--workers", "2", "--store", "memory://"], "--workers 2 needs a store the workers share"),
        (["--workers", "0"], "--workers 0: at least one worker is needed"),
        (["--workers", "2", "--store", "postgres://x"], "unsupported store URL"),
        (["--journal-size", "-1"], "--journal-size -1: 0 (no journal) or more"),
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
    with sessim_process(store, "--seed", "impl/fixtures/demo.yaml") as base:
        login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
        response = httpx.post(f"{base}/vestiaire/sessions", json=login)
        assert response.status_code == 201
        assert response.json()["data"]["userId"] == "28731456"
    assert (tmp_path / "demo.db").exists()


def test_an_empty_api_list_serves_every_vendor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIM_API", "")
    assert settings_for([]).apis == VENDOR_APIS


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the fixture"),
        ("vestiaire: [unclosed", "cannot read the fixture"),
        ("vestiaire:\n  users:\n    - email: a@b.c\n", "is invalid: vestiaire.users.0.password"),
    ],
)
def test_a_bad_seed_file_stops_start_up_with_a_message(
    tmp_path: Path, content: str | None, message: str
) -> None:
    seed = tmp_path / "seed.yaml"
    if content is not None:
        seed.write_text(content)
    result = serve_and_exit(tmp_path, "--seed", str(seed))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_log_format_from_the_environment_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIM_LOG_FORMAT", "xml")
    result = serve_and_exit(tmp_path)
    assert result.returncode == 1
    assert "--log-format 'xml': choose from text, json" in result.stderr
