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
