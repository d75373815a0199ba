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
    # running()'s default: argon2id at its minimum cost, not `sessim serve`'s OWASP one.
    assert (sessim.settings.argon2_time_cost, sessim.settings.argon2_memory_kib) == (1, 8)


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


# A user's tests beside the `sessim` fixture: one warns of its own deprecation, two meet
# the fixture where the module was meant.
WARNING_TESTS = """
import warnings

import httpx
import pytest


def test_uses_the_fixture(sessim):
    assert httpx.get(f"{sessim.admin}/health").json() == {"status": "ok"}


def test_the_users_own_deprecation():
    warnings.warn("old_helper() is deprecated: use new_helper()", DeprecationWarning)


def test_the_fixture_says_what_to_import(sessim):
    with pytest.raises(AttributeError) as raised:
        sessim.running()
    assert str(raised.value) == (
        "'running' is the sessim module's, not the running Sessim's (in a test that takes the "
        "`sessim` fixture, that name is the fixture): `from sessim import running`, or "
        "`import sessim as sessim_pkg`"
    )


def test_running_beside_the_fixture(sessim):
    from sessim import running

    with running() as other:
        assert other.url != sessim.url
"""
# Without httpx2, starlette's test client (which connexion imports) warns that httpx is
# deprecated with it: as for a user who has not installed it.
WITHOUT_HTTPX2 = "import sys\n\nsys.modules['httpx2'] = None\n"


def test_warnings_of_sessims_stack_stay_out_of_the_summary_and_the_users_show(
    tmp_path: Path,
) -> None:
    """The project has no filterwarnings of its own (as the repository's would hide them);
    `-W default` shows what the plugin keeps out."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(WITHOUT_HTTPX2)
    (tmp_path / "test_warnings.py").write_text(WARNING_TESTS)
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.split("warnings summary")[1]
    assert summary.splitlines()[1:4] == [
        "test_warnings.py::test_the_users_own_deprecation",
        f"  {tmp_path / 'test_warnings.py'}:13: DeprecationWarning: old_helper() is deprecated: "
        "use new_helper()",
        '    warnings.warn("old_helper() is deprecated: use new_helper()", DeprecationWarning)',
    ]
    assert result.stdout.splitlines()[-1].startswith("4 passed, 1 warning in ")
    # Sessim's own warnings come of importing its stack and building one app: one test shows
    # them, without the other tests' servers.
    shown = run_pytest(tmp_path, "-W", "default", "-k", "test_uses_the_fixture")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "connexion" in shown.stdout and "RefResolver" in shown.stdout
    assert "StarletteDeprecationWarning" in shown.stdout
