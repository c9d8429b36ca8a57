"""Roster files for the tests: the seed's example row (外生一) as a clerk types it, and the template filled."""

from __future__ import annotations

import io

import openpyxl

from app.services import excel

SEED_ROW = [
    "外生一",
    "STUDENT ONE",
    "19880202",
    "FG_外生",
    "518_賴索托",
    "1女",
    "A123456789",
    "MM214587",
    "一般_大陸地區人民進入臺灣地區就學",
    "7 公立專科學校二年制副學士班",
    "1年級",
    "R_已註冊",
]


def filled_template(*rows: list, template: bytes | None = None) -> bytes:
    """The roster template (or the given one) with these rows under its header, as an .xlsx file."""
    wb = openpyxl.load_workbook(io.BytesIO(template or excel.template_xlsx()))
    ws = wb[excel.SHEET_TITLE]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
