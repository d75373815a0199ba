"""HTTPS for `sessim serve`: the user's certificate and key (--tls-cert, --tls-key), checked
before the server starts, or a self-signed pair made on request (--tls-self-signed).

A browser keeps a `Secure` cookie (and so a `SameSite=None` one) only from a secure origin:
plain HTTP on localhost, 127.0.0.1 or ::1 counts as one, any other host does not. A page
that calls Sessim by another name (a LAN address, a container's name, a host in
/etc/hosts) needs Sessim on HTTPS for the vendors' cross-site cookies.

The self-signed pair is a local certificate authority and a server certificate it signs for
localhost, 127.0.0.1, ::1 and the host served: the user trusts the authority once (as
mkcert does it), and a new server certificate, made when the names change or the old one
nears its end, is trusted with it. Both live in the user's data directory
($XDG_DATA_HOME/sessim/tls, else ~/.local/share/sessim/tls), the keys readable by the user
alone.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from .settings import Settings

LOOPBACK = ("localhost", "127.0.0.1", "::1")
WILDCARD = ("", "0.0.0.0", "::")  # every interface: no one name to certify
AUTHORITY_DAYS = 3650
# Browsers refuse server certificates of public authorities that live longer than 398 days;
# staying under it costs nothing. One is made anew when less than a week is left.
SERVER_DAYS = 397
RENEW_BEFORE = datetime.timedelta(days=7)
AUTHORITY_NAME = "Sessim development CA"


@dataclass(frozen=True)
class TlsFiles:
    certificate: str
    key: str
    authority: str | None = None  # the certificate to trust, for a self-signed pair


def serving(settings: Settings) -> TlsFiles | None:
    """The files HTTPS is served with, as the settings ask; None for plain HTTP. A problem
    with them is a ValueError that says which and why."""
    if settings.tls_self_signed:
        directory = data_directory()
        try:
            return self_signed(directory, names_for(settings.host))
        except OSError as error:
            raise ValueError(f"--tls-self-signed: {directory}: {error.strerror}") from None
    if settings.tls_cert and settings.tls_key:
        return checked(settings.tls_cert, settings.tls_key)
    return None


def checked(certificate: str, key: str) -> TlsFiles:
    """The user's pair, refused with a message (ValueError) when a file is missing, is not
    PEM, or the key is not the certificate's."""
    for flag, path in (("--tls-cert", certificate), ("--tls-key", key)):
        if not Path(path).is_file():
            raise ValueError(f"{flag} {path}: no such file")
    try:
        x509.load_pem_x509_certificate(Path(certificate).read_bytes())
    except ValueError:
        raise ValueError(f"--tls-cert {certificate}: not a PEM certificate") from None
    try:
        serialization.load_pem_private_key(Path(key).read_bytes(), password=None)
    except (ValueError, TypeError):  # TypeError: it wants a password
        raise ValueError(f"--tls-key {key}: not a PEM private key without a password") from None
    try:  # as uvicorn will read them
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certificate, key)
    except ssl.SSLError:
        raise ValueError(f"--tls-key {key} is not the key of --tls-cert {certificate}") from None
    return TlsFiles(certificate, key)


def data_directory() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "sessim" / "tls"


def names_for(host: str) -> tuple[str, ...]:
    """The names a certificate for this --host covers: the loopback names, and the host."""
    return LOOPBACK if host in (*LOOPBACK, *WILDCARD) else (*LOOPBACK, host)


def self_signed(directory: Path, names: tuple[str, ...]) -> TlsFiles:
    """The authority and server certificate in `directory`, made where missing; the server
    certificate made anew when it does not cover `names` or nears its end."""
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(
        str(directory / "cert.pem"), str(directory / "key.pem"), str(directory / "ca.pem")
    )
    assert files.authority is not None
    authority_path, authority_key_path = Path(files.authority), directory / "ca-key.pem"
    fresh = not (authority_path.is_file() and authority_key_path.is_file())
    authority_key = _key(authority_key_path, fresh)
    if fresh:
        authority_path.write_bytes(_pem(_authority(authority_key)))
    authority = x509.load_pem_x509_certificate(authority_path.read_bytes())
    if not (Path(files.key).is_file() and _covers(Path(files.certificate), authority, names)):
        server = _server(authority, authority_key, _key(Path(files.key), fresh=True), names)
        Path(files.certificate).write_bytes(_pem(server))
    return files


def _key(path: Path, fresh: bool = False) -> ec.EllipticCurvePrivateKey:
    """The key kept at path (made if missing or fresh), readable by the user alone."""
    if path.is_file() and not fresh:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _builder(subject: x509.Name, issuer: x509.Name, days: int) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))  # clocks a little apart
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _authority(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, AUTHORITY_NAME)])
    return (
        _builder(name, name, AUTHORITY_DAYS)
        .public_key(key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _server(
    authority: x509.Certificate,
    authority_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey,
    names: tuple[str, ...],
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    return (
        _builder(subject, authority.subject, SERVER_DAYS)
        .public_key(key.public_key())
        .add_extension(x509.SubjectAlternativeName([_general(name) for name in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
        .sign(authority_key, hashes.SHA256())
    )


def _general(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _covers(path: Path, authority: x509.Certificate, names: tuple[str, ...]) -> bool:
    """Whether the server certificate at path is the authority's, names these names and
    lives more than a week yet."""
    if not path.is_file():
        return False
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    try:
        certificate.verify_directly_issued_by(authority)
    except (ValueError, TypeError, InvalidSignature):
        return False  # an earlier authority's
    alternative = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    covered = {str(value) for value in alternative.value.get_values_for_type(x509.DNSName)}
    covered |= {str(value) for value in alternative.value.get_values_for_type(x509.IPAddress)}
    left = certificate.not_valid_after_utc - datetime.datetime.now(datetime.UTC)
    return set(names) <= covered and left > RENEW_BEFORE
