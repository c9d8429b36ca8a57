"""Benchmark of the PDF documents. Prints its figures; not CI.

    .venv/bin/python bench/pdf.py [--group 30] [--cheap 1000]

In one run, on a fresh SQLite database and document store under a temporary VAR_DIR:
1. a bare WeasyPrint render of a one-line page, warm (median of 5), in this process: in the documents' font
   (Noto Sans CJK TC, the baseline of the ratio: its subsetting is part of every CJK document), and in the
   default Latin font for reference;
2. one six-month certificate (the real template, a photo, the QR code), warm (median of 5), in this process,
   and its ratio to the bare render; and a group's 30 in one document pass (issue 16), in this process;
3. a real server (uvicorn, one worker, the app plus one bench route that renders a group's certificates
   through `issued.render_group_permits`, each call with new numbers, so nothing is stored):
   - the cold path: the first group after start (the PDF pool not started, nothing stored), then groups with
     the pool running but nothing stored, then a group served from storage;
   - a cheap page (GET /verify, its database transaction included) requested by the bare HTTP/1.1 client
     (bench/common.py, so the client's own CPU is not measured as latency), `--cheap` samples (>= 1,000) at
     rest, and as many while groups render in the server's pool: both p99s.

Goals: a warm certificate within 5 x the bare render (issue 7); a group's 30 certificates cold (nothing
stored) in under 3 seconds (issue 16); the cheap page's p99 while groups render within 4 x its p99 at rest.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One temporary home for this run, shared with the server it starts (which imports this module too).
_TMP = Path(os.environ.get("ARC_BENCH_PDF_TMP") or tempfile.mkdtemp(prefix="arc-bench-pdf-"))
os.environ["ARC_BENCH_PDF_TMP"] = str(_TMP)
os.environ.setdefault("APP_ENV", "test")
os.environ["VAR_DIR"] = str(_TMP / "var")
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'bench.sqlite'}"
os.environ["PICCOLO_CONF"] = "piccolo_conf"


BARE_CJK = "<p style=\"font-family: 'Noto Sans CJK TC'\">居留證 one line</p>"


def p99(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]


def contents(n: int) -> list[dict]:
    from app.demo.people import demo_image
    from app.domain.issuance import permit_validity
    from app.services import issued

    photo = issued.photo_data_uri(demo_image("photo", "YAMADA HANAKO"))
    start, end = permit_validity(date.today())
    out = []
    for i in range(n):
        out.append(
            {
                "permit_no": f"E11569659{i:04d}",
                "verify_code": issued.new_verify_code(),
                "permit_type": "ARC",
                "issued_on": start.isoformat(),
                "expires_on": end.isoformat(),
                "purpose_zh": "就學",
                "purpose_en": "Study",
                "name_zh": "山田花子",
                "name_en": f"YAMADA HANAKO {i}",
                "passport_no": f"TZ{1234567 + i}",
                "birth_date": (date(2004, 3, 9) + timedelta(days=i)).isoformat(),
                "gender": "F",
                "nationality": "JP",
                "nationality_zh": "日本",
                "nationality_en": "Japan",
                "ui_no": "",
                "address": "106 臺北市大安區羅斯福路四段1號",
                "authority_zh": "內政部移民署",
                "authority_en": "National Immigration Agency",
                "school": "國立臺灣大學",
                "group_no": "151029202",
                "receipt_no": f"1156965{92000 + i:05d}",
                "photo": photo,
            }
        )
    return out


def timed_median(fn, runs: int = 5) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_app():
    """The app plus GET /bench/render-group?n=30&tag=x: renders and stores a group (new numbers per tag)."""
    from litestar import get

    from app.main import create_app
    from app.services import issued

    @get("/bench/render-group", name="bench:render-group")
    async def render_group(n: int = 30, tag: str = "a") -> dict:
        docs = contents(n)
        for d in docs:
            d["permit_no"] = f"E{tag}{d['permit_no'][1:]}"[:16]
        t = time.perf_counter()
        pdfs = await issued.render_group_permits(docs)
        return {
            "seconds": time.perf_counter() - t,
            "documents": len(pdfs),
            "bytes": sum(len(p) for p in pdfs),
        }

    app = create_app()
    app.register(render_group)
    return app


async def cheap_latencies(port: int, stop: asyncio.Event | None, count: int) -> list[float]:
    """GET /verify back to back on one keep-alive connection (a few ms of think time between requests)."""
    from bench.common import request

    raw = f"GET /verify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    out = []
    try:
        while (stop is None and len(out) < count) or (stop is not None and not stop.is_set()):
            t = time.perf_counter()
            status = await request(reader, writer, raw)
            assert status == 200, status
            out.append(time.perf_counter() - t)
            await asyncio.sleep(0.005)  # a client's think time: a request every few milliseconds
    finally:
        writer.close()
    return out


async def render_group(port: int, tag: str, group: int) -> tuple[float, float]:
    """(wall time seen by the client, time inside the server) of one group render."""
    import httpx

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as c:
        t = time.perf_counter()
        r = await c.get(f"/bench/render-group?n={group}&tag={tag}")
        r.raise_for_status()
        return time.perf_counter() - t, r.json()["seconds"]


async def while_rendering(
    port: int, tags: list[str], group: int
) -> tuple[list[tuple[float, float]], list[float]]:
    stop = asyncio.Event()
    sampling = asyncio.create_task(cheap_latencies(port, stop, 0))
    times = []
    for tag in tags:
        times.append(await render_group(port, tag, group))
    stop.set()
    return times, await sampling


def main(group: int, cheap: int) -> None:
    import subprocess

    from piccolo.apps.migrations.commands.forwards import run_forwards

    from app.services import issued, pdf
    from bench.common import free_port, stop_server

    result = asyncio.run(run_forwards(app_name="all", migration_id="all", fake=False))
    assert result.success, result.message
    docs = contents(group)

    bare_latin = timed_median(lambda: pdf.render_sync("<p>one line</p>"))
    bare = timed_median(lambda: pdf.render_sync(BARE_CJK))
    cert = timed_median(lambda: pdf.render_sync(issued.permit_html(docs[0])))
    t = time.perf_counter()
    issued.render_permits_sync(docs)
    group_in_process = time.perf_counter() - t

    port = free_port()
    log = open(_TMP / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.pdf:bench_app", "--factory", "--host", "127.0.0.1"]
        + ["--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning"],
        cwd=ROOT,
        env=dict(os.environ, PDF_PRERENDER="false"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/verify", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.3)
        asyncio.run(cheap_latencies(port, None, 50))  # warm the app
        at_rest = asyncio.run(cheap_latencies(port, None, cheap))
        first_runs, under_first = asyncio.run(while_rendering(port, ["a"], group))
        first, first_in = first_runs[0]
        # Groups with the pool running and nothing stored, until the page has as many samples as at rest.
        cold_runs: list[tuple[float, float]] = []
        under_load = list(under_first)
        tag = 0
        while len(under_load) < cheap or len(cold_runs) < 2:
            tag += 1
            runs, lat = asyncio.run(while_rendering(port, [f"b{tag}"], group))
            cold_runs += runs
            under_load += lat
            if tag >= 10:
                break
        stored, _ = asyncio.run(render_group(port, "b1", group)), None
    finally:
        stop_server(proc, log)

    rest99, load99 = p99(at_rest) * 1000, p99(under_load) * 1000
    cold_wall = statistics.median(r[0] for r in cold_runs)
    print(
        f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; PDF pool workers: {pdf.settings.pdf_workers}"
    )
    print(f"bare render, one Latin line (default font):  {bare_latin:.3f} s")
    print(f"bare render, one line in Noto Sans CJK TC:    {bare:.3f} s")
    print(
        f"certificate (real template, photo, QR, warm): {cert:.3f} s  = {cert / bare:.1f} x bare  (goal <= 5)"
    )
    print(
        f"{group} certificates in one pass, in process:   {group_in_process:.2f} s = {group_in_process / group:.3f} s each"
    )
    print(
        f"server: first group after start (pool start, nothing stored): {first:.2f} s (in the server {first_in:.2f} s)"
    )
    print(
        f"server: a group cold (nothing stored), median of {len(cold_runs)}: {cold_wall:.2f} s "
        f"= {cold_wall / group:.3f} s each  (goal < 3)"
    )
    print(f"server: the same group from storage:           {stored[0]:.3f} s")
    print(f"cheap page GET /verify p99 at rest:           {rest99:.1f} ms  ({len(at_rest)} requests)")
    print(
        f"cheap page p99 while groups render:           {load99:.1f} ms  ({len(under_load)} requests) "
        f"= {load99 / rest99:.1f} x at rest  (goal <= 4)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", type=int, default=30)
    parser.add_argument("--cheap", type=int, default=1000)
    args = parser.parse_args()
    main(args.group, args.cheap)
