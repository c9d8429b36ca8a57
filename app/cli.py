"""Command line: migrate, demo, serve.  python -m app.cli <command>"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise SystemExit(f"migrations failed: {result.message}")


async def _reissue_permits() -> None:
    """Re-issue the e-certificates issued without a photo whose case has one (issue 12)."""
    from app.actions.payment import reissue_permits_missing_photo
    from app.services import issued, pdf

    try:
        reissued = await reissue_permits_missing_photo()
        for r in reissued:
            await issued.replace_permit_pdf(r.content)
            print(f"re-issued {r.permit_no}")
        n = len(reissued)
        print(f"{n} e-certificate{'' if n == 1 else 's'} re-issued with their photo")
    finally:
        pdf.shutdown()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="run every migration forwards")
    sub.add_parser("demo", help="load the demo data (idempotent; refused in production)")
    sub.add_parser(
        "close-lapsed",
        help="close supplements past their deadline and the supervisors' grace period as not accepted (a periodic job)",
    )
    sub.add_parser(
        "reissue-permits",
        help="re-issue the snapshot and PDF of every e-certificate issued without a photo whose case has one",
    )
    serve = sub.add_parser("serve", help="serve the app")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "1")))
    gateway = sub.add_parser("gateway", help="serve the sandbox payment gateway (never in production)")
    gateway.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    gateway.add_argument("--port", type=int, default=int(os.environ.get("GATEWAY_PORT", "8001")))
    pki = sub.add_parser(
        "pki", help="create the test certificate authority for the certificate login (dev/test)"
    )
    pki.add_argument("--out", default=None)
    signer = sub.add_parser("signer", help="serve the stand-in for the local signing component (dev/test)")
    signer.add_argument(
        "--p12", default=None, help="PKCS#12 of the school certificate (default: demo school)"
    )
    signer.add_argument("--port", type=int, default=61161)
    signer.add_argument("--origin", default=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000"))
    worker = sub.add_parser("worker", help="run background jobs from the queue (JOB_QUEUE=procrastinate)")
    worker.add_argument("--concurrency", type=int, default=int(os.environ.get("WORKER_CONCURRENCY", "4")))
    worker.add_argument(
        "--shutdown-timeout",
        type=float,
        default=float(os.environ.get("WORKER_SHUTDOWN_TIMEOUT", "30")),
        help="seconds a running job may take to finish after SIGTERM",
    )
    sub.add_parser(
        "settle-payments", help="settle pending online payments by asking the gateway (a scheduled job)"
    )
    sub.add_parser(
        "purge-expired", help="delete expired sessions, captchas and e-mail codes (a scheduled job)"
    )
    sub.add_parser(
        "remind-supplements",
        help="remind schools of supplements due on the next working day or today, once each (a scheduled job)",
    )
    sub.add_parser(
        "remind-expiring",
        help="remind schools of e-certificates expiring within 30 days, once each (a scheduled job)",
    )
    conns = sub.add_parser("db-connections", help="PostgreSQL connections N app servers and M workers need")
    conns.add_argument("--app-servers", type=int, required=True)
    conns.add_argument("--workers", type=int, required=True)
    jobs_cmd = sub.add_parser("jobs", help="failed jobs of the queue: list them, or retry one")
    jobs_cmd.add_argument("--retry", type=int, default=None, metavar="JOB_ID")
    sub.add_parser(
        "storage-check", help="every stored file the database refers to reads back (restore drill)"
    )
    copy = sub.add_parser("storage-copy", help="copy the local files under VAR_DIR into the database store")
    copy.add_argument(
        "--prefix", default="", help="only keys under this prefix (default: uploads/ and documents/)"
    )
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(_migrate())
        from app.settings import settings

        if settings.job_queue == "procrastinate":
            from app.services import jobs

            if asyncio.run(jobs.ensure_schema()):
                print("job queue: procrastinate's tables created")
    elif args.command == "worker":
        from app.services import jobs
        from app.settings import settings

        if settings.job_queue != "procrastinate":
            raise SystemExit(
                "JOB_QUEUE=inline: the server runs the jobs itself; a worker needs JOB_QUEUE=procrastinate "
                "(and DATABASE_URL on PostgreSQL)"
            )
        from app.logs import configure_logging

        configure_logging()
        asyncio.run(jobs.run_worker(args.concurrency, args.shutdown_timeout))
    elif args.command in ("settle-payments", "purge-expired", "remind-supplements", "remind-expiring"):
        from app.services import jobs

        name = {
            "settle-payments": "settle_stale_payments",
            "purge-expired": "purge_expired",
            "remind-supplements": "remind_supplement_deadlines",
            "remind-expiring": "remind_expiring_permits",
        }[args.command]

        async def run() -> object:
            from app.settings import settings

            if settings.job_queue == "procrastinate":  # the mails it sends are jobs for the workers
                async with jobs._procrastinate().open_async():
                    return await jobs.run_job(name, {})
            result = await jobs.run_job(name, {})
            await jobs.drain()  # the mails it queued (JOB_QUEUE=inline: in this process)
            return result

        print(f"{name}: {asyncio.run(run())}")
    elif args.command == "db-connections":
        from app.settings import settings
        from app.tools import connections

        concurrency = int(os.environ.get("WORKER_CONCURRENCY", "4"))
        n = connections.needed(args.app_servers, args.workers, settings.db_pool_max, concurrency)
        print(
            f"{args.app_servers} app servers x (DB_POOL_SIZE {settings.db_pool_max} + 2) + {args.workers} workers x "
            f"(DB_POOL_SIZE {settings.db_pool_max} + WORKER_CONCURRENCY {concurrency} + 2) + 5 = {n} connections"
        )
        limit = asyncio.run(connections.available()) if settings.database_url else None
        if limit is not None:
            print(f"the server allows {limit} (max_connections - superuser_reserved_connections)")
            if n > limit:
                raise SystemExit("does not fit: lower DB_POOL_SIZE, raise max_connections, or use PgBouncer")
    elif args.command == "jobs":
        from app.services import jobs

        async def failed() -> None:
            if args.retry is not None:
                from app.settings import settings

                if settings.job_queue == "procrastinate":
                    await jobs._procrastinate().open_async()
                ok = await jobs.retry_failed(args.retry)
                print(f"job {args.retry}: {'queued again' if ok else 'not a failed job'}")
                return
            for row in await jobs.failed_jobs():
                print(f"{row['id']}\t{row['task_name']}\tattempts {row['attempts']}\t{row['failed_at']}")

        asyncio.run(failed())
    elif args.command == "close-lapsed":
        from app.actions.review_cases import close_lapsed_supplements

        outcomes = asyncio.run(close_lapsed_supplements())
        cases, groups = sum(len(o.case_ids) for o in outcomes), len(outcomes)
        print(
            f"closed {cases} case{'' if cases == 1 else 's'} in {groups} group{'' if groups == 1 else 's'}",
            file=sys.stderr,
        )
    elif args.command == "demo":
        from app.settings import settings

        if settings.is_production:
            raise SystemExit("demo data is not loaded when APP_ENV=production")
        from app.demo import load_demo

        asyncio.run(load_demo())
    elif args.command == "storage-check":
        from app.tools import storage_check

        raise SystemExit(asyncio.run(storage_check.main()))
    elif args.command == "storage-copy":
        from app.services import storage
        from app.settings import settings

        if not settings.database_url.startswith(("postgres://", "postgresql://")):
            raise SystemExit("storage-copy needs DATABASE_URL on PostgreSQL")

        async def copy() -> int:
            local, target = storage.LocalStorage(settings.var_dir), storage.DatabaseStorage()
            prefixes = [args.prefix] if args.prefix else ["uploads/", "documents/"]
            return sum([await storage.copy_all(local, target, p) for p in prefixes])

        n = asyncio.run(copy())
        print(f"{n} files copied into the database store; set STORAGE=database")
    elif args.command == "reissue-permits":
        asyncio.run(_reissue_permits())
    elif args.command == "serve":
        import uvicorn

        print(
            f"Serving on http://{args.host}:{args.port}  (APP_ENV={os.environ.get('APP_ENV', 'dev')})",
            file=sys.stderr,
        )
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            proxy_headers=False,  # the client address: app.web.middleware.ClientAddressMiddleware
            server_header=False,
            log_level="info",
            # SIGTERM: stop accepting, let requests in flight finish within this bound, then the lifespan's
            # shutdown gives in-process jobs their own bound (app.services.jobs.stop).
            timeout_graceful_shutdown=int(os.environ.get("GRACEFUL_TIMEOUT", "20")),
        )
    elif args.command == "gateway":
        import uvicorn

        from app.settings import settings

        if settings.is_production:
            raise SystemExit("the sandbox payment gateway does not run when APP_ENV=production")
        print(f"Sandbox payment gateway on http://{args.host}:{args.port}", file=sys.stderr)
        uvicorn.run(
            "app.sandbox_gateway:create_gateway",
            factory=True,
            host=args.host,
            port=args.port,
            workers=1,
            proxy_headers=False,
            server_header=False,
            log_level="info",
        )

    elif args.command in ("pki", "signer"):
        from pathlib import Path

        from app.settings import settings

        if settings.is_production:
            raise SystemExit("the test PKI and the stand-in signer are refused when APP_ENV=production")
        from app.tools import test_pki

        out = test_pki.ensure(Path(getattr(args, "out", None) or settings.var_dir / "pki"))
        if args.command == "pki":
            print(
                f"test PKI in {out} (trust anchor ca.pem, CRL ca.crl, school-*.p12 with PIN {test_pki.DEMO_PIN})"
            )
            return
        import uvicorn

        from app.tools.standin_signer import create_signer_app

        p12 = Path(args.p12) if args.p12 else out / f"school-{test_pki.DEMO_SCHOOLS[0][0]}.p12"
        print(f"Stand-in signer on http://127.0.0.1:{args.port} with {p12.name}", file=sys.stderr)
        uvicorn.run(
            create_signer_app(p12, args.origin.rstrip("/")),
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
        )


if __name__ == "__main__":
    main()
