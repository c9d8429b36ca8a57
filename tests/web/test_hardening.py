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


async def test_an_oversized_upload_is_reported_with_its_real_size(client):
    from tables.tables import Attachment
    from tests.apply_support import applicant_form, post_multipart
    from tests.web.test_apply_wizard import new_foreign_applicant

    app_id, case_id = await new_foreign_applicant(client)
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/applicants/{case_id}",
        applicant_form(1) | {"op": "save"},
        [("file_passport", ("scan.jpg", b"\xff\xd8" + b"\0" * (3 * 1024 * 1024), "image/jpeg"))],
    )
    assert r.status_code == 200
    assert "「scan.jpg」大小為 3.0 MB" in r.text and "512 KB" not in r.text
    assert await Attachment.count().where(Attachment.kind == "passport") == 0


async def test_admin_responses_carry_a_content_security_policy(client):
    from app.web.middleware import ADMIN_CSP

    for path in ("/admin/", "/admin/api/meta/", "/admin/assets/nothing.js"):
        r = await client.get(path)
        policy = r.headers.get("content-security-policy", "")
        assert policy == ADMIN_CSP, path
        assert (
            "script-src 'self'" in policy
            and "unsafe-eval" not in policy
            and "frame-ancestors 'none'" in policy
        )
    # The pages keep their own policy (no inline style at all).
    assert "'unsafe-inline'" not in (await client.get("/login")).headers["content-security-policy"]


async def test_progress_date_filter_error_is_shown_under_htmx(client):
    await make_school_with_accounts()
    await client.login("03734301")
    htmx = {"HX-Request": "true", "HX-Target": "progress-search"}
    r = await client.get("/progress/?search=1&date_from=2026/13/45", headers=htmx)
    assert r.status_code == 400 and r.headers.get("x-form-errors") == "1"
    # The swapped part carries the field's error beside it, the summary and what was typed.
    assert 'id="progress-search"' in r.text
    assert 'id="f-date_from-error"' in r.text and "請以 YYYY/MM/DD 輸入正確日期" in r.text
    assert 'class="error-summary"' in r.text and 'value="2026/13/45"' in r.text
    assert "<html" not in r.text
    # A good search answers the same part without errors (so an earlier error is cleared).
    r = await client.get("/progress/?search=1&date_from=2026/01/05", headers=htmx)
    assert r.status_code == 200 and "x-form-errors" not in r.headers
    assert 'id="progress-search"' in r.text and "error-summary" not in r.text
