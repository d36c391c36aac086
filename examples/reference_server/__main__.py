"""``python -m examples.reference_server --host 127.0.0.1 --port 0 [--bugs a,b]``.

Binds the socket first (port 0 picks a free one), then prints one line
``listening on http://HOST:PORT`` to stdout, flushed, once uvicorn accepts connections.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys

import uvicorn

from .app import DEFAULT_WORK_DELAY, create_app, tokens_from_env
from .bugs import parse_bugs
from .process import serve_on


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m examples.reference_server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument(
        "--bugs", default=os.environ.get("REFERENCE_BUGS", ""), help="comma-separated switches"
    )
    parser.add_argument("--db", default=os.environ.get("REFERENCE_DB", ":memory:"))
    parser.add_argument(
        "--work-delay",
        type=float,
        default=float(os.environ.get("REFERENCE_WORK_DELAY", DEFAULT_WORK_DELAY)),
        help="seconds a create holds its idempotency lock before committing",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        bugs = parse_bugs(args.bugs)
        tokens = tokens_from_env(os.environ.get("REFERENCE_TOKENS"))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(bugs=bugs, db_path=args.db, tokens=tokens, work_delay=args.work_delay)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it, keep-alive clients wait on delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    asyncio.run(serve_on(uvicorn.Server(config), sock, f"http://{host}:{port}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
