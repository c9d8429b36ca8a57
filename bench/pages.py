"""Benchmark of two school pages against a floor endpoint of the same app. Prints its figures; not CI.

    .venv/bin/python bench/pages.py [--cases 10000] [--seconds 10] [--clients 20] [--workers 2]
                                    [--engines sqlite,postgres] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                    [--lists] [--rate 100] [--open-seconds 10]

For each engine (SQLite always; PostgreSQL when --pg-url, BENCH_PG_URL or TEST_DATABASE_URL is set):
1. a fresh database, migrated, with one school whose main account has N submitted cases (groups of 30,
   every case with a photo and three documents recorded; the groups take turns through every status, with a
   reviewer's comment where a reviewer acted, so every list of the dashboard and its comment query run), N
   roster entries, and the 30-applicant group viewed; 收件號 spread over the 25 receiving offices;
2. uvicorn with `--workers` workers serving `bench.pages:bench_app`: the real app plus one bare route,
   GET /bench/floor, that runs one raw SQL query on the driver connection of the request's transaction
   and renders one small template (no session, no ORM);
3. the endpoints take turns in five short windows that add up to `--seconds` each: `--clients` keep-alive
   connections on 127.0.0.1 send requests (a small asyncio HTTP/1.1 client, light enough to leave the
   server the CPU), so every endpoint sees the same background load;
4. requests/s and p50/p95/p99 latency per endpoint, and each page's ratios to the floor;
5. `--lists`: the list pages too (案件進度查詢 first and a deep page, by status, 退補件, 線上繳費, 暫存, 名冊), for
   comparing their times across database sizes (issue 16: within 2 x from 1,000 to 100,000 cases);
6. `--storm N`: a cheap signed-in page's p99 at rest and while N clients sign in over and over (each
   sign-in an argon2 hash), windows alternating (issue 16: within 3 x);
7. an open-loop run: requests sent at a fixed arrival rate (`--rate` a second, whatever the answers do), each
   latency counted from the moment it was due, so a slow server cannot slow the load down and flatter itself
   (no coordinated omission); for the floor and the dashboard.

Goals (issue 4), served by 2 workers: each page ≥ 0.25 of the floor's requests/s on SQLite and ≥ 0.5
on PostgreSQL; each page's p95 ≤ 3 × the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

from bench.common import free_port, request, stop_server  # noqa: E402

PASSWORD = "Bench-pages-2026!"  # noqa: S105 - a throwaway benchmark database
LOGIN_ID = "03734301"
GROUP_SIZE = 30
ROUNDS = 5  # each endpoint's --seconds are spread over this many windows, taking turns with the others
STORM_PAGE = "/apply/foreign/first"  # a cheap signed-in page (the drafts list)
LIST_PATHS = (
    "/progress/?search=1",  # 案件進度查詢, first page
    "/progress/?search=1&page=40",  # a deep page (OFFSET 780)
    "/progress/?search=1&status=awaiting_payment",
    "/supplement/",  # 退補件列表
    "/payment",  # 線上繳費
    "/apply/foreign/first",  # 暫存申請資料
    "/roster/?year=115",  # 名冊, first page
    "/downloads/permits",  # 下載專區: 電子居留證
    "/downloads/receipts",  # 下載專區: 收據
    # The review desk, signed in as a reviewer (every school's cases; 10/11 of them are in a queue or were):
    "/review/queue/first",  # 待初審
    "/review/queue/supplement",  # waiting on the schools
    "/review/find?status=awaiting_payment",  # 找案件 by status
)


# The app under test: the real one plus the floor route ---------------------------------------------


def bench_app():
    from litestar import get
    from litestar.response import Template

    from app import db
    from app.main import create_app

    @get("/bench/floor", name="bench:floor", signature_namespace={"Template": Template})
    async def floor() -> Template:
        rows = await db.raw("SELECT count(*) AS n FROM school")
        return Template(template_str="<!doctype html><p>{{ n }} schools</p>", context={"n": rows[0]["n"]})

    app = create_app()
    app.register(floor)
    return app


# Seeding (runs in a child process with the engine's environment) -----------------------------------


# The statuses the seeded groups take turns through: (the cases' status, the group's own, a reviewer's action).
STATUS_CYCLE = (
    ("first_review", "first_review", ""),
    ("second_review", "first_review", "pass_first_review"),
    ("supplement_first", "first_review", "return_for_supplement"),
    ("awaiting_payment", "first_review", "approve"),
    ("paid", "first_review", "approve"),
    ("issued", "first_review", "approve"),
    ("card_production", "first_review", "approve"),
    ("not_accepted", "first_review", "not_accept"),
    ("rejected", "first_review", "reject"),
    ("withdrawn", "first_review", ""),
    ("group_withdrawn", "group_withdrawn", ""),
)


async def seed(cases: int) -> None:
    from datetime import UTC, date, datetime, timedelta

    from app import db
    from app.domain import numbering
    from app.services.hashing import hash_password_sync
    from tables.tables import Account, Application, Attachment, Case, ReviewEvent, RosterEntry, School

    await db.start()
    t = datetime.now(UTC)
    today = date.today()
    async with db.write_tx():
        school = School(name="國立臺灣大學 (bench)", business_no=LOGIN_ID, created_at=t)
        await school.save()
        account = Account(
            login_id=LOGIN_ID,
            school=school.id,
            is_main=True,
            name="測試人",
            email="b@example.edu.tw",
            password_hash=hash_password_sync(PASSWORD),
            created_at=t,
            national_id="A123456789",
        )
        await account.save()
    groups = (cases + GROUP_SIZE - 1) // GROUP_SIZE
    receipts: dict[str, int] = {}
    for g in range(groups):
        size = min(GROUP_SIZE, cases - g * GROUP_SIZE)
        # The newest group (g == 0) is the one viewed: awaiting first review, full.
        case_status, group_status, action = STATUS_CYCLE[g % len(STATUS_CYCLE)]
        station = f"S{g % 25 + 1:02d}"
        office = numbering.office_code(station)
        async with db.write_tx():
            app = Application(
                group_no=numbering.group_no(today, "102", g + 1),
                business_line="foreign",
                kind="first",
                name=f"Bench group {g + 1}",
                member_count=size,
                pickup_method="self",
                station_code=station,
                school=school.id,
                created_by=account.id,
                submitter_name="測試人",
                submitter_national_id="A123456789",
                submitter_phone="0223456789",
                submitter_email="b@example.edu.tw",
                submitter_addr={
                    "county": "臺北市",
                    "district": "中正區",
                    "street": "羅斯福路四段",
                    "number": "1號",
                },
                status=group_status,
                submitted_at=t - timedelta(minutes=g),
                created_at=t,
                updated_at=t,
            )
            await app.save()
            rows = []
            for i in range(size):
                receipts[office] = receipts.get(office, 0) + 1
                n = g * GROUP_SIZE + i + 1
                rows.append(
                    Case(
                        application=app.id,
                        receipt_no=numbering.receipt_no(today, receipts[office], office),
                        identity="foreign",
                        status=case_status,
                        enrollment_status="R",
                        name_en=f"STUDENT {g} {i}",
                        name_zh="",
                        no_chinese_name=True,
                        birth_date=date(2001, 1 + i % 12, 1 + i % 28),
                        passport_no=f"P{n:08d}",
                        passport_expiry=date(2031, 1, 1),
                        visa_issue_date=date(2026, 8, 1),
                        gender="MF"[i % 2],
                        marital_status="single",
                        education="senior_high",
                        department="資訊管理學系",
                        program="bachelor",
                        grade="1",
                        birthplace="JP",
                        nationality="JP",
                        address={
                            "county": "臺北市",
                            "district": "大安區",
                            "street": "羅斯福路四段",
                            "number": "1號",
                        },
                        complete=True,
                        data={},
                        submitted_at=t,
                        created_at=t,
                        updated_at=t,
                    )
                )
            await Case.insert(*rows)
            ids = [c["id"] for c in await Case.select(Case.id).where(Case.application == app.id)]
            await Attachment.insert(
                *[
                    Attachment(
                        application=app.id,
                        case=cid,
                        kind=k,
                        original_name=f"{k}.jpg",
                        stored_name=f"{cid:016x}{n:016x}.jpg",
                        content_type="image/jpeg",
                        size=10_000,
                        uploaded_by="bench",
                        uploaded_at=t,
                    )
                    for cid in ids
                    for n, k in enumerate(("photo", "passport", "visa", "accommodation"))
                ]
            )
            events = [
                ReviewEvent(
                    application=app.id,
                    case=cid,
                    from_status="draft",
                    action="submit",
                    to_status="first_review",
                    actor_kind="school",
                    actor_label=LOGIN_ID,
                    created_at=t,
                )
                for cid in ids
            ]
            if action:
                events += [
                    ReviewEvent(
                        application=app.id,
                        case=cid,
                        from_status="first_review",
                        action=action,
                        to_status=case_status,
                        actor_kind="reviewer",
                        actor_label="初審 王小明",
                        comment=f"Bench comment for case {cid}",
                        created_at=t + timedelta(seconds=1),
                    )
                    for cid in ids
                ]
            await ReviewEvent.insert(*events)
    # The roster: as many students as cases, 1,000 rows a statement.
    for start in range(0, cases, 1000):
        async with db.write_tx():
            await RosterEntry.insert(
                *[
                    RosterEntry(
                        school=school.id,
                        year=115,
                        semester=1 + n % 2,
                        name_zh="",
                        name_en=f"ROSTER STUDENT {n}",
                        name_en_norm=f"ROSTER STUDENT {n}",
                        birth_date=date(2001, 1 + n % 12, 1 + n % 28),
                        category="FG",
                        nationality="JP",
                        gender="MF"[n % 2],
                        passport_no=f"R{n:08d}",
                        qualification="1",
                        program="B",
                        grade="1",
                        status="AR"[n % 2],
                        created_at=t,
                        updated_at=t,
                    )
                    for n in range(start, min(cases, start + 1000))
                ]
            )
    # What the workflow and the roster writes keep beside the rows (written here directly, for speed): each
    # group's dashboard list, each case's status time, the desk's counts, each roster term's tally, by the app's
    # own functions.
    # (What `after_transitions` does at the end of an action, here in batches: its steps one by one.)
    from app.actions.cases import refresh_case_times, refresh_dashboard_lists, refresh_station_tally
    from app.actions.roster import refresh_tally

    group_ids = [a["id"] for a in await Application.select(Application.id)]
    for start in range(0, len(group_ids), 100):
        async with db.write_tx():
            await refresh_dashboard_lists(set(group_ids[start : start + 100]))
    case_ids = [c["id"] for c in await Case.select(Case.id)]
    for start in range(0, len(case_ids), 300):
        async with db.write_tx():
            await refresh_case_times(set(case_ids[start : start + 300]))
    async with db.write_tx():
        await refresh_station_tally(
            {a["station_code"] for a in await Application.select(Application.station_code)}
        )
    async with db.write_tx():
        await refresh_tally({(school.id, 115, 1), (school.id, 115, 2)})
    # A first reviewer of the desk, signed in to the back office (the session piccolo-admin's login would make).
    from piccolo.apps.user.tables import BaseUser
    from piccolo_api.session_auth.tables import SessionsBase

    from tables.tables import ReviewerProfile

    async with db.write_tx():
        reviewer = await BaseUser.create_user(
            username="bench_reviewer",
            password=PASSWORD,
            email="reviewer@nia.example.gov.tw",
            active=True,
            admin=True,
        )
        await ReviewerProfile.insert(
            ReviewerProfile(user=reviewer.id, role="first_reviewer", display_name="初審 王小明", created_at=t)
        )
    session = await SessionsBase.create_session(
        user_id=reviewer.id, expiry_date=datetime.now() + timedelta(days=1)
    )  # noqa: DTZ005 - piccolo keeps it naive
    first = await Application.select(Application.id).where(Application.member_count == GROUP_SIZE).first()
    await db.stop()
    print(json.dumps({"group_id": first["id"] if first else 1, "reviewer_cookie": f"id={session.token}"}))


# A small HTTP/1.1 load generator --------------------------------------------------------------------


async def load(port: int, path: str, cookie: str, seconds: float, clients: int) -> dict:
    raw = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nAccept-Language: zh-TW\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    status = await request(reader, writer, raw)
                except (asyncio.IncompleteReadError, ConnectionError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return {"path": path, "latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - started}


async def open_loop(port: int, path: str, cookie: str, rate: float, seconds: float) -> dict:
    """Requests due at a fixed rate whatever the answers do; each latency counted from when it was due.

    Connections are kept and reused; a request due while every connection is busy opens another (a real
    browser population does not wait for someone else's answer)."""
    raw = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nAccept-Language: zh-TW\r\n\r\n"
    ).encode()
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    errors = 0
    opened = 0

    async def one(due: float) -> None:
        nonlocal errors, opened
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if idle:
            reader, writer = idle.pop()
        else:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            opened += 1
        try:
            status = await request(reader, writer, raw)
        except (asyncio.IncompleteReadError, ConnectionError):
            errors += 1
            writer.close()
            return
        latencies.append(time.perf_counter() - due)
        if status != 200:
            errors += 1
        idle.append((reader, writer))

    start = time.perf_counter() + 0.1
    count = int(rate * seconds)
    await asyncio.gather(*(one(start + i / rate) for i in range(count)))
    for _reader, writer in idle:
        writer.close()
    return {
        "path": path,
        "latencies": latencies,
        "errors": errors,
        "elapsed": time.perf_counter() - start,
        "connections": opened,
    }


