"""憑證登入 through the test client, with the test CA and the stand-in signer's signing function."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from app.settings import CERT_CRLS, CERT_TRUST_ANCHORS
from app.tools import test_pki
from app.tools.standin_signer import sign_challenge
from app.web.middleware import SESSION_COOKIE
from tables.tables import Account, AuthEvent, LoginChallenge
from tests.support import make_account, make_school, make_school_with_accounts


@pytest.fixture
def pki():
    anchor = Path(CERT_TRUST_ANCHORS[0])
    ca = test_pki.make_ca()
    anchor.parent.mkdir(parents=True, exist_ok=True)
    anchor.write_bytes(ca.cert.public_bytes(serialization.Encoding.PEM))
    good = test_pki.make_school_cert(ca, "03734301", "測試大學")
    revoked = test_pki.make_school_cert(ca, "03734301", "測試大學")
    Path(CERT_CRLS[0]).write_bytes(
        test_pki.make_crl(ca, [revoked.cert.serial_number]).public_bytes(serialization.Encoding.PEM)
    )
    return {
        "ca": ca,
        "good": test_pki.p12_bytes(good, [ca.cert]),
        "revoked": test_pki.p12_bytes(revoked, [ca.cert]),
    }


async def _challenge(client) -> str:
    r = await client.post(
        "/login/certificate/challenge",
        data={"business_no": "03734301"},
        headers={"x-arc-csrf": await client.ensure_csrf()},
    )
    assert r.status_code == 200
    token = json.loads(r.text)["challenge"]
    assert len(token) == 64  # 256 bits
    return token


async def _cert_login(client, p12: bytes, *, business_no="03734301", challenge=None, sign_over=None):
    page = await client.get("/login?tab=cert")
    captcha = re.search(r'name="captcha_token" value="([^"]+)"', page.text).group(1)
    challenge = challenge or await _challenge(client)
    signed = sign_challenge(p12, test_pki.DEMO_PIN, sign_over or challenge)
    data = {
        "business_no": business_no,
        "captcha": "TEST1",
        "captcha_token": captcha,
        "challenge": challenge,
        "certificate": signed["certificate"],
        "signature": signed["signature"],
        "chain": signed["chain"],
    }
    return await client.post_form("/login/certificate", data), challenge


async def test_cert_tab_never_posts_the_pin(client):
    r = await client.get("/login?tab=cert")
    assert "憑證登入" in r.text and 'id="f-pin"' in r.text
    pin_input = re.search(r'<input id="f-pin"[^>]*>', r.text).group(0)
    assert "name=" not in pin_input
    assert "HiPKI" in r.text and "環境檢查" in r.text


async def test_good_certificate_logs_in_the_main_account(client, pki):
    await make_school_with_accounts()
    r, _ = await _cert_login(client, pki["good"])
    assert r.status_code == 200 and "優先處理事項" in r.text and "測試大學 測試人" in r.text
    assert client.cookies.get(SESSION_COOKIE)
    assert await AuthEvent.exists().where((AuthEvent.event == "cert_login") & (AuthEvent.result == "ok"))


async def test_replayed_challenge_refused(client, pki):
    await make_school_with_accounts()
    r, challenge = await _cert_login(client, pki["good"])
    assert "優先處理事項" in r.text
    await client.post_form("/logout")
    r, _ = await _cert_login(client, pki["good"], challenge=challenge)
    assert r.status_code == 400 and "已過期或已使用" in r.text


async def test_expired_challenge_refused(client, pki):
    from datetime import UTC, datetime, timedelta

    await make_school_with_accounts()
    challenge = await _challenge(client)
    await LoginChallenge.update({LoginChallenge.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        LoginChallenge.token == challenge
    )
    r, _ = await _cert_login(client, pki["good"], challenge=challenge)
    assert "已過期或已使用" in r.text and client.cookies.get(SESSION_COOKIE) is None


async def test_signature_over_other_data_refused(client, pki):
    await make_school_with_accounts()
    r, _ = await _cert_login(client, pki["good"], sign_over="something else")
    assert "簽章無法驗證" in r.text and client.cookies.get(SESSION_COOKIE) is None


async def test_revoked_certificate_refused(client, pki):
    await make_school_with_accounts()
    r, _ = await _cert_login(client, pki["revoked"])
    assert "已被廢止" in r.text and client.cookies.get(SESSION_COOKIE) is None
    assert await AuthEvent.exists().where(AuthEvent.result == "revoked")


async def test_wrong_school_refused(client, pki):
    """A valid certificate of school A cannot open school B's account, nor a typed number of B."""
    await make_school_with_accounts()
    other = await make_school(name="別的大學", business_no="03734317")
    await make_account("03734317", other, main=True)
    r, _ = await _cert_login(client, pki["good"], business_no="03734317")
    assert "與您輸入的統一編號不符" in r.text and client.cookies.get(SESSION_COOKIE) is None


async def test_certificate_without_a_registered_school_refused(client, pki):
    r, _ = await _cert_login(client, pki["good"])
    assert "尚未登記學校主帳號" in r.text


async def test_disabled_main_account_refused(client, pki):
    ids = await make_school_with_accounts()
    await Account.update({Account.enabled: False}).where(Account.id == ids["main"])
    r, _ = await _cert_login(client, pki["good"])
    assert "停用" in r.text and client.cookies.get(SESSION_COOKIE) is None


async def test_untrusted_certificate_refused(client, pki):
    await make_school_with_accounts()
    stranger_ca = test_pki.make_ca("Stranger CA")
    stranger = test_pki.make_school_cert(stranger_ca, "03734301", "測試大學")
    r, _ = await _cert_login(client, test_pki.p12_bytes(stranger, [stranger_ca.cert]))
    assert "非受信任的憑證機構" in r.text


async def test_wrong_key_usage_refused(client, pki):
    await make_school_with_accounts()
    enc = test_pki.make_school_cert(pki["ca"], "03734301", "測試大學", digital_signature=False)
    r, _ = await _cert_login(client, test_pki.p12_bytes(enc, [pki["ca"].cert]))
    assert "金鑰用途" in r.text


async def test_expired_certificate_refused(client, pki):
    from datetime import UTC, datetime, timedelta

    await make_school_with_accounts()
    now = datetime.now(UTC)
    old = test_pki.make_school_cert(
        pki["ca"],
        "03734301",
        "測試大學",
        not_before=now - timedelta(days=900),
        not_after=now - timedelta(days=1),
    )
    r, _ = await _cert_login(client, test_pki.p12_bytes(old, [pki["ca"].cert]))
    assert "憑證已過期" in r.text
