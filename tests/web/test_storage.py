"""The storage interface (issue 16): the database backend is content-addressed (the same bytes kept once),
chunked and streamed, joins the action's transaction; uploads and issued documents go through it and are
served from it. Runs on both engines (the backend's SQL is portable; production uses it on PostgreSQL)."""

from __future__ import annotations

import hashlib
import os

import pytest

from app import db as appdb
from app.services import issued, storage, uploads
from tables.tables import Attachment, FileChunk, StoredFile
from tests.progress_support import add_file, jpeg, make_group
from tests.support import make_school_with_accounts


@pytest.fixture
def database_store(db):
    store = storage.DatabaseStorage()
    storage.use(store)
    yield store
    storage.use(None)


async def test_same_bytes_are_kept_once_and_deleted_with_their_last_key(database_store):
    data = os.urandom(600 * 1024)  # three chunks
    await database_store.save("documents/test/a.pdf", data)
    await database_store.save("documents/test/b.pdf", data)
    digest = hashlib.sha256(data).hexdigest()
    assert await FileChunk.count().where(FileChunk.sha256 == digest) == 3
    assert await StoredFile.count() == 2
    assert await database_store.read("documents/test/b.pdf") == data
    streamed = [c async for c in database_store.stream("documents/test/a.pdf")]
    assert len(streamed) == 3 and max(map(len, streamed)) <= storage.CHUNK and b"".join(streamed) == data
    with pytest.raises(FileExistsError):
        await database_store.save("documents/test/a.pdf", b"other bytes")
    assert await database_store.save_first("documents/test/a.pdf", b"other bytes") == data
    await database_store.delete("documents/test/a.pdf")
    assert await FileChunk.count().where(FileChunk.sha256 == digest) == 3  # b still needs them
    await database_store.delete("documents/test/b.pdf")
    assert await FileChunk.count().where(FileChunk.sha256 == digest) == 0
    assert await database_store.read("documents/test/b.pdf") is None


async def test_an_upload_of_a_rolled_back_action_leaves_nothing(database_store):
    image = uploads.check_image(jpeg(), "a.jpg")
    with pytest.raises(RuntimeError):
        async with appdb.write_tx():
            await uploads.store(image)
            raise RuntimeError("the action was refused")
    assert await StoredFile.count() == 0 and await FileChunk.count() == 0


async def test_keys_are_checked(database_store):
    for bad in ("../secret_key", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(ValueError):
            storage.check_key(bad)
    assert await database_store.read("../secret_key") is None


async def test_uploads_and_documents_are_served_from_the_database_store(client, database_store):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    g = await make_group(ids["school"], ids["main"], ["first_review"], files=False)
    att = await add_file(g["application"], g["cases"][0], "passport", "護照.jpg")
    row = await Attachment.select().where(Attachment.id == att).first()
    assert await StoredFile.exists().where(StoredFile.key == uploads.key_of(row["stored_name"]))
    assert not (
        storage.LocalStorage(uploads.settings.var_dir).path(uploads.key_of(row["stored_name"]))
    ).exists()
    r = await client.get(f"/progress/files/{att}")
    assert r.status_code == 200 and r.content == await uploads.read(row["stored_name"])
    assert r.content.startswith(b"\xff\xd8")  # a JPEG, as uploaded (re-encoded)
    # An issued document: rendered once, then read from the store.
    content = {"receipt_no": "T0000001", "verify_code": ""}
    calls = []

    async def fake_render(html: str) -> bytes:
        calls.append(html)
        return b"%PDF-1.7 test"

    from app.services import pdf

    original = pdf.render_pdf
    pdf.render_pdf = fake_render
    try:
        issued_html = issued.receipt_html
        issued.receipt_html = lambda c: "<html></html>"
        try:
            assert await issued.receipt_pdf(content) == b"%PDF-1.7 test"
            assert await issued.receipt_pdf(content) == b"%PDF-1.7 test"
        finally:
            issued.receipt_html = issued_html
    finally:
        pdf.render_pdf = original
    assert len(calls) == 1
    assert await database_store.keys("documents/") == ["documents/receipts/T0000001.pdf"]


async def test_a_missing_file_is_a_404_not_a_500(client, database_store):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    g = await make_group(ids["school"], ids["main"], ["first_review"], files=False)
    att = await add_file(g["application"], g["cases"][0], "passport")
    row = await Attachment.select().where(Attachment.id == att).first()
    await uploads.delete(row["stored_name"])
    assert (await client.get(f"/progress/files/{att}")).status_code == 404
