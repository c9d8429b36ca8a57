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


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="run every migration forwards")
    sub.add_parser("demo", help="load the demo data (idempotent; refused in production)")
    serve = sub.add_parser("serve", help="serve the app")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "1")))
    gateway = sub.add_parser("gateway", help="serve the sandbox payment gateway (never in production)")
    gateway.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    gateway.add_argument("--port", type=int, default=int(os.environ.get("GATEWAY_PORT", "8001")))
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(_migrate())
    elif args.command == "demo":
        from app.settings import settings

        if settings.is_production:
            raise SystemExit("demo data is not loaded when APP_ENV=production")
        from app.demo import load_demo

        asyncio.run(load_demo())
    elif args.command == "serve":
        import uvicorn

        print(f"Serving on http://{args.host}:{args.port}  (APP_ENV={os.environ.get('APP_ENV', 'dev')})", file=sys.stderr)
        uvicorn.run(
            "app.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
            proxy_headers=False, server_header=False, log_level="info",
        )
    elif args.command == "gateway":
        import uvicorn

        from app.settings import settings

        if settings.is_production:
            raise SystemExit("the sandbox payment gateway does not run when APP_ENV=production")
        print(f"Sandbox payment gateway on http://{args.host}:{args.port}", file=sys.stderr)
        uvicorn.run(
            "app.sandbox_gateway:create_gateway", factory=True, host=args.host, port=args.port, workers=1,
            proxy_headers=False, server_header=False, log_level="info",
        )


if __name__ == "__main__":
    main()
