"""Issue 12 item 15: forms say every problem, in the page's order, naming the part of an address."""

from __future__ import annotations

import re

from tests.support import PASSWORD, make_school_with_accounts


def _summary(html: str) -> list[str]:
    box = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", box, re.S)]


async def test_password_change_reports_every_problem_at_once(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form(
        "/account/password",
        {"current_password": "wrong one here", "new_password": "short", "confirm_password": "x"},
    )
    assert r.status_code == 400
    assert 'id="f-current_password-error"' in r.text and "目前密碼錯誤" in r.text
    assert (
        'id="f-new_password-error"' in r.text and "12" in r.text.split('id="f-new_password-error"')[1][:200]
    )
    assert 'id="f-confirm_password-error"' in r.text and "兩次輸入的新密碼不一致" in r.text
    assert len(_summary(r.text)) == 3
    # With a wrong current password the history is not consulted: whether a guess is the current password
    # must not show.
    r = await client.post_form(
        "/account/password",
        {
            "current_password": "wrong one here",
            "new_password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert "目前密碼錯誤" in r.text and "新密碼不可與前 3 次密碼相同" not in r.text
