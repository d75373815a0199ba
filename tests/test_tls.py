"""HTTPS: `sessim serve --tls-cert/--tls-key` and `--tls-self-signed` (their variables, the
messages of a bad pair), the self-signed authority and certificate (names, reuse, renewal),
`sessim.running(tls=True)`, and a real `sessim serve --tls-self-signed --workers 2`."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import sessim
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sessim.cli import parser, settings_from
from sessim.settings import Settings
from sessim.tls import names_for, self_signed

from tests.conftest import free_port, sessim_command, sessim_in_process


def settings_for(argv: list[str]) -> Settings:
    return settings_from(parser().parse_args(["serve", *argv]))


def trusting(authority: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=authority)


def alternative_names(path: str) -> set[str]:
    certificate = x509.load_pem_x509_certificate(Path(path).read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(name.value) for name in names}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> sessim.tls.TlsFiles:
    """A self-signed pair for the tests that only read one."""
    return self_signed(tmp_path_factory.mktemp("tls"), names_for("127.0.0.1"))


def test_the_flags_and_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for([])
    assert (settings.tls_cert, settings.tls_key, settings.tls_self_signed) == (None, None, False)
    monkeypatch.setenv("SESSIM_TLS_CERT", "cert.pem")
    monkeypatch.setenv("SESSIM_TLS_KEY", "key.pem")
    assert (settings_for([]).tls_cert, settings_for([]).tls_key) == ("cert.pem", "key.pem")
    settings = settings_for(["--tls-cert", "mine.pem", "--tls-key", "mine-key.pem"])
    assert (settings.tls_cert, settings.tls_key) == ("mine.pem", "mine-key.pem")
    monkeypatch.delenv("SESSIM_TLS_CERT")
    monkeypatch.delenv("SESSIM_TLS_KEY")
    monkeypatch.setenv("SESSIM_TLS_SELF_SIGNED", "1")
    assert settings_for([]).tls_self_signed is True


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tls-cert", "c.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-key", "k.pem"], "--tls-cert and --tls-key go together"),
        (
            ["--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"],
            "--tls-self-signed makes its own certificate: drop --tls-cert",
        ),
    ],
)
def test_a_mistaken_combination_says_what_is_wrong(argv: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        settings_for(argv)


def test_a_bad_pair_is_one_line_and_exit_1(pair: sessim.tls.TlsFiles, tmp_path: Path) -> None:
    """Found before anything is served: a missing file, a file that is not PEM, a key of
    another certificate, a key that wants a password."""
    other = self_signed(tmp_path / "other", names_for("127.0.0.1"))
    locked = tmp_path / "locked.pem"
    secret = ec.generate_private_key(ec.SECP256R1())
    encryption = serialization.BestAvailableEncryption(b"secret")
    locked.write_bytes(
        secret.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
    )
    cert, key = pair.certificate, pair.key
    cases = {
        ("/no/cert.pem", key): "--tls-cert /no/cert.pem: no such file",
        (cert, "/no/key.pem"): "--tls-key /no/key.pem: no such file",
        (key, key): f"--tls-cert {key}: not a PEM certificate",
        (cert, cert): f"--tls-key {cert}: not a PEM private key without a password",
        (cert, str(locked)): f"--tls-key {locked}: not a PEM private key without a password",
        (cert, other.key): f"--tls-key {other.key} is not the key of --tls-cert {cert}",
    }
    for (cert_file, key_file), message in cases.items():
        argv = ["--tls-cert", cert_file, "--tls-key", key_file]
        result = sessim_in_process("serve", "--store", "memory://", *argv)
        assert result.returncode == 1, argv
        assert result.stderr == f"sessim: {message}\n", argv


def test_the_self_signed_pair_names_the_loopback_and_the_host(tmp_path: Path) -> None:
    files = self_signed(tmp_path, names_for("dev.example.test"))
    assert files.authority == str(tmp_path / "ca.pem")
    assert alternative_names(files.certificate) == {
        "localhost",
        "127.0.0.1",
        "::1",
        "dev.example.test",
    }
    assert names_for("0.0.0.0") == names_for("::1") == ("localhost", "127.0.0.1", "::1")
    authority = x509.load_pem_x509_certificate(Path(files.authority).read_bytes())
    certificate = x509.load_pem_x509_certificate(Path(files.certificate).read_bytes())
    certificate.verify_directly_issued_by(authority)
    assert authority.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime < datetime.timedelta(days=398)  # what browsers take
    for key in ("key.pem", "ca-key.pem"):
        assert (tmp_path / key).stat().st_mode & 0o777 == 0o600


def test_the_pair_is_kept_and_the_certificate_renewed_for_new_names(tmp_path: Path) -> None:
    """The authority the user trusted stays; its certificate is made anew when the names
    change, or when the authority itself was made anew (its key lost)."""
    first = self_signed(tmp_path, names_for("127.0.0.1"))
    authority, certificate = Path(first.authority or "").read_bytes(), Path(first.certificate)
    issued = certificate.read_bytes()
    assert self_signed(tmp_path, names_for("localhost")) == first
    assert certificate.read_bytes() == issued
    self_signed(tmp_path, names_for("box.test"))
    assert certificate.read_bytes() != issued
    assert Path(first.authority or "").read_bytes() == authority
    assert "box.test" in alternative_names(first.certificate)
    (tmp_path / "ca-key.pem").unlink()
    self_signed(tmp_path, names_for("box.test"))
    new_authority = x509.load_pem_x509_certificate(Path(first.authority or "").read_bytes())
    assert Path(first.authority or "").read_bytes() != authority
    x509.load_pem_x509_certificate(certificate.read_bytes()).verify_directly_issued_by(
        new_authority
    )


def test_running_with_tls_serves_https_that_its_authority_vouches_for() -> None:
    with sessim.running(tls=True, apis=["okta"]) as s:
        assert s.url.startswith("https://127.0.0.1:")
        assert s.okta == f"{s.url}/okta"
        assert s.authority is not None
        assert s.clock.get().frozen is False  # the admin client trusts the authority
        with httpx.Client(verify=trusting(s.authority)) as https:
            answer = https.get(f"{s.okta}/api/v1/sessions/me")
            assert answer.status_code == 404
            assert answer.json()["errorCode"] == "E0000007"
            localhost = s.url.replace("127.0.0.1", "localhost")
            assert https.get(f"{localhost}/_admin/clock").status_code == 200
        with pytest.raises(httpx.ConnectError), httpx.Client(verify=True) as system:
            system.get(f"{s.url}/_admin/clock")  # not an authority the system knows
        with pytest.raises(httpx.TransportError):
            httpx.get(s.url.replace("https:", "http:") + "/_admin/clock")
    assert not Path(s.authority).exists()  # made for the run, gone with it


def test_the_admin_commands_trust_the_authority_named_by_ssl_cert_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the docs tell: httpx, under the admin commands, reads SSL_CERT_FILE."""
    with sessim.running(tls=True, apis=["okta"]) as s:
        refused = sessim_in_process("clock", "--url", s.url)
        assert refused.returncode == 1
        assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr
        monkeypatch.setenv("SSL_CERT_FILE", s.authority or "")
        trusted = sessim_in_process("clock", "--url", s.url)
        assert trusted.returncode == 0, trusted.stderr
        assert trusted.stdout.endswith(" (running)\n")


