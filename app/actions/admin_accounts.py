"""Supervisors' back-office writes on school accounts: a new school with its main account, and a reset
of a main account's password. One function per action, each taking the reviewer `Actor`; the
supervisor's role is read from the database, never taken from the caller. Sub-accounts stay the
main account's business (帳號維護).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from app import db
from app.actions.accounts import _password_problems, _set_password
from app.actions.auth import audit
from app.domain import passwords
from app.domain.actor import Actor
from app.domain.validators import is_business_no, is_email
from app.i18n import gettext as _
from app.services import hashing, sessions
from app.services.sessions import now
from tables.tables import Account, ReviewerProfile, School

# A main account id: letters and digits (usually the 統一編號); "-NN" is added for its sub-accounts.
MAIN_ID = re.compile(r"^[A-Za-z0-9]{4,17}$")


class AdminAccountError(Exception):
    """Refused; `message` says why (shown in the back office), `field` names the input at fault."""

    def __init__(self, message: str, field: str = ""):
        self.message, self.field = message, field
        super().__init__(message)


@dataclass(frozen=True)
class NewSchool:
    name: str
    business_no: str
    login_id: str
    contact_name: str
    email: str
    password: str


async def is_supervisor(actor: Actor) -> bool:
    """An active back-office user who is a superuser or has the supervisor role."""
    if actor.kind != "reviewer" or not actor.account_id:
        return False
    rows = await BaseUser.select(BaseUser.superuser).where(
        (BaseUser.id == actor.account_id) & (BaseUser.active == True) & (BaseUser.admin == True)  # noqa: E712
    )
    if not rows:
        return False
    if rows[0]["superuser"]:
        return True
    role = await ReviewerProfile.select(ReviewerProfile.role).where(ReviewerProfile.user == actor.account_id)
    return bool(role and role[0]["role"] == "supervisor")


async def _require_supervisor(actor: Actor) -> None:
    if not await is_supervisor(actor):
        raise AdminAccountError(_("Only supervisors may do this."))


def _check_new_school(data: NewSchool) -> None:
    if not data.name.strip():
        raise AdminAccountError(_("Enter the school's name."), "name")
    if not is_business_no(data.business_no):
        raise AdminAccountError(_("The unified business number (統一編號) is not valid."), "business_no")
    if not MAIN_ID.match(data.login_id):
        raise AdminAccountError(_("The account id must be 4 to 17 letters or digits."), "login_id")
    if not data.contact_name.strip():
        raise AdminAccountError(_("Enter the contact person."), "contact_name")
    if not is_email(data.email):
        raise AdminAccountError(_("Enter a valid email address."), "email")
    problems = [
        str(p)
        for p in passwords.password_problems(
            data.password, login_id=data.login_id, school_name=data.name.strip()
        )
    ]
    if problems:
        raise AdminAccountError(" ".join(problems), "password")


async def _duplicate(business_no: str, login_id: str) -> AdminAccountError | None:
    if await School.exists().where(School.business_no == business_no):
        return AdminAccountError(
            _("A school with the unified business number %(no)s already exists.", no=business_no),
            "business_no",
        )
    if await Account.exists().where(Account.login_id == login_id):
        return AdminAccountError(_("The account id %(id)s is already taken.", id=login_id), "login_id")
    return None


async def create_school(actor: Actor, data: NewSchool) -> int:
    """A school and its main account, in one transaction. Returns the account's id."""
    await _require_supervisor(actor)
    data = NewSchool(
        name=data.name.strip(),
        business_no=data.business_no.strip(),
        login_id=data.login_id.strip(),
        contact_name=data.contact_name.strip(),
        email=data.email.strip(),
        password=data.password,
    )
    _check_new_school(data)
    if (dup := await _duplicate(data.business_no, data.login_id)) is not None:
        raise dup
    password_hash = await hashing.hash_password(data.password)
    t = now()
    try:
        async with db.write_tx():
            # Checked again inside the transaction; the unique indexes stop a race past this.
            if (dup := await _duplicate(data.business_no, data.login_id)) is not None:
                raise dup
            school = School(name=data.name, business_no=data.business_no, email=data.email, created_at=t)
            await school.save()
            account = Account(
                login_id=data.login_id,
                school=school.id,
                is_main=True,
                name=data.contact_name,
                email=data.email,
                enabled=True,
                deleted=False,
                password_hash=password_hash,
                password_changed_at=t,
                created_at=t,
            )
            await account.save()
            await audit(
                "account_created",
                login_id=data.login_id,
                account_id=account.id,
                actor_login_id=actor.login_id,
                detail=f"main account of new school {data.business_no} (back office)",
            )
    except AdminAccountError:
        raise
    except Exception as exc:  # a unique index hit by a concurrent create
        if (dup := await _duplicate(data.business_no, data.login_id)) is not None:
            raise dup from exc
        raise
    return account.id


