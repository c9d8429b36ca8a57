"""The one upload check of the system: every uploaded image goes through `check_image()` and `store()`.

- JPG, JPEG, PNG or BMP only, each file under 512 KB (the message says the file's size and the limit);
- the content must decode with Pillow as the format its name says (`formats=` restricted): a PNG
  renamed .jpg, a PDF, HTML or a truncated file are refused;
- a pixel limit stops decompression bombs before the image is decoded;
- the image is re-encoded from its pixels alone, so EXIF (GPS), comments, text chunks, colour profiles and
  anything appended after the image data are gone; the EXIF orientation is applied first so photos stay
  upright, and an embedded colour profile is applied (converted to sRGB) so colours stay as they were;
- an oversized file is reported with its real size (`read_capped()` counts what it does not keep);
- kept by the storage interface (app/services/storage.py: under var/uploads/, or in PostgreSQL) under a
  random server-chosen name, never in the web root; served only
  through a scoped handler (`download_headers()`: attachment, nosniff, no-store).
"""

from __future__ import annotations

import io
import math
import secrets
import unicodedata
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from app.i18n import gettext as _
from app.services import storage
from app.settings import settings

MAX_BYTES = 512 * 1024  # "檔案請小於512K"
MAX_PIXELS = 24_000_000  # about 6000 x 4000; a 512 KB file claiming more is a bomb
MAX_SIDE = 12_000

# extension -> Pillow format; the format decides the stored extension and content type.
EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "bmp": "BMP"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "BMP": "image/bmp"}
STORED_EXT = {"JPEG": "jpg", "PNG": "png", "BMP": "bmp"}
ACCEPT = ".jpg,.jpeg,.png,.bmp,image/jpeg,image/png,image/bmp"


class UploadRefused(Exception):
    """The file was not accepted; `str(exc)` is the message for the user."""


@dataclass(frozen=True)
class CheckedImage:
    data: bytes  # re-encoded, without metadata
    format: str  # JPEG | PNG | BMP
    width: int
    height: int
    original_name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        return STORED_EXT[self.format]


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    # Rounded up: a file over the limit never reads as "512 KB" unless it is exactly that.
    return f"{max(1, math.ceil(n / 1024))} KB"


class _Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


async def read_capped(upload: _Readable) -> tuple[bytes, int]:
    """At most MAX_BYTES + 1 bytes of an uploaded file (enough for `check_image()` to refuse it) and the
    file's real size, counted while reading the rest, so the message can say how large it is."""
    data = await upload.read(MAX_BYTES + 1)
    size = len(data)
    if size > MAX_BYTES:
        while chunk := await upload.read(256 * 1024):
            size += len(chunk)
    return data, size


def clean_name(name: str) -> str:
    """The original name for display: the last path part, no control characters, at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().strip(".") or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:8]) if dot else base[:200]
    return base


def _extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def check_image(data: bytes, filename: str, size: int | None = None) -> CheckedImage:
    """The checked, re-encoded image, or UploadRefused with a message naming the file.

    `size` is the file's real size when `data` holds only its beginning (`read_capped()`)."""
    name = clean_name(filename)
    if not data:
        raise UploadRefused(_("“%(name)s” is empty.", name=name))
    real_size = max(len(data), size or 0)
    if real_size >= MAX_BYTES:
        raise UploadRefused(
            _(
                "“%(name)s” is %(size)s; each file must be under 512 KB.",
                name=name,
                size=human_size(real_size),
            )
        )
    ext = _extension(name)
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise UploadRefused(_("“%(name)s” is not a JPG, JPEG, PNG or BMP file.", name=name))
    # What is it really? Only our formats are tried, never Pillow's whole plugin list.
    too_large = _(
        "“%(name)s” has too many pixels to be a scan or photo. Scan or photograph it again at a lower "
        "resolution.",
        name=name,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(set(EXTENSIONS.values()))) as probe:
                actual = probe.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(too_large) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UploadRefused(
            _("“%(name)s” could not be read as an image. Upload a JPG, JPEG, PNG or BMP picture.", name=name)
        ) from None
    if actual != expected:
        raise UploadRefused(
            _(
                "“%(name)s” is really a %(actual)s image but its name ends in .%(ext)s. Save it with the right type "
                "and upload it again.",
                name=name,
                actual=actual,
                ext=ext,
            )
        )
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported; an upload check
    # must never accept a cut-off file, whatever was imported before.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as im:
                width, height = im.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise UploadRefused(too_large)
                im.load()
                clean = _reencode(im, expected)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise UploadRefused(too_large) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise UploadRefused(
            _("“%(name)s” is damaged or incomplete and could not be read. Upload it again.", name=name)
        ) from None
    return CheckedImage(data=clean, format=expected, width=width, height=height, original_name=name)


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(im: Image.Image) -> Image.Image:
    """The pixels in sRGB: an embedded ICC profile is applied, then dropped. A profile that cannot be
    read or does not fit the pixels is ignored (the pixels are taken as sRGB, as browsers do)."""
    icc = im.info.get("icc_profile")
    if not icc:
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = source.profile.xcolor_space.strip()
        alpha = im.getchannel("A") if "A" in im.getbands() else None
        if space == "RGB":
            pixels = im.convert("RGB")
        elif space == "GRAY":
            pixels = im.convert("L")
        elif space == "CMYK" and im.mode == "CMYK":
            pixels = im
        else:
            return im
        converted = ImageCms.profileToProfile(pixels, source, _SRGB, outputMode="RGB")
        assert converted is not None
        if alpha is not None:
            converted.putalpha(alpha)
        return converted
    except (OSError, ValueError, ImageCms.PyCMSError):
        return im


