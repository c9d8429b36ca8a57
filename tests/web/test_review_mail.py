"""Decision emails delivered to a real SMTP server (aiosmtpd) in the submitter's language."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import socket
from datetime import UTC, datetime
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from app.actions import review
from app.domain.calendar import supplement_deadline
from app.i18n import format_date, use_locale
from app.services import mail
from tables.tables import Account
from tests.review_factories import actor, case_row, make_group, make_reviewers
from tests.support import make_school_with_accounts


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(
        mail, "settings", dataclasses.replace(mail.settings, smtp_host="127.0.0.1", smtp_port=port)
    )
    try:
        yield inbox
    finally:
        controller.stop()


def _body(msg: Message) -> str:
    return msg.get_content()


async def test_return_for_supplement_in_english_and_approval_in_chinese(db, smtp):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    await Account.update({Account.language: "en"}).where(Account.id == ids["main"])
    en_group = await make_group(
        ids["school"], ids["main"], ["first_review"], name="Exchange spring", email="main@example.edu.tw"
    )
    zh_group = await make_group(
        ids["school"], ids["sub1"], ["second_review"], name="學位生秋季", email="sub1@example.edu.tw"
    )

    c = await case_row(en_group["cases"][0])
    outcome = await review.return_for_supplement(
        actor(users["reviewer1"], "reviewer1"),
        c["id"],
        c["version"],
        "The passport copy is unreadable; please upload it again.",
    )
    assert outcome.sent
    c2 = await case_row(zh_group["cases"][0])
    await review.approve(actor(users["reviewer2"], "reviewer2"), c2["id"], c2["version"])

    assert len(smtp.messages) == 2
    (to_en, en), (to_zh, zh) = smtp.messages
    assert to_en == ["main@example.edu.tw"] and to_zh == ["sub1@example.edu.tw"]

    assert "returned for supplement" in en["Subject"] and en_group_no(en) in en["Subject"]
    body = _body(en)
    assert "The passport copy is unreadable; please upload it again." in body
    assert c["receipt_no"] in body and "Exchange spring" in body
    with use_locale("en"):
        due = format_date(supplement_deadline(datetime.now(UTC)))
    assert f"by {due}" in body and "3 working days" in body
    assert "退回補正" not in body

    assert "已核准，請繳費" in zh["Subject"]
    zbody = _body(zh)
    assert "下列案件已核准。" in zbody and "線上繳費" in zbody and "學位生秋季" in zbody
    assert "approved" not in zbody


async def test_refusals_and_card_made_notify_but_passing_first_review_does_not(db, smtp):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(
        ids["school"], ids["main"], ["first_review", "second_review", "card_production", "first_review"]
    )
    first, second, card, other = g["cases"]
    r1, r2 = actor(users["reviewer1"], "reviewer1"), actor(users["reviewer2"], "reviewer2")
    await review.pass_first_review(r1, other, 1)
    assert smtp.messages == []
    await review.not_accept(r1, first, 1, "非本系統受理之學生類別。")
    await review.reject(r2, second, 1, "就學證明與申請資格不符。")
    await review.card_made(r1, card, 1)
    subjects = [m["Subject"] for _to, m in smtp.messages]
    assert len(subjects) == 3
    assert "不受理" in subjects[0] and "不核准" in subjects[1] and "居留證已可領取" in subjects[2]
    assert "非本系統受理之學生類別。" in _body(smtp.messages[0][1])
    assert "臺北市服務站" in _body(smtp.messages[2][1])  # the pickup station of the group


async def test_a_refused_decision_sends_nothing(db, smtp):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    with pytest.raises(review.ReviewError):
        await review.not_accept(actor(users["reviewer1"]), g["cases"][0], 1, "")
    with pytest.raises(review.Conflict):
        await review.pass_first_review(actor(users["reviewer1"]), g["cases"][0], 7)
    assert smtp.messages == []


def en_group_no(msg: Message) -> str:
    m = re.search(r"group no\. (\d{9})", _body(msg))
    assert m, _body(msg)
    return m.group(1)


async def test_self_filed_case_mails_the_student_in_their_language(db, smtp):
    from datetime import date

    from tables.tables import Application, Student

    ids = await make_school_with_accounts()
    users = await make_reviewers()
    st = Student(
        school=ids["school"],
        year=115,
        passport_no="E1234567",
        name_en="EMMA STONE",
        birth_date=date(2004, 2, 2),
        email="emma@student.example.com",
        language="en",
        created_at=datetime.now(UTC),
    )
    await st.save()
    g = await make_group(
        ids["school"], None, ["second_review"], name="Self-filed", email="emma@student.example.com"
    )
    await Application.update({Application.student: st.id}).where(Application.id == g["application"])
    await review.reject(actor(users["reviewer2"]), g["cases"][0], 1, "Not eligible for this permit.")
    assert len(smtp.messages) == 1
    to, msg = smtp.messages[0]
    assert to == ["emma@student.example.com"]
    assert "rejected" in msg["Subject"] and "Not eligible for this permit." in _body(msg)
