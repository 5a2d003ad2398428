"""``perfscore serve``: the reviewer's workbench on this machine (the ``web`` extra).

Loopback by default; any other address needs a token (``--token`` or ``$PERFSCORE_TOKEN``) that
every request must carry."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .exits import EXIT_OK, EXIT_USAGE

__all__ = ["add_serve", "cmd_serve", "is_loopback"]

TOKEN_VARIABLE = "PERFSCORE_TOKEN"
#: The names a server on loopback answers to (its Host header), and no other.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="the reviewer's workbench: a local web page and an HTTP API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    serve.add_argument("--open", action="store_true", help="open the page in the browser")
    serve.add_argument(
        "--token",
        default=None,
        help=f"a token every request must carry (default: ${TOKEN_VARIABLE});"
        " required on any address but loopback",
    )
    serve.add_argument(
        "--seconds-per-file", type=float, default=30.0, help="time limit per file (default: 30)"
    )


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace, rulesets: Sequence[str]) -> int:
    token = args.token if args.token is not None else os.environ.get(TOKEN_VARIABLE, "")
    if not is_loopback(args.host) and not token:
        print(
            f"perfscore serve: 监听非本机地址须设置访问令牌 / listening on {args.host} needs a token"
            f" (--token or ${TOKEN_VARIABLE})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not 0 < args.port < 65536 or not 0 < args.seconds_per_file <= 600:
        print("perfscore serve: 取值范围 / ranges: --port 1–65535, --seconds-per-file 1–600", file=sys.stderr)
        return EXIT_USAGE
    import threading
    import webbrowser

    try:
        import uvicorn

        from ..web import Settings, create_app
    except ImportError as exc:  # as batch does: a missing extra is a usage error, and says which
        print(
            f"perfscore serve 需要 web 扩展 / needs the web extra: pip install 'perfscore[web]' ({exc})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    hosts = LOOPBACK_NAMES if is_loopback(args.host) else ()
    settings = Settings(
        token=token, rulesets=tuple(rulesets), seconds_per_file=args.seconds_per_file, hosts=hosts
    )
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}/" + (f"?token={token}" if token else "")
    print(f"perfscore 复核工作台 / workbench: {url}  (Ctrl+C 停止 / to stop)", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return EXIT_OK
