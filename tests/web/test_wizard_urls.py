"""The one wizard's addresses: `/apply/{line}/{slug}/…` for every offering of a school and
`/student/apply/{line}/{slug}/…` for a student's group of one; each older address leads to the same page
there (GET: 301), and an older form still posts (the wizard's own handler answers)."""

from __future__ import annotations

from tables.tables import Application, Case
from tests.apply_support import SUBMITTER, app_id_from, files, post_multipart
from tests.progress_support import login_student, make_student
from tests.support import make_client, make_school_with_accounts

SLUGS = ("first", "renewal", "extension", "data-change")


async def _draft(client, slug: str) -> int:
    r = await client.post_form(f"/apply/foreign/{slug}/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/apply/foreign/{slug}/"), r.text[:300]
    app_id = app_id_from(r.headers["location"])
    assert r.headers["location"] == f"/apply/foreign/{slug}/{app_id}/submitter"
    return app_id


async def _group(client, slug: str) -> int:
    app_id = await _draft(client, slug)
    base = f"/apply/foreign/{slug}/{app_id}"
    r = await client.post_form(f"{base}/submitter", SUBMITTER, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{base}/details"
    details = {"name": f"{slug} group", "member_count": "1", "station_code": "S01", "op": "save"}
    r = await post_multipart(client, f"{base}/details", details, files("power_of_attorney"))
    assert r.status_code == 303 and r.headers["location"] == f"{base}/applicants"
    return app_id


async def _moved(client, old: str, new: str) -> None:
    r = await client.get(old, follow_redirects=False)
    assert (r.status_code, r.headers.get("location")) == (301, new), old


async def test_every_kind_runs_through_the_one_wizard(client):
    await make_school_with_accounts()
    await client.login("03734301")
    for slug in SLUGS:
        page = await client.get(f"/apply/foreign/{slug}")
        assert page.status_code == 200 and f'href="/apply/foreign/{slug}/terms"' in page.text
        app_id = await _group(client, slug)
        base = f"/apply/foreign/{slug}/{app_id}"
        page = await client.get(f"{base}/applicants")
        # the same applicants step: the lookup where the offering has one, else the identity;
        # the roster only where the offering draws from it
        assert page.status_code == 200 and f'action="{base}/applicants"' in page.text
        assert ('name="ui_no"' in page.text) == (slug == "renewal")
        assert ('name="identity"' in page.text) == (slug != "renewal")
        assert (f'href="{base}/roster"' in page.text) == (slug == "first")
        assert "button--submit" not in page.text and "todo" in page.text  # nothing to send yet
        for step in ("submitter", "details", "applicants", "check"):
            assert (await client.get(f"{base}/{step}")).status_code == 200, (slug, step)
        # the draft is only at its own offering's address
        other = "renewal" if slug == "first" else "first"
        r = await client.get(f"/apply/foreign/{other}/{app_id}/submitter", follow_redirects=False)
        assert r.status_code == 404


async def test_an_applicant_is_added_edited_and_deleted_in_the_wizard(client):
    await make_school_with_accounts()
    await client.login("03734301")
    for slug, identity in (("first", "overseas"), ("extension", "foreign")):
        app_id = await _group(client, slug)
        base = f"/apply/foreign/{slug}/{app_id}"
        r = await client.post_form(f"{base}/applicants", {}, follow_redirects=False)
        assert r.status_code == 400 and 'id="f-identity-error"' in r.text  # said by the field
        r = await client.post_form(f"{base}/applicants", {"identity": identity}, follow_redirects=False)
        case_id = (await Case.select(Case.id).where(Case.application == app_id).first())["id"]
        assert r.status_code == 303 and r.headers["location"] == f"{base}/applicants/{case_id}"
        page = await client.get(r.headers["location"])
        assert page.status_code == 200 and f'action="{base}/applicants/{case_id}"' in page.text
        r = await post_multipart(client, f"{base}/applicants/{case_id}", {"op": "back"}, [])
        assert r.status_code == 303 and r.headers["location"] == f"{base}/applicants"
        r = await client.post_form(f"{base}/applicants/{case_id}/delete", {}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"{base}/applicants"
        assert await Case.count().where(Case.application == app_id) == 0
        r = await client.post_form(f"{base}/delete", {}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/apply/foreign/{slug}"
        assert await Application.count().where(Application.id == app_id) == 0


async def test_the_older_school_addresses_lead_to_the_wizard(client):
    await make_school_with_accounts()
    await client.login("03734301")
    await _moved(client, "/apply/first", "/apply/foreign/first")
    await _moved(client, "/apply/first/terms", "/apply/foreign/first/terms")
    for slug in ("renewal", "extension", "data-change"):
        await _moved(client, f"/apply/{slug}", f"/apply/foreign/{slug}")
        await _moved(client, f"/apply/{slug}/terms", f"/apply/foreign/{slug}/terms")
    first = await _group(client, "first")
    r = await client.post_form(f"/apply/foreign/first/{first}/applicants", {"identity": "foreign"})
    case = (await Case.select(Case.id).where(Case.application == first).first())["id"]
    new = f"/apply/foreign/first/{first}"
    await _moved(client, f"/apply/drafts/{first}", new)
    for step in (
        "submitter",
        "details",
        "applicants",
        "delete",
        f"applicants/{case}",
        f"applicants/{case}/delete",
    ):
        await _moved(client, f"/apply/drafts/{first}/{step}", f"{new}/{step}")
    await _moved(client, f"/apply/drafts/{first}/submit", f"{new}/check")
    await _moved(client, f"/apply/drafts/{first}/roster?year=115", f"{new}/roster?year=115")
    ext = await _group(client, "extension")
    await client.post_form(f"/apply/foreign/extension/{ext}/applicants", {"identity": "foreign"})
    case = (await Case.select(Case.id).where(Case.application == ext).first())["id"]
    new = f"/apply/foreign/extension/{ext}"
    await _moved(client, f"/apply/drafts/{ext}/applicants", f"{new}/applicants")
    await _moved(client, f"/apply/kinds/{ext}/applicants", f"{new}/applicants")
    await _moved(client, f"/apply/kinds/{ext}/applicants/{case}", f"{new}/applicants/{case}")
    await _moved(client, f"/apply/kinds/{ext}/applicants/{case}/delete", f"{new}/applicants/{case}/delete")
    await _moved(client, f"/apply/kinds/{ext}/submit", f"{new}/check")
    # an older form still posts: the wizard's handler answers, and leads on in the wizard
    r = await client.post_form("/apply/first/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/apply/foreign/first/")
    r = await client.post_form("/apply/renewal/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/apply/foreign/renewal/")
    r = await client.post_form(
        f"/apply/kinds/{ext}/applicants", {"identity": "overseas"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"{new}/applicants/")


async def test_the_student_wizard_and_its_older_addresses(client):
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    await login_student(client, student_id)
    await _moved(client, "/student/apply", "/student/apply/foreign/first")
    for slug in ("renewal", "extension", "data-change"):
        await _moved(client, f"/student/{slug}", f"/student/apply/foreign/{slug}")
    for slug in SLUGS:
        page = await client.get(f"/student/apply/foreign/{slug}")
        assert page.status_code == 200 and f'action="/student/apply/foreign/{slug}"' in page.text
    r = await client.post_form("/student/apply/foreign/extension", {"agree": "1"}, follow_redirects=False)
    app_id = int(r.headers["location"].rsplit("/", 1)[1])
    new = f"/student/apply/foreign/extension/{app_id}"
    assert r.status_code == 303 and r.headers["location"] == new
    # back through the menu: the same draft
    r = await client.get("/student/apply/foreign/extension", follow_redirects=False)
    assert r.headers["location"] == new
    page = await client.get(new)
    assert page.status_code == 200 and 'name="station_code"' in page.text and f'action="{new}"' in page.text
    await _moved(client, f"/student/kinds/extension/{app_id}", new)
    await _moved(client, f"/student/apply/{app_id}", new)
    await _moved(client, f"/student/apply/{app_id}/check", f"{new}/check")
    # the slug must be the draft's offering; a school's wizard is not a student's
    assert (await client.get(f"/student/apply/foreign/data-change/{app_id}")).status_code == 404
    r = await client.get(f"/apply/foreign/extension/{app_id}/applicants", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
    # the first application: the terms post to the old address still work
    r = await client.post_form("/student/apply", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/student/apply/foreign/first/")


async def test_a_school_cannot_open_a_students_own_draft(client):
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    await login_student(client, student_id)
    r = await client.post_form("/student/apply/foreign/first", {"agree": "1"}, follow_redirects=False)
    app_id = int(r.headers["location"].rsplit("/", 1)[1])
    async with make_client() as school:
        await school.login("03734301")
        for url in (f"/apply/foreign/first/{app_id}/applicants", f"/apply/drafts/{app_id}/applicants"):
            r = await school.get(url, follow_redirects=False)
            assert r.status_code == 404, (url, r.headers.get("location"))
