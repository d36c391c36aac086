"""What a run sent: the proxy's request log (``bench._proxy --log``; ``bench.latency
--timeline DIR`` writes one per correct-server run, ``DIR-<ms>ms/requests.log``) counted by
method and path, and for one path by tenant and by page size.

    .venv/bin/python -m bench.requests /tmp/tl-0ms/requests.log [--path /jobs]
        [--tenant a=token-a --tenant b=token-b]

Tenants are named by their secrets, matched against the log's digests of the credential header
as sent (the secret alone, or after ``Bearer ``); the reference server's are the default.
A whole walk for a baseline pages at the list's largest limit: ``--limit N`` names it (the
contract's maximum), else the most frequent ``limit`` of the path's GETs is taken for it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bench._proxy import credential
from bench._server import TENANTS

__all__ = ["count", "main"]


def _names(tenants: Iterable[str]) -> dict[str, str]:
    """Digest of each form a tenant's secret may be sent in -> the tenant's name."""
    names = {}
    for pair in tenants:
        name, _, secret = pair.partition("=")
        for sent in (secret, f"Bearer {secret}"):
            names[credential(sent)] = name
    return names


def count(
    lines: Iterable[dict[str, Any]],
    path: str | None,
    tenants: Iterable[str],
    limit: int | None = None,
) -> dict[str, Any]:
    """Requests by method and path; with ``path``, its GETs by tenant and by ``limit`` (a value
    a fuzzer sent cut to 20 characters), and those at ``limit`` (else the most frequent one),
    by tenant."""
    names = _names(tenants)
    by_route: Counter[str] = Counter()
    gets: list[tuple[str, str | None]] = []  # (tenant, limit) of each GET of ``path``
    total = 0
    for line in lines:
        total += 1
        target = urlsplit(line["target"])
        by_route[f"{line['method']} {target.path}"] += 1
        if path is not None and line["method"] == "GET" and target.path.rstrip("/").endswith(path):
            tenant = names.get(line.get("credential") or "", "other")
            sent = (parse_qs(target.query).get("limit") or [None])[0]
            gets.append((tenant, None if sent is None else sent[:20]))
    result: dict[str, Any] = {"requests": total, "by_route": dict(by_route.most_common())}
    if path is not None:
        numbers = Counter(sent for _, sent in gets if sent is not None and sent.isdigit())
        common = numbers.most_common(1)
        largest = str(limit) if limit is not None else common[0][0] if common else None
        result[path] = {
            "gets": len(gets),
            "by_tenant": dict(Counter(t for t, _ in gets).most_common()),
            "by_limit": dict(Counter(str(limit) for _, limit in gets).most_common()),
            "largest_limit": largest,
            "at_largest_by_tenant": dict(
                Counter(t for t, sent in gets if largest and sent == largest).most_common()
            ),
        }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.requests",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("log", type=Path, help="a proxy's request log (requests.log)")
    parser.add_argument("--path", help="count this path's GETs (its end: /jobs)")
    parser.add_argument("--limit", type=int, help="the list's largest limit (default: the "
                        "most frequent)")  # fmt: skip
    parser.add_argument("--tenant", action="append", default=None, metavar="NAME=SECRET",
                        help="a tenant, to name its requests (default: the reference server's)")  # fmt: skip
    args = parser.parse_args(argv)
    if not args.log.is_file():
        print(f"error: {args.log}: no such file (bench.latency --timeline DIR writes "
              "DIR-<ms>ms/requests.log)", file=sys.stderr)  # fmt: skip
        return 2
    try:
        with args.log.open(encoding="utf-8") as lines:
            result = count((json.loads(line) for line in lines if line.strip()), args.path,
                           args.tenant or TENANTS, args.limit)  # fmt: skip
    except (ValueError, KeyError) as exc:
        print(f"error: {args.log}: not a proxy request log ({exc})", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
