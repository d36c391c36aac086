"""The invariant catalogue: every check once, applied wherever the contract declares its semantics."""

from . import caching, errors, idempotency, pagination, tenancy
from ._registry import REGISTRY, Invariant, applicable

__all__ = ["REGISTRY", "Invariant", "applicable"]

# Importing the modules registers their checks; the order here is the catalogue's order.
_ = (idempotency, pagination, tenancy, errors, caching)
