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
        print(f"{len(reissued)} e-certificate(s) re-issued with their photo")
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
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(_migrate())
    elif args.command == "close-lapsed":
        from app.actions.review_cases import close_lapsed_supplements

        outcomes = asyncio.run(close_lapsed_supplements())
        print(
            f"closed {sum(len(o.case_ids) for o in outcomes)} case(s) in {len(outcomes)} group(s)",
            file=sys.stderr,
        )
    elif args.command == "demo":
        from app.settings import settings

        if settings.is_production:
            raise SystemExit("demo data is not loaded when APP_ENV=production")
        from app.demo import load_demo

        asyncio.run(load_demo())
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
            proxy_headers=False,
            server_header=False,
            log_level="info",
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
