"""Benchmark of the PDF documents. Prints its figures; not CI.

    .venv/bin/python bench/pdf.py [--group 30] [--cheap 300]

In one run, on a fresh SQLite database and document store under a temporary VAR_DIR:
1. a bare WeasyPrint render of a one-line page, warm (median of 5), in this process: in the documents' font
   (Noto Sans CJK TC, the baseline of the ratio: its subsetting is part of every CJK document), and in the
   default Latin font for reference;
2. one six-month certificate (the real template, a photo, the QR code), warm (median of 5), in this process,
   and its ratio to the bare render;
3. a full group of 30 certificates through the app's process pool, stored, then zipped (cold: rendered and
   stored; warm: served from storage, as every later download is);
4. a cheap page of the real app (GET /verify, through the ASGI stack, its database transaction included):
   its p99 at rest, and its p99 while the 30 certificates render in the pool.

Goals (issue 7): a warm certificate within 5 x the bare render; a group's 30 certificates zipped in under
3 seconds; the cheap page's p99 while the batch renders within 4 x its p99 at rest.
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

_TMP = Path(tempfile.mkdtemp(prefix="arc-bench-pdf-"))
os.environ.setdefault("APP_ENV", "test")
os.environ["VAR_DIR"] = str(_TMP / "var")
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'bench.sqlite'}"
os.environ["PICCOLO_CONF"] = "piccolo_conf"


BARE_CJK = "<p style=\"font-family: 'Noto Sans CJK TC'\">居留證 one line</p>"


def p99(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]


def contents(n: int) -> list[dict]:
    from app.demo.payment import _portrait
    from app.domain.issuance import permit_validity
    from app.services import issued

    photo = issued.photo_data_uri(_portrait(1))
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


async def cheap_latencies(client, stop: asyncio.Event | None, count: int) -> list[float]:
    out = []
    while (stop is None and len(out) < count) or (stop is not None and not stop.is_set()):
        t = time.perf_counter()
        r = await client.get("/verify")
        assert r.status_code == 200
        out.append(time.perf_counter() - t)
        await asyncio.sleep(0.005)  # a client's think time: a request every few milliseconds
    return out


async def main(group: int, cheap: int) -> None:
    import httpx
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from app import db
    from app.main import create_app
    from app.services import issued, pdf

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    assert result.success, result.message
    docs = contents(group)

    bare_latin = timed_median(lambda: pdf.render_sync("<p>one line</p>"))
    bare = timed_median(lambda: pdf.render_sync(BARE_CJK))
    cert = timed_median(lambda: pdf.render_sync(issued.permit_html(docs[0])))

    await db.start()
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
        await cheap_latencies(client, None, 30)  # warm the app
        at_rest = await cheap_latencies(client, None, cheap)

        t = time.perf_counter()
        await pdf.warm_up()
        warm_up = time.perf_counter() - t

        stop = asyncio.Event()
        loaded_task = asyncio.create_task(cheap_latencies(client, stop, 0))
        t = time.perf_counter()
        zipped_cold = await issued.permits_zip(docs)
        cold = time.perf_counter() - t
        stop.set()
        under_load = await loaded_task

        t = time.perf_counter()
        zipped_warm = await issued.permits_zip(docs)
        warm = time.perf_counter() - t
    pdf.shutdown()
    await db.stop()
    assert len(zipped_cold) == len(zipped_warm) and zipped_warm

    rest99, load99 = p99(at_rest) * 1000, p99(under_load) * 1000
    print(f"machine: {os.cpu_count()} CPU(s); PDF pool workers: {pdf.settings.pdf_workers}")
    print(f"bare render, one Latin line (default font):  {bare_latin:.3f} s")
    print(f"bare render, one line in Noto Sans CJK TC:    {bare:.3f} s")
    print(
        f"certificate (real template, photo, QR, warm): {cert:.3f} s  = {cert / bare:.1f} x bare  (goal <= 5)"
    )
    print(f"pool start (spawn, first render per worker):  {warm_up:.2f} s (once per process)")
    print(
        f"{group} certificates rendered in the pool, stored and zipped (cold): {cold:.2f} s "
        f"= {cold / group:.3f} s per document"
    )
    print(f"{group} certificates zipped from storage (every later download):    {warm:.3f} s  (goal < 3)")
    print(f"cheap page GET /verify p99 at rest:           {rest99:.1f} ms  ({len(at_rest)} requests)")
    print(
        f"cheap page p99 while the batch renders:       {load99:.1f} ms  ({len(under_load)} requests) "
        f"= {load99 / rest99:.1f} x at rest  (goal <= 4)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", type=int, default=30)
    parser.add_argument("--cheap", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.group, args.cheap))
