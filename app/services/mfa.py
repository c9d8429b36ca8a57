"""Reviewers' second factor: TOTP (an authenticator app), piccolo_api's `AuthenticatorProvider`.

- The shared secrets live in piccolo_api's `authenticator_secret` table (app `mfa_authenticator`),
  encrypted with Fernet under `settings.mfa_encryption_key`; recovery codes are stored hashed.
- piccolo-admin's login asks an enrolled user for the code (`create_admin(mfa_providers=[provider()])`).
- Enrolling (app/actions/mfa.py) ends every back-office session of the user, so a session of an
  enrolled user was always opened with the code. `must_enrol` is what the admin and the desk check:
  a supervisor requires MFA (`ReviewerProfile.mfa_required`) and the user has not enrolled yet.
"""

from __future__ import annotations

import base64
import functools
import io

import pyotp
import qrcode
from piccolo_api.encryption.providers import FernetProvider
from piccolo_api.mfa.authenticator.provider import AuthenticatorProvider
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret

from app.settings import settings
from tables.tables import ReviewerProfile

ISSUER = "NIA ARC review"  # how the authenticator app names the entry
VALID_WINDOW = 1  # one 30-second step either side, for phone clocks that drift
RECOVERY_CODES = 8


@functools.cache
def encryption() -> FernetProvider:
    return FernetProvider(encryption_key=settings.mfa_encryption_key.encode())


@functools.cache
def provider() -> AuthenticatorProvider:
    return AuthenticatorProvider(
        encryption_provider=encryption(),
        recovery_code_count=RECOVERY_CODES,
        issuer_name=ISSUER,
        valid_window=VALID_WINDOW,
    )


async def is_enrolled(user_id: int) -> bool:
    return await AuthenticatorSecret.is_user_enrolled(user_id=user_id)


async def is_required(user_id: int) -> bool:
    rows = await ReviewerProfile.select(ReviewerProfile.mfa_required).where(ReviewerProfile.user == user_id)
    return bool(rows and rows[0]["mfa_required"])


async def must_enrol(user_id: int) -> bool:
    """A supervisor requires a second factor and the user has none yet: only enrolment is open to them."""
    return await is_required(user_id) and not await is_enrolled(user_id)


def new_secret() -> str:
    return pyotp.random_base32()


def code_is_valid(secret: str, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    return len(code) == 6 and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=VALID_WINDOW)


def setup_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_png_base64(data: str) -> str:
    qr = qrcode.QRCode(border=2, box_size=6)
    qr.add_data(data)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf)
    return base64.b64encode(buf.getvalue()).decode()


def stored_secret(user_id_row: AuthenticatorSecret) -> str:
    """The decrypted shared secret of a stored row (tests compute codes from it)."""
    return encryption().decrypt(user_id_row.secret)