def _reencode(im: Image.Image, fmt: str) -> bytes:
    """A fresh image from the pixels only, in sRGB: no EXIF, GPS, comments, text chunks, ICC profile or
    trailing bytes (only a palette's transparent index, which is part of the pixels, is kept)."""
    im = _to_srgb(ImageOps.exif_transpose(im))
    if im.mode == "CMYK":
        im = im.convert("RGB")
    keep = {"transparency": im.info["transparency"]} if "transparency" in im.info else {}
    im = im.copy()
    im.info = keep
    out = io.BytesIO()
    if fmt == "JPEG":
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGB")
        im.save(out, format="JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        if im.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            im = im.convert("RGBA")
        im.save(out, format="PNG", optimize=True)
    else:
        if im.mode not in ("RGB", "L", "P", "1"):
            im = im.convert("RGB")
        im.save(out, format="BMP")
    return out.getvalue()


# Storage (app/services/storage.py: local folder or PostgreSQL) ------------------------------------


def new_stored_name(ext: str) -> str:
    return f"{secrets.token_hex(16)}.{ext}"


def key_of(stored_name: str) -> str:
    """The storage key of a stored name; only names this module made pass."""
    stem, dot, ext = stored_name.partition(".")
    if not (
        dot and len(stem) == 32 and all(c in "0123456789abcdef" for c in stem) and ext in STORED_EXT.values()
    ):
        raise ValueError("not a stored name")
    return f"uploads/{stem[:2]}/{stored_name}"


def path_of(stored_name: str) -> Path:
    """Where the local store keeps a stored name (STORAGE=local)."""
    return settings.var_dir / key_of(stored_name)


async def store(image: CheckedImage) -> str:
    """Keep the re-encoded image; returns its server-chosen name."""
    name = new_stored_name(image.extension)
    await storage.backend().save(key_of(name), image.data)
    return name


async def read(stored_name: str) -> bytes:
    data = await storage.backend().read(key_of(stored_name))
    if data is None:
        raise FileNotFoundError(stored_name)
    return data


async def exists(stored_name: str) -> bool:
    return await storage.backend().exists(key_of(stored_name))


def stream(stored_name: str) -> AsyncIterator[bytes]:
    return storage.backend().stream(key_of(stored_name))


async def delete(stored_name: str) -> None:
    try:
        await storage.backend().delete(key_of(stored_name))
    except ValueError:
        pass


def download_headers(original_name: str, *, inline: bool = False) -> dict[str, str]:
    """Content-Disposition from the server (RFC 6266, UTF-8 name), nosniff, never cached."""
    ascii_fallback = (
        "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in original_name) or "file"
    )
    disposition = "inline" if inline else "attachment"
    return {
        "Content-Disposition": f"{disposition}; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(original_name)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
