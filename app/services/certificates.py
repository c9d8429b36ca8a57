"""Organisation-certificate (組織憑證) checks for the 憑證登入: signature, chain, dates, key usage, CRL.

The local signing component (HiPKI on the user's machine; a stand-in signer in dev and tests) signs the
server's challenge with the card's key and returns the certificate (DER), optional intermediates and the
signature (RSA PKCS#1 v1.5 or ECDSA, SHA-256) over the challenge's bytes. Everything is verified here
with `cryptography`; nothing the browser says is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

MAX_CHAIN = 5


class CertificateRefused(Exception):
    """reason: bad_format | signature | untrusted | expired | not_yet_valid | key_usage | revoked | crl | no_id."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class VerifiedCertificate:
    business_no: str
    subject: str
    serial_number: int
    not_after: datetime


def _load_pem_or_der_certs(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def load_anchors(paths: tuple[str, ...]) -> tuple[x509.Certificate, ...]:
    """Read on every login (a few small files), so replacing the anchors needs no restart."""
    out: list[x509.Certificate] = []
    for p in paths:
        path = Path(p)
        files = sorted(path.glob("*.pem")) + sorted(path.glob("*.crt")) if path.is_dir() else [path]
        for f in files:
            if f.exists():
                out.extend(_load_pem_or_der_certs(f))
    return tuple(out)


def load_crls(paths: tuple[str, ...]) -> tuple[x509.CertificateRevocationList, ...]:
    """CRLs are read on every check (they are replaced as they are refreshed)."""
    out = []
    for p in paths:
        path = Path(p)
        files = sorted(path.glob("*.crl")) + sorted(path.glob("*.pem")) if path.is_dir() else [path]
        for f in files:
            if not f.exists():
                continue
            data = f.read_bytes()
            crl = x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)
            out.append(crl)
    return tuple(out)


def business_no_of(cert: x509.Certificate) -> str | None:
    """The 統一編號: the subject's serialNumber attribute (how organisation certificates carry it)."""
    attrs = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if not attrs:
        return None
    value = str(attrs[0].value).strip()
    return value if value.isdigit() and len(value) == 8 else None


def _verify_signature(cert: x509.Certificate, signature: bytes, data: bytes) -> None:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise CertificateRefused("bad_format")
    except InvalidSignature as exc:
        raise CertificateRefused("signature") from exc


def _check_dates(cert: x509.Certificate, now: datetime) -> None:
    if now < cert.not_valid_before_utc:
        raise CertificateRefused("not_yet_valid")
    if now > cert.not_valid_after_utc:
        raise CertificateRefused("expired")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _build_chain(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    anchors: tuple[x509.Certificate, ...],
    now: datetime,
) -> list[x509.Certificate]:
    """[leaf, ..., anchor], every link's signature, dates and CA flag checked."""
    chain = [leaf]
    current = leaf
    pool = list(intermediates)
    for _ in range(MAX_CHAIN):
        for anchor in anchors:
            if anchor.subject == current.issuer:
                try:
                    current.verify_directly_issued_by(anchor)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                _check_dates(anchor, now)
                chain.append(anchor)
                return chain
        parent = None
        for candidate in pool:
            if candidate.subject == current.issuer and _is_ca(candidate):
                try:
                    current.verify_directly_issued_by(candidate)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                parent = candidate
                break
        if parent is None:
            raise CertificateRefused("untrusted")
        _check_dates(parent, now)
        pool.remove(parent)
        chain.append(parent)
        current = parent
    raise CertificateRefused("untrusted")


def _check_key_usage(leaf: x509.Certificate) -> None:
    try:
        ku = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise CertificateRefused("key_usage") from exc
    if not ku.digital_signature or _is_ca(leaf):
        raise CertificateRefused("key_usage")


def _check_revocation(
    chain: list[x509.Certificate], crls: tuple[x509.CertificateRevocationList, ...], now: datetime
) -> None:
    """Each certificate below the anchor must be covered by a valid, current CRL of its issuer."""
    for cert, issuer in zip(chain, chain[1:], strict=False):
        covering = [c for c in crls if c.issuer == issuer.subject]
        if not covering:
            raise CertificateRefused("crl")
        for crl in covering:
            if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
                raise CertificateRefused("crl")
            next_update = crl.next_update_utc
            if next_update is not None and next_update < now:
                raise CertificateRefused("crl")
            if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
                raise CertificateRefused("revoked")


def verify_login(
    *,
    certificate_der: bytes,
    chain_der: list[bytes],
    signature: bytes,
    signed_data: bytes,
    anchors: tuple[x509.Certificate, ...],
    crls: tuple[x509.CertificateRevocationList, ...],
    now: datetime | None = None,
) -> VerifiedCertificate:
    now = now or datetime.now(UTC)
    if not anchors:
        raise CertificateRefused("untrusted")
    try:
        leaf = x509.load_der_x509_certificate(certificate_der)
        intermediates = [x509.load_der_x509_certificate(d) for d in chain_der[:MAX_CHAIN]]
    except ValueError as exc:
        raise CertificateRefused("bad_format") from exc
    _verify_signature(leaf, signature, signed_data)
    _check_dates(leaf, now)
    _check_key_usage(leaf)
    chain = _build_chain(leaf, intermediates, anchors, now)
    _check_revocation(chain, crls, now)
    business_no = business_no_of(leaf)
    if business_no is None:
        raise CertificateRefused("no_id")
    return VerifiedCertificate(
        business_no=business_no,
        subject=leaf.subject.rfc4514_string(),
        serial_number=leaf.serial_number,
        not_after=leaf.not_valid_after_utc,
    )
