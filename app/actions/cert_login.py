"""憑證登入: a single-use challenge, then the signed challenge checked against the certificate rules."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import timedelta

from app import db
from app.actions.auth import audit, check_captcha
from app.services import certificates, sessions
from app.services.sessions import now
from app.settings import CERT_CRLS, CERT_TRUST_ANCHORS
from tables.tables import Account, LoginChallenge, School

CHALLENGE_TTL = timedelta(minutes=2)


async def create_challenge(business_no: str, ip: str) -> str:
    """A 256-bit random challenge, valid for two minutes and once."""
    token = secrets.token_hex(32)
    t = now()
    async with db.write_tx():
        await LoginChallenge.insert(
            LoginChallenge(
                token=token,
                business_no=(business_no or "")[:8],
                created_at=t,
                expires_at=t + CHALLENGE_TTL,
                used=False,
                ip=ip[:64],
            )
        )
        await LoginChallenge.delete().where(LoginChallenge.expires_at < t - timedelta(days=1))
    return token


@dataclass
class CertLoginResult:
    ok: bool
    reason: str = ""  # captcha | challenge | <CertificateRefused reason> | mismatch | no_account | disabled
    session_token: str = ""


def _b64(value: str) -> bytes:
    return base64.b64decode(value.encode(), validate=True)


async def _spend_challenge(token: str) -> bool:
    async with db.write_tx():
        rows = await LoginChallenge.select().where(LoginChallenge.token == token)
        if not rows or rows[0]["used"] or rows[0]["expires_at"] <= now():
            return False
        await LoginChallenge.update({LoginChallenge.used: True}).where(LoginChallenge.id == rows[0]["id"])
    return True


async def log_in_with_certificate(
    *,
    business_no: str,
    captcha_token: str,
    captcha_answer: str,
    challenge: str,
    certificate_b64: str,
    chain_b64: list[str],
    signature_b64: str,
    ip: str,
) -> CertLoginResult:
    business_no = (business_no or "").strip()

    async def refuse(reason: str, account_id: int | None = None) -> CertLoginResult:
        await audit("cert_login", login_id=business_no, account_id=account_id, ip=ip, result=reason)
        return CertLoginResult(False, reason)

    if not await check_captcha(captcha_token, captcha_answer):
        return await refuse("captcha")
    if not challenge or not await _spend_challenge(challenge):
        return await refuse("challenge")
    try:
        cert = certificates.verify_login(
            certificate_der=_b64(certificate_b64),
            chain_der=[_b64(c) for c in chain_b64 if c],
            signature=_b64(signature_b64),
            signed_data=challenge.encode(),
            anchors=certificates.load_anchors(CERT_TRUST_ANCHORS),
            crls=certificates.load_crls(CERT_CRLS),
        )
    except (binascii.Error, ValueError):
        return await refuse("bad_format")
    except certificates.CertificateRefused as exc:
        return await refuse(exc.reason)
    if cert.business_no != business_no:
        return await refuse("mismatch")
    accounts = await Account.select(Account.id, Account.enabled).where(
        (Account.school.business_no == cert.business_no)
        & (Account.is_main == True)  # noqa: E712
        & (Account.deleted == False)  # noqa: E712
    )
    schools = await School.count().where(School.business_no == cert.business_no)
    if schools != 1 or len(accounts) != 1:
        return await refuse("no_account")
    account = accounts[0]
    if not account["enabled"]:
        return await refuse("disabled", account["id"])
    async with db.write_tx():
        await Account.update({Account.last_login_at: now(), Account.failed_logins: 0}).where(
            Account.id == account["id"]
        )
        token = await sessions.create_session(account_id=account["id"], kind="school", ip=ip)
        await audit(
            "cert_login",
            login_id=business_no,
            account_id=account["id"],
            ip=ip,
            result="ok",
            detail=f"serial {cert.serial_number:x}",
        )
    return CertLoginResult(True, session_token=token)
