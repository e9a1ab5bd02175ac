"""The authority's signing identity: its key and certificate from the files settings name, and a self-signed pair
for development (production brings its own)."""
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign.signers import SimpleSigner

SELF_SIGNED_DAYS = 3 * 365


@dataclass(frozen=True)
class SigningIdentity:
    signer: SimpleSigner
    subject: str
    not_valid_after: datetime
    fingerprint: str  # SHA-256 of the certificate: certificates signed by another key are new files


def _paths() -> tuple[Path, Path, Path | None]:
    chain = settings.CHIPGATE_SIGNING_CHAIN
    return Path(settings.CHIPGATE_SIGNING_KEY), Path(settings.CHIPGATE_SIGNING_CERT), Path(chain) if chain else None


def signing_identity() -> SigningIdentity:
    """The configured key and certificate, loaded once per process and again when a file changes (a renewal)."""
    key_path, cert_path, chain_path = _paths()
    try:
        stamps = tuple(path.stat().st_mtime_ns for path in (key_path, cert_path, chain_path) if path)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"The signing key or certificate cannot be read ({exc}). Set CHIPGATE_SIGNING_KEY and "
            "CHIPGATE_SIGNING_CERT to PEM files; for development `manage.py signing_key --ensure` makes a "
            "self-signed pair."
        ) from exc
    return _load(key_path, cert_path, chain_path, settings.CHIPGATE_SIGNING_KEY_PASSPHRASE, stamps)


@lru_cache(maxsize=4)
def _load(key_path: Path, cert_path: Path, chain_path: Path | None, passphrase: str, _stamps) -> SigningIdentity:
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=passphrase.encode() or None)
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"The signing key {key_path} or certificate {cert_path} is not a readable PEM file ({exc}); an "
            "encrypted key needs CHIPGATE_SIGNING_KEY_PASSPHRASE."
        ) from exc
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.PEM, public) != certificate.public_key().public_bytes(
            serialization.Encoding.PEM, public):
        raise ImproperlyConfigured(f"The signing certificate {cert_path} is not for the key {key_path}.")
    signer = SimpleSigner.load(
        key_file=str(key_path), cert_file=str(cert_path), ca_chain_files=[str(chain_path)] if chain_path else None,
        key_passphrase=passphrase.encode() or None,
    )
    if signer is None:  # pyHanko logs why
        raise ImproperlyConfigured(f"pyHanko could not load the signing key {key_path} and certificate {cert_path}.")
    return SigningIdentity(
        signer=signer, subject=certificate.subject.rfc4514_string(),
        not_valid_after=certificate.not_valid_after_utc,
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
    )


def self_signed_identity_create(*, key_path: Path, cert_path: Path, common_name: str, days: int = SELF_SIGNED_DAYS,
                                rsa_bits: int | None = None) -> x509.Certificate:
    """A new key (readable by its owner only) and a self-signed certificate for document signing. The key is ECDSA
    P-256 unless ``rsa_bits`` asks for RSA: quick to make and to use, and every current PDF reader checks it."""
    if rsa_bits:
        key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Chipgate (development, self-signed)")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate
