"""Issue 12, low items: CSRF exclusions, query-string numbers, the /admin CSP."""

from __future__ import annotations

from tests.support import make_school_with_accounts


async def test_csrf_exclusions_are_anchored(client):
    """A path that merely contains an excluded prefix (…/adminxyz/…) is still checked."""
    await make_school_with_accounts()
    await client.login("03734301")
    for path in (
        "/payment/result/adminxyz/cancel",
        "/payment/result/static/cancel",
        "/payment/result/x/query",
    ):
        r = await client.post(path, follow_redirects=False)
        assert r.status_code == 403, path
    # The real exclusions (piccolo-admin posts with its own csrftoken) are walked in test_review_admin.py.


async def test_out_of_range_year_in_query_strings_is_a_400_with_the_forms_message(client):
    """The roster list, its export and the wizard's roster step: 400 and the form's message, never a 500."""
    from tests.web.test_apply_wizard import start_draft

    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    for year in ("99999999999999999999", "2147483648", "-1"):
        for url in (f"/roster?year={year}", f"/roster/export.xlsx?year={year}"):
            r = await client.get(url)
            assert r.status_code == 400, (url, r.status_code)
            assert "請由清單選擇學年度" in r.text and 'aria-invalid="true"' in r.text, url
        r = await client.get(f"/apply/drafts/{app_id}/roster?year={year}")
        assert r.status_code == 400, (year, r.status_code)
        assert "請由清單選擇學年度" in r.text and 'id="f-year-error"' in r.text
    # A ticked id beyond any integer column is an unknown row, not a database error.
    r = await client.post_form(f"/apply/drafts/{app_id}/roster", {"entry": "99999999999999999999"})
    assert r.status_code in (303, 400)
    # Years from the list still filter.
    assert (await client.get("/roster?year=114")).status_code == 200
