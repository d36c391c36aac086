"""The checks of the invariant catalogue: each implemented once, bound to its catalogue id."""

from . import caching, errors, idempotency, limits, observability, pagination, tenancy, updates
from ._registry import Invariant, applicable, bind

__all__ = ["REGISTRY", "Invariant", "applicable"]

# Importing the modules registers their checks; the order is the catalogue's (synth.catalogue).
_ = (idempotency, pagination, tenancy, errors, caching, updates, limits, observability)
REGISTRY = bind()