async def login_storm(
    port: int, cookie: str, path: str, seconds: float, logins: int
) -> tuple[list[float], int]:
    """A cheap signed-in page requested back to back while `logins` clients sign in over and over (the login
    page with its captcha, then the POST with its password hash). Returns the page's latencies and the number
    of sign-ins done; `logins` 0 measures the page at rest."""
    import httpx

    raw = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nAccept-Language: zh-TW\r\n\r\n"
    ).encode()
    stop = time.perf_counter() + seconds
    done = 0

    async def signer() -> None:
        nonlocal done
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            while time.perf_counter() < stop:
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
                if r.status_code == 303:
                    done += 1
                c.cookies.clear()

    async def sampler() -> list[float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        out = []
        try:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                status = await request(reader, writer, raw)
                assert status == 200, status
                out.append(time.perf_counter() - t0)
                await asyncio.sleep(0.01)  # a person's pace, not a flood: the page must not be the load
        finally:
            writer.close()
        return out

    results = await asyncio.gather(sampler(), *(signer() for _ in range(logins)))
    return results[0], done


def summarise(path: str, windows: list[dict]) -> dict:
    """One endpoint's figures over all its windows."""
    latencies = sorted(x for w in windows for x in w["latencies"])
    elapsed = sum(w["elapsed"] for w in windows)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "path": path,
        "requests": len(latencies),
        "errors": sum(w["errors"] for w in windows),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else 0.0,
    }


