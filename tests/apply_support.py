"""Helpers for the group-application tests: images, a complete applicant form, a ready group."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image


def jpeg(color=(180, 40, 40), size=(60, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def png(size=(60, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


SUBMITTER = {
    "submitter_name": "測試人",
    "submitter_national_id": "A123456789",
    "submitter_phone": "02-23456789",
    "submitter_email": "clerk@example.edu.tw",
    "addr_county": "臺北市",
    "addr_district": "中正區",
    "addr_street": "羅斯福路四段",
    "addr_number": "1號",
}


def applicant_form(n: int = 1, **over: str) -> dict[str, str]:
    form = {
        "enrollment_status": "R",
        "name_zh": "",
        "no_chinese_name": "1",
        "name_en": f"STUDENT {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26] * 3}",
        "birth_date": f"2001/05/{n % 28 + 1:02d}",
        "passport_no": f"P1984050{n}",
        "passport_expiry": "2031/01/01",
        "visa_issue_date": "2026/08/01",
        "gender": "F",
        "marital_status": "single",
        "education": "senior_high",
        "education_school": "",
        "department": "資訊管理學系",
        "program": "bachelor",
        "grade": "1",
        "birthplace": "JP",
        "nationality": "JP",
        "addr_county": "臺北市",
        "addr_district": "大安區",
        "addr_street": "羅斯福路四段",
        "addr_number": "1號",
        "phone": "0912345678",
        "email": "",
        "ui_no": "",
    }
    form.update(over)
    return form


def files(*kinds: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(f"file_{k}", (f"{k}.jpg", jpeg(), "image/jpeg")) for k in kinds]


FOREIGN_DOCS = ("photo", "passport", "visa", "accommodation")


def csrf_of(client) -> str:
    return client.csrf()


async def post_multipart(client, url: str, data: dict[str, Any], file_list=None):
    token = await client.ensure_csrf()
    payload = dict(data)
    payload["_csrf_token"] = token
    return await client.post(
        url,
        data=payload,
        files=file_list or [("_none", ("", b"", "application/octet-stream"))],
        follow_redirects=False,
    )


def app_id_from(location: str) -> int:
    m = re.search(r"/apply/(?:drafts|[a-z-]+/[a-z-]+)/(\d+)", location)
    assert m, location
    return int(m.group(1))
