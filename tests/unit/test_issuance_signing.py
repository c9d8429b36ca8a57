"""Document numbers and wording; the gateway signatures."""

from __future__ import annotations

import time
from datetime import date

import pytest

from app.domain import issuance
from app.services import payment as pay


def test_numbers_and_validity():
    assert issuance.receipt_document_no(date(2017, 4, 10), 2) == "106401000002"
    assert issuance.permit_no("115696500101") == "E115696500101"
    assert issuance.permit_validity(date(2026, 11, 24)) == (date(2026, 11, 24), date(2027, 5, 23))
    assert issuance.payer_range(["106696500021", "106696500020"]) == "106696500020 ~ 106696500021"
    assert issuance.en_date(date(2016, 5, 4)) == "04 May 2016"


def test_masked_names_and_the_desk_name_check():
    assert issuance.mask_name("STUDENT ONE") == "S****** O**"
    assert issuance.mask_name("王小明") == "王*明"
    assert issuance.mask_name("李四") == "李*"
    assert issuance.same_name(" nguyen  VAN an ", "NGUYEN VAN AN")
    assert issuance.same_name("山田花子", "YAMADA HANAKO", "山田花子")
    assert not issuance.same_name("", "")
    assert not issuance.same_name("NGUYEN", "NGUYEN VAN AN")


def test_signature_round_trip_and_refusals():
    fields = pay.signed({"order_no": "A1", "amount": 1000, "timestamp": int(time.time())}, "s3cret")
    pay.verify(fields, "s3cret")
    with pytest.raises(pay.InvalidMessage, match="bad signature"):
        pay.verify({**fields, "amount": "1"}, "s3cret")
    with pytest.raises(pay.InvalidMessage, match="bad signature"):
        pay.verify(fields, "other")
    with pytest.raises(pay.InvalidMessage, match="unsigned"):
        pay.verify({k: v for k, v in fields.items() if k != "signature"}, "s3cret")
    old = pay.signed({"order_no": "A1", "timestamp": int(time.time()) - 301}, "s3cret")
    with pytest.raises(pay.InvalidMessage, match="stale"):
        pay.verify(old, "s3cret")
    # A value containing separators cannot pose as other fields.
    assert pay.sign({"a": "1&b=2"}, "k") != pay.sign({"a": "1", "b": "2"}, "k")


def test_the_counter_checks_the_receipt_lists_the_case_and_the_passport():
    """Issue 12, item 6: a receipt covers the 收件號 it lists (older snapshots: the printed payer range)."""
    content = {"receipt_nos": ["115696500001", "115696500003"]}
    assert issuance.receipt_lists(content, "", "115696500003")
    assert not issuance.receipt_lists(content, "", "115696500002")
    assert not issuance.receipt_lists(content, "", "")
    assert issuance.receipt_lists({}, "115696500001 ~ 115696500003", "115696500002")
    assert not issuance.receipt_lists({}, "115696500001 ~ 115696500003", "115696500004")
    assert issuance.receipt_lists({}, "115696500001", "115696500001")
    assert not issuance.receipt_lists({}, "x", "115696500001")
    assert issuance.same_passport(" c765-4321 ", "C7654321")
    assert not issuance.same_passport("C765432", "C7654321")
    assert not issuance.same_passport("", "")
