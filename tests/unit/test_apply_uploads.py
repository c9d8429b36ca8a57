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


def _swapped_srgb_profile() -> bytes:
    """An RGB profile whose red and blue colorants are swapped: its (255, 0, 0) is sRGB blue."""
    from PIL import ImageCms

    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", icc[128:132])[0]
    entries = {}
    for i in range(count):
        at = 132 + 12 * i
        entries[bytes(icc[at : at + 4])] = at
    r, b = entries[b"rXYZ"], entries[b"bXYZ"]
    icc[r + 4 : r + 12], icc[b + 4 : b + 12] = icc[b + 4 : b + 12], icc[r + 4 : r + 12]
    return bytes(icc)


def test_jpeg_comment_and_profile_are_dropped_and_colours_converted_to_srgb():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (255, 0, 0)).save(
        out, format="JPEG", comment=b"SECRET-COMMENT", icc_profile=_swapped_srgb_profile(), quality=95
    )
    data = out.getvalue()
    assert b"SECRET-COMMENT" in data
    img = uploads.check_image(data, "photo.jpg")
    stored = Image.open(io.BytesIO(img.data))
    assert b"SECRET-COMMENT" not in img.data and "comment" not in stored.info
    assert "icc_profile" not in stored.info
    r, g, b = stored.convert("RGB").getpixel((20, 15))
    assert b > 200 and r < 60, (r, g, b)  # the profile's "red" is blue in sRGB


def test_png_profile_and_text_are_dropped_and_colours_converted_to_srgb():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "SECRET-AUTHOR")
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 128)).save(
        out, format="PNG", pnginfo=text, icc_profile=_swapped_srgb_profile()
    )
    img = uploads.check_image(out.getvalue(), "scan.png")
    stored = Image.open(io.BytesIO(img.data))
    assert b"SECRET-AUTHOR" not in img.data and b"iCCP" not in img.data
    assert "icc_profile" not in stored.info and "Author" not in stored.info
    r, g, b, a = stored.getpixel((20, 15))
    assert b > 200 and r < 60 and a == 128, (r, g, b, a)


def test_a_broken_profile_is_ignored_not_fatal():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (255, 0, 0)).save(out, format="JPEG", icc_profile=b"not a profile" * 10)
    img = uploads.check_image(out.getvalue(), "x.jpg")
    stored = Image.open(io.BytesIO(img.data))
    assert "icc_profile" not in stored.info and stored.getpixel((20, 15))[0] > 200


def test_the_real_size_of_an_oversized_file_is_stated():
    with use_locale("en"), pytest.raises(uploads.UploadRefused) as exc:
        uploads.check_image(b"\0" * (512 * 1024 + 1), "scan.jpg", size=3 * 1024 * 1024 + 200 * 1024)
    msg = str(exc.value)
    assert "3.2 MB" in msg and "under 512 KB" in msg
    assert "600 KB" in refused(b"\0" * (600 * 1024), "x.jpg")
    assert "513 KB" in refused(b"\0" * (512 * 1024 + 1), "x.jpg")  # over the limit never reads "512 KB"


async def test_read_capped_keeps_the_beginning_and_counts_the_rest():
    class Fake:
        def __init__(self, data: bytes) -> None:
            self.buf = io.BytesIO(data)

        async def read(self, size: int = -1) -> bytes:
            return self.buf.read(size)

    data, size = await uploads.read_capped(Fake(b"x" * (2 * 1024 * 1024)))
    assert len(data) == uploads.MAX_BYTES + 1 and size == 2 * 1024 * 1024
    data, size = await uploads.read_capped(Fake(b"small"))
    assert data == b"small" and size == 5