@pytest.mark.slow
def test_serve_self_signed_with_workers_logs_the_authority_and_serves_https(
    tmp_path: Path,
) -> None:
    port = free_port()
    command = sessim_command(
        port, f"sqlite:///{tmp_path}/s.db", "--tls-self-signed", "--workers", "2", "--demo"
    )
    environment = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    authority = tmp_path / "data" / "sessim" / "tls" / "ca.pem"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env=environment, stderr=log)
        try:
            base = f"https://localhost:{port}"
            answers = _when_answering(base, authority, server)
            login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
            created = answers.post(f"{base}/vestiaire/sessions", json=login)
            assert created.status_code == 201, created.text
            assert created.headers["set-cookie"].startswith("__session=")
            answers.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        log.seek(0)
        text = log.read().decode()
    assert f"signed by the local authority {authority}" in text
    assert f"Uvicorn running on https://127.0.0.1:{port}" in text


def _when_answering(base: str, authority: Path, server: subprocess.Popen[bytes]) -> httpx.Client:
    """A client trusting the authority, once the server at base answers with it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        if authority.is_file():
            client = httpx.Client(verify=trusting(str(authority)))
            try:
                client.get(f"{base}/_admin/health")
                return client
            except httpx.TransportError:
                client.close()
        time.sleep(0.05)  # waiting for the workers to listen, not measuring
    pytest.fail(f"sessim at {base} did not answer (exit {server.poll()})")


def test_an_ip_address_name_is_an_ip_entry(pair: sessim.tls.TlsFiles) -> None:
    certificate = x509.load_pem_x509_certificate(Path(pair.certificate).read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("::1") in names.get_values_for_type(x509.IPAddress)
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
