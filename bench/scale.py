"""How the app scales with worker processes on PostgreSQL (issue 16 item 10). Prints its figures; not CI.

    .venv/bin/python bench/scale.py [--cases 10000] [--seconds 20] [--clients 24] [--workers 1,2,4]
                                    [--login-every 25] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

1. a fresh PostgreSQL database (BENCH_DB_NAME, default bench_scale), migrated and seeded as bench/pages.py
   seeds it (one school, N cases in every status, groups of 30);
2. for each worker count: uvicorn serving the app with that many processes; `--clients` keep-alive
   connections each send, one after another, a signed-in mix — 優先處理事項 (the dashboard), a group's page,
   案件進度查詢 — and every `--login-every`-th request of a client is a whole sign-in instead (login page with its
   captcha, then the POST: an argon2 hash), for `--seconds`;
3. per worker count: requests/s, p50/p95 overall and per kind, the ratio of requests/s to 1 process, and where
   the CPU went: the app's processes, PostgreSQL's (every process named postgres on this machine, so other
   users of the server count too) and this client, as shares of the machine's cores over the run.

Goal (issue 16): 2 processes at >= 1.7 x one; 4 no worse than 2 on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cpu_seconds, free_port, pids_named, process_tree, request, stop_server  # noqa: E402
from bench.pages import LOGIN_ID, PASSWORD, _login, _pg_database, _vacuum, _wait  # noqa: E402


async def _sign_in(port: int) -> float:
    """One whole sign-in as a person does it: the login page (a captcha token), then the POST."""
    import httpx

    t0 = time.perf_counter()
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", follow_redirects=False, timeout=60
    ) as c:
        page = await c.get("/login")
        token = re.search(r'name="captcha_token" value="([^"]+)"', page.text).group(1)
        r = await c.post(
            "/login",
            data={
                "login_id": LOGIN_ID,
                "password": PASSWORD,
                "captcha": "TEST1",
                "captcha_token": token,
                "_csrf_token": c.cookies.get("arc_csrf"),
            },
        )
        if r.status_code != 303:
            raise RuntimeError(f"sign-in answered {r.status_code}")
    return time.perf_counter() - t0


async def mixed(
    port: int, cookie: str, group_id: int, seconds: float, clients: int, login_every: int
) -> dict:
    paths = {"dashboard": "/", "group": f"/apply/groups/{group_id}", "progress": "/progress/?search=1"}
    raws = {
        k: (
            f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nAccept-Language: zh-TW\r\n\r\n"
        ).encode()
        for k, p in paths.items()
    }
    kinds = list(paths)
    latencies: dict[str, list[float]] = {k: [] for k in [*kinds, "login"]}
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = n  # clients start at different points of the mix
        try:
            while time.perf_counter() < stop:
                i += 1
                if login_every and i % login_every == 0:
                    try:
                        latencies["login"].append(await _sign_in(port))
                    except Exception:  # noqa: BLE001 - counted, the run goes on
                        errors += 1
                    continue
                kind = kinds[i % len(kinds)]
                t0 = time.perf_counter()
                try:
                    status = await request(reader, writer, raws[kind])
                except (asyncio.IncompleteReadError, ConnectionError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies[kind].append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return {"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - started}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else 0.0


def run_workers(workers: int, env: dict, group_id: int, args: argparse.Namespace) -> dict:
    port = free_port()
    log = open(Path(env["VAR_DIR"]).parent / f"server-{workers}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.pages:bench_app", "--factory", "--host", "127.0.0.1"]
        + ["--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(port, proc)
        cookie = _login(port)
        asyncio.run(mixed(port, cookie, group_id, 3, args.clients, 0))  # warm every worker
        app_pids = process_tree(proc.pid)
        pg_pids = pids_named("postgres")
        me = [os.getpid()]
        before = (cpu_seconds(app_pids), cpu_seconds(pg_pids), cpu_seconds(me))
        result = asyncio.run(mixed(port, cookie, group_id, args.seconds, args.clients, args.login_every))
        after = (
            cpu_seconds(app_pids),
            cpu_seconds(pg_pids + [p for p in pids_named("postgres") if p not in pg_pids]),
            cpu_seconds(me),
        )
    finally:
        stop_server(proc, log)
    wall = result["elapsed"]
    cores = os.cpu_count() or 1
    app_cpu, pg_cpu, client_cpu = (a - b for a, b in zip(after, before, strict=True))
    pages = [x for k in ("dashboard", "group", "progress") for x in result["latencies"][k]]
    every = pages + result["latencies"]["login"]
    return {
        "workers": workers,
        "requests": len(every),
        "rps": len(every) / wall,
        "page_rps": len(pages) / wall,
        "p50": pct(every, 50),
        "p95": pct(every, 95),
        "by_kind": {k: (len(v), pct(v, 50), pct(v, 95)) for k, v in result["latencies"].items()},
        "errors": result["errors"],
        "app_share": app_cpu / (wall * cores),
        "db_share": pg_cpu / (wall * cores),
        "client_share": client_cpu / (wall * cores),
        "db_of_server": pg_cpu / (app_cpu + pg_cpu) if app_cpu + pg_cpu else 0.0,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--login-every", type=int, default=25)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL")
        or os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DB_NAME", "bench_scale")
    url = _pg_database(args.pg_url)
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    env = dict(
        os.environ,
        APP_ENV="dev",
        CAPTCHA_FIXED_ANSWER="TEST1",
        VAR_DIR=str(tmp / "var"),
        DATABASE_URL=url,
        PICCOLO_CONF="piccolo_conf",
        COOKIE_SECURE="false",
        PDF_WORKERS="1",
    )
    py = sys.executable
    subprocess.run([py, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    t0 = time.perf_counter()
    out = subprocess.run(
        [py, str(ROOT / "bench" / "pages.py"), "seed", "--cases", str(args.cases)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    import json

    group_id = json.loads(out.stdout.strip().splitlines()[-1])["group_id"]
    asyncio.run(_vacuum(url))
    print(
        f"seeded {args.cases} cases in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} CPU(s)", flush=True
    )
    results = []
    for w in (int(x) for x in args.workers.split(",")):
        r = run_workers(w, env, group_id, args)
        results.append(r)
        kinds = "  ".join(f"{k} n={n} p95={p95:.0f}ms" for k, (n, _p50, p95) in r["by_kind"].items())
        print(
            f"{w} worker(s): {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  errors "
            f"{r['errors']}  CPU app {r['app_share']:.0%} db {r['db_share']:.0%} client {r['client_share']:.0%}"
            f"  load {r['load']:.1f}\n    {kinds}",
            flush=True,
        )
    base = results[0]["rps"] or 1
    print()
    print(
        f"{'workers':>7} {'req/s':>8} {'x 1':>6} {'p95 ms':>8} {'app CPU':>8} {'db CPU':>7} {'db/server':>9}"
    )
    for r in results:
        print(
            f"{r['workers']:>7} {r['rps']:8.1f} {r['rps'] / base:6.2f} {r['p95']:8.1f} {r['app_share']:8.0%} "
            f"{r['db_share']:7.0%} {r['db_of_server']:9.0%}"
        )
    print(f"(median load average during the runs: {statistics.median(r['load'] for r in results):.1f})")


if __name__ == "__main__":
    main()