async def reset_main_password(actor: Actor, login_id: str, new_password: str) -> None:
    """A school main account's new password (same rules as its own change); its sessions end."""
    await _require_supervisor(actor)
    rows = await Account.select(
        Account.id,
        Account.login_id,
        Account.password_hash,
        Account.is_main,
        Account.deleted,
        Account.school.name,
    ).where(Account.login_id == login_id.strip())
    if not rows or rows[0]["deleted"]:
        raise AdminAccountError(_("No school account with this id."), "login_id")
    account = rows[0]
    if not account["is_main"]:
        raise AdminAccountError(_("This is a sub-account: its main account sets its password."), "login_id")
    problems = await _password_problems(account, account["school.name"], new_password, new_password)
    if problems:
        raise AdminAccountError(" ".join(problems), "new_password")
    new_hash = await hashing.hash_password(new_password)
    async with db.write_tx():
        await _set_password(account["id"], new_hash, account["password_hash"])  # also unlocks the account
        await sessions.delete_for_account(account["id"])  # (done by _set_password too; kept explicit)
        await audit(
            "password_reset",
            login_id=account["login_id"],
            account_id=account["id"],
            actor_login_id=actor.login_id,
            detail="by a supervisor (back office)",
        )


# --- reviewer accounts (issue 15) --------------------------------------------------------------------------

USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,40}$")


@dataclass(frozen=True)
class NewReviewer:
    username: str
    display_name: str
    email: str
    role: str
    stations: str  # service station codes, separated by commas or spaces; empty: every station
    password: str


def _plain(message: object) -> str:
    from app.domain.admin_labels import both

    return both(message)


async def create_reviewer(actor: Actor, data: NewReviewer) -> int:
    """A back-office user and its reviewer profile (role, stations) in one step, under the schools' password
    rules (12+ characters, not on the word list, not containing the username). Returns the user's id."""
    from app.domain.master_data import DESK_ROLES
    from app.queries.stations import get_station
    from tables.tables import ReviewerStation

    await _require_supervisor(actor)
    username = data.username.strip()
    if not USERNAME.match(username):
        raise AdminAccountError(
            "帳號須為 3 至 40 個英數字或 . _ -。 The username is 3 to 40 letters, digits, dots, dashes or underscores.",
            "username",
        )
    if not data.display_name.strip():
        raise AdminAccountError("請填寫顯示名稱。 Enter the display name.", "display_name")
    if not is_email(data.email.strip()):
        raise AdminAccountError("電子郵件格式不正確。 The e-mail address is not valid.", "email")
    if data.role not in DESK_ROLES:
        raise AdminAccountError(
            "角色須為初審、複審或主管。 The role must be first reviewer, second reviewer or supervisor.",
            "role",
        )
    codes = [c for c in re.split(r"[\s,，、]+", data.stations.strip()) if c]
    unknown = [c for c in codes if get_station(c) is None]
    if unknown:
        raise AdminAccountError(
            f"不明的服務站代碼 Unknown service station code: {', '.join(unknown)}", "stations"
        )
    problems = passwords.password_problems(data.password, login_id=username)
    if problems:
        raise AdminAccountError(" ".join(_plain(p) for p in problems), "password")
    if await BaseUser.exists().where(BaseUser.username == username):
        raise AdminAccountError("此帳號已有人使用。 This username is already in use.", "username")
    t = now()
    async with db.write_tx():
        user = BaseUser(
            username=username,
            password=BaseUser.hash_password(data.password),
            email=data.email.strip(),
            active=True,
            admin=True,
            superuser=False,
        )
        await user.save()
        profile = ReviewerProfile(
            user=user.id, role=data.role, display_name=data.display_name.strip(), created_at=t
        )
        await profile.save()
        for code in dict.fromkeys(codes):
            await ReviewerStation.insert(ReviewerStation(reviewer=profile.id, station_code=code))
    return user.id
