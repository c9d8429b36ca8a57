"""Adding an offering is a data entry: a made-up offering, registered here and nowhere in app/, is filed end
to end through the school's wizard and the student's own form, 確認送件 included, with its own fields,
documents, fee and business code in the numbers."""

from __future__ import annotations

import re

import pytest

from app.domain import fees, offerings
from app.domain.fields import FieldSpec
from app.domain.profiles import parse_date
from tables.tables import Application, Case, ReviewEvent
from tests.apply_support import SUBMITTER, app_id_from, jpeg, post_multipart
from tests.progress_support import login_student, make_student
from tests.support import make_school_with_accounts


def _files(*kinds: str):
    return [(f"file_{k}", (f"{k}.jpg", jpeg(), "image/jpeg")) for k in kinds]


def _not_in_future(value, form, today):
    entered = parse_date(value)
    return "The entry date cannot be in the future." if entered and entered > today else None


VISIT = offerings.Offering(
    line="testline",
    kind="visit",
    slug="visiting-scholar",
    title="Visiting scholar permit (made up)",
    short_title="Visiting scholar",
    identities={"scholar": "Visiting scholar"},
    roster_categories=("FG",),
    form=offerings.spec_form(
        (
            FieldSpec("name_en", "English name", required=True, key=True, max_length=100),
            FieldSpec("passport_no", "Passport no.", required=True, key=True, max_length=20),
            FieldSpec("entry_date", "Entry date", "date", True, _not_in_future, key=True),
            FieldSpec("host", "Host department", required=True, max_length=50, key=True),
            FieldSpec("email", "Email", max_length=254),
        )
    ),
    documents=(offerings.DocumentSpec("invitation"), offerings.DocumentSpec("other", False)),
    group_documents=offerings.FOREIGN_GROUP_DOCUMENTS,
    photo=False,
    numbering_code="199",
)


@pytest.fixture
def visit(monkeypatch):
    offerings.register(VISIT)
    offerings.register_document_label("invitation", "Letter of invitation")
    index = {**fees._INDEX, ("testline", "visit"): fees.Fee("testline", "visit", "Visiting permit", 750)}
    monkeypatch.setattr(fees, "_INDEX", index)
    yield VISIT
    offerings.unregister("testline", "visit")
    offerings._EXTRA_DOC_LABELS.pop("invitation", None)


FIELDS = {
    "name_en": "VISITING SCHOLAR",
    "passport_no": "P12345678",
    "entry_date": "2026/09/01",
    "host": "Physics",
    "email": "scholar@example.org",
}


async def test_a_school_files_a_made_up_offering_end_to_end(client, visit):
    await make_school_with_accounts()
    await client.login("03734301")
    wiz = f"/apply/testline/{visit.slug}"  # the one wizard, at the offering's line and slug
    r = await client.post_form(f"{wiz}/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    app_id = app_id_from(r.headers["location"])
    assert (await Application.select().where(Application.id == app_id).first())["business_line"] == "testline"
    await client.post_form(f"{wiz}/{app_id}/submitter", SUBMITTER)
    details = {"name": "訪問學者團", "member_count": "1", "station_code": "S01", "op": "save"}
    r = await post_multipart(client, f"{wiz}/{app_id}/details", details, _files("power_of_attorney"))
    assert r.status_code == 303
    r = await client.post_form(f"{wiz}/{app_id}/applicants", {"identity": "scholar"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    form_url = r.headers["location"]
    page = await client.get(form_url)
    # the fields and documents come from the offering's entry
    assert (
        'name="entry_date"' in page.text
        and 'name="host"' in page.text
        and "Letter of invitation" in page.text
    )
    assert 'name="file_photo"' not in page.text
    # a wrong value is shown beside its field, what was typed stays, nothing is sent
    r = await post_multipart(client, form_url, FIELDS | {"entry_date": "2099/01/01", "op": "save"}, [])
    assert "The entry date cannot be in the future." in r.text and 'value="Physics"' in r.text
    r = await post_multipart(client, form_url, FIELDS | {"op": "save"}, _files("invitation"))
    assert r.status_code in (200, 303)
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["complete"] and case["name_en"] == "VISITING SCHOLAR"
    # 確認送件: the key fields and the document, with 修改 back to the form
    check = await client.get(f"{wiz}/{app_id}/check")
    assert check.status_code == 200
    for text in ("Entry date", "2026/09/01", "Host department", "Physics", "Letter of invitation", "750"):
        assert text in check.text, text
    assert f'href="{wiz}/{app_id}/applicants/{case["id"]}"' in check.text
    r = await client.post_form(f"{wiz}/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/apply/groups/{app_id}/submitted"
    app = await Application.select().where(Application.id == app_id).first()
    assert re.fullmatch(r"\d{2}1990001", app["group_no"]), app["group_no"]  # the offering's business code
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["status"] == "first_review" and re.fullmatch(r"\d{12}", case["receipt_no"])
    assert await ReviewEvent.count().where(ReviewEvent.application == app_id) == 1
    result = await client.get(r.headers["location"])
    assert app["group_no"] in result.text and case["receipt_no"] in result.text and "750" in result.text


async def test_a_student_files_a_made_up_offering_end_to_end(client, visit):
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    await login_student(client, student_id)
    wiz = f"/student/apply/testline/{visit.slug}"  # the student's wizard: the same steps, a group of one
    r = await client.post_form(wiz, {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    url = r.headers["location"]
    app_id = int(url.rsplit("/", 1)[1])
    page = await client.get(url)
    assert 'name="entry_date"' in page.text and "Letter of invitation" in page.text
    # without the invitation: saved, not sent
    r = await post_multipart(client, url, FIELDS | {"op": "submit", "station_code": "S01"}, [])
    assert r.status_code == 400 and 'id="f-doc_invitation-error"' in r.text
    r = await post_multipart(
        client, url, FIELDS | {"op": "submit", "station_code": "S01"}, _files("invitation")
    )
    assert r.status_code == 303 and r.headers["location"] == f"{wiz}/{app_id}/check"
    check = await client.get(r.headers["location"])
    assert "Entry date" in check.text and "Letter of invitation" in check.text and "委託書" not in check.text
    r = await client.post_form(f"{wiz}/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/student"
    app = await Application.select().where(Application.id == app_id).first()
    assert app["business_line"] == "testline" and re.fullmatch(r"\d{2}1990001", app["group_no"])
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["status"] == "first_review" and case["identity"] == "scholar"
