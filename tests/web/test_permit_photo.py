"""Issue 12, item 1: an e-certificate issued through payment carries the applicant's photo.

End to end: a group filed in the wizard with photos, both reviews, the sandbox card, the download:
the certificate PDF holds the photo as an image (pdfimages lists it). And the re-issue of the
certificates issued without their photo.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.actions import payment, review
from app.domain.workflow import Status
from app.sandbox_gateway import CARD_SUCCESS
from app.services import uploads
from tables.tables import Application, Attachment, Case, Permit, ReviewEvent
from tests.apply_support import applicant_form, files, jpeg, post_multipart
from tests.payment_support import make_group, pay_through, sandbox
from tests.review_factories import actor as reviewer_actor
from tests.review_factories import make_reviewers
from tests.support import make_school_with_accounts
from tests.web.test_apply_wizard import new_foreign_applicant

ROOT = Path(__file__).resolve().parents[2]


def pdf_images(data: bytes, tmp_path: Path, name: str) -> list[list[str]]:
    """`pdfimages -list` of a PDF: one row per embedded image (page, num, type, width, height, ...)."""
    assert data.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


async def _case_version(case_id: int) -> int:
    return (await Case.select(Case.version).where(Case.id == case_id).first())["version"]


async def test_wizard_group_with_photo_gets_a_certificate_with_the_photo(client, tmp_path):
    app_id, case_id = await new_foreign_applicant(client)
    # An admitted, not registered student (A) gets the six-month e-certificate after payment.
    photo = [("file_photo", ("photo.jpg", jpeg((30, 160, 60), size=(300, 400)), "image/jpeg"))]
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/applicants/{case_id}",
        applicant_form(1, enrollment_status="A") | {"op": "save"},
        photo + files("passport", "visa", "accommodation"),
    )
    assert r.status_code == 200, r.text
    stored = await Attachment.select(Attachment.stored_name).where(Attachment.kind == "photo").first()
    assert uploads.path_of(stored["stored_name"]).is_file()  # under its two-character sub-folder
    r = await client.post_form(f"/apply/drafts/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303, r.text

    users = await make_reviewers()
    first = reviewer_actor(users["reviewer1"], "reviewer1")
    second = reviewer_actor(users["reviewer2"], "reviewer2")
    await review.pass_first_review(first, case_id, await _case_version(case_id))
    await review.approve(second, case_id, await _case_version(case_id))
    assert (await Case.select(Case.status).where(Case.id == case_id).first())[
        "status"
    ] == Status.AWAITING_PAYMENT

    async with sandbox(client) as gw:
        await pay_through(client, gw, [app_id], CARD_SUCCESS)
    permit = await Permit.select().where(Permit.case == case_id).output(load_json=True).first()
    assert permit["content"]["photo"].startswith("data:image/jpeg;base64,")
    r = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    assert r.status_code == 200
    images = pdf_images(r.content, tmp_path, "permit.pdf")
    assert images, "the certificate PDF has no image: the photo is missing"
    # The photo (300 x 400, kept in proportion), not the 「相片 Photo」 placeholder.
    assert any(int(row[3]) * 4 == int(row[4]) * 3 for row in images), images
    group = await Application.select(Application.group_no).where(Application.id == app_id).first()
    assert group["group_no"]


async def test_reissue_adds_the_photo_to_certificates_issued_without_it(client, tmp_path):
    ids = await make_school_with_accounts()
    gid = await make_group(ids["school"], ids["main"], members=1)  # no photo uploaded yet
    await client.login("03734301")
    async with sandbox(client) as gw:
        await pay_through(client, gw, [gid], CARD_SUCCESS)
    permit = await Permit.select().output(load_json=True).first()
    assert permit["content"]["photo"] == ""
    r = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    assert pdf_images(r.content, tmp_path, "before.pdf") == []  # stored once, without the photo

    # Nothing to re-issue while the case has no photo either.
    assert await payment.reissue_permits_missing_photo() == []
    image = uploads.check_image(jpeg((200, 90, 30), size=(300, 400)), "photo.jpg")
    await Attachment(
        application=gid,
        case=permit["case"],
        kind="photo",
        original_name="photo.jpg",
        stored_name=await uploads.store(image),
        content_type=image.content_type,
        size=len(image.data),
        uploaded_by="03734301",
        uploaded_at=datetime.now(UTC),
    ).save()

    # The maintenance command, as an operator runs it.
    ran = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", "reissue-permits"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PICCOLO_CONF="piccolo_conf"),
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert f"re-issued {permit['permit_no']}" in ran.stdout and "1 e-certificate re-issued" in ran.stdout
    after = await Permit.select().where(Permit.id == permit["id"]).output(load_json=True).first()
    # Same certificate (number, dates, verification code), now with the photo.
    assert after["content"]["photo"].startswith("data:image/jpeg;base64,")
    for key in ("permit_no", "verify_code", "issued_on", "expires_on", "name_en"):
        assert after["content"][key] == permit["content"][key], key
    event = await ReviewEvent.select().where(ReviewEvent.action == "reissue_e_certificate").first()
    assert event["case"] == permit["case"] and event["from_status"] == event["to_status"] == Status.ISSUED
    r = await client.get(f"/downloads/certificates/{permit['permit_no']}/pdf")
    assert len(pdf_images(r.content, tmp_path, "after.pdf")) == 1
    # Done once: a second run finds nothing left to re-issue.
    assert await payment.reissue_permits_missing_photo() == []
