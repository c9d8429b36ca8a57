"""Render deploy/nginx.conf.template: `--app host:port` once per app server, `--listen` port.

python deploy/render_nginx.py --listen 8080 --app 127.0.0.1:8101 --app 127.0.0.1:8102
python deploy/render_nginx.py --standalone --prefix var/nginx ...   (a whole nginx.conf for an unprivileged nginx)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent


def server_block(listen: str, apps: list[str]) -> str:
    upstreams = "\n".join(f"    server {a} max_fails=1 fail_timeout=10s;" for a in apps)
    text = (HERE / "nginx.conf.template").read_text()
    return text.replace("__UPSTREAMS__", upstreams).replace("__LISTEN__", listen)


def standalone(listen: str, apps: list[str], prefix: Path) -> str:
    """A complete nginx.conf for an unprivileged nginx in `prefix` (tests, a developer's machine). Started as
    root (a container, CI), its worker would drop to `nobody` and could not write request bodies under `prefix`
    (a private temporary folder): the worker then stays the user that started it."""
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    return f"""daemon off;
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server_block(listen, apps)}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", default="80")
    parser.add_argument("--app", action="append", required=True)
    parser.add_argument("--standalone", action="store_true")
    parser.add_argument("--prefix", default="var/nginx")
    args = parser.parse_args()
    if args.standalone:
        print(standalone(args.listen, args.app, Path(args.prefix)))
    else:
        print(server_block(args.listen, args.app))


if __name__ == "__main__":
    main()
