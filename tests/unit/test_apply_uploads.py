"""The one upload check: types, size, content matching the name, bombs, metadata stripped."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from app.i18n import use_locale
from app.services import uploads


def image_bytes(fmt: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    im = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif else {}
    im.save(out, format=fmt, **kwargs)
    return out.getvalue()


def refused(data: bytes, name: str) -> str:
    with use_locale("en"), pytest.raises(uploads.UploadRefused) as exc:
        uploads.check_image(data, name)
    return str(exc.value)


@pytest.mark.parametrize(
    ("fmt", "name"), [("JPEG", "a.jpg"), ("JPEG", "b.JPEG"), ("PNG", "c.png"), ("BMP", "d.bmp")]
)
def test_accepts_the_four_types(fmt, name):
    img = uploads.check_image(image_bytes(fmt), name)
    assert img.format == fmt
    assert Image.open(io.BytesIO(img.data)).size == (40, 30)


def test_too_big_says_size_and_limit():
    noise = Image.frombytes(
        "RGB", (600, 600), bytes(range(256)) * (600 * 600 * 3 // 256) + b"\0" * (600 * 600 * 3 % 256)
    )
    out = io.BytesIO()
    noise.save(out, format="BMP")
    data = out.getvalue()
    assert len(data) > 512 * 1024
    msg = refused(data, "護照.bmp")
    assert "護照.bmp" in msg and "1.0 MB" in msg and "512 KB" in msg


def test_exactly_512kb_is_refused_just_under_is_checked():
    assert "512 KB" in refused(b"\0" * (512 * 1024), "x.jpg")


@pytest.mark.parametrize("name", ["a.gif", "a.pdf", "a.svg", "a", "a.jpg.exe"])
def test_wrong_type(name):
    assert "not a JPG" in refused(image_bytes(), name)


def test_png_renamed_jpg():
    msg = refused(image_bytes("PNG"), "photo.jpg")
    assert "PNG" in msg and ".jpg" in msg


def test_pdf_or_html_named_jpg():
    assert "could not be read" in refused(b"%PDF-1.4\n1 0 obj<<>>endobj\n", "x.jpg")
    assert "could not be read" in refused(b"<html><script>alert(1)</script></html>", "x.png")


def test_corrupt_file():
    data = image_bytes("JPEG", size=(200, 200))
    msg = refused(data[: len(data) // 2], "half.jpg")
    assert "damaged" in msg


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def pixel_bomb(width=30000, height=30000) -> bytes:
    """A PNG that says 30000 x 30000 (900 Mpx) in a few KB."""
    raw = zlib.compress(b"\0" * (1 + width // 8) * 64, 9)  # a little data; the header is what matters
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", raw) + _png_chunk(b"IEND", b"")
    )


def test_pixel_bomb_refused_before_decoding():
    data = pixel_bomb()
    assert len(data) < 512 * 1024
    assert "too many pixels" in refused(data, "bomb.png")


def test_big_but_under_pillow_limit_still_refused():
    data = pixel_bomb(7000, 7000)  # 49 Mpx: under Pillow's own warning, over ours
    assert "too many pixels" in refused(data, "big.png")


def test_exif_and_trailing_bytes_are_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, 0.0)}  # GPS IFD
    data = image_bytes("JPEG", exif=exif.tobytes()) + b"<script>alert(1)</script>"
    assert b"SpyCam" in data
    img = uploads.check_image(data, "gps.jpg")
    assert b"SpyCam" not in img.data and b"<script>" not in img.data
    assert not Image.open(io.BytesIO(img.data)).getexif()


def test_names():
    assert uploads.clean_name("C:\\Users\\me\\護照.jpg") == "護照.jpg"
    assert uploads.clean_name("../../etc/passwd\x00.png") == "passwd.png"


async def test_store_read_delete(tmp_path):
    from app.services import storage

    local = storage.LocalStorage(tmp_path)
    storage.use(local)
    try:
        img = uploads.check_image(image_bytes(), "a.jpg")
        name = await uploads.store(img)
        assert name.endswith(".jpg") and len(name) == 36
        assert await uploads.read(name) == img.data
        path = local.path(uploads.key_of(name))
        assert path.is_relative_to(tmp_path / "uploads")
        assert (path.stat().st_mode & 0o777) == 0o600
        await uploads.delete(name)
        assert not path.exists()
        with pytest.raises(ValueError):
            uploads.key_of("../secret_key")
    finally:
        storage.use(None)


def test_download_headers():
    h = uploads.download_headers("護照.jpg")
    assert h["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%AD%B7%E7%85%A7.jpg" in h["Content-Disposition"]
    assert h["X-Content-Type-Options"] == "nosniff"


def test_truncated_jpeg_refused_even_after_weasyprint_is_imported():
    import weasyprint  # noqa: F401 - it sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process

    from app.services import uploads
    from tests.apply_support import jpeg

    full = jpeg(size=(300, 300))
    try:
        uploads.check_image(full[: len(full) // 2], "half.jpg")
    except uploads.UploadRefused as exc:
        assert "half.jpg" in str(exc)
    else:
        raise AssertionError("a truncated JPEG was accepted")
