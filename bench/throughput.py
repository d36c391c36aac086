"""Runner throughput: synth's conformance fuzzing against a plain httpx loop (the ceiling).

The reference server runs as a real process with no work delay, so it is not the bottleneck.
synth runs ``conformance`` (the CONFORMANCE tests: schemathesis cases generated from the
OpenAPI document, sent through synth's client, answers checked by schemathesis's checks and the
error-taxonomy rules) over every operation; every request it sent is recorded (method, URL,
query, headers, body). A fresh server then gets the same requests from a tight
``httpx.Client`` loop. Ratio = synth's requests per second / the loop's.

Run: ``.venv/bin/python -m bench.throughput [--profile thorough] [--repeat 3]``; writes
``bench/results/throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench._server import ROOT, TENANTS, serve
from synth.testing import Target, config_from_options, conformance

RESULTS = Path(__file__).resolve().parent / "results"

Replay = tuple[str, str, tuple[tuple[str, str], ...], dict[str, str], bytes | None]


def run_synth(profile: str, seed: int) -> tuple[float, int, list[Replay], int, float]:
    """Conformance over every operation: seconds, requests, the requests as sent, failures,
    and the seconds spent inside synth's client (transport, including the server's time)."""
    with serve("", 0.0) as url:
        config = config_from_options(base_url=url, tenants=list(TENANTS), profile=profile,
                                     seed=seed, contracts=str(ROOT / "contracts"), env={})  # fmt: skip
        target = Target(config)
        try:
            client = target.client
            send, in_client = client.send, [0.0]

            def timed(request: Any) -> Any:
                began = time.perf_counter()
                try:
                    return send(request)
                finally:
                    in_client[0] += time.perf_counter() - began

            client.send = timed  # type: ignore[method-assign]
            failures = 0
            started = time.perf_counter()
            for op in target.api.operations:
                try:
                    conformance(op.operation_id, target)
                except pytest.fail.Exception:
                    failures += 1
            seconds = time.perf_counter() - started
            requests = client.requests
            sent = [_replay(config.url, e.request) for e in client.log]
        finally:
            target.close()
    return seconds, requests, sent, failures, in_client[0]


def _replay(base: str, request: Any) -> Replay:
    headers = dict(request.headers)
    if request.token is not None:
        headers["Authorization"] = f"Bearer {request.token}"
    content: bytes | None = request.raw_body
    if request.has_body and content is None:
        content = json.dumps(request.json_body, ensure_ascii=False).encode()
    if content is not None:
        headers.setdefault("Content-Type", "application/json")
    return request.method, base + request.path, tuple(request.query), headers, content


def run_ceiling(sent: list[Replay]) -> float:
    """Seconds a tight ``httpx.Client`` loop takes to send ``sent`` to a fresh server."""
    with serve("", 0.0) as url, httpx.Client(base_url=url, follow_redirects=False) as client:
        original = sent[0][1].split("/api/")[0] if sent else url
        started = time.perf_counter()
        for method, target, query, headers, content in sent:
            client.request(method, url + target[len(original) :], params=query,
                           headers=headers, content=content)  # fmt: skip
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="thorough", choices=["quick", "default", "thorough"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "throughput.json")
    parser.add_argument("--label", default="", help="record this run under a label too")
    args = parser.parse_args(argv)
    runs = []
    for i in range(args.repeat):
        seconds, requests, sent, failures, in_client = run_synth(args.profile, args.seed + i)
        ceiling = run_ceiling(sent)
        run = {"synth_seconds": seconds, "synth_requests": requests, "replayed": len(sent),
               "ceiling_seconds": ceiling, "synth_rps": requests / seconds,
               "ceiling_rps": len(sent) / ceiling, "failures": failures,
               "client_seconds": in_client, "client_rps": requests / in_client}  # fmt: skip
        run["ratio"] = run["synth_rps"] / run["ceiling_rps"]
        run["client_ratio"] = run["client_rps"] / run["ceiling_rps"]
        runs.append(run)
        print(f"run {i + 1}: synth {run['synth_rps']:.0f} req/s ({requests} requests), "
              f"httpx loop {run['ceiling_rps']:.0f} req/s, ratio {run['ratio']:.2f}; synth's "
              f"client alone {run['client_rps']:.0f} req/s, ratio {run['client_ratio']:.2f}",
              flush=True)  # fmt: skip
    result: dict[str, Any] = {
        "benchmark": "throughput", "python": sys.version.split()[0], "profile": args.profile,
        "repeat": args.repeat, "runs": runs,
        "synth_rps": statistics.median(r["synth_rps"] for r in runs),
        "ceiling_rps": statistics.median(r["ceiling_rps"] for r in runs),
        "ratio": statistics.median(r["ratio"] for r in runs),
        "client_rps": statistics.median(r["client_rps"] for r in runs),
        "client_ratio": statistics.median(r["client_ratio"] for r in runs),
    }  # fmt: skip
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    result["history"] = previous.get("history", {})
    if args.label:
        keys = ("synth_rps", "ceiling_rps", "ratio", "client_rps", "client_ratio")
        result["history"][args.label] = {k: result[k] for k in keys}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"median ratio {result['ratio']:.2f}")


if __name__ == "__main__":
    main()
