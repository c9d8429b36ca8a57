"""Certificate checks of the 憑證登入, against a test CA made with `cryptography`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from app.services.certificates import CertificateRefused, verify_login
from app.tools import test_pki
from app.tools.standin_signer import sign_challenge

DER = serialization.Encoding.DER


@pytest.fixture(scope="module")
def pki():
    ca = test_pki.make_ca()
    good = test_pki.make_school_cert(ca, "03734301", "國立臺灣大學")
    revoked = test_pki.make_school_cert(ca, "03734301", "國立臺灣大學")
    return {
        "ca": ca,
        "good": good,
        "revoked": revoked,
        "crl": test_pki.make_crl(ca, [revoked.cert.serial_number]),
    }


def signed(issued, challenge="challenge-123", chain=()):
    out = sign_challenge(test_pki.p12_bytes(issued, list(chain)), test_pki.DEMO_PIN, challenge)
    import base64

    return (
        base64.b64decode(out["certificate"]),
        [base64.b64decode(c) for c in out["chain"]],
        base64.b64decode(out["signature"]),
    )


def check(
    pki, issued, *, challenge="challenge-123", signed_over=None, anchors=None, crls=None, chain=(), now=None
):
    cert, chain_der, sig = signed(issued, signed_over or challenge, chain)
    return verify_login(
        certificate_der=cert,
        chain_der=chain_der,
        signature=sig,
        signed_data=challenge.encode(),
        anchors=anchors if anchors is not None else (pki["ca"].cert,),
        crls=crls if crls is not None else (pki["crl"],),
        now=now,
    )


def refused(reason, fn):
    with pytest.raises(CertificateRefused) as exc:
        fn()
    assert exc.value.reason == reason


def test_good_certificate_gives_its_business_no(pki):
    result = check(pki, pki["good"])
    assert result.business_no == "03734301"


def test_signature_over_other_data_refused(pki):
    refused("signature", lambda: check(pki, pki["good"], signed_over="another challenge"))


def test_revoked_certificate_refused(pki):
    refused("revoked", lambda: check(pki, pki["revoked"]))


def test_expired_and_not_yet_valid_refused(pki):
    now = datetime.now(UTC)
    old = test_pki.make_school_cert(
        pki["ca"], "03734301", "x", not_before=now - timedelta(days=800), not_after=now - timedelta(days=1)
    )
    refused("expired", lambda: check(pki, old))
    future = test_pki.make_school_cert(pki["ca"], "03734301", "x", not_before=now + timedelta(days=2))
    refused("not_yet_valid", lambda: check(pki, future))


def test_wrong_key_usage_refused(pki):
    enc_only = test_pki.make_school_cert(pki["ca"], "03734301", "x", digital_signature=False)
    refused("key_usage", lambda: check(pki, enc_only))


def test_untrusted_issuer_refused(pki):
    other_ca = test_pki.make_ca("Some Other CA")
    stranger = test_pki.make_school_cert(other_ca, "03734301", "x")
    refused("untrusted", lambda: check(pki, stranger, crls=(pki["crl"], test_pki.make_crl(other_ca))))
    refused("untrusted", lambda: check(pki, pki["good"], anchors=()))


def test_same_name_different_key_is_not_trusted(pki):
    impostor_ca = test_pki.make_ca("ARC Test Root CA")  # same subject as the real root, other key
    fake = test_pki.make_school_cert(impostor_ca, "03734301", "x")
    refused("untrusted", lambda: check(pki, fake))


def test_chain_through_an_intermediate(pki):
    inter = test_pki.make_ca("ARC Test Issuing CA", issuer=pki["ca"])
    leaf = test_pki.make_school_cert(inter, "03734317", "政大")
    crls = (pki["crl"], test_pki.make_crl(inter))
    result = check(pki, leaf, chain=[inter.cert], crls=crls)
    assert result.business_no == "03734317"
    # Without the intermediate's CRL the revocation status is unknown: refused.
    refused("crl", lambda: check(pki, leaf, chain=[inter.cert], crls=(pki["crl"],)))


def test_stale_or_missing_crl_refused(pki):
    refused("crl", lambda: check(pki, pki["good"], crls=()))
    stale = test_pki.make_crl(pki["ca"], next_update_days=-1)
    refused("crl", lambda: check(pki, pki["good"], crls=(stale,)))


def test_garbage_refused():
    refused(
        "bad_format",
        lambda: verify_login(
            certificate_der=b"nope",
            chain_der=[],
            signature=b"x",
            signed_data=b"y",
            anchors=(test_pki.make_ca().cert,),
            crls=(),
        ),
    )
