"""PDFs with WeasyPrint: our own autoescaped templates under partials/documents/, rendered off the
event loop in a small pool of worker processes, with a URL fetcher that reaches only static/.

- `SafeFetcher` allows `data:` URIs and `file:` URLs inside the project's static/ directory; any
  other file, any network URL (http, https, ftp) and redirects are refused.
- `render_pdf(html)` runs WeasyPrint in a spawned process (never forked after the app's imports),
  bounded by a semaphore and a time limit; workers are recycled after a number of documents.
- `render_split_sync(html, anchors, titles)` lays out several documents that share one template in one
  pass (the stylesheet parsed and the fonts loaded and subset once), writes one PDF and cuts it into one
  PDF per document (pypdf: page copies that share the subset fonts); `run_in_pool(fn, ...)` runs such a
  job, HTML building included, in the pool.
- `qr_svg_data_uri(text)` draws a QR code with segno as an SVG `data:` URI.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from app.services import workers
from app.settings import settings

log = logging.getLogger("arc.pdf")

STATIC_DIR = (Path(__file__).resolve().parent.parent.parent / "static").resolve()
RENDER_TIMEOUT = 60.0
TASKS_PER_WORKER = 200

_executor: ProcessPoolExecutor | None = None
_semaphore: asyncio.Semaphore | None = None
_semaphore_loop: asyncio.AbstractEventLoop | None = None


class RenderError(Exception):
    pass


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class SafeFetcher(URLFetcher):
        """Only data: and the project's own static files; nothing from the network or elsewhere on disk."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5)

        def fetch(self, url: str, headers: Any = None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not path.is_relative_to(STATIC_DIR) or not path.is_file():
                    raise ValueError(f"blocked file outside static/: {path}")
            elif scheme != "data":
                raise ValueError(f"blocked URL scheme: {scheme or url[:20]}")
            return super().fetch(url, headers)

    return SafeFetcher


def safe_fetcher():
    return _fetcher_class()()


def render_sync(html: str) -> bytes:
    """Render in this process (the pool's workers, the benchmark's bare render, tests)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(STATIC_DIR) + "/", url_fetcher=safe_fetcher()).write_pdf()


def render_split_sync(html: str, anchors: list[str], titles: list[str]) -> list[bytes]:
    """One WeasyPrint pass over a document made of parts; each part begins a page and holds the element
    `id=anchors[i]`. Returns one PDF per part (its pages, its title), in the order of `anchors`."""
    import io

    import pypdf
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(STATIC_DIR) + "/", url_fetcher=safe_fetcher()).render()
    starts: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            starts.setdefault(anchor, number)
    missing = [a for a in anchors if a not in starts]
    if missing:
        raise RenderError(f"parts not found in the document: {missing[:3]}")
    order = sorted(starts[a] for a in anchors)
    if len(set(order)) != len(order):
        raise RenderError("two parts begin on one page")
    bounds = {
        start: (order[i + 1] if i + 1 < len(order) else len(document.pages)) for i, start in enumerate(order)
    }
    reader = pypdf.PdfReader(io.BytesIO(document.write_pdf()))
    out = []
    for anchor, title in zip(anchors, titles, strict=True):
        writer = pypdf.PdfWriter()
        for number in range(starts[anchor], bounds[starts[anchor]]):
            writer.add_page(reader.pages[number])
        writer.add_metadata({"/Title": title, "/Producer": "WeasyPrint, pypdf"})
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


def _warm() -> bool:
    render_sync("<p>warm</p>")
    return True


def executor() -> ProcessPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ProcessPoolExecutor(
            max_workers=settings.pdf_workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=TASKS_PER_WORKER,
            initializer=workers.lower_priority,
        )
    return _executor


def _sem() -> asyncio.Semaphore:
    global _semaphore, _semaphore_loop
    loop = asyncio.get_running_loop()
    if _semaphore is None or _semaphore_loop is not loop:
        _semaphore = asyncio.Semaphore(settings.pdf_workers * 2)
        _semaphore_loop = loop
    return _semaphore


async def render_pdf(html: str) -> bytes:
    """Render off the event loop in the process pool, within RENDER_TIMEOUT seconds."""
    async with _sem():
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(RENDER_TIMEOUT):
                return await loop.run_in_executor(executor(), render_sync, html)
        except TimeoutError as exc:
            raise RenderError("PDF rendering timed out") from exc


async def run_in_pool(fn: Any, *args: Any, seconds: float = RENDER_TIMEOUT) -> Any:
    """fn(*args) in the process pool (a module-level function: it is pickled by name), within `seconds`."""
    async with _sem():
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(seconds):
                return await loop.run_in_executor(executor(), fn, *args)
        except TimeoutError as exc:
            raise RenderError("PDF rendering timed out") from exc


async def warm_up() -> None:
    """Start the workers (their first render loads WeasyPrint and the fonts)."""
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(executor(), _warm) for _ in range(settings.pdf_workers)))


def shutdown() -> None:
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)
        _executor = None


def render_template(template: str, context: dict[str, Any]) -> str:
    """A document template (autoescaped Jinja, not the page layout) to HTML."""
    from app.web.templating import environment

    return environment.get_template(template).render(**context)


def qr_svg_data_uri(text: str, scale: int = 3) -> str:
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=scale, border=2)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
