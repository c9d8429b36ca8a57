"""A test certificate authority for the 憑證登入 in dev and tests (never for production).

    python -m app.cli pki [--out var/pki]

writes ca.pem (the trust anchor), ca.crl (its CRL), and one PKCS#12 per demo school
(school-<統一編號>.p12, PIN 123456) whose certificate carries the 統一編號 in the subject's
serialNumber, key usage digitalSignature, like an organisation certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_PIN = "123456"


@dataclass
class Issued:
    cert: x509.Certificate
    key: object


def _name(cn: str, org: str = "Test PKI (not for production)", serial: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "TW"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ]
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attrs)


def make_ca(cn: str = "ARC Test Root CA", *, issuer: Issued | None = None, days: int = 3650) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    subject = _name(cn)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())  # type: ignore[arg-type]
    return Issued(cert, key)


def make_school_cert(
    ca: Issued,
    business_no: str,
    name: str,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    digital_signature: bool = True,
) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, org=name, serial=business_no))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=False,
                key_encipherment=not digital_signature,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return Issued(cert, key)


def make_crl(
    ca: Issued, revoked_serials: list[int] = (), *, next_update_days: int = 7
) -> x509.CertificateRevocationList:
    now = datetime.now(UTC)
    next_update = now + timedelta(days=next_update_days)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(min(now - timedelta(minutes=1), next_update - timedelta(days=1)))
        .next_update(next_update)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - timedelta(minutes=1))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256())  # type: ignore[arg-type]


def p12_bytes(issued: Issued, chain: list[x509.Certificate], pin: str = DEMO_PIN) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"school",
        issued.key,
        issued.cert,
        chain,  # type: ignore[arg-type]
        serialization.BestAvailableEncryption(pin.encode()),
    )


DEMO_SCHOOLS = (("03734301", "國立臺灣大學 (demo)"), ("03734317", "國立政治大學 (demo)"))


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    ca = make_ca()
    (out / "ca.pem").write_bytes(ca.cert.public_bytes(serialization.Encoding.PEM))
    key_path = out / "ca-key.pem"
    key_path.write_bytes(
        ca.key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    (out / "ca.crl").write_bytes(make_crl(ca).public_bytes(serialization.Encoding.PEM))
    for business_no, name in DEMO_SCHOOLS:
        school = make_school_cert(ca, business_no, name)
        (out / f"school-{business_no}.p12").write_bytes(p12_bytes(school, [ca.cert]))
    return out


def ensure(out: Path) -> Path:
    """Build once; keep an existing test PKI and issue it a fresh CRL (a CRL runs out after a week)."""
    if not (out / "ca.pem").exists() or not (out / "ca-key.pem").exists():
        return build(out)
    cert = x509.load_pem_x509_certificate((out / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((out / "ca-key.pem").read_bytes(), password=None)
    (out / "ca.crl").write_bytes(make_crl(Issued(cert, key)).public_bytes(serialization.Encoding.PEM))
    return out
