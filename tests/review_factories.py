"""Factories for the review tests: reviewers (piccolo users with a role), submitted groups, admin sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from app.actions.cases import after_transitions
from app.domain.actor import Actor
from tables.tables import Application, Case, Payment, Receipt, ReviewerProfile, ReviewEvent

REVIEWER_PASSWORD = "Reviewer-pass-2026"
_HASH: str | None = None


def _password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = BaseUser.hash_password(REVIEWER_PASSWORD)
    return _HASH


async def make_reviewer(
    username: str,
    role: str | None,
    *,
    superuser: bool = False,
    active: bool = True,
    admin: bool = True,
    name: str = "",
) -> int:
    user = BaseUser(
        username=username,
        password=_password_hash(),
        email=f"{username}@nia.example.gov.tw",
        active=active,
        admin=admin,
        superuser=superuser,
    )
    await user.save()
    if role:
        await ReviewerProfile.insert(
            ReviewerProfile(
                user=user.id, role=role, display_name=name or username, created_at=datetime.now(UTC)
            )
        )
    return user.id


async def make_reviewers() -> dict[str, int]:
    return {
        "reviewer1": await make_reviewer("reviewer1", "first_reviewer", name="初審 王小明"),
        "reviewer2": await make_reviewer("reviewer2", "second_reviewer", name="複審 李美華"),
        "supervisor": await make_reviewer("supervisor", "supervisor", superuser=True, name="科長"),
    }


def actor(user_id: int, username: str = "reviewer") -> Actor:
    return Actor(kind="reviewer", account_id=user_id, login_id=username, name=username)


_seq = {"group": 0, "case": 0}


async def make_group(
    school_id: int,
    account_id: int,
    statuses: list[str],
    *,
    name: str = "測試團",
    days_ago: int = 1,
    email: str = "submitter@example.edu.tw",
    station: str = "S01",
) -> dict[str, Any]:
    _seq["group"] += 1
    submitted = datetime.now(UTC) - timedelta(days=days_ago)
    app_row = Application(
        group_no=f"15102{_seq['group']:04d}",
        name=name,
        member_count=len(statuses),
        school=school_id,
        created_by=account_id,
        submitter_name="承辦人",
        submitter_email=email,
        status="first_review",
        station_code=station,
        submitted_at=submitted,
        created_at=submitted,
        updated_at=submitted,
    )
    await app_row.save()
    cases = []
    for i, status in enumerate(statuses):
        _seq["case"] += 1
        c = Case(
            application=app_row.id,
            receipt_no=f"11569650{_seq['case']:04d}",
            status=status,
            name_en=f"STUDENT {i + 1}",
            passport_no=f"P{_seq['case']:07d}",
            birth_date=date(2000, 1, 1),
            complete=True,
            submitted_at=submitted,
            created_at=submitted,
            updated_at=submitted,
        )
        await c.save()
        cases.append(c.id)
    await after_transitions({(app_row.id, c) for c in cases})  # what every transition keeps beside the rows
    return {"application": app_row.id, "cases": cases}


async def add_receipt(application_id: int, school_id: int, receipt_no: str = "115000000777") -> None:
    """A paid receipt of the group, as payment issues it: it lists the group's 收件號 (payer = their range)."""
    from app.domain import issuance

    now = datetime.now(UTC)
    receipt_nos = [
        c["receipt_no"]
        for c in await Case.select(Case.receipt_no)
        .where(Case.application == application_id)
        .order_by(Case.receipt_no)
        if c["receipt_no"]
    ]
    p = Payment(
        order_no=f"T{receipt_no}",
        school=school_id,
        amount=1000,
        status="paid",
        created_at=now,
        expires_at=now,
        paid_at=now,
    )
    await p.save()
    await Receipt.insert(
        Receipt(
            receipt_no=receipt_no,
            payment=p.id,
            application=application_id,
            payer=issuance.payer_range(receipt_nos),
            item_code="1",
            item_name="證照費",
            purpose="居留證",
            amount=1000,
            amount_words="壹仟元整",
            issued_on=now.date(),
            content={"receipt_no": receipt_no, "receipt_nos": receipt_nos},
            created_at=now,
        )
    )


async def admin_login(
    client: Any, username: str, code: str | None = None, *, password: str = REVIEWER_PASSWORD
):
    """Posts piccolo-admin's sign-in as its page does (the CSRF token of its cookie in the header); the response."""
    await client.get("/admin/")
    token = client.cookies.get("csrftoken")
    assert token
    body = {"username": username, "password": password}
    if code is not None:
        body["mfa_code"] = code
    return await client.post("/admin/public/login/", json=body, headers={"X-CSRFToken": token})


async def admin_signed_in(client: Any, username: str, code: str | None = None) -> str:
    """Signed in to the back office as this reviewer: the CSRF token its forms post with."""
    r = await admin_login(client, username, code)
    assert r.status_code == 200, r.text
    return client.cookies.get("csrftoken")


async def admin_headers(client: Any, username: str) -> dict[str, str]:
    """Signed in to the back office: the header its API's forms post with."""
    return {"X-CSRFToken": await admin_signed_in(client, username)}


async def admin_session(client: Any, user_id: int) -> str:
    """Sign the test client in to the back office (the cookie piccolo-admin would set)."""
    session = await SessionsBase.create_session(user_id=user_id)
    client.cookies.set("id", session.token)
    return session.token


async def case_row(case_id: int) -> dict[str, Any]:
    return (await Case.select().where(Case.id == case_id))[0]


async def events_of(case_id: int) -> list[dict[str, Any]]:
    return await ReviewEvent.select().where(ReviewEvent.case == case_id).order_by(ReviewEvent.id)
