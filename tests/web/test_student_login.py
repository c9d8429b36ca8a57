"""學生自行申請: roster match, email code (wrong, expired, reused), scope."""

from __future__ import annotations

import email
import re
from datetime import UTC, date, datetime, timedelta

from app.actions.cases import after_transitions
from app.domain.roster import academic_year
from app.settings import settings
from app.web.middleware import SESSION_COOKIE
from tables.tables import Application, AuthEvent, Case, EmailCode, Student
from tests.progress_support import make_roster_entry
from tests.support import captcha_token, make_school, make_school_with_accounts

YEAR = academic_year(date.today())


async def add_roster(
    school: int,
    name_en: str = "STUDENT ONE",
    passport: str = "MM214587",
    born: date = date(1988, 2, 2),
    national_id: str = "",
) -> int:
    return await make_roster_entry(
        school,
        name_en=name_en,
        passport_no=passport,
        year=YEAR,
        name_zh="外生一",
        birth_date=born,
        national_id=national_id,
        qualification="3",
        program="7",
    )


def _outbox_codes() -> list[tuple[str, str]]:
    out = []
    for path in sorted(settings.outbox_dir.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes())
        body = msg.get_payload(decode=True).decode()
        m = re.search(r"\b(\d{6})\b", body)
        if m:
            out.append((msg["To"], m.group(1)))
    return out


def _clear_outbox() -> None:
    if settings.outbox_dir.exists():
        for p in settings.outbox_dir.glob("*.eml"):
            p.unlink()


async def _start(client, **over):
    page = await client.get("/foreign-student/individual/login")
    data = {
        "year": str(YEAR),
        "passport_no": "mm214587",
        "name_en": "student  one",
        "birth_date": "1988/02/02",
        "captcha": "TEST1",
        "captcha_token": captcha_token(page.text),
    }
    data.update(over)
    return await client.post_form("/foreign-student/individual/login", data)


def _pending(html: str) -> str:
    return re.search(r'name="pending" value="([^"]+)"', html).group(1)


async def test_first_login_asks_email_then_code_then_home(client):
    ids = await make_school_with_accounts()
    await add_roster(ids["school"])
    _clear_outbox()
    r = await _start(client)
    assert r.status_code == 200 and "確認您的電子郵件" in r.text
    pending = _pending(r.text)
    r = await client.post_form(
        "/foreign-student/individual/email", {"pending": pending, "email": "one@example.org"}
    )
    assert "s***" not in r.text and "o***@example.org" in r.text
    ((to, code),) = _outbox_codes()
    assert to == "one@example.org"
    assert client.cookies.get(SESSION_COOKIE) is None  # the match alone opens nothing
    r = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
    assert r.status_code == 200 and "優先處理事項" in r.text and "STUDENT ONE" in r.text
    assert "測試大學" in r.text
    student = (await Student.select())[0]
    assert student["email"] == "one@example.org" and student["email_verified_at"] is not None


async def test_later_login_sends_a_fresh_code_to_the_known_address(client):
    ids = await make_school_with_accounts()
    await add_roster(ids["school"])
    await Student.insert(
        Student(
            school=ids["school"],
            year=YEAR,
            passport_no="MM214587",
            name_en="STUDENT ONE",
            birth_date=date(1988, 2, 2),
            email="one@example.org",
            email_verified_at=datetime.now(UTC),
            created_at=datetime.now(UTC),
        )
    )
    _clear_outbox()
    r = await _start(client)
    assert "o***@example.org" in r.text and 'name="code"' in r.text
    ((_to, code),) = _outbox_codes()
    r = await client.post_form(
        "/foreign-student/individual/code", {"pending": _pending(r.text), "code": code}
    )
    assert "優先處理事項" in r.text


