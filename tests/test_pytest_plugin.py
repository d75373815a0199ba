"""The pytest plugin as a user meets it: pytest run in a project of its own (a temporary
directory with nothing of Sessim's tests), where installing sessim is all it took."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SEED = "vestiaire:\n  users:\n    - {email: ana@example.com, password: correct horse}\n"

TESTS = """
import httpx

LOGIN = {"email": "ana@example.com", "password": "correct horse"}


def log_in(server):
    return httpx.post(f"{server.vestiaire}/sessions", json=LOGIN).status_code


def test_seeded_own_server(sessim):
    assert log_in(sessim) == 201


def test_shared_first(sessim_shared, sessim_session):
    assert sessim_shared is sessim_session
    assert log_in(sessim_shared) == 201
    sessim_shared.reset()
    sessim_shared.clock.advance("1d")


def test_shared_second_starts_from_the_seed_again(sessim_shared):
    assert log_in(sessim_shared) == 201
    assert abs(sessim_shared.clock.now().timestamp() - __import__("time").time()) < 60


def test_own_servers_differ(sessim, sessim_session):
    assert sessim.url != sessim_session.url
"""


# The plugins that Sessim's dev extra brings, which a user's project does not have: left
# out, they also leave out two seconds of start-up from each run.
OTHERS = ("schemathesis", "hypothesispytest", "xdist", "xdist.looponfail")


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    others = [option for name in OTHERS for option in ("-p", f"no:{name}")]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *others, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def project_with(tmp_path: Path, ini: str) -> Path:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "users.yaml").write_text(SEED)
    (tmp_path / "test_users.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text(textwrap.dedent(ini))
    return tmp_path


def test_the_seed_option_seeds_every_fixture_and_the_shared_one_after_each_reset(
    tmp_path: Path,
) -> None:
    project = project_with(tmp_path, "[pytest]\n")
    result = run_pytest(project, "--sessim-seed", "fixtures/users.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_ini_option_names_the_seed_relative_to_the_rootdir(tmp_path: Path) -> None:
    project = project_with(tmp_path, "[pytest]\nsessim_seed = fixtures/users.yaml\n")
    (project / "sub").mkdir()
    result = run_pytest(project / "sub", str(project))  # run from elsewhere in the project
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_without_a_seed_the_servers_are_empty(tmp_path: Path) -> None:
    project = project_with(tmp_path, "[pytest]\n")
    result = run_pytest(project, "-k", "seeded_own_server")
    assert result.returncode == 1
    assert "assert 401 == 201" in result.stdout


def test_the_options_and_fixtures_are_listed(tmp_path: Path) -> None:
    project = project_with(tmp_path, "[pytest]\n")
    helped = run_pytest(project, "--help").stdout
    assert "--sessim-seed=FILE" in helped and "sessim_seed" in helped
    listed = run_pytest(project, "--fixtures").stdout
    for name in ("sessim ", "sessim_shared", "sessim_session"):
        assert name in listed
