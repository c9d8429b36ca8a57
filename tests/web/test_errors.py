"""The one vocabulary of refusals: an action's NotFound, Refused or Conflict that no handler shows on its
own form answers the matching page, in the user's language, without a stack trace, and writes nothing."""

from __future__ import annotations

from app import errors
from tables.tables import Account
from tests.support import make_school_with_accounts


async def test_an_out_of_scope_id_answers_the_404_page(client):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form(f"/account/sub-accounts/{ids['sub2'] + 1000}/disable")
    assert r.status_code == 404
    assert "找不到" in r.text and "Traceback" not in r.text


async def test_a_refusal_no_form_shows_answers_400_with_why(client, monkeypatch):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    from app.actions import accounts as account_actions

    async def refuse(actor, account_id, enabled):
        raise errors.Refused(["The account is being imported; try again in a minute."])

    monkeypatch.setattr(account_actions, "set_sub_account_enabled", refuse)
    r = await client.post_form(f"/account/sub-accounts/{ids['sub1']}/disable")
    assert r.status_code == 400
    assert "The account is being imported; try again in a minute." in r.text
    assert "Traceback" not in r.text
    row = (await Account.select(Account.enabled).where(Account.id == ids["sub1"]))[0]
    assert row["enabled"] is True


async def test_a_conflict_answers_409_in_english_too(client, monkeypatch):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    client.cookies.set("lang", "en")
    from app.actions import accounts as account_actions

    async def conflict(actor, account_id, enabled):
        raise errors.Conflict()

    monkeypatch.setattr(account_actions, "set_sub_account_enabled", conflict)
    r = await client.post_form(f"/account/sub-accounts/{ids['sub1']}/disable")
    assert r.status_code == 409
    assert "This record has changed" in r.text and "reload the page" in r.text


def test_every_module_raises_the_same_not_found():
    from app.actions import accounts, apply, payment, review, roster, student_apply, supplement, withdraw

    for module in (accounts, apply, payment, roster, student_apply, supplement, withdraw, review):
        assert issubclass(module.NotFound, errors.NotFound), module.__name__