async def test_every_mismatch_gives_the_same_message(client):
    ids = await make_school_with_accounts()
    await add_roster(ids["school"], national_id="AD30265881")
    texts = []
    for over in (
        {"passport_no": "MM214588"},
        {"name_en": "STUDENT TWO"},
        {"birth_date": "1988/02/03"},
        {"year": str(YEAR - 1)},
        {"ui_no": "A800000014"},
    ):
        r = await _start(client, **over)
        assert r.status_code == 400
        texts.append(
            re.search(r'<p class="error-message" id="f-passport_no-error">(.*?)</p>', r.text, re.S).group(1)
        )
    assert len(set(texts)) == 1 and "學校" in texts[0]
    assert await AuthEvent.count().where(AuthEvent.result == "no_match") == 5
    # Case, spacing and punctuation of the English name do not matter; the matching UI no. is accepted.
    r = await _start(client, name_en="Student-One", ui_no="ad30265881")
    assert "確認您的電子郵件" in r.text


async def _first_code_mailed(client) -> tuple[str, str, str]:
    """A roster student's first sign-in up to the code mailed to the address they gave: (pending, the code,
    a wrong code)."""
    ids = await make_school_with_accounts()
    await add_roster(ids["school"])
    _clear_outbox()
    r = await _start(client)
    pending = _pending(r.text)
    await client.post_form(
        "/foreign-student/individual/email", {"pending": pending, "email": "one@example.org"}
    )
    ((_to, code),) = _outbox_codes()
    return pending, code, "000000" if code != "000000" else "111111"


async def test_wrong_expired_and_reused_codes(client):
    pending, code, wrong = await _first_code_mailed(client)
    r = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": wrong})
    assert r.status_code == 400 and "驗證碼不正確" in r.text
    ok = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
    assert "優先處理事項" in ok.text
    await client.post_form("/logout")
    reused = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
    assert reused.status_code == 400 and "已過期或已使用" in reused.text
    # An expired code.
    _clear_outbox()
    r = await _start(client)
    pending = _pending(r.text)
    ((_to, code),) = _outbox_codes()
    await EmailCode.update({EmailCode.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        EmailCode.token == pending
    )
    r = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
    assert "已過期或已使用" in r.text and client.cookies.get(SESSION_COOKIE) is None


async def test_five_wrong_codes_lock_the_student(client):
    pending, code, wrong = await _first_code_mailed(client)
    for _ in range(5):
        r = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": wrong})
    assert "15 分鐘" in r.text
    r = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
    assert client.cookies.get(SESSION_COOKIE) is None
    r = await _start(client)
    assert "15 分鐘" in r.text


async def test_a_student_sees_only_their_own_cases(client):
    ids = await make_school_with_accounts()
    await add_roster(ids["school"])
    other_school = await make_school(name="別的大學", business_no="03734317")
    now = datetime.now(UTC)
    student = Student(
        school=ids["school"],
        year=YEAR,
        passport_no="MM214587",
        name_en="STUDENT ONE",
        birth_date=date(1988, 2, 2),
        email="one@example.org",
        email_verified_at=now,
        created_at=now,
    )
    await student.save()
    mine = Application(
        school=ids["school"],
        student=student.id,
        name="STUDENT ONE",
        group_no="151020101",
        status="first_review",
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    await mine.save()
    await Case.insert(Case(application=mine.id, status="first_review", created_at=now, updated_at=now))
    await after_transitions({(mine.id, None)})  # as the workflow keeps it
    for school, name, gno in (
        (ids["school"], "同校別人的團", "151020102"),
        (other_school, "別校的團", "151020103"),
    ):
        app = Application(
            school=school,
            created_by=ids["main"] if school == ids["school"] else None,
            name=name,
            group_no=gno,
            status="first_review",
            submitted_at=now,
            created_at=now,
            updated_at=now,
        )
        await app.save()
        await Case.insert(Case(application=app.id, status="first_review", created_at=now, updated_at=now))
        await after_transitions({(app.id, None)})
    _clear_outbox()
    r = await _start(client)
    ((_to, code),) = _outbox_codes()
    r = await client.post_form(
        "/foreign-student/individual/code", {"pending": _pending(r.text), "code": code}
    )
    assert "151020101" in r.text
    assert "同校別人的團" not in r.text and "別校的團" not in r.text
    # School pages stay closed to a student.
    assert (await client.get("/account/profile", follow_redirects=False)).status_code == 303
    # The school still sees the student's own application.
    await client.post_form("/logout")
    r = await client.login("03734301")
    assert "151020101" in r.text
