"""synth.testing: the runtime the generated tests call.

Target configuration, data generation from the contract models, every invariant of the
catalogue (implemented once, applied wherever the contract declares the semantics),
schemathesis conformance, and reporting.
"""

from ._authorization import object_level_authorization
from ._config import PROFILES, Profile, TargetConfig, Tenant, config_from_options
from ._conformance import conformance
from ._runner import check, run_check
from ._target import Target
from ._violation import Finding, Outcome, Violation
from .invariants import REGISTRY, Invariant, applicable

__all__ = [
    "PROFILES",
    "REGISTRY",
    "Finding",
    "Invariant",
    "Outcome",
    "Profile",
    "Target",
    "TargetConfig",
    "Tenant",
    "Violation",
    "applicable",
    "check",
    "config_from_options",
    "conformance",
    "object_level_authorization",
    "run_check",
]