# Orchestration ---------------------------------------------------------------------------------------


def _wait(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def _login(port: int) -> str:
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False, timeout=60) as c:
        page = c.get("/login")
        token = re.search(r'name="captcha_token" value="([^"]+)"', page.text).group(1)
        csrf = c.cookies.get("arc_csrf")
        r = c.post(
            "/login",
            data={
                "login_id": LOGIN_ID,
                "password": PASSWORD,
                "captcha": "TEST1",
                "captcha_token": token,
                "_csrf_token": csrf,
            },
        )
        assert r.status_code == 303, r.text[:500]
        return "; ".join(f"{k}={v}" for k, v in c.cookies.items())


def run_engine(name: str, database_url: str, args: argparse.Namespace) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-pages-{name}-"))
    env = dict(
        os.environ,
        APP_ENV="dev",
        CAPTCHA_FIXED_ANSWER="TEST1",
        VAR_DIR=str(tmp / "var"),
        DATABASE_URL=database_url,
        PICCOLO_CONF="piccolo_conf",
        COOKIE_SECURE="false",
    )
    py = sys.executable
    subprocess.run([py, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    t0 = time.perf_counter()
    out = subprocess.run(
        [py, str(Path(__file__)), "seed", "--cases", str(args.cases)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seeded = json.loads(out.stdout.strip().splitlines()[-1])
    group_id, reviewer_cookie = seeded["group_id"], seeded["reviewer_cookie"]
    if database_url.startswith("postgres"):
        asyncio.run(_vacuum(database_url))
    print(f"[{name}] seeded {args.cases} submitted cases in {time.perf_counter() - t0:.1f} s", flush=True)
    port = free_port()
    log = open(tmp / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            py,
            "-m",
            "uvicorn",
            "bench.pages:bench_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(port, proc)
        cookie = _login(port)
        paths: tuple[str, ...] = ("/bench/floor", "/", f"/apply/groups/{group_id}")
        if args.lists:
            paths += LIST_PATHS

        def cookie_of(path: str) -> str:
            return reviewer_cookie if path.startswith("/review/") else cookie

        for path in paths:
            asyncio.run(load(port, path, cookie_of(path), 2, args.clients))  # warm up
        # The endpoints take turns in short windows, so each sees the same background (the machine, the
        # database settling after the load) instead of the first one measured paying for it alone.
        windows: dict[str, list[dict]] = {p: [] for p in paths}
        for _round in range(ROUNDS):
            for path in paths:
                windows[path].append(
                    asyncio.run(load(port, path, cookie_of(path), args.seconds / ROUNDS, args.clients))
                )
        results = []
        for path in paths:
            r = summarise(path, windows[path])
            r["engine"] = name
            results.append(r)
            print(
                f"[{name}] {path:<22} {r['rps']:8.1f} req/s  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
                f"p99 {r['p99']:7.1f} ms  errors {r['errors']}",
                flush=True,
            )
        if args.storm:
            # Windows at rest and during the storm alternate, so both see the same background load.
            rest: list[float] = []
            storm: list[float] = []
            signed = 0
            for _round in range(3):
                rest += asyncio.run(login_storm(port, cookie, STORM_PAGE, args.storm_seconds / 3, 0))[0]
                lat, n = asyncio.run(
                    login_storm(port, cookie, STORM_PAGE, args.storm_seconds / 3, args.storm)
                )
                storm += lat
                signed += n
            r99 = summarise(STORM_PAGE, [{"latencies": rest, "errors": 0, "elapsed": 1}])["p99"]
            s99 = summarise(STORM_PAGE, [{"latencies": storm, "errors": 0, "elapsed": 1}])["p99"]
            print(
                f"[{name}] login storm ({args.storm} clients signing in, {signed / args.storm_seconds:.1f} sign-ins/s): "
                f"{STORM_PAGE} p99 at rest {r99:.1f} ms (n={len(rest)}), during {s99:.1f} ms (n={len(storm)}) "
                f"= {s99 / r99:.1f} x  (goal <= 3)",
                flush=True,
            )
        if args.rate:
            for path in ("/bench/floor", "/"):
                r = summarise(
                    path, [asyncio.run(open_loop(port, path, cookie, args.rate, args.open_seconds))]
                )
                r["engine"] = name
                r["open_loop"] = args.rate
                print(
                    f"[{name}] open loop {args.rate:.0f}/s {path:<12} done {r['rps']:7.1f}/s  p50 {r['p50']:7.1f} ms  "
                    f"p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms  errors {r['errors']}",
                    flush=True,
                )
        return results
    finally:
        stop_server(proc, log)


async def _vacuum(url: str) -> None:
    """What autovacuum does within a minute of a bulk load (10,000 inserted rows pass its insert threshold):
    fresh statistics and the visibility map, so the planner sees the real table and index-only scans work."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _pg_database(url: str) -> str:
    import asyncpg

    base, _sep, _db = url.rpartition("/")
    # Dropped and made again: its own name (BENCH_DB_NAME) when several people bench one server.
    name = os.environ.get("BENCH_DB_NAME", "bench_pages")

    async def recreate() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", nargs="?", default="run", choices=["run", "seed"])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--lists", action="store_true", help="also time the list pages")
    parser.add_argument("--rate", type=float, default=0, help="open-loop arrival rate (requests/s); 0: none")
    parser.add_argument("--open-seconds", type=float, default=10)
    parser.add_argument(
        "--storm", type=int, default=0, help="clients signing in over and over; 0: no storm run"
    )
    parser.add_argument("--storm-seconds", type=float, default=15)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL") or os.environ.get("TEST_DATABASE_URL", "")
    )
    args = parser.parse_args()
    if args.command == "seed":
        asyncio.run(seed(args.cases))
        return
    results: list[dict] = []
    engines = args.engines.split(",")
    if "sqlite" in engines:
        path = Path(tempfile.mkdtemp(prefix="bench-pages-db-")) / "bench.sqlite"
        results += run_engine("sqlite", f"sqlite:///{path}", args)
    if "postgres" in engines and args.pg_url:
        results += run_engine("postgres", _pg_database(args.pg_url), args)
    print()
    print(
        f"{'engine':<9} {'page':<22} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'rps/floor':>10} {'p95/floor':>10} goal"
    )
    for engine in ("sqlite", "postgres"):
        rows = [r for r in results if r["engine"] == engine and "open_loop" not in r]
        if not rows:
            continue
        floor = rows[0]
        need = 0.25 if engine == "sqlite" else 0.5
        for r in rows:
            rps_ratio = r["rps"] / floor["rps"] if floor["rps"] else 0
            p95_ratio = r["p95"] / floor["p95"] if floor["p95"] else 0
            ok = "" if r is floor else ("met" if rps_ratio >= need and p95_ratio <= 3 else "MISSED")
            print(
                f"{engine:<9} {r['path']:<22} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
                f"{rps_ratio:10.2f} {p95_ratio:10.2f} {ok}"
            )


if __name__ == "__main__":
    main()
