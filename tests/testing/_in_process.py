"""An example API's server (``examples/<name>/server.py``) in this process, as a target."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from synth import load
from synth.testing import Target, config_from_options


@contextlib.contextmanager
def example_target(name: str) -> Iterator[Target]:
    """A quick-profile, seed-1 target of example ``name``'s server app in process, its
    tenants as the example declares them; closed (what it made deleted) on the way out."""
    server = importlib.import_module(f"examples.{name}.server")
    example = importlib.import_module(f"examples.{name}.example")
    tenants = [f"{k}={v}" for k, v in example.TENANTS.items()]
    config = config_from_options(app=server.app, tenants=tenants, seed=1, env={},
                                 profile="quick", contracts=example.CONTRACTS)  # fmt: skip
    target = Target(config, load(example.CONTRACTS))
    try:
        yield target
    finally:
        target.close()
