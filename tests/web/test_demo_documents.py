"""Issue 12, item 5: every document the demo data creates downloads, as its school would fetch it.

The demo is made by the same actions as real data; this loads it into an empty database and downloads
every e-certificate, every receipt and every group's certificate ZIP, reading each PDF's text.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

from app.demo import DEMO_PASSWORD, load_demo
from app.domain import offerings
from tables.tables import Account, Permit, Receipt


def pdf_text(data: bytes, tmp_path: Path) -> str:
    assert data.startswith(b"%PDF")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


async def test_every_demo_permit_receipt_and_zip_downloads(client, tmp_path):
    await load_demo()
    await load_demo()  # idempotent: nothing new, nothing broken
    permits = await Permit.select(
        Permit.permit_no,
        Permit.application,
        Permit.application.school,
        Permit.application.business_line,
        Permit.application.kind,
        Permit.content,
    ).output(load_json=True)
    receipts = await Receipt.select(Receipt.receipt_no, Receipt.application.school, Receipt.payer).output(
        load_json=True
    )
    assert len(permits) >= 5 and len(receipts) >= 4  # the demo shows issued certificates and paid groups
    assert len({p["permit_no"] for p in permits}) == len(permits)
    schools = {p["application.school"] for p in permits} | {r["application.school"] for r in receipts}
    for school in sorted(schools):
        main_account = (Account.school == school) & (Account.is_main == True)  # noqa: E712
        main = await Account.select(Account.login_id).where(main_account).first()
        await client.post_form("/logout", {})
        r = await client.login(main["login_id"], password=DEMO_PASSWORD)
        assert r.status_code in (200, 303), r.text[:500]
        for p in (p for p in permits if p["application.school"] == school):
            r = await client.get(f"/downloads/certificates/{p['permit_no']}/pdf")
            assert r.status_code == 200, (p["permit_no"], r.status_code)
            text = pdf_text(r.content, tmp_path)
            title = (
                p["content"].get("title_zh") or "中華民國居留證"
            )  # a 單次證 or 多次證 names itself (issue 14)
            assert title in text and p["content"]["name_en"] in text, p["permit_no"]
            if (
                p["application.business_line"] != "mainland_multiple"
            ):  # 多次證's form asks no photo (issue 14)
                assert p["content"]["photo"], p[
                    "permit_no"
                ]  # every demo case its form asks a photo of has it
        for rec in (r for r in receipts if r["application.school"] == school):
            r = await client.get(f"/downloads/receipts/{rec['receipt_no']}/pdf")
            assert r.status_code == 200, (rec["receipt_no"], r.status_code)
            text = pdf_text(r.content, tmp_path)
            assert "自行收納款項電子收據" in text and rec["receipt_no"] in text and rec["payer"] in text
        for app_id in sorted({p["application"] for p in permits if p["application.school"] == school}):
            r = await client.get(f"/downloads/certificates/group/{app_id}/zip")
            assert r.status_code == 200, (app_id, r.status_code)
            names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
            assert len(names) == sum(1 for p in permits if p["application"] == app_id)


async def test_the_demo_shows_every_status_of_the_workflow(db):
    """Every status a case can rest in is some demo case's status (已繳費 is passed through within the payment:
    a demo case's history shows it); and the demo's history was made by the actions (each case's events chain
    from 待送件, one status to the next)."""
    from app.domain.workflow import Status
    from tables.tables import Case, ReviewEvent

    await load_demo()
    current = {r["status"] for r in await Case.select(Case.status)}
    passed_through = {r["to_status"] for r in await ReviewEvent.select(ReviewEvent.to_status)}
    assert set(Status) - {Status.PAID} <= current, sorted(set(Status) - current)
    assert Status.PAID in passed_through
    events = await ReviewEvent.select().where(ReviewEvent.case.is_not_null()).order_by(ReviewEvent.id)
    by_case: dict[int, list[dict]] = {}
    for e in events:
        by_case.setdefault(e["case"], []).append(e)
    for case in await Case.select(Case.id, Case.status).where(Case.status != Status.DRAFT):
        chain = by_case[case["id"]]
        assert chain[0]["from_status"] == Status.DRAFT and chain[0]["action"] == "submit"
        for before, after in zip(chain, chain[1:], strict=False):
            assert after["from_status"] == before["to_status"], (case, after["action"])
        assert chain[-1]["to_status"] == case["status"]
        times = [e["created_at"] for e in chain]
        assert times == sorted(times), (case["id"], [e["action"] for e in chain])  # back-dated in order


async def test_every_demo_group_sits_in_the_dashboard_list_the_workflow_names(db):
    """The demo's groups went through every action (submit, reviews, returns, supplements, payment, withdrawals);
    each action placed its group in 優先處理事項's list as the workflow's rule names it from the statuses now."""
    from app.domain import workflow
    from tables.tables import Application, Case

    await load_demo()
    statuses: dict[int, list[str]] = {}
    for c in await Case.select(Case.application, Case.status):
        statuses.setdefault(c["application"], []).append(c["status"])
    groups = await Application.select(
        Application.id, Application.status, Application.group_no, Application.dashboard_list
    )
    placed = {a["id"]: a["dashboard_list"] for a in groups}
    named = {
        a["id"]: workflow.dashboard_list(statuses.get(a["id"], []), a["status"]) if a["group_no"] else None
        for a in groups
    }
    assert placed == named
    # the demo's groups reach four of the five lists (none mixes refused cases with paid or withdrawn ones)
    assert {"new", "supplement", "awaiting_payment", "group_refused"} <= set(placed.values())


async def test_every_demo_case_keeps_when_and_how_it_reached_its_status(db):
    """The review desk sorts and files its queues by each case's `status_at` and `last_action`: after every action
    of the demo and its back-dating, they are the latest event's time and action (else the submission's time)."""
    from tables.tables import Case, ReviewEvent

    await load_demo()
    latest: dict[int, dict] = {}
    for e in await ReviewEvent.select().where(ReviewEvent.case.is_not_null()).order_by(ReviewEvent.id):
        kept = latest.get(e["case"])
        if kept is None or e["created_at"] >= kept["created_at"]:
            latest[e["case"]] = e
    cases = await Case.select(Case.id, Case.status, Case.status_at, Case.last_action, Case.submitted_at)
    submitted = [c for c in cases if c["status"] != "draft"]
    assert submitted
    for c in submitted:
        e = latest.get(c["id"])
        assert (c["status_at"], c["last_action"]) == (
            (e["created_at"], e["action"]) if e else (c["submitted_at"], "")
        ), c["id"]
    assert all(c["status_at"] >= c["submitted_at"] for c in submitted)  # never before its filing


async def test_the_desks_counts_are_the_demo_cases_per_station_status_and_answer(db):
    """The review desk counts its queues from `CaseTally`, which every transition keeps: after the demo's actions
    it holds exactly the submitted cases of each station, status and answered mark."""
    from app.queries.review import RESUBMITS
    from tables.tables import Application, Case, CaseTally

    await load_demo()
    stations = {
        a["id"]: a["station_code"] for a in await Application.select(Application.id, Application.station_code)
    }
    counted: dict[tuple[str, str, bool], int] = {}
    for c in await Case.select(Case.application, Case.status, Case.last_action).where(Case.status != "draft"):
        key = (stations[c["application"]], c["status"], c["last_action"] in RESUBMITS)
        counted[key] = counted.get(key, 0) + 1
    tally = {
        (t["station_code"], t["status"], bool(t["answered"])): t["cases"] for t in await CaseTally.select()
    }
    assert tally == counted
    assert any(answered for _s, _st, answered in tally)  # the demo has answered supplements


LINES = [
    ("mainland_single", "first"),
    ("mainland_multiple", "first"),
    ("hkmo", "first"),
    ("hkmo", "extension"),
]


async def test_the_demo_has_groups_of_every_line_and_a_relative_linked_to_a_student(db):
    """Issue 14 in the demo: one school (國立成功大學 (demo)) with groups of the 陸生 and 港澳生 lines, filed through the
    one wizard's actions: each line in review, returned, awaiting payment and still a draft; a relative linked to a
    student of the same group; and when the payment issues single-entry permits, one is left ready for 多次證."""
    from datetime import timedelta

    from app.actions import kinds
    from app.actions.apply import today
    from app.demo.flow import school_actor
    from tables.tables import Application, Case

    await load_demo()
    school = await Account.select(Account.school).where(Account.login_id == "03734323").first()
    cases = (
        await Case.select(Case.all_columns(), Case.application.business_line, Case.application.kind)
        .where(Case.application.school == school["school"])
        .output(load_json=True)
    )
    by_line: dict[tuple[str, str], set[str]] = {}
    for c in cases:
        by_line.setdefault((c["application.business_line"], c["application.kind"]), set()).add(c["status"])
    groups = await Application.select(Application.business_line, Application.kind).where(
        Application.school == school["school"]
    )
    assert {(g["business_line"], g["kind"]) for g in groups} >= set(LINES) - {("mainland_multiple", "first")}
    for line in (("mainland_single", "first"), ("hkmo", "first")):
        assert by_line[line] >= {
            "draft",
            "first_review",
            "supplement_first",
            "second_review",
            "not_accepted",
            "awaiting_payment",
        }, (line, by_line[line])
    assert {"withdrawn", "rejected"} <= by_line[("mainland_single", "first")]
    assert "group_withdrawn" in by_line[("hkmo", "first")]
    assert by_line[("hkmo", "extension")] >= {"first_review", "awaiting_payment"}
    # the relative names a student applicant of the same group by the student's identity card no.
    single = offerings.get("mainland_single", "first")
    forms = {
        c["id"]: (c, offerings.form_of_case(single, c)[0])
        for c in cases
        if c["application.business_line"] == "mainland_single"
    }
    relatives = [(c, f) for c, f in forms.values() if c["identity"] == "cn_rel"]
    assert relatives
    for rel, form in relatives:
        assert any(
            c["identity"] == "cn"
            and c["application"] == rel["application"]
            and f["prc_id"] == form["student_prc_id"]
            for c, f in forms.values()
        )
    # 多次證: the single-entry permits the payment issued (issue 14's payment issues them)
    permits = await Permit.select(Permit.permit_no, Permit.case.name_en).where(
        (Permit.application.school == school["school"])
        & (Permit.application.business_line == "mainland_single")
    )
    if permits:
        actor = await school_actor("03734323")
        entered = (today() - timedelta(days=10)).strftime("%Y/%m/%d")
        ready = {p["case.name_en"]: p["permit_no"] for p in permits}["ZHENG KAI"]
        found = await kinds.find_single_entry_permit(actor, ready, entered)
        await kinds._not_yet_converted(actor, found.permit_no)  # ready: not converted yet
        assert by_line[("mainland_multiple", "first")] >= {"first_review"}
