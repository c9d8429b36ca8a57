"""/static/: the stylesheet, scripts and images (about 100 KB in all), read once and served from memory.

A file answer then never leaves the event loop: no worker-thread hop to open, stat and read a file, each
of which waits for a CPU when the machine is busy (during a roster import or a batch of PDFs, such hops
made a static file several times slower; docs/benchmarks.md). Only files under static/ exist here, by
their path, so there is nothing to traverse. Browsers revalidate with the ETag (304 when unchanged);
a change to a file needs a restart, as a change to the code does.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
_TYPES = {
    ".css": "text/css",  # Litestar adds "; charset=utf-8" to text types
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    media_type: str
    etag: str


def load(directory: Path) -> dict[str, StaticFile]:
    files: dict[str, StaticFile] = {}
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        body = path.read_bytes()
        media_type = (
            _TYPES.get(path.suffix.lower())
            or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream"
        )
        files[rel.as_posix()] = StaticFile(body, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
    return files


FILES = load(STATIC_DIR)


def _serve(request: Request, file_path: str) -> Response[bytes]:
    found = FILES.get(file_path.lstrip("/"))
    if found is None:
        raise NotFoundException()
    headers = {"etag": found.etag, "cache-control": "no-cache"}
    if found.etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


@get("/static/{file_path:path}", name="static", include_in_schema=False)
async def static_file(request: Request, file_path: str) -> Response[bytes]:
    return _serve(request, file_path)


@get("/favicon.ico", name="favicon", include_in_schema=False)
async def favicon(request: Request) -> Response[bytes]:
    """Browsers and bookmarks ask for it at the root whatever the page links (issue 17; was a 404)."""
    return _serve(request, "img/favicon.ico")
