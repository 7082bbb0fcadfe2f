"""The demo's own certificate authority and signing certificate, made with `cryptography`, so that
the demo's final notulen and berita acara are signed as they will be in production, where the
agency's certificate comes from BSrE (Balai Besar Sertifikasi Elektronik, BSSN).

Both are named so that nobody can take them for real ones: the CA is "Rakor DEMO CA — bukan
sertifikat resmi", the signer "DEMO <agency>". They are kept in DEMO_SIGNING_DIR (instance/
by default, never in the repository) and made once: a second `demo load` reuses them, so the
signatures already stored stay valid against the same CA."""
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "Rakor DEMO CA — bukan sertifikat resmi"
DEMO_PASSPHRASE = b"Rakor-Demo-2024"
CA_FILE = "rakor-demo-ca.pem"
SIGNER_FILE = "rakor-demo-signer.p12"
VALID_FOR = timedelta(days=3650)


@dataclass(frozen=True)
class DemoIdentity:
    pkcs12_path: Path
    passphrase: bytes
    ca_path: Path


def demo_identity(directory) -> DemoIdentity | None:
    """The demo's signing identity when it has been made in `directory`, else None."""
    directory = Path(directory)
    identity = DemoIdentity(directory / SIGNER_FILE, DEMO_PASSPHRASE, directory / CA_FILE)
    return identity if identity.pkcs12_path.is_file() and identity.ca_path.is_file() else None


def ensure_demo_identity(directory, agency_name, now=None) -> DemoIdentity:
    """Make the demo CA and a signing certificate for `agency_name` in `directory` unless they
    exist. Returns the identity either way."""
    existing = demo_identity(directory)
    if existing is not None:
        return existing
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Rakor (demo)"),
        x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
    ])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_subject).issuer_name(ca_subject)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency_name[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, f"DEMO {agency_name}"[:64]),
    ])
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # Non-repudiation (content commitment) and digital signature: what a document-signing
        # certificate carries, and what pyHanko's validator asks for by default.
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"rakor-demo-signer", key, cert, [ca_cert],
        serialization.BestAvailableEncryption(DEMO_PASSPHRASE))
    _write_private(directory / SIGNER_FILE, bundle)
    (directory / CA_FILE).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return DemoIdentity(directory / SIGNER_FILE, DEMO_PASSPHRASE, directory / CA_FILE)


def _write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
