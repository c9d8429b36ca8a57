"""Issued documents: verification codes, the PDFs stored once and served from storage, group ZIPs.

A document's content is a JSON snapshot taken when it is issued (the Receipt / Permit row). Its
PDF is rendered from that snapshot once, kept by the storage interface (key documents/…: under
var/documents/, or in PostgreSQL) and served from there ever after, so it never changes.
"""

from __future__ import annotations

import asyncio
import base64
import io
import secrets
import zipfile
from datetime import date
from typing import Any

from app.domain import issuance
from app.services import pdf, storage
from app.settings import settings

VERIFY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def receipt_key(receipt_no: str) -> str:
    return f"documents/receipts/{receipt_no}.pdf"


def permit_key(permit_no: str) -> str:
    return f"documents/permits/{permit_no}.pdf"


def new_verify_code() -> str:
    return "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(10))


def verify_url(number: str, code: str) -> str:
    return f"{settings.public_base_url}/verify/{number}?code={code}"


def permit_filename(content: dict[str, Any]) -> str:
    """As the seed's download: the case's 收件號 + r (106696500020r.pdf)."""
    return f"{content.get('receipt_no') or content['permit_no']}r.pdf"


def receipt_filename(receipt_no: str) -> str:
    return f"receipt-{receipt_no}.pdf"


def photo_data_uri(data: bytes) -> str:
    """A stored photo's bytes, re-encoded by Pillow (never passed as a path to the renderer)."""
    from PIL import Image

    if not data:
        return ""
    try:
        with Image.open(io.BytesIO(data)) as im:
            im = im.convert("RGB")
            im.thumbnail((360, 480))
            out = io.BytesIO()
            im.save(out, "JPEG", quality=85)
    except (OSError, ValueError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _d(value: str) -> date:
    return date.fromisoformat(value)


def receipt_html(content: dict[str, Any]) -> str:
    code = content.get("verify_code", "")
    url = verify_url(content["receipt_no"], code) if code else ""
    return pdf.render_template(
        "documents/receipt.html",
        {"r": content, "qr": pdf.qr_svg_data_uri(url) if url else "", "verify_url": url},
    )


def permit_context(content: dict[str, Any]) -> dict[str, Any]:
    """What documents/_permit_body.html prints of one certificate."""
    issued, expires = _d(content["issued_on"]), _d(content["expires_on"])
    born = _d(content["birth_date"]) if content.get("birth_date") else None
    url = verify_url(content["permit_no"], content["verify_code"])
    return {
        "p": content,
        "issued_en": issuance.en_date(issued),
        "expires_en": issuance.en_date(expires),
        "expires_digits": expires.strftime("%Y%m%d"),
        "born_en": issuance.en_date(born) if born else "",
        "qr": pdf.qr_svg_data_uri(url),
        "verify_url": url,
    }


def permit_html(content: dict[str, Any]) -> str:
    return pdf.render_template("documents/permit.html", permit_context(content))


def permit_title(content: dict[str, Any]) -> str:
    zh = content.get("title_zh") or "中華民國居留證"
    en = content.get("title_en") or "ROC(Taiwan) Resident Certificate"
    return f"{zh} {en} {content['permit_no']}"


def permits_document(contents: list[dict[str, Any]]) -> tuple[str, list[str], list[str]]:
    """A group's certificates as one HTML document, the id each begins with, and each one's title."""
    html = pdf.render_template(
        "documents/permits.html",
        {"docs": [permit_context(c) for c in contents], "group_no": contents[0].get("group_no", "")},
    )
    return html, [f"permit-{c['permit_no']}" for c in contents], [permit_title(c) for c in contents]


def render_permits_sync(contents: list[dict[str, Any]]) -> list[bytes]:
    """A group's certificates in one document pass, cut into one PDF each (in this process)."""
    return pdf.render_split_sync(*permits_document(contents))


async def _stored(key: str, make_html) -> bytes:
    """The stored PDF, or rendered now and stored unless another request stored it meanwhile (the first
    one stays)."""
    store = storage.backend()
    data = await store.read(key)
    if data is not None:
        return data
    return await store.save_first(key, await pdf.render_pdf(make_html()))


async def receipt_pdf(content: dict[str, Any]) -> bytes:
    return await _stored(receipt_key(content["receipt_no"]), lambda: receipt_html(content))


async def permit_pdf(content: dict[str, Any]) -> bytes:
    return await _stored(permit_key(content["permit_no"]), lambda: permit_html(content))


async def render_group_permits(contents: list[dict[str, Any]]) -> list[bytes]:
    """Every certificate of a group as a stored PDF, in the order given: those stored already are read, the
    others rendered together in one document pass (`permits_document`, then `pdf.render_split_sync` in the
    PDF pool) and stored.
    Idempotent (a PDF stored meanwhile by another request or node is the one kept): the function the
    pre-rendering job after payment calls, and the group ZIP's."""
    store = storage.backend()
    out: list[bytes | None] = list(
        await asyncio.gather(*(store.read(permit_key(c["permit_no"])) for c in contents))
    )
    todo = [i for i, data in enumerate(out) if data is None]
    if todo:
        key = tuple(sorted(contents[i]["permit_no"] for i in todo))
        running = _rendering.get(key)
        if running is not None:  # the same certificates are being rendered (pre-rendering, another download)
            await asyncio.shield(running)
            return await render_group_permits(contents)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        _rendering[key] = future
        try:
            missing = [contents[i] for i in todo]
            # The HTML is built here (templates compiled and cached already; a thread, off the loop), the
            # layout and the PDF in the pool.
            html, anchors, titles = await asyncio.to_thread(permits_document, missing)
            rendered = await pdf.run_in_pool(
                pdf.render_split_sync, html, anchors, titles, seconds=pdf.RENDER_TIMEOUT + 5.0 * len(missing)
            )
            for i, data in zip(todo, rendered, strict=True):
                out[i] = await store.save_first(permit_key(contents[i]["permit_no"]), data)
        finally:
            del _rendering[key]
            future.set_result(None)
    return [data for data in out if data is not None]


# The groups being rendered by this process, so a download arriving during the pre-rendering waits for it
# instead of rendering the same certificates a second time.
_rendering: dict[tuple[str, ...], asyncio.Future] = {}


async def replace_permit_pdf(content: dict[str, Any]) -> bytes:
    """A re-issued certificate: render its new snapshot and replace the stored PDF."""
    data = await pdf.render_pdf(permit_html(content))
    store = storage.backend()
    await store.delete(permit_key(content["permit_no"]))
    await store.save_first(permit_key(content["permit_no"]), data)
    return data


async def permits_zip(contents: list[dict[str, Any]]) -> bytes:
    """A group's certificates as one ZIP (PDFs are compressed already: stored, not deflated)."""
    pdfs = await render_group_permits(contents)

    def build() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for content, data in zip(contents, pdfs, strict=True):
                z.writestr(permit_filename(content), data)
        return out.getvalue()

    return await asyncio.to_thread(build)
