"""Generation speed and memory: synth against FastAPI and the Pydantic floor.

For R resources x 5 operations (R = 2, 20, 200) the same models are measured three ways,
each in a fresh interpreter with its libraries already imported, so that only the work is
timed: building the models (importing their modules) and then

- synth: ``load`` (contract checks, one JSON Schema pass) and every emitter but the SDK;
- FastAPI: registering the routes and ``app.openapi()``;
- floor: Pydantic's ``models_json_schema`` over the same models, both modes;
- SDK: synth's Python SDK emitter against datamodel-code-generator alone (default options)
  on the same document, both after a warm-up call.

Run: ``.venv/bin/python -m bench.generation [--sizes 2,20,200] [--repeat 3]``; writes
``bench/results/generation.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import synthetic

RESULTS = Path(__file__).resolve().parent / "results"

PRELUDE = """
import json, resource, sys, time
sys.path.insert(0, {folder!r})
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

PEERS = {
    "synth": """
import synth, synth.generate, pydantic
only = tuple(n for n in synth.generate.EMITTERS if not n.startswith("sdk"))
base = rss(); t0 = time.perf_counter()
spec = synth.load({pkg!r})
t1 = time.perf_counter()
files = synth.generate.generate(spec, only=only)
t2 = time.perf_counter()
print(json.dumps({{"build": t1 - t0, "emit": t2 - t1, "total": t2 - t0, "mem": rss() - base,
                   "files": len(files), "emitters": list(only)}}))
""",
    "sdk": """
import synth, synth.generate, pydantic
from datamodel_code_generator import InputFileType, PythonVersion, generate
from datamodel_code_generator.enums import DataModelType
import synth.document
from synth.emit import sdk_python
spec = synth.load({pkg!r})
document = synth.document.build(spec)
warm = {{"openapi": "3.1.0", "info": {{"title": "w", "version": "1"}}, "paths": {{}},
        "components": {{"schemas": {{"W": {{"type": "object", "properties": {{"a": {{"type": "string"}}}}}}}}}}}}
generate(warm, input_file_type=InputFileType.OpenAPI)  # import and first-call costs out of both
base = rss(); t0 = time.perf_counter()
sdk_python.emit(spec, synth.document.build(spec))  # the build counted, as before
t1 = time.perf_counter()
generate(dict(document), input_file_type=InputFileType.OpenAPI,
         output_model_type=DataModelType.PydanticV2BaseModel,
         target_python_version=PythonVersion.PY_311, disable_timestamp=True)
t2 = time.perf_counter()
print(json.dumps({{"build": 0.0, "emit": t1 - t0, "total": t1 - t0, "mem": rss() - base,
                   "alone": t2 - t1}}))
""",
    "fastapi": """
import fastapi, pydantic
base = rss(); t0 = time.perf_counter()
import fastapi_app
t1 = time.perf_counter()
doc = fastapi_app.app.openapi()
t2 = time.perf_counter()
print(json.dumps({{"build": t1 - t0, "emit": t2 - t1, "total": t2 - t0, "mem": rss() - base}}))
""",
    "floor": """
import importlib, pydantic, synth.contract
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
base = rss(); t0 = time.perf_counter()
models = []
for i in range({resources}):
    module = importlib.import_module(f"synthetic.models_{{i}}")
    models += [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == module.__name__]
t1 = time.perf_counter()
models_json_schema([(m, mode) for m in models for mode in ("validation", "serialization")])
t2 = time.perf_counter()
print(json.dumps({{"build": t1 - t0, "emit": t2 - t1, "total": t2 - t0, "mem": rss() - base}}))
""",
}


def run_peer(peer: str, folder: Path, pkg: Path, resources: int) -> dict[str, Any]:
    code = PRELUDE.format(folder=str(folder)) + PEERS[peer].format(
        pkg=str(pkg), resources=resources
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=folder
    )
    if out.returncode != 0:
        raise SystemExit(f"{peer} failed at R={resources}:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(resources: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        folder = Path(tmp)
        pkg = synthetic.write(folder, resources)
        runs: dict[str, list[dict[str, Any]]] = {peer: [] for peer in PEERS}
        for _ in range(repeat):
            for peer in PEERS:  # interleaved, so drifting machine load hits all peers alike
                runs[peer].append(run_peer(peer, folder, pkg, resources))
    row: dict[str, Any] = {"resources": resources, "operations": resources * 5}
    for peer, samples in runs.items():
        row[peer] = {
            key: statistics.median(s[key] for s in samples)
            for key in ("build", "emit", "total", "mem")
        }
    row["synth"]["emitters"] = runs["synth"][0]["emitters"]
    row["sdk"]["alone"] = statistics.median(s["alone"] for s in runs["sdk"])
    row["ratio_sdk_vs_datamodel_codegen"] = row["sdk"]["total"] / row["sdk"]["alone"]
    row["ratio_vs_floor"] = row["synth"]["total"] / row["floor"]["total"]
    row["ratio_vs_fastapi"] = row["synth"]["total"] / row["fastapi"]["total"]
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,20,200")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS / "generation.json")
    args = parser.parse_args(argv)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = measure(size, args.repeat)
        rows.append(row)
        print(
            f"R={size:>4}: synth {row['synth']['total']:.3f}s  fastapi {row['fastapi']['total']:.3f}s"
            f"  floor {row['floor']['total']:.3f}s  synth/floor {row['ratio_vs_floor']:.2f}"
            f"  synth/fastapi {row['ratio_vs_fastapi']:.2f}"
            f"  sdk {row['sdk']['total']:.3f}s vs datamodel-codegen {row['sdk']['alone']:.3f}s",
            flush=True,
        )
    exponents = {}
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        for peer in PEERS:
            exponents[peer] = math.log(b[peer]["total"] / a[peer]["total"]) / math.log(
                b["operations"] / a["operations"]
            )
    result = {"benchmark": "generation", "python": sys.version.split()[0], "rows": rows,
              "scaling_exponent": exponents, "repeat": args.repeat}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"scaling exponents (last two sizes): {exponents}")


if __name__ == "__main__":
    main()
