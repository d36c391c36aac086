"""The shape every example API under ``examples/`` follows, and running one as a real process.

An example is a folder ``examples/<name>/`` with contracts, a correct server with planted bugs
and an ``example.py`` that says how to run it (``examples/README.md``)::

    CONTRACTS: Path                 # the contracts folder, for synth generate/test --contracts
    BASE_PATH: str                  # "/v1": the server's base URL is http://HOST:PORT + BASE_PATH
    TENANTS: dict[str, str]         # tenant name -> secret, for synth test --tenant NAME=SECRET
    TENANT_IDS: dict[str, str]      # tenant name -> tenant path value (--tenant-id); {} if none
    BUGS: tuple[Bug, ...]           # the planted bugs, each behind the server's --bug ID
    def command(port: int, bugs: Sequence[str]) -> list[str]: ...   # the server command line

``make verify-examples`` (scripts/verify-examples) runs ``synth test`` against each example's
correct server, then against each planted bug.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

__all__ = [
    "ROOT",
    "Bug",
    "Example",
    "discover",
    "free_port",
    "load",
    "serve",
    "server_command",
    "server_main",
]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@dataclass(frozen=True)
class Bug:
    """One planted defect: the switch's id, the invariant (catalogue id) that should report it,
    and what the defect is: the only behaviour the switch changes.

    ``missed``, when not empty, marks a known miss and says why synth does not report the bug
    yet (the check it lacks); its invariant may be one the catalogue does not have yet.
    ``make verify-examples`` expects no violation of it, and fails the row once synth reports
    it, so that the mark is dropped when the check arrives."""

    id: str
    invariant: str
    description: str
    missed: str = ""


class Example(Protocol):
    """An ``examples/<name>/example.py`` module."""

    CONTRACTS: Path
    BASE_PATH: str
    TENANTS: Mapping[str, str]
    TENANT_IDS: Mapping[str, str]
    BUGS: tuple[Bug, ...]

    def command(self, port: int, bugs: Sequence[str]) -> list[str]: ...


def server_command(module: str, port: int, bugs: Sequence[str]) -> list[str]:
    """An example server's command line (``python -m <module> --port N --bug ID ...``) on a
    loopback port, with the named bugs planted: what ``example.py``'s ``command`` returns."""
    argv = [sys.executable, "-m", module, "--port", str(port)]
    for bug in bugs:
        argv += ["--bug", bug]
    return argv


def server_main(
    app: Any,
    planted: Sequence[Bug],
    switched: set[str],
    *,
    port: int,
    description: str | None,
    argv: list[str] | None = None,
) -> None:
    """An example server's command line (``--host``, ``--port``, ``--log-level``, ``--bug ID``
    repeatable among ``planted``): the bugs named are added to ``switched`` (the server's set of
    planted bugs switched on), then uvicorn serves ``app``."""
    import uvicorn

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--log-level", default="warning", help="info logs every request")
    parser.add_argument(
        "--bug", action="append", default=[], choices=sorted(b.id for b in planted),
        help="plant a bug",
    )  # fmt: skip
    args = parser.parse_args(argv)
    switched.update(args.bug)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


def discover() -> list[str]:
    """The names of the examples: the folders of ``examples/`` with an ``example.py``."""
    return sorted(path.parent.name for path in EXAMPLES.glob("*/example.py"))


def load(name: str) -> Example:
    """Import ``examples.<name>.example``."""
    return cast(Example, importlib.import_module(f"examples.{name}.example"))


def free_port() -> int:
    """A loopback port nobody listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", path or "/")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def serve(example: Example, bugs: Sequence[str] = (), timeout: float = 30.0) -> Iterator[str]:
    """Start ``example``'s server with ``bugs`` on a free loopback port; yield its base URL
    (``http://127.0.0.1:PORT`` + ``BASE_PATH``) once it answers HTTP; stop it on exit."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            example.command(port, bugs),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _answers(port, example.BASE_PATH):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(
                        f"the server {' '.join(example.command(port, bugs))!r} did not answer on "
                        f"port {port} within {timeout:.0f} s (exit status {process.poll()}); its "
                        f"output:\n{log.read()[-2000:]}"
                    )
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}{example.BASE_PATH}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
